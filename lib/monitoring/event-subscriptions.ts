import { Lazy } from 'aws-cdk-lib';
import * as dms from 'aws-cdk-lib/aws-dms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IDependable } from 'constructs';
import { IReplicationInstance, IReplicationTask } from '../dms';

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
export class DmsEventSubscriptions extends Construct {
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
