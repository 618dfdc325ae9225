import { CfnOutput } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { MonitoringSettings, MonitoringSettingsInput } from '../config/monitoring';
import { IReplicationInstance, IReplicationTask } from '../dms';
import { alarmNamePrefix, alarmTopicName, dashboardName } from './alarm-names';
import { AlarmTopic } from './alarm-topic';
import { MigrationDashboard } from './dashboard';
import { DmsEventRule, DmsEventSubscriptions, IDmsEventSource } from './event-subscriptions';
import { DmsInstanceAlarms } from './instance-alarms';
import { DmsTaskAlarms } from './task-alarms';
import { parseMonitoringSettings, resolveInstanceThresholds, resolveTaskThresholds, TaskThresholds } from './thresholds';

export interface MigrationMonitoringProps {
  /** Environment name, used in alarm names, the topic name and the dashboard name. */
  readonly environmentName: string;
  readonly replicationInstance: IReplicationInstance;
  /** The instance class (e.g. dms.r6i.large): the FreeableMemory and AvailableMemory defaults derive from its memory. */
  readonly instanceClass: string;
  /** The instance's storage: the FreeStorageSpace threshold is a percent of it. */
  readonly allocatedStorageGiB: number;
  readonly tasks: readonly IReplicationTask[];
  /**
   * The environment's `monitoring` settings (parsed from cdk.json, or written by hand: they are
   * validated here with the same schema).
   * @default - every default (see lib/config/monitoring.ts)
   */
  readonly settings?: MonitoringSettingsInput;
  /**
   * Where the settings came from, for error messages (`<configSource>: environment "<name>": ...`).
   * @default "cdk.json"
   */
  readonly configSource?: string;
}

/**
 * Alarms, alarm topic, DMS event subscriptions and dashboard of one migration environment.
 *
 * - Per replication instance: CPUUtilization, FreeableMemory, AvailableMemory, SwapUsage, FreeStorageSpace and
 *   DiskQueueDepth alarms on ReplicationInstanceIdentifier.
 * - Per task: CDCLatencySource and CDCLatencyTarget alarms on ReplicationInstanceIdentifier +
 *   ReplicationTaskIdentifier (the task's resource identifier).
 * - Every alarm notifies the topic on ALARM and on OK; DMS instance and task events go to it too
 *   (an EventBridge rule by default, DMS event subscriptions as the option).
 *
 * Usable outside MigrationStack: give it any IReplicationInstance / IReplicationTask (imported
 * ones included), and add more with monitorReplicationInstance / monitorTask.
 */
export class MigrationMonitoring extends Construct {
  /** The environment's alarm topic (alarms, DMS events; publishers need `grantPublish`). */
  public readonly alarmTopic: sns.ITopic;
  /** The customer managed key the topic is encrypted with. */
  public readonly alarmTopicKey: kms.IKey;
  public readonly settings: MonitoringSettings;
  /** DMS event subscriptions, when `settings.dmsEvents` is "event-subscriptions". */
  public readonly eventSubscriptions?: DmsEventSubscriptions;
  /** The EventBridge rule for DMS events, when `settings.dmsEvents` is "eventbridge" (the default). */
  public readonly eventRule?: DmsEventRule;
  private readonly dmsEvents: IDmsEventSource;
  /** @default - undefined when `settings.dashboard` is false */
  public readonly dashboard?: MigrationDashboard;
  /** The alarms of the main replication instance. */
  public readonly instanceAlarms: DmsInstanceAlarms;
  private readonly environmentName: string;
  private readonly where: string;
  private readonly taskThresholds: TaskThresholds;
  private readonly instanceAlarmSets: DmsInstanceAlarms[] = [];
  private readonly taskAlarmSets: DmsTaskAlarms[] = [];
  private readonly taskScope: Construct;

  constructor(scope: Construct, id: string, props: MigrationMonitoringProps) {
    super(scope, id);
    this.environmentName = props.environmentName;
    this.where = `${props.configSource ?? 'cdk.json'}: environment "${props.environmentName}"`;
    this.settings = parseMonitoringSettings(props.settings, this.where);
    this.taskThresholds = resolveTaskThresholds(this.settings);

    const topic = new AlarmTopic(this, 'AlarmTopic', {
      topicName: alarmTopicName(props.environmentName),
      displayName: `DMS migration ${props.environmentName}`,
      emails: this.settings.notifications.emails,
      httpsUrls: this.settings.notifications.httpsUrls,
      keyAlias: `alias/${alarmTopicName(props.environmentName)}`,
    });
    this.alarmTopic = topic.topic;
    this.alarmTopicKey = topic.key;

    if (this.settings.dmsEvents === 'eventbridge') {
      this.eventRule = new DmsEventRule(this, 'DmsEvents', { ruleName: `dms-migration-${props.environmentName}-dms-events`, topic: this.alarmTopic });
      topic.allowEventBridgeRule(this.eventRule.ruleArn);
      this.dmsEvents = this.eventRule;
    } else {
      topic.allowDmsEventSubscriptions();
      this.eventSubscriptions = new DmsEventSubscriptions(this, 'Events', {
        environmentName: props.environmentName,
        topic: this.alarmTopic,
        topicDependency: topic,
      });
      this.dmsEvents = this.eventSubscriptions;
    }

    if (this.settings.dashboard) {
      this.dashboard = new MigrationDashboard(this, 'Dashboard', {
        dashboardName: dashboardName(props.environmentName),
        title: [
          `# DMS migration \`${props.environmentName}\``,
          `Alarms are named \`${alarmNamePrefix(props.environmentName)}...\` and notify the topic \`${alarmTopicName(props.environmentName)}\` on ALARM and OK. Runbook: README "Monitoring".`,
        ].join('\n\n'),
      });
    }

    this.taskScope = new Construct(this, 'Tasks');
    this.instanceAlarms = this.monitorReplicationInstance(props.replicationInstance, props.instanceClass, props.allocatedStorageGiB);
    for (const task of props.tasks) this.monitorTask(task);

    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn, description: `Alarm topic of ${props.environmentName}` });
  }

  /** Alarms, events and a dashboard row for a replication instance. */
  public monitorReplicationInstance(instance: IReplicationInstance, instanceClass: string, allocatedStorageGiB: number): DmsInstanceAlarms {
    const thresholds = resolveInstanceThresholds(this.settings, { instanceClass, allocatedStorageGiB, where: this.where });
    const id = this.instanceAlarmSets.length === 0 ? 'Instance' : `Instance-${instance.node.id}`;
    const alarms = new DmsInstanceAlarms(this, id, {
      environmentName: this.environmentName,
      replicationInstance: instance,
      thresholds,
      topic: this.alarmTopic,
    });
    this.instanceAlarmSets.push(alarms);
    this.dmsEvents.addReplicationInstance(instance);
    this.dashboard?.addReplicationInstance(instance, alarms);
    return alarms;
  }

  /**
   * Alarms, events and a dashboard row for a replication task. The alarms' construct id is the
   * task's own construct id (`Tasks/<id>`), so reordering tasks does not replace their alarms.
   */
  public monitorTask(task: IReplicationTask): DmsTaskAlarms {
    if (this.taskScope.node.tryFindChild(task.node.id)) {
      throw new Error(
        `${this.node.path}: a task with the construct id "${task.node.id}" is already monitored here (${task.node.path}): give tasks distinct construct ids`,
      );
    }
    const alarms = new DmsTaskAlarms(this.taskScope, task.node.id, {
      environmentName: this.environmentName,
      task,
      thresholds: this.taskThresholds,
      topic: this.alarmTopic,
    });
    this.taskAlarmSets.push(alarms);
    this.dmsEvents.addTask(task);
    this.dashboard?.addTask(task, alarms);
    return alarms;
  }

  /** The alarm sets of every monitored replication instance. */
  public get monitoredInstances(): readonly DmsInstanceAlarms[] {
    return [...this.instanceAlarmSets];
  }

  /** The alarm sets of every monitored task. */
  public get taskAlarms(): readonly DmsTaskAlarms[] {
    return [...this.taskAlarmSets];
  }

  /** Every alarm created here. */
  public get alarms(): cloudwatch.Alarm[] {
    return [...this.instanceAlarmSets.flatMap((a) => a.alarmList), ...this.taskAlarmSets.flatMap((a) => a.alarmList)];
  }
}
