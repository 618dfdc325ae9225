import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { InstanceMetric, TaskMetric } from '../dms/metrics';
import { InstanceAlarmKey, TaskAlarmKey } from './alarm-names';
import { InstanceThresholds, TaskThresholds } from './thresholds';

/**
 * What an alarm watches and how it evaluates. The metric (namespace AWS/DMS, dimensions) comes
 * from the lib/dms constructs; the definition fixes statistic, period and evaluation window.
 */
export interface DmsAlarmDefinition<K extends string, T> {
  readonly key: K;
  /** CloudWatch metric name in AWS/DMS. */
  readonly metricName: string;
  readonly statistic: string;
  readonly period: Duration;
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
  /** N: the periods looked at. */
  readonly evaluationPeriods: number;
  /** M: how many of them must breach. */
  readonly datapointsToAlarm: number;
  readonly treatMissingData: cloudwatch.TreatMissingData;
  /** The threshold from the resolved thresholds. */
  readonly threshold: (thresholds: T) => number;
  /** How the threshold reads in the alarm description. */
  readonly describeThreshold: (value: number) => string;
  /** What a firing alarm means. */
  readonly meaning: string;
  /** What to do when it fires (one line, also in README.md, "Monitoring"). */
  readonly runbook: string;
}

export type InstanceAlarmDefinition = DmsAlarmDefinition<InstanceAlarmKey, InstanceThresholds>;
export type TaskAlarmDefinition = DmsAlarmDefinition<TaskAlarmKey, TaskThresholds>;

/** DMS publishes every minute; five-minute averages smooth single-minute spikes. */
export const ALARM_PERIOD = Duration.minutes(5);

const bytes = (value: number) => {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = value;
  let unit = 0;
  while (v >= 1024 && unit < units.length - 1) {
    v /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} bytes` : `${Number(v.toFixed(2))} ${units[unit]} (${value} bytes)`;
};

/*
 * Instance metrics are published every minute for as long as the instance exists, so missing
 * data keeps its CloudWatch meaning (TreatMissingData.MISSING): an instance alarm that stays in
 * INSUFFICIENT_DATA points at a dimension that matches nothing, not at a quiet instance.
 * Instance outages are reported by the DMS event subscription (failure, failover).
 */
export const INSTANCE_ALARMS: readonly InstanceAlarmDefinition[] = [
  {
    key: 'cpu-utilization',
    metricName: InstanceMetric.CPU_UTILIZATION,
    statistic: cloudwatch.Stats.AVERAGE,
    period: ALARM_PERIOD,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: cloudwatch.TreatMissingData.MISSING,
    threshold: (t) => t.cpuUtilizationPercent,
    describeThreshold: (v) => `average CPU above ${v}% for 15 minutes`,
    meaning: 'The replication instance has been CPU-bound for 15 minutes; tasks slow down and CDC latency grows.',
    runbook:
      'Check which task drives it (dashboard throughput); lower MaxFullLoadSubTasks or stagger tasks, or move to a larger instance class (a modify restarts the instance: plan it).',
  },
  {
    key: 'freeable-memory',
    metricName: InstanceMetric.FREEABLE_MEMORY,
    statistic: cloudwatch.Stats.AVERAGE,
    period: ALARM_PERIOD,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: cloudwatch.TreatMissingData.MISSING,
    threshold: (t) => t.freeableMemoryBytes,
    describeThreshold: (v) => `average freeable memory below ${bytes(v)} for 15 minutes`,
    meaning: 'The replication instance has little buffer and cache memory left to free; DMS may start spilling cached changes to disk and swapping.',
    runbook:
      'FreeableMemory counts buffers and cache the kernel can free, and AWS says it "is not a indication of the actual free memory available": confirm with the available-memory alarm and SwapUsage before acting; if they agree, reduce parallel load (MaxFullLoadSubTasks, fewer concurrent tasks) or use a larger (r-family) instance class.',
  },
  {
    key: 'available-memory',
    metricName: InstanceMetric.AVAILABLE_MEMORY,
    statistic: cloudwatch.Stats.AVERAGE,
    period: ALARM_PERIOD,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: cloudwatch.TreatMissingData.MISSING,
    threshold: (t) => t.availableMemoryBytes,
    describeThreshold: (v) => `average available memory below ${bytes(v)} for 15 minutes`,
    meaning: 'The replication instance is short of memory for new work without swapping; cached changes go to disk and tasks slow down.',
    runbook:
      'AvailableMemory is the kernel\'s estimate of memory available without swapping (MemAvailable), the metric AWS recommends, unlike FreeableMemory, which counts freeable buffers and cache: look at SwapUsage and CDCChangesDisk*, reduce parallel load (MaxFullLoadSubTasks, fewer concurrent tasks) or use a larger (r-family) instance class.',
  },
  {
    key: 'swap-usage',
    metricName: InstanceMetric.SWAP_USAGE,
    statistic: cloudwatch.Stats.AVERAGE,
    period: ALARM_PERIOD,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: cloudwatch.TreatMissingData.MISSING,
    threshold: (t) => t.swapUsageBytes,
    describeThreshold: (v) => `average swap in use above ${bytes(v)} for 15 minutes`,
    meaning: 'The replication instance is swapping: memory is exhausted and every task on it slows down.',
    runbook: 'Treat as the available-memory alarm: reduce concurrent load or scale the instance class up.',
  },
  {
    key: 'free-storage-space',
    metricName: InstanceMetric.FREE_STORAGE_SPACE,
    statistic: cloudwatch.Stats.AVERAGE,
    period: ALARM_PERIOD,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: cloudwatch.TreatMissingData.MISSING,
    threshold: (t) => t.freeStorageSpaceBytes,
    describeThreshold: (v) => `average free storage below ${bytes(v)}`,
    meaning: 'The replication instance disk (task logs, swapped changes) is nearly full; a full disk stops every task.',
    runbook:
      'Raise replicationInstance.allocatedStorageGiB and deploy (online), and check for a task that caches changes to disk because the target is slow.',
  },
  {
    key: 'disk-queue-depth',
    metricName: InstanceMetric.DISK_QUEUE_DEPTH,
    statistic: cloudwatch.Stats.AVERAGE,
    period: ALARM_PERIOD,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: cloudwatch.TreatMissingData.MISSING,
    threshold: (t) => t.diskQueueDepth,
    describeThreshold: (v) => `average disk queue above ${v} requests for 15 minutes`,
    meaning: "The replication instance's storage cannot keep up with its I/O (swapped changes, task logs).",
    runbook:
      'Look at AvailableMemory (spilling to disk causes the I/O) and Read/WriteIOPS; more allocated storage gives gp2 more IOPS; a larger class keeps changes in memory.',
  },
];

/*
 * DMS publishes the CDC latency metrics only while a task is replicating changes. A task that
 * is only in full load, or stopped on purpose (by StopTaskCachedChangesApplied before the
 * restoration, or by an operator), publishes nothing, and missing data counts as not breaching:
 * those alarms stay OK. 2 of 3 five-minute periods ignores one slow batch (a large transaction,
 * a short target pause) but fires within 10-15 minutes of lasting lag. A task that fails also
 * stops publishing: failures come from the DMS event subscription, not from these alarms.
 */
export const TASK_ALARMS: readonly TaskAlarmDefinition[] = [
  {
    key: 'cdc-latency-source',
    metricName: TaskMetric.CDC_LATENCY_SOURCE,
    statistic: cloudwatch.Stats.AVERAGE,
    period: ALARM_PERIOD,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    threshold: (t) => t.cdcLatencySourceSeconds,
    describeThreshold: (v) => `average source CDC latency above ${v} s in 2 of 3 five-minute periods`,
    meaning: 'DMS reads the SQL Server transaction log late: changes reach DMS minutes after they commit.',
    runbook:
      'Check the source: log backups/truncation, MS-CDC or MS-Replication capture jobs, a long open transaction, network to the source; then instance CPU and memory.',
  },
  {
    key: 'cdc-latency-target',
    metricName: TaskMetric.CDC_LATENCY_TARGET,
    statistic: cloudwatch.Stats.AVERAGE,
    period: ALARM_PERIOD,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    threshold: (t) => t.cdcLatencyTargetSeconds,
    describeThreshold: (v) => `average target CDC latency above ${v} s in 2 of 3 five-minute periods`,
    meaning: 'Changes wait on the replication instance before Aurora MySQL commits them: the target is the bottleneck.',
    runbook:
      'Check Aurora (CPU, locks, missing indexes on the changed tables after the load), then consider BatchApplyEnabled in the task settings; if source latency is high too, fix the source first.',
  },
];
