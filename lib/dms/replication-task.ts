import { Annotations, ArnFormat, Fn, IResource, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dms from 'aws-cdk-lib/aws-dms';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DMS_IDENTIFIER } from '../config/schema';
import { MAX_TABLE_MAPPINGS_BYTES } from '../mappings/model';
import { IEndpoint } from './endpoint';
import { dmsMetric, INSTANCE_DIMENSION, TASK_DIMENSION, TaskMetric } from './metrics';
import { IReplicationInstance } from './replication-instance';
import { buildTaskSettings, JsonObject, MigrationType } from './task-settings';


export interface IReplicationTask extends IResource {
  readonly replicationTaskArn: string;
  /** The task's name (ReplicationTaskIdentifier in the DMS API). */
  readonly replicationTaskIdentifier: string;
  /**
   * The last segment of the task ARN: the value of the CloudWatch dimension
   * ReplicationTaskIdentifier (which is not the task's name).
   */
  readonly resourceIdentifier: string;
  readonly replicationInstance: IReplicationInstance;

  /** Any AWS/DMS task metric, with this task's dimension pair. */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Seconds between the last event captured from the source and now. */
  metricCdcLatencySource(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Seconds between the oldest event not yet committed on the target and now. */
  metricCdcLatencyTarget(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  metricCdcIncomingChanges(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  metricCdcChangesDiskSource(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  metricCdcChangesDiskTarget(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  metricCdcChangesMemorySource(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  metricCdcChangesMemoryTarget(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  metricCdcThroughputBandwidthSource(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  metricCdcThroughputBandwidthTarget(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  metricCdcThroughputRowsSource(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  metricCdcThroughputRowsTarget(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  metricFullLoadThroughputRowsTarget(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  metricFullLoadThroughputBandwidthTarget(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Start, stop and describe this task. */
  grantControl(grantee: iam.IGrantable): iam.Grant;
  /** Start and describe this task (what the runbook needs; it never stops a task). */
  grantStart(grantee: iam.IGrantable): iam.Grant;
  /** Describe this task and its table statistics. */
  grantRead(grantee: iam.IGrantable): iam.Grant;
}

export interface ReplicationTaskAttributes {
  readonly replicationTaskArn: string;
  readonly replicationTaskIdentifier: string;
  readonly replicationInstance: IReplicationInstance;
}

abstract class ReplicationTaskBase extends Resource implements IReplicationTask {
  public abstract readonly replicationTaskArn: string;
  public abstract readonly replicationTaskIdentifier: string;
  public abstract readonly resourceIdentifier: string;
  public abstract readonly replicationInstance: IReplicationInstance;

  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return dmsMetric(
      metricName,
      {
        [INSTANCE_DIMENSION]: this.replicationInstance.replicationInstanceIdentifier,
        [TASK_DIMENSION]: this.resourceIdentifier,
      },
      props,
    );
  }
  public metricCdcLatencySource(props?: cloudwatch.MetricOptions) {
    return this.metric(TaskMetric.CDC_LATENCY_SOURCE, props);
  }
  public metricCdcLatencyTarget(props?: cloudwatch.MetricOptions) {
    return this.metric(TaskMetric.CDC_LATENCY_TARGET, props);
  }
  public metricCdcIncomingChanges(props?: cloudwatch.MetricOptions) {
    return this.metric(TaskMetric.CDC_INCOMING_CHANGES, props);
  }
  public metricCdcChangesDiskSource(props?: cloudwatch.MetricOptions) {
    return this.metric(TaskMetric.CDC_CHANGES_DISK_SOURCE, props);
  }
  public metricCdcChangesDiskTarget(props?: cloudwatch.MetricOptions) {
    return this.metric(TaskMetric.CDC_CHANGES_DISK_TARGET, props);
  }
  public metricCdcChangesMemorySource(props?: cloudwatch.MetricOptions) {
    return this.metric(TaskMetric.CDC_CHANGES_MEMORY_SOURCE, props);
  }
  public metricCdcChangesMemoryTarget(props?: cloudwatch.MetricOptions) {
    return this.metric(TaskMetric.CDC_CHANGES_MEMORY_TARGET, props);
  }
  public metricCdcThroughputBandwidthSource(props?: cloudwatch.MetricOptions) {
    return this.metric(TaskMetric.CDC_THROUGHPUT_BANDWIDTH_SOURCE, props);
  }
  public metricCdcThroughputBandwidthTarget(props?: cloudwatch.MetricOptions) {
    return this.metric(TaskMetric.CDC_THROUGHPUT_BANDWIDTH_TARGET, props);
  }
  public metricCdcThroughputRowsSource(props?: cloudwatch.MetricOptions) {
    return this.metric(TaskMetric.CDC_THROUGHPUT_ROWS_SOURCE, props);
  }
  public metricCdcThroughputRowsTarget(props?: cloudwatch.MetricOptions) {
    return this.metric(TaskMetric.CDC_THROUGHPUT_ROWS_TARGET, props);
  }
  public metricFullLoadThroughputRowsTarget(props?: cloudwatch.MetricOptions) {
    return this.metric(TaskMetric.FULL_LOAD_THROUGHPUT_ROWS_TARGET, props);
  }
  public metricFullLoadThroughputBandwidthTarget(props?: cloudwatch.MetricOptions) {
    return this.metric(TaskMetric.FULL_LOAD_THROUGHPUT_BANDWIDTH_TARGET, props);
  }

  public grantControl(grantee: iam.IGrantable): iam.Grant {
    grantDescribeReplicationTasks(grantee);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['dms:StartReplicationTask', 'dms:StopReplicationTask', 'dms:DescribeTableStatistics'],
      resourceArns: [this.replicationTaskArn],
    });
  }
  public grantStart(grantee: iam.IGrantable): iam.Grant {
    grantDescribeReplicationTasks(grantee);
    return iam.Grant.addToPrincipal({ grantee, actions: ['dms:StartReplicationTask'], resourceArns: [this.replicationTaskArn] });
  }
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    grantDescribeReplicationTasks(grantee);
    return iam.Grant.addToPrincipal({ grantee, actions: ['dms:DescribeTableStatistics'], resourceArns: [this.replicationTaskArn] });
  }
}

/**
 * DescribeReplicationTasks has no resource-level permissions in IAM (it lists every task of the
 * account and region), so it can only be granted on "*"; callers filter by task ARN.
 */
export const DESCRIBE_REPLICATION_TASKS_ACTION = 'dms:DescribeReplicationTasks';

function grantDescribeReplicationTasks(grantee: iam.IGrantable): iam.Grant {
  return iam.Grant.addToPrincipal({ grantee, actions: [DESCRIBE_REPLICATION_TASKS_ACTION], resourceArns: ['*'] });
}

export interface ReplicationTaskProps {
  readonly replicationInstance: IReplicationInstance;
  readonly sourceEndpoint: IEndpoint;
  readonly targetEndpoint: IEndpoint;
  readonly migrationType: MigrationType;
  /** Table-mapping JSON (`{"rules": [...]}`), as validated by lib/mappings. */
  readonly tableMappings: string;
  /** The task's name, lowercase. */
  readonly replicationTaskIdentifier: string;
  /**
   * Last segment of the task ARN and the CloudWatch dimension value; set so both are known at synth.
   * @default replicationTaskIdentifier (when it fits the 31-character limit)
   */
  readonly resourceIdentifier?: string;
  /**
   * Overrides merged over the defaults of `defaultTaskSettings` (objects deep, values replaced).
   * @default - the defaults: logging on, TargetTablePrepMode DO_NOTHING, limited LOB mode,
   * validation on, StopTaskCachedChangesApplied for full-load-and-cdc
   */
  readonly settingsOverrides?: Record<string, unknown>;
  /**
   * Prefix for settings errors, naming where the overrides came from.
   * @default - the construct path
   */
  readonly settingsSource?: string;
  /**
   * @default RemovalPolicy.RETAIN: deleting the stack must not delete a migration's task and its history
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** A DMS replication task with a deterministic resource identifier and validated settings. */
export class ReplicationTask extends ReplicationTaskBase {
  /** Imports a task; the resource identifier is derived from the ARN (its 7th colon-separated field). */
  public static fromReplicationTaskAttributes(scope: Construct, id: string, attrs: ReplicationTaskAttributes): IReplicationTask {
    class Import extends ReplicationTaskBase {
      public readonly replicationTaskArn = attrs.replicationTaskArn;
      public readonly replicationTaskIdentifier = attrs.replicationTaskIdentifier;
      public readonly replicationInstance = attrs.replicationInstance;
      public readonly resourceIdentifier = Token.isUnresolved(attrs.replicationTaskArn)
        ? Fn.select(6, Fn.split(':', attrs.replicationTaskArn))
        : attrs.replicationTaskArn.split(':')[6];
    }
    return new Import(scope, id);
  }

  public readonly replicationTaskArn: string;
  public readonly replicationTaskIdentifier: string;
  public readonly resourceIdentifier: string;
  public readonly replicationInstance: IReplicationInstance;
  public readonly migrationType: MigrationType;
  /** The merged settings, as written into the template. */
  public readonly settings: JsonObject;

  constructor(scope: Construct, id: string, props: ReplicationTaskProps) {
    super(scope, id, { physicalName: props.replicationTaskIdentifier });
    const name = props.replicationTaskIdentifier;
    const { resourceIdentifier, settings } = prepareReplication(this, 'replicationTaskIdentifier', { ...props, identifier: name });
    this.settings = settings;
    this.migrationType = props.migrationType;

    const resource = new dms.CfnReplicationTask(this, 'Resource', {
      replicationTaskIdentifier: name,
      resourceIdentifier,
      migrationType: props.migrationType,
      replicationInstanceArn: props.replicationInstance.replicationInstanceArn,
      sourceEndpointArn: props.sourceEndpoint.endpointArn,
      targetEndpointArn: props.targetEndpoint.endpointArn,
      tableMappings: props.tableMappings,
      replicationTaskSettings: JSON.stringify(this.settings),
    });
    resource.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);
    // DMS writes the task's log into the instance's log group: let the stack create it (with its retention) first.
    if (props.replicationInstance.taskLogGroup) resource.node.addDependency(props.replicationInstance.taskLogGroup);
    this.replicationTaskArn = resource.ref;
    this.replicationTaskIdentifier = name;
    this.resourceIdentifier = resourceIdentifier;
    this.replicationInstance = props.replicationInstance;
  }

  /**
   * The task ARN built from the resource identifier, without a reference to the resource:
   * for policies on resources the task itself depends on.
   */
  public static arnFromResourceIdentifier(scope: Construct, resourceIdentifier: string): string {
    return Stack.of(scope).formatArn({
      service: 'dms',
      resource: 'task',
      resourceName: resourceIdentifier,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }
}

/**
 * What a replication task and a serverless replication config share: the identifier, the resource
 * identifier that fixes its ARN, the endpoints' directions, the mapping's size, and the merged
 * settings (their warnings become annotations on `scope`).
 */
export function prepareReplication(
  scope: Construct,
  identifierField: string,
  props: {
    readonly identifier: string;
    readonly resourceIdentifier?: string;
    readonly sourceEndpoint: IEndpoint;
    readonly targetEndpoint: IEndpoint;
    readonly migrationType: MigrationType;
    readonly tableMappings: string;
    readonly settingsOverrides?: Record<string, unknown>;
    readonly settingsSource?: string;
  },
): { readonly resourceIdentifier: string; readonly settings: JsonObject } {
  const path = scope.node.path;
  const name = props.identifier;
  if (name.length > 255 || !DMS_IDENTIFIER.test(name)) {
    throw new Error(`${path}: ${identifierField} "${name}" must be letters, digits and single hyphens, starting with a letter`);
  }
  const resourceIdentifier = props.resourceIdentifier ?? name;
  if (resourceIdentifier.length > 31 || !DMS_IDENTIFIER.test(resourceIdentifier)) {
    throw new Error(`${path}: resourceIdentifier "${resourceIdentifier}" must be at most 31 letters, digits and single hyphens, starting with a letter`);
  }
  if (props.sourceEndpoint.endpointType !== 'source') {
    throw new Error(`${path}: sourceEndpoint ${props.sourceEndpoint.endpointIdentifier} is a ${props.sourceEndpoint.endpointType} endpoint`);
  }
  if (props.targetEndpoint.endpointType !== 'target') {
    throw new Error(`${path}: targetEndpoint ${props.targetEndpoint.endpointIdentifier} is a ${props.targetEndpoint.endpointType} endpoint`);
  }
  const mappingBytes = Buffer.byteLength(props.tableMappings, 'utf8');
  if (mappingBytes > MAX_TABLE_MAPPINGS_BYTES) {
    throw new Error(`${path}: table mappings are ${mappingBytes} bytes; DMS accepts at most ${MAX_TABLE_MAPPINGS_BYTES}: split the selection across tasks`);
  }
  const { settings, warnings } = buildTaskSettings(props.migrationType, props.settingsOverrides ?? {}, props.settingsSource ?? `${path} settings`);
  for (const warning of warnings) Annotations.of(scope).addWarningV2('dms-migration:taskSettingNotInUserGuide', warning);
  return { resourceIdentifier, settings };
}
