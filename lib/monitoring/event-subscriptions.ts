import { ArnFormat, Lazy, Stack } from 'aws-cdk-lib';
import * as dms from 'aws-cdk-lib/aws-dms';
import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IDependable } from 'constructs';
import { IReplicationInstance, IReplicationTask } from '../dms';

/**
 * How DMS events reach the alarm topic: an EventBridge rule (the default; the DMS User Guide,
 * "Working with Amazon SNS events and notifications": "Beginning with the release of AWS DMS
 * 3.4.6 and with later versions, we recommend that you use Amazon EventBridge"), or DMS event
 * subscriptions (AWS::DMS::EventSubscription), the older mechanism.
 */
export type DmsEventDelivery = 'eventbridge' | 'event-subscriptions';

/** The first engine version the DMS User Guide names for EventBridge events. */
export const EVENTBRIDGE_MIN_ENGINE_VERSION = '3.4.6';

/** What MigrationMonitoring needs of either delivery. */
export interface IDmsEventSource {
  addReplicationInstance(instance: IReplicationInstance): void;
  addTask(task: IReplicationTask): void;
}

export interface DmsEventRuleProps {
  /** The rule's name; its ARN is known at synth from it, for the topic and key policies. */
  readonly ruleName: string;
  readonly topic: sns.ITopic;
  /** @default [] (add with addReplicationInstance) */
  readonly replicationInstances?: readonly IReplicationInstance[];
  /** @default [] (add with addTask) */
  readonly tasks?: readonly IReplicationTask[];
}

/**
 * An EventBridge rule on the default bus that sends every DMS event of this environment's
 * replication instances and tasks to the alarm topic. DMS sends its events to EventBridge with
 * `source: aws.dms` and the resource's ARN in `resources` (the User Guide's example event:
 * `"detail-type": "DMS Replication Task State Change"`, `"resources":
 * ["arn:aws:dms:...:task:..."]`, `detail.eventType`, `detail.detailMessage`); the rule matches
 * on those ARNs, so other migrations of the account do not page this environment's people.
 * The topic and its key must admit events.amazonaws.com for this rule (AlarmTopic.allowEventBridgeRule).
 */
export class DmsEventRule extends Construct implements IDmsEventSource {
  public readonly rule: events.Rule;
  /** The rule's ARN, built from its name (no token: key policies may refer to it without a cycle). */
  public readonly ruleArn: string;
  private readonly resources: string[] = [];

  constructor(scope: Construct, id: string, props: DmsEventRuleProps) {
    super(scope, id);
    this.ruleArn = Stack.of(this).formatArn({ service: 'events', resource: 'rule', resourceName: props.ruleName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    this.rule = new events.Rule(this, 'Rule', {
      ruleName: props.ruleName,
      description: 'DMS events of this environment\'s replication instance and tasks, to the alarm topic',
      eventPattern: { source: ['aws.dms'], resources: Lazy.list({ produce: () => [...this.resources] }) },
    });
    const field = (path: string) => events.EventField.fromPath(path);
    // Email readers get one line per event; the fields are the documented ones of the DMS event.
    const message = events.RuleTargetInput.fromText(
      `DMS event ${field('$.detail-type')} (${field('$.detail.eventType')}) at ${field('$.time')} for ${field('$.resources')}: ${field('$.detail.detailMessage')} ${field('$.detail.resourceLink')}`,
    );
    // A target of our own: events.targets.SnsTopic would grant events.amazonaws.com on the topic
    // without the aws:SourceArn condition that AlarmTopic.allowEventBridgeRule adds.
    this.rule.addTarget({ bind: () => ({ arn: props.topic.topicArn, input: message }) });
    for (const instance of props.replicationInstances ?? []) this.addReplicationInstance(instance);
    for (const task of props.tasks ?? []) this.addTask(task);
  }

  /** Sends this instance's events (state, class, storage, Multi-AZ, patch, failover). */
  public addReplicationInstance(instance: IReplicationInstance): void {
    this.resources.push(instance.replicationInstanceArn);
  }

  /** Sends this task's events (state changes: started, stopped, failed, ...). */
  public addTask(task: IReplicationTask): void {
    this.resources.push(task.replicationTaskArn);
  }
}

/**
 * DMS event categories (as returned by `aws dms describe-event-categories`) this project sends
 * to the alarm topic. Instance: the failover, low storage and maintenance, plus failure.
 * Task: failure and state change (started, stopped, full load finished...).
 */
export const INSTANCE_EVENT_CATEGORIES = ['failure', 'failover', 'low storage', 'maintenance'] as const;
export const TASK_EVENT_CATEGORIES = ['failure', 'state change'] as const;

export interface DmsEventSubscriptionsProps {
  /** Part of the subscription names. */
  readonly environmentName: string;
  readonly topic: sns.ITopic;
  /** The topic's policy and key policy must exist before DMS can publish: depend on them. */
  readonly topicDependency?: IDependable;
  /** @default [] (add with addReplicationInstance) */
  readonly replicationInstances?: readonly IReplicationInstance[];
  /** @default [] (add with addTask) */
  readonly tasks?: readonly IReplicationTask[];
}

/**
 * DMS event subscriptions (AWS::DMS::EventSubscription) for this environment's replication
 * instances and tasks, to the alarm topic. Each is limited by SourceIds to the environment's
 * own resources, so other migrations in the account do not page this environment's people; a
 * subscription is only created once it has a source (without SourceIds DMS would send the
 * events of every instance or task in the account).
 */
export class DmsEventSubscriptions extends Construct implements IDmsEventSource {
  private readonly props: DmsEventSubscriptionsProps;
  private readonly instanceIds: string[] = [];
  private readonly taskIds: string[] = [];
  private instanceEvents?: dms.CfnEventSubscription;
  private taskEvents?: dms.CfnEventSubscription;

  constructor(scope: Construct, id: string, props: DmsEventSubscriptionsProps) {
    super(scope, id);
    this.props = props;
    for (const instance of props.replicationInstances ?? []) this.addReplicationInstance(instance);
    for (const task of props.tasks ?? []) this.addTask(task);
  }

  /** The replication-instance subscription, once an instance was added. */
  public get instanceSubscription(): dms.CfnEventSubscription | undefined {
    return this.instanceEvents;
  }

  /** The replication-task subscription, once a task was added. */
  public get taskSubscription(): dms.CfnEventSubscription | undefined {
    return this.taskEvents;
  }

  /** Sends this instance's failure, failover, low-storage and maintenance events. */
  public addReplicationInstance(instance: IReplicationInstance): void {
    this.instanceEvents ??= this.subscription('InstanceEvents', 'instance', 'replication-instance', INSTANCE_EVENT_CATEGORIES, this.instanceIds);
    this.instanceIds.push(instance.replicationInstanceIdentifier);
    // DMS checks that the source exists when the subscription is created or updated.
    this.instanceEvents.node.addDependency(instance);
  }

  /** Sends this task's failure and state-change events. DMS names a task source by its task identifier. */
  public addTask(task: IReplicationTask): void {
    this.taskEvents ??= this.subscription('TaskEvents', 'task', 'replication-task', TASK_EVENT_CATEGORIES, this.taskIds);
    this.taskIds.push(task.replicationTaskIdentifier);
    this.taskEvents.node.addDependency(task);
  }

  private subscription(
    id: string,
    kind: string,
    sourceType: string,
    categories: readonly string[],
    sourceIds: readonly string[],
  ): dms.CfnEventSubscription {
    const subscription = new dms.CfnEventSubscription(this, id, {
      subscriptionName: `dms-migration-${this.props.environmentName}-${kind}-events`,
      snsTopicArn: this.props.topic.topicArn,
      sourceType,
      eventCategories: [...categories],
      sourceIds: Lazy.list({ produce: () => [...sourceIds] }),
      enabled: true,
    });
    if (this.props.topicDependency) subscription.node.addDependency(this.props.topicDependency);
    return subscription;
  }
}
