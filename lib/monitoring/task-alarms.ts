import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { IReplicationTask } from '../dms';
import { TASK_ALARMS, TaskAlarmDefinition } from './alarm-definitions';
import { DmsAlarmFactory } from './alarm-factory';
import { taskAlarmName, TaskAlarmKey } from './alarm-names';
import { constructId } from './instance-alarms';
import { TaskThresholds } from './thresholds';

export interface DmsTaskAlarmsProps {
  /** Part of the alarm names. */
  readonly environmentName: string;
  readonly task: IReplicationTask;
  readonly thresholds: TaskThresholds;
  /** @default - no alarm actions */
  readonly topic?: sns.ITopic;
}

/**
 * CDCLatencySource and CDCLatencyTarget alarms on one replication task, with the dimensions
 * ReplicationInstanceIdentifier = its instance's identifier and ReplicationTaskIdentifier = its
 * resource identifier (the last segment of its ARN, the value the task resource is created with).
 */
export class DmsTaskAlarms extends Construct {
  public readonly task: IReplicationTask;
  public readonly alarms: Readonly<Record<TaskAlarmKey, cloudwatch.Alarm>>;
  public readonly thresholds: TaskThresholds;

  constructor(scope: Construct, id: string, props: DmsTaskAlarmsProps) {
    super(scope, id);
    this.task = props.task;
    this.thresholds = props.thresholds;
    const factory = new DmsAlarmFactory({ topic: props.topic });
    const task = props.task;
    const alarms = {} as Record<TaskAlarmKey, cloudwatch.Alarm>;
    for (const definition of TASK_ALARMS) {
      alarms[definition.key] = factory.createAlarm(
        this,
        constructId(definition.key),
        definition,
        taskMetric(task, definition),
        props.thresholds,
        taskAlarmName(props.environmentName, task.replicationTaskIdentifier, definition.key),
        `DMS task ${task.replicationTaskIdentifier} (${props.environmentName})`,
      );
    }
    this.alarms = alarms;
  }

  public get alarmList(): cloudwatch.Alarm[] {
    return TASK_ALARMS.map((d) => this.alarms[d.key]);
  }
}

function taskMetric(task: IReplicationTask, definition: TaskAlarmDefinition): cloudwatch.Metric {
  switch (definition.key) {
    case 'cdc-latency-source':
      return task.metricCdcLatencySource();
    case 'cdc-latency-target':
      return task.metricCdcLatencyTarget();
  }
}
