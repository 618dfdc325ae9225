import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { IReplicationInstance, IReplicationTask } from '../dms';
import { DmsInstanceAlarms } from './instance-alarms';
import { DmsTaskAlarms } from './task-alarms';

export interface MigrationDashboardProps {
  readonly dashboardName: string;
  /** Markdown shown at the top (environment, what to read first). */
  readonly title: string;
  /** @default 3 hours */
  readonly defaultInterval?: Duration;
}

const WIDTH = 24;
const THIRD = 8;
const HEIGHT = 6;

/**
 * A CloudWatch dashboard for one migration environment: alarm states first, then each
 * replication instance's resources, then each task's CDC latency and throughput.
 */
export class MigrationDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;
  private readonly alarmStatus: cloudwatch.IAlarm[] = [];

  constructor(scope: Construct, id: string, props: MigrationDashboardProps) {
    super(scope, id);
    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      dashboardName: props.dashboardName,
      defaultInterval: props.defaultInterval ?? Duration.hours(3),
    });
    this.dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: props.title, width: WIDTH, height: 2 }));
    // The alarm list is filled as instances and tasks are added; the widget reads it at synth.
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms',
        alarms: this.alarmStatus,
        width: WIDTH,
        height: HEIGHT,
        sortBy: cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
      }),
    );
  }

  /** A row of the instance's resources, with the alarm thresholds drawn on the graphs. */
  public addReplicationInstance(instance: IReplicationInstance, alarms?: DmsInstanceAlarms): void {
    const a = alarms?.alarms;
    if (alarms) this.alarmStatus.push(...alarms.alarmList);
    const name = instance.replicationInstanceIdentifier;
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({ markdown: `## Replication instance \`${name}\``, width: WIDTH, height: 1 }),
      graph(`${name}: CPU utilization (%)`, [instance.metricCpuUtilization()], a?.['cpu-utilization']),
      graph(`${name}: freeable memory (bytes)`, [instance.metricFreeableMemory()], a?.['freeable-memory']),
      graph(`${name}: available memory (bytes)`, [instance.metricAvailableMemory()], a?.['available-memory']),
      graph(`${name}: swap usage (bytes)`, [instance.metricSwapUsage()], a?.['swap-usage']),
      graph(`${name}: free storage space (bytes)`, [instance.metricFreeStorageSpace()], a?.['free-storage-space']),
      graph(`${name}: disk queue depth`, [instance.metricDiskQueueDepth()], a?.['disk-queue-depth']),
      graph(`${name}: read / write IOPS`, [instance.metricReadIops(), instance.metricWriteIops()]),
    );
  }

  /** A row of the task's CDC latency (source and target) and its full-load and CDC throughput. */
  public addTask(task: IReplicationTask, alarms?: DmsTaskAlarms): void {
    if (alarms) this.alarmStatus.push(...alarms.alarmList);
    const name = task.replicationTaskIdentifier;
    const annotations: cloudwatch.HorizontalAnnotation[] = [];
    if (alarms) {
      annotations.push({ value: alarms.thresholds.cdcLatencySourceSeconds, label: 'CDCLatencySource alarm' });
      if (alarms.thresholds.cdcLatencyTargetSeconds !== alarms.thresholds.cdcLatencySourceSeconds) {
        annotations.push({ value: alarms.thresholds.cdcLatencyTargetSeconds, label: 'CDCLatencyTarget alarm' });
      }
    }
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({ markdown: `## Task \`${name}\``, width: WIDTH, height: 1 }),
      new cloudwatch.GraphWidget({
        title: `${name}: CDC latency (s)`,
        left: [
          task.metricCdcLatencySource({ label: 'CDCLatencySource' }),
          task.metricCdcLatencyTarget({ label: 'CDCLatencyTarget' }),
        ],
        leftAnnotations: annotations,
        width: THIRD,
        height: HEIGHT,
      }),
      new cloudwatch.GraphWidget({
        title: `${name}: full-load throughput (rows/s)`,
        left: [task.metricFullLoadThroughputRowsTarget({ label: 'FullLoadThroughputRowsTarget' })],
        width: THIRD,
        height: HEIGHT,
      }),
      new cloudwatch.GraphWidget({
        title: `${name}: CDC throughput (rows/s)`,
        left: [
          task.metricCdcThroughputRowsSource({ label: 'CDCThroughputRowsSource' }),
          task.metricCdcThroughputRowsTarget({ label: 'CDCThroughputRowsTarget' }),
        ],
        width: THIRD,
        height: HEIGHT,
      }),
    );
  }
}

function graph(title: string, metrics: cloudwatch.IMetric[], alarm?: cloudwatch.Alarm): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({
    title,
    left: metrics,
    leftAnnotations: alarm ? [alarm.toAnnotation()] : [],
    width: THIRD,
    height: HEIGHT,
  });
}
