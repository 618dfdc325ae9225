import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import {
  DatabaseMigrationServiceClient,
  DescribeReplicationTasksCommand,
  DescribeTableStatisticsCommand,
  ReplicationTask,
  TableStatistics,
} from '@aws-sdk/client-database-migration-service';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DMS_NAMESPACE, INSTANCE_DIMENSION, TASK_DIMENSION, TaskMetric } from '../dms/metric-names';
import { instanceIdentifier, stackName, taskIdentifier, TaskSettingsConfig } from '../config';
import { alarmNamePrefix, instanceAlarmNames, taskAlarmNames } from '../monitoring/alarm-names';
import { runbookStateMachineName, stateMachineArn } from '../orchestration/names';
import type { RunReport } from '../orchestration/run-report';
import { hasEverRun } from '../orchestration/task-control';
import { awsCall, AwsEnvironment, awsErrorName, describeAwsError } from '../aws';
import { CliError } from './io';
import { DeployedDefinition, deployedDefinition, taskDrift } from './drift';
import {
  AlarmState,
  AlarmStatus,
  CdcLatency,
  EnvironmentStatus,
  FullLoadProgress,
  LatencySeries,
  RestorationState,
  RestorationStatus,
  STATUS_DOCUMENT_VERSION,
  summarizeTables,
  TableStatus,
  TaskStatus,
  taskPhase,
} from './model';

/*
 * Reads everything `status` and `cutover-check` show, with these calls (and IAM actions):
 *   dms:DescribeReplicationTasks   filter replication-task-id = <env>-<task>, with its settings and mapping (drift)
 *   dms:DescribeTableStatistics    paginated (Marker)
 *   cloudwatch:GetMetricData       CDCLatencySource/Target, paginated (NextToken)
 *   cloudwatch:DescribeAlarms      AlarmNamePrefix dms/<env>/, paginated (NextToken)
 *   states:ListExecutions          latest execution of dms-runbook-<env>-<task>
 *   states:DescribeExecution       its output (RunReport) or error/cause
 */

/*
 * Metric names and dimensions as in lib/dms/metrics.ts (repeated here because that module
 * imports aws-cdk-lib, which the CLI does not load).
 */
const CDC_LATENCY_SOURCE = TaskMetric.CDC_LATENCY_SOURCE;
const CDC_LATENCY_TARGET = TaskMetric.CDC_LATENCY_TARGET;

/** DMS publishes task metrics every minute. */
export const LATENCY_PERIOD_SECONDS = 60;
/** GetMetricData takes at most 500 queries per call. */
const MAX_QUERIES_PER_CALL = 500;

export type LatencyStatistic = 'Average' | 'Maximum';

export interface CollectOptions {
  readonly now: Date;
  /** Window of the CDC latency metrics, ending now. */
  readonly latencyWindowMinutes: number;
  readonly latencyStatistic: LatencyStatistic;
}

/** Reads the status of the given tasks of the connected environment. */
export async function collectStatus(
  aws: AwsEnvironment,
  tasks: readonly TaskSettingsConfig[],
  options: CollectOptions,
): Promise<EnvironmentStatus> {
  const env = aws.environment;
  const dmsTasks = await Promise.all(tasks.map((task) => findTask(aws, task, true)));
  const instance = instanceIdentifier(env);
  const resourceIds = dmsTasks.map((t) => resourceIdOf(t));
  const [tables, restorations, latencies, alarms] = await Promise.all([
    Promise.all(dmsTasks.map((t) => readTableStatistics(aws, t))),
    Promise.all(tasks.map((task) => readRestoration(aws, task))),
    readLatencies(aws, instance, resourceIds, options),
    readAlarms(aws, tasks),
  ]);
  return {
    version: STATUS_DOCUMENT_VERSION,
    environment: env.name,
    account: aws.account,
    region: aws.region,
    generatedAt: options.now.toISOString(),
    replicationInstance: instance,
    alarms: { namePrefix: alarmNamePrefix(env.name), items: alarms },
    tasks: tasks.map((task, i) => taskStatus(task, dmsTasks[i], tables[i], latencies[i], restorations[i], deployedOrError(env, task))),
  };
}

/** What the stack deploys for the task, or why it cannot be built (a config the synth would refuse). */
function deployedOrError(env: AwsEnvironment['environment'], task: TaskSettingsConfig): DeployedDefinition | Error {
  try {
    return deployedDefinition(env, task);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

function taskStatus(
  task: TaskSettingsConfig,
  dms: ReplicationTask,
  tables: TableStatus[],
  cdcLatency: CdcLatency,
  restoration: RestorationStatus,
  deployed: DeployedDefinition | Error,
): TaskStatus {
  const status = dms.Status ?? 'unknown';
  const stopReason = dms.StopReason ?? null;
  const migrationType = dms.MigrationType ?? task.migrationType;
  const fullLoad = fullLoadProgress(dms, tables);
  // ReplicationTaskStartDate is the scheduled start; the actual one is in ReplicationTaskStats.
  const hasRun = hasEverRun(dms);
  return {
    name: task.name,
    identifier: dms.ReplicationTaskIdentifier ?? '',
    resourceIdentifier: resourceIdOf(dms),
    arn: dms.ReplicationTaskArn ?? '',
    status,
    phase: taskPhase(status, stopReason, migrationType, fullLoad.finished, hasRun),
    stopReason,
    lastFailureMessage: dms.LastFailureMessage ?? null,
    migrationType,
    fullLoad,
    tables,
    tableSummary: summarizeTables(tables),
    cdcLatency,
    restoration,
    drift: taskDrift(dms, deployed),
  };
}

function fullLoadProgress(dms: ReplicationTask, tables: readonly TableStatus[]): FullLoadProgress {
  const stats = dms.ReplicationTaskStats;
  const percent = stats?.FullLoadProgressPercent ?? null;
  const loading = stats?.TablesLoading ?? 0;
  const queued = stats?.TablesQueued ?? 0;
  const tablesStillLoading = tables.some((t) => t.state === 'Before load' || t.state === 'Full load' || t.state === 'Table is being reloaded');
  const finished =
    !tablesStillLoading &&
    loading === 0 &&
    queued === 0 &&
    (!!stats?.FullLoadFinishDate || (percent === 100 && (stats?.TablesLoaded ?? 0) + (stats?.TablesErrored ?? 0) > 0));
  return {
    percent,
    tablesLoaded: stats?.TablesLoaded ?? 0,
    tablesLoading: loading,
    tablesQueued: queued,
    tablesErrored: stats?.TablesErrored ?? 0,
    startedAt: iso(stats?.FullLoadStartDate),
    finishedAt: iso(stats?.FullLoadFinishDate),
    elapsedSeconds: stats?.ElapsedTimeMillis === undefined ? null : Math.round(stats.ElapsedTimeMillis / 1000),
    finished,
  };
}

/** The task, by its ReplicationTaskIdentifier (with its settings document when asked); fails when the stack has not created it. */
export async function findTask(aws: AwsEnvironment, task: TaskSettingsConfig, withSettings = false): Promise<ReplicationTask> {
  const env = aws.environment;
  const id = taskIdentifier(env.name, task.name);
  const notFound = () =>
    new CliError(
      `task ${id} not found in account ${aws.account} region ${aws.region}: deploy the stack ${stackName(env.name)} first`,
    );
  let tasks: ReplicationTask[];
  try {
    const out = await aws.client(DatabaseMigrationServiceClient).send(
      new DescribeReplicationTasksCommand({ Filters: [{ Name: 'replication-task-id', Values: [id] }], WithoutSettings: !withSettings }),
    );
    tasks = out.ReplicationTasks ?? [];
  } catch (err) {
    // DMS answers a filter that matches nothing with ResourceNotFoundFault ("No Tasks found ...").
    if (awsErrorName(err) === 'ResourceNotFoundFault') throw notFound();
    throw describeAwsError(err, 'dms:DescribeReplicationTasks', id);
  }
  const found = tasks.find((t) => t.ReplicationTaskIdentifier === id);
  if (!found || !found.ReplicationTaskArn) throw notFound();
  return found;
}

/** Per-table statistics, every page; none for a task that has never run. */
export async function readTableStatistics(aws: AwsEnvironment, task: ReplicationTask): Promise<TableStatus[]> {
  const arn = task.ReplicationTaskArn ?? '';
  const tables: TableStatus[] = [];
  let marker: string | undefined;
  do {
    let page;
    try {
      page = await aws
        .client(DatabaseMigrationServiceClient)
        .send(new DescribeTableStatisticsCommand({ ReplicationTaskArn: arn, MaxRecords: 500, Marker: marker }));
    } catch (err) {
      // A task that has never started has no statistics; DMS may say so with this fault.
      if (awsErrorName(err) === 'InvalidResourceStateFault' && tables.length === 0) return [];
      throw describeAwsError(err, 'dms:DescribeTableStatistics', arn);
    }
    for (const t of page.TableStatistics ?? []) tables.push(tableStatus(t));
    marker = page.Marker || undefined;
  } while (marker);
  return tables.sort((a, b) => a.schema.localeCompare(b.schema) || a.table.localeCompare(b.table));
}

function tableStatus(t: TableStatistics): TableStatus {
  return {
    schema: t.SchemaName ?? '',
    table: t.TableName ?? '',
    state: t.TableState ?? 'unknown',
    fullLoadRows: t.FullLoadRows ?? 0,
    fullLoadErrorRows: t.FullLoadErrorRows ?? 0,
    inserts: t.Inserts ?? 0,
    updates: t.Updates ?? 0,
    deletes: t.Deletes ?? 0,
    ddls: t.Ddls ?? 0,
    validationState: t.ValidationState ?? null,
    validationFailedRecords: t.ValidationFailedRecords ?? 0,
    validationPendingRecords: t.ValidationPendingRecords ?? 0,
    validationSuspendedRecords: t.ValidationSuspendedRecords ?? 0,
    lastUpdatedAt: iso(t.LastUpdateTime),
  };
}

interface Point {
  readonly at: number;
  readonly value: number;
}

/**
 * CDCLatencySource and CDCLatencyTarget of each task over the window, with the alarms'
 * dimensions: ReplicationInstanceIdentifier = the instance identifier, ReplicationTaskIdentifier
 * = the task's resource id. One GetMetricData call (and its pages) for all tasks.
 */
export async function readLatencies(
  aws: AwsEnvironment,
  instance: string,
  resourceIds: readonly string[],
  options: CollectOptions,
): Promise<CdcLatency[]> {
  const end = new Date(options.now.getTime());
  const start = new Date(end.getTime() - options.latencyWindowMinutes * 60_000);
  const dimensionsOf = (resourceId: string) => ({ [INSTANCE_DIMENSION]: instance, [TASK_DIMENSION]: resourceId });
  const queries: MetricDataQuery[] = [];
  resourceIds.forEach((resourceId, i) => {
    for (const [prefix, metricName] of [
      ['s', CDC_LATENCY_SOURCE],
      ['t', CDC_LATENCY_TARGET],
    ] as const) {
      queries.push({
        Id: `${prefix}${i}`,
        ReturnData: true,
        MetricStat: {
          Metric: {
            Namespace: DMS_NAMESPACE,
            MetricName: metricName,
            Dimensions: Object.entries(dimensionsOf(resourceId)).map(([Name, Value]) => ({ Name, Value })),
          },
          Period: LATENCY_PERIOD_SECONDS,
          Stat: options.latencyStatistic,
        },
      });
    }
  });
  const points = new Map<string, Point[]>();
  for (let offset = 0; offset < queries.length; offset += MAX_QUERIES_PER_CALL) {
    const batch = queries.slice(offset, offset + MAX_QUERIES_PER_CALL);
    let nextToken: string | undefined;
    do {
      const page = await awsCall('cloudwatch:GetMetricData', `${DMS_NAMESPACE} CDCLatencySource/CDCLatencyTarget`, () =>
        aws.client(CloudWatchClient).send(
          new GetMetricDataCommand({
            MetricDataQueries: batch,
            StartTime: start,
            EndTime: end,
            ScanBy: 'TimestampAscending',
            NextToken: nextToken,
          }),
        ),
      );
      for (const result of page.MetricDataResults ?? []) {
        if (!result.Id) continue;
        const list = points.get(result.Id) ?? [];
        const timestamps = result.Timestamps ?? [];
        const values = result.Values ?? [];
        timestamps.forEach((t, i) => {
          if (values[i] !== undefined) list.push({ at: new Date(t).getTime(), value: values[i] });
        });
        points.set(result.Id, list);
      }
      nextToken = page.NextToken || undefined;
    } while (nextToken);
  }
  return resourceIds.map((resourceId, i) => ({
    windowMinutes: options.latencyWindowMinutes,
    statistic: options.latencyStatistic,
    periodSeconds: LATENCY_PERIOD_SECONDS,
    source: series(CDC_LATENCY_SOURCE, dimensionsOf(resourceId), points.get(`s${i}`) ?? []),
    target: series(CDC_LATENCY_TARGET, dimensionsOf(resourceId), points.get(`t${i}`) ?? []),
  }));
}

function series(metricName: string, dimensions: Record<string, string>, raw: readonly Point[]): LatencySeries {
  const byTime = new Map<number, number>();
  for (const p of raw) byTime.set(p.at, p.value);
  const sorted = [...byTime.entries()].map(([at, value]) => ({ at, value })).sort((a, b) => a.at - b.at);
  if (sorted.length === 0) {
    return { metricName, dimensions, datapoints: 0, latestSeconds: null, latestAt: null, maxSeconds: null, oldestAt: null, largestGapSeconds: null };
  }
  let largestGap = 0;
  for (let i = 1; i < sorted.length; i++) largestGap = Math.max(largestGap, sorted[i].at - sorted[i - 1].at);
  const latest = sorted[sorted.length - 1];
  return {
    metricName,
    dimensions,
    datapoints: sorted.length,
    latestSeconds: latest.value,
    latestAt: new Date(latest.at).toISOString(),
    maxSeconds: Math.max(...sorted.map((p) => p.value)),
    oldestAt: new Date(sorted[0].at).toISOString(),
    largestGapSeconds: Math.round(largestGap / 1000),
  };
}

/**
 * Every alarm under dms/<env>/ (names from lib/monitoring/alarm-names), plus the expected
 * instance and task alarms that do not exist (NOT_FOUND). Alarms of tasks not asked for are left out.
 */
export async function readAlarms(aws: AwsEnvironment, tasks: readonly TaskSettingsConfig[]): Promise<AlarmStatus[]> {
  const env = aws.environment;
  const prefix = alarmNamePrefix(env.name);
  const found = new Map<string, { state: AlarmState; reason: string | null; updatedAt: string | null }>();
  let nextToken: string | undefined;
  do {
    const page = await awsCall('cloudwatch:DescribeAlarms', `alarms ${prefix}*`, () =>
      aws.client(CloudWatchClient).send(
        new DescribeAlarmsCommand({
          AlarmNamePrefix: prefix,
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
          MaxRecords: 100,
          NextToken: nextToken,
        }),
      ),
    );
    for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
      if (!alarm.AlarmName) continue;
      found.set(alarm.AlarmName, {
        state: (alarm.StateValue as AlarmState | undefined) ?? 'INSUFFICIENT_DATA',
        reason: alarm.StateReason ?? null,
        updatedAt: iso(alarm.StateUpdatedTimestamp),
      });
    }
    nextToken = page.NextToken || undefined;
  } while (nextToken);

  const expected: Array<{ name: string; task: string | null }> = [];
  for (const name of Object.values(instanceAlarmNames(env.name, instanceIdentifier(env)))) expected.push({ name, task: null });
  for (const task of tasks) {
    for (const name of Object.values(taskAlarmNames(env.name, taskIdentifier(env.name, task.name)))) {
      expected.push({ name, task: task.name });
    }
  }
  const expectedNames = new Set(expected.map((e) => e.name));
  // Alarms of the environment's other tasks (when --task selects one) belong to those tasks.
  const otherTaskPrefixes = env.tasks
    .filter((t) => !tasks.some((s) => s.name === t.name))
    .map((t) => `${prefix}task/${taskIdentifier(env.name, t.name)}/`);

  const items: AlarmStatus[] = [];
  for (const { name, task } of expected) {
    const alarm = found.get(name);
    items.push(
      alarm ? { name, task, ...alarm } : { name, task, state: 'NOT_FOUND', reason: 'no such alarm (monitoring not deployed?)', updatedAt: null },
    );
  }
  for (const [name, alarm] of [...found.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (expectedNames.has(name)) continue;
    if (otherTaskPrefixes.some((p) => name.startsWith(p))) continue;
    items.push({ name, task: null, ...alarm });
  }
  return items;
}

/** The latest execution of the task's runbook state machine, with its run report. */
export async function readRestoration(aws: AwsEnvironment, task: TaskSettingsConfig): Promise<RestorationStatus> {
  const name = runbookStateMachineName(aws.environment.name, task.name);
  const arn = stateMachineArn(aws.partition, aws.region, aws.account, name);
  const sfn = aws.client(SFNClient);
  const empty = { stateMachine: name, executionArn: null, startedAt: null, stoppedAt: null, report: null, error: null, cause: null };
  let listed;
  try {
    listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 1 }));
  } catch (err) {
    if (awsErrorName(err) === 'StateMachineDoesNotExist') return { ...empty, state: 'NOT_DEPLOYED' };
    throw describeAwsError(err, 'states:ListExecutions', arn);
  }
  // ListExecutions lists the most recent execution first.
  const latest = listed.executions?.[0];
  if (!latest?.executionArn) return { ...empty, state: 'NOT_STARTED' };
  const executionArn = latest.executionArn;
  let described;
  try {
    described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  } catch (err) {
    throw describeAwsError(err, 'states:DescribeExecution', executionArn);
  }
  const state = (described.status ?? latest.status ?? 'RUNNING') as RestorationState;
  return {
    stateMachine: name,
    state,
    executionArn,
    startedAt: iso(described.startDate ?? latest.startDate),
    stoppedAt: iso(described.stopDate ?? latest.stopDate),
    report: parseRunReport(described.output) ?? parseRunReport(described.cause),
    error: described.error ?? null,
    cause: described.cause ?? null,
  };
}

/** A RunReport from an execution's output or cause; null when the text is not one. */
export function parseRunReport(text: string | undefined): RunReport | null {
  if (!text) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (isRunReport(value)) return value;
  // A Lambda error's cause wraps the message: {"errorMessage": "<RunReport JSON>", ...}.
  if (isObject(value) && typeof value.errorMessage === 'string') return parseRunReport(value.errorMessage);
  if (isObject(value) && isRunReport(value.report)) return value.report;
  return null;
}

function isRunReport(value: unknown): value is RunReport {
  if (!isObject(value) || value.version !== 1) return false;
  if (value.outcome !== 'SUCCEEDED' && value.outcome !== 'FAILED') return false;
  if (typeof value.restorationVerified !== 'boolean' || !isObject(value.counts)) return false;
  const counts = value.counts;
  return ['restored', 'skipped', 'failed', 'orphans'].every((k) => typeof counts[k] === 'number');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resourceIdOf(task: ReplicationTask): string {
  const arn = task.ReplicationTaskArn ?? '';
  return arn.split(':').pop() ?? '';
}

function iso(date: Date | undefined): string | null {
  return date ? new Date(date).toISOString() : null;
}
