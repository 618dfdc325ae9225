import { Annotations, IResource, RemovalPolicy, Resource, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dms from 'aws-cdk-lib/aws-dms';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DMS_IDENTIFIER } from '../config/schema';
import { checkEngineVersion, checkInstanceClass, isoToday } from '../config/dms-catalog';
import { dmsMetric, INSTANCE_DIMENSION, InstanceMetric } from './metrics';
import { IReplicationSubnetGroup } from './subnet-group';

export interface IReplicationInstance extends IResource, ec2.IConnectable {
  readonly replicationInstanceArn: string;
  /** The identifier as DMS stores it (lowercase): the value of the ReplicationInstanceIdentifier dimension. */
  readonly replicationInstanceIdentifier: string;
  /**
   * The log group DMS writes this instance's task logs to (`dms-tasks-<identifier>`), when the
   * stack manages it; tasks on the instance are created after it.
   */
  readonly taskLogGroup?: logs.ILogGroup;

  /** Any AWS/DMS instance metric, with this instance's dimension. */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Percent of CPU in use. */
  metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /**
   * FreeableMemory, bytes: buffers and cache that can be freed. AWS: it "is not a indication of the
   * actual free memory available"; read it with SwapUsage, or use metricAvailableMemory.
   */
  metricFreeableMemory(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** AvailableMemory, bytes: "An estimate of how much memory is available for starting new applications, without swapping". */
  metricAvailableMemory(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Outstanding disk read/write requests. */
  metricDiskQueueDepth(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Bytes of storage left (task logs and swapped changes live here). */
  metricFreeStorageSpace(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Bytes of swap in use. */
  metricSwapUsage(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  metricReadIops(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  metricWriteIops(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  metricReadLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  metricWriteLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  metricReadThroughput(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  metricWriteThroughput(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  metricNetworkReceiveThroughput(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  metricNetworkTransmitThroughput(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

export interface ReplicationInstanceAttributes {
  readonly replicationInstanceArn: string;
  /** Lowercase, as DMS stores it. */
  readonly replicationInstanceIdentifier: string;
  /** @default - no security groups: connections cannot be managed */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

abstract class ReplicationInstanceBase extends Resource implements IReplicationInstance {
  public abstract readonly replicationInstanceArn: string;
  public abstract readonly replicationInstanceIdentifier: string;
  public abstract readonly connections: ec2.Connections;

  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return dmsMetric(metricName, { [INSTANCE_DIMENSION]: this.replicationInstanceIdentifier }, props);
  }
  public metricCpuUtilization(props?: cloudwatch.MetricOptions) {
    return this.metric(InstanceMetric.CPU_UTILIZATION, props);
  }
  public metricFreeableMemory(props?: cloudwatch.MetricOptions) {
    return this.metric(InstanceMetric.FREEABLE_MEMORY, props);
  }
  public metricAvailableMemory(props?: cloudwatch.MetricOptions) {
    return this.metric(InstanceMetric.AVAILABLE_MEMORY, props);
  }
  public metricDiskQueueDepth(props?: cloudwatch.MetricOptions) {
    return this.metric(InstanceMetric.DISK_QUEUE_DEPTH, props);
  }
  public metricFreeStorageSpace(props?: cloudwatch.MetricOptions) {
    return this.metric(InstanceMetric.FREE_STORAGE_SPACE, props);
  }
  public metricSwapUsage(props?: cloudwatch.MetricOptions) {
    return this.metric(InstanceMetric.SWAP_USAGE, props);
  }
  public metricReadIops(props?: cloudwatch.MetricOptions) {
    return this.metric(InstanceMetric.READ_IOPS, props);
  }
  public metricWriteIops(props?: cloudwatch.MetricOptions) {
    return this.metric(InstanceMetric.WRITE_IOPS, props);
  }
  public metricReadLatency(props?: cloudwatch.MetricOptions) {
    return this.metric(InstanceMetric.READ_LATENCY, props);
  }
  public metricWriteLatency(props?: cloudwatch.MetricOptions) {
    return this.metric(InstanceMetric.WRITE_LATENCY, props);
  }
  public metricReadThroughput(props?: cloudwatch.MetricOptions) {
    return this.metric(InstanceMetric.READ_THROUGHPUT, props);
  }
  public metricWriteThroughput(props?: cloudwatch.MetricOptions) {
    return this.metric(InstanceMetric.WRITE_THROUGHPUT, props);
  }
  public metricNetworkReceiveThroughput(props?: cloudwatch.MetricOptions) {
    return this.metric(InstanceMetric.NETWORK_RECEIVE_THROUGHPUT, props);
  }
  public metricNetworkTransmitThroughput(props?: cloudwatch.MetricOptions) {
    return this.metric(InstanceMetric.NETWORK_TRANSMIT_THROUGHPUT, props);
  }
}

export interface ReplicationInstanceProps {
  /** The VPC of the subnet group; the instance's security group is created in it. */
  readonly vpc: ec2.IVpc;
  readonly subnetGroup: IReplicationSubnetGroup;
  /** For example `dms.r6i.large`. */
  /**
   * For example `dms.r6i.large`: a class from the DMS instance-class table (lib/config/dms-catalog.ts).
   * A class that cannot exist fails; one the table does not list is a warning.
   */
  readonly instanceClass: string;
  /**
   * DMS engine version, for example `3.5.4`: one from the release notes' table. One DMS no longer
   * creates instances with is a warning.
   */
  readonly engineVersion: string;
  /**
   * Lowercase identifier: DMS stores it lowercase, and the CloudWatch dimension carries that
   * form, so a mixed-case identifier would leave alarms without data.
   */
  readonly replicationInstanceIdentifier: string;
  /**
   * Storage in GiB.
   * @default 100
   */
  readonly allocatedStorageGiB?: number;
  /**
   * @default false
   */
  readonly multiAz?: boolean;
  /**
   * Key that encrypts the instance storage.
   * @default - a customer managed key with rotation, created here
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * @default - a new security group in `vpc`, all outbound allowed (DMS reaches Secrets Manager and the databases)
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * @default - DMS picks a weekly window
   */
  readonly preferredMaintenanceWindow?: string;
  /**
   * Minor upgrades restart the instance; during a migration that is a decision for a person.
   * @default false
   */
  readonly autoMinorVersionUpgrade?: boolean;
  /**
   * @default RemovalPolicy.RETAIN, so a mistaken stack change cannot delete a running migration
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Retention of the task log group. DMS creates `dms-tasks-<identifier>` itself, without a
   * retention, when a task with logging starts ("Logging task settings"); the construct creates it
   * first so that the logs expire. `null` leaves the group to DMS (it then never expires).
   * @default logs.RetentionDays.SIX_MONTHS
   */
  readonly taskLogRetention?: logs.RetentionDays | null;
}

/**
 * A DMS replication instance that is never publicly accessible and always KMS-encrypted.
 */
export class ReplicationInstance extends ReplicationInstanceBase {
  public static fromReplicationInstanceAttributes(
    scope: Construct,
    id: string,
    attrs: ReplicationInstanceAttributes,
  ): IReplicationInstance {
    class Import extends ReplicationInstanceBase {
      public readonly replicationInstanceArn = attrs.replicationInstanceArn;
      public readonly replicationInstanceIdentifier = attrs.replicationInstanceIdentifier;
      public readonly connections = new ec2.Connections({ securityGroups: attrs.securityGroups });
    }
    return new Import(scope, id);
  }

  public readonly replicationInstanceArn: string;
  public readonly replicationInstanceIdentifier: string;
  public readonly connections: ec2.Connections;
  public readonly encryptionKey: kms.IKey;
  public readonly taskLogGroup?: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ReplicationInstanceProps) {
    super(scope, id, { physicalName: props.replicationInstanceIdentifier });
    const identifier = props.replicationInstanceIdentifier;
    if (!Token.isUnresolved(identifier)) {
      if (identifier.length > 63 || !DMS_IDENTIFIER.test(identifier)) {
        throw new Error(
          `${this.node.path}: replicationInstanceIdentifier "${identifier}" must be 1-63 letters, digits and single hyphens, starting with a letter`,
        );
      }
      if (identifier !== identifier.toLowerCase()) {
        throw new Error(
          `${this.node.path}: replicationInstanceIdentifier "${identifier}" must be lowercase: DMS stores "${identifier.toLowerCase()}" and metrics carry that value`,
        );
      }
    }
    checkClassAndVersion(this, props.instanceClass, props.engineVersion);
    const storage = props.allocatedStorageGiB ?? 100;
    if (storage < 5 || storage > 6144 || !Number.isInteger(storage)) {
      throw new Error(`${this.node.path}: allocatedStorageGiB ${storage} must be an integer from 5 to 6144`);
    }

    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: `Storage of DMS replication instance ${identifier}`,
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    const securityGroups = props.securityGroups ?? [
      new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc: props.vpc,
        description: `DMS replication instance ${identifier}`,
        allowAllOutbound: true,
      }),
    ];
    this.connections = new ec2.Connections({ securityGroups });

    const resource = new dms.CfnReplicationInstance(this, 'Resource', {
      replicationInstanceIdentifier: identifier,
      resourceIdentifier: identifier.length <= 31 ? identifier : undefined,
      replicationInstanceClass: props.instanceClass,
      engineVersion: props.engineVersion,
      allocatedStorage: storage,
      multiAz: props.multiAz ?? false,
      publiclyAccessible: false,
      kmsKeyId: this.encryptionKey.keyArn,
      replicationSubnetGroupIdentifier: props.subnetGroup.replicationSubnetGroupIdentifier,
      vpcSecurityGroupIds: securityGroups.map((sg) => sg.securityGroupId),
      preferredMaintenanceWindow: props.preferredMaintenanceWindow,
      autoMinorVersionUpgrade: props.autoMinorVersionUpgrade ?? false,
      allowMajorVersionUpgrade: false,
    });
    resource.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);
    this.replicationInstanceArn = resource.ref;
    this.replicationInstanceIdentifier = identifier;

    const retention = props.taskLogRetention === undefined ? logs.RetentionDays.SIX_MONTHS : props.taskLogRetention;
    if (retention !== null) {
      // The name DMS gives the group: "CloudWatchLogGroup: dms-tasks-<REPLICATION_INSTANCE_IDENTIFIER>".
      // Retained with the instance: the logs of a migration outlive a mistaken stack change, and expire.
      this.taskLogGroup = new logs.LogGroup(this, 'TaskLogs', {
        logGroupName: `dms-tasks-${identifier}`,
        retention,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    }
  }
}

/** Fails on a class or version that cannot exist; warns on one DMS may refuse (lib/config/dms-catalog.ts). */
function checkClassAndVersion(scope: Construct, instanceClass: string, engineVersion: string): void {
  if (!Token.isUnresolved(instanceClass)) {
    const check = checkInstanceClass(instanceClass);
    if (check.kind === 'invalid') throw new Error(`${scope.node.path}: instanceClass ${check.message}`);
    if (check.kind === 'undocumented') Annotations.of(scope).addWarningV2('dms-migration:instanceClassNotInUserGuide', `instanceClass ${check.message}`);
  }
  if (!Token.isUnresolved(engineVersion)) {
    const check = checkEngineVersion(engineVersion, isoToday());
    if (check.kind === 'invalid') throw new Error(`${scope.node.path}: engineVersion ${check.message}`);
    if (check.kind === 'warning') Annotations.of(scope).addWarningV2('dms-migration:engineVersion', check.message);
  }
}

