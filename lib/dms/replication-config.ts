import { ArnFormat, RemovalPolicy, Resource, Stack } from 'aws-cdk-lib';
import * as dms from 'aws-cdk-lib/aws-dms';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { DMS_SERVERLESS_CAPACITY_UNITS } from '../config/schema';
import { IEndpoint } from './endpoint';
import { prepareReplication } from './replication-task';
import { IReplicationSubnetGroup } from './subnet-group';
import { JsonObject, MigrationType } from './task-settings';

/**
 * DMS Serverless capacity (CloudFormation reference, "AWS::DMS::ReplicationConfig ComputeConfig";
 * DMS API Reference, "ComputeConfig").
 */
export interface ServerlessCapacity {
  /** One of DMS_SERVERLESS_CAPACITY_UNITS; the only DCU value DMS requires. */
  readonly maxCapacityUnits: number;
  /** @default - DMS's minimum, 1 DCU */
  readonly minCapacityUnits?: number;
  /** @default false */
  readonly multiAz?: boolean;
  /** Not with multiAz. @default - a zone DMS chooses */
  readonly availabilityZone?: string;
  /** @default - DMS's default key of the account and region */
  readonly encryptionKey?: kms.IKey;
  /** @default - a window DMS chooses */
  readonly preferredMaintenanceWindow?: string;
}

export interface ServerlessReplicationProps {
  readonly vpc: ec2.IVpc;
  readonly subnetGroup: IReplicationSubnetGroup;
  readonly sourceEndpoint: IEndpoint;
  readonly targetEndpoint: IEndpoint;
  readonly migrationType: MigrationType;
  /** Table-mapping JSON (`{"rules": [...]}`), as validated by lib/mappings. */
  readonly tableMappings: string;
  /** The replication's name (ReplicationConfigIdentifier), lowercase. */
  readonly replicationConfigIdentifier: string;
  /**
   * Last segment of the replication-config ARN; set so the ARN is known at synth (for policies).
   * @default replicationConfigIdentifier (when it fits the 31-character limit)
   */
  readonly resourceIdentifier?: string;
  readonly capacity: ServerlessCapacity;
  /**
   * Overrides merged over the same typed defaults as a replication task's settings.
   * @default - the defaults of lib/dms/task-settings.ts
   */
  readonly settingsOverrides?: Record<string, unknown>;
  /** @default - the construct path */
  readonly settingsSource?: string;
  /** @default - one security group created here, all outbound allowed (DMS connects out to the databases) */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /** @default RemovalPolicy.RETAIN: deleting the stack must not delete a migration and its history */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * One DMS Serverless replication (AWS::DMS::ReplicationConfig): the same endpoints, table mapping
 * and settings as a replication task, with capacity in DCUs instead of an instance.
 *
 * DMS Serverless works through the account's service-linked role AWSServiceRoleForDMSServerless
 * (managed policy AWSDMSServerlessServiceRolePolicy); this construct does not create it, it exists
 * once per account (README "DMS Serverless", "The service-linked role").
 */
export class ServerlessReplication extends Resource implements ec2.IConnectable {
  /** The ARN built from the resource identifier, without a reference to the resource (for policies the replication depends on). */
  public static arnFromResourceIdentifier(scope: Construct, resourceIdentifier: string): string {
    return Stack.of(scope).formatArn({
      service: 'dms',
      resource: 'replication-config',
      resourceName: resourceIdentifier,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  public readonly replicationConfigArn: string;
  public readonly replicationConfigIdentifier: string;
  public readonly resourceIdentifier: string;
  public readonly migrationType: MigrationType;
  /** The merged settings, as written into the template. */
  public readonly settings: JsonObject;
  public readonly connections: ec2.Connections;

  constructor(scope: Construct, id: string, props: ServerlessReplicationProps) {
    super(scope, id, { physicalName: props.replicationConfigIdentifier });
    const name = props.replicationConfigIdentifier;
    const { resourceIdentifier, settings } = prepareReplication(this, 'replicationConfigIdentifier', { ...props, identifier: name });
    const capacity = props.capacity;
    const units = DMS_SERVERLESS_CAPACITY_UNITS as readonly number[];
    for (const [field, value] of [
      ['maxCapacityUnits', capacity.maxCapacityUnits],
      ['minCapacityUnits', capacity.minCapacityUnits],
    ] as const) {
      if (value !== undefined && !units.includes(value)) {
        throw new Error(`${this.node.path}: capacity.${field} ${value} is not a DMS Serverless DCU value (${units.join(', ')})`);
      }
    }
    if (capacity.minCapacityUnits !== undefined && capacity.minCapacityUnits > capacity.maxCapacityUnits) {
      throw new Error(`${this.node.path}: capacity.minCapacityUnits ${capacity.minCapacityUnits} is above maxCapacityUnits ${capacity.maxCapacityUnits}`);
    }
    if (capacity.multiAz && capacity.availabilityZone) {
      throw new Error(`${this.node.path}: capacity.availabilityZone "${capacity.availabilityZone}" cannot be set with multiAz (DMS API Reference, ComputeConfig)`);
    }
    this.settings = settings;
    this.migrationType = props.migrationType;

    const securityGroups = props.securityGroups ?? [
      new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc: props.vpc,
        description: `DMS Serverless replication ${name}`,
        allowAllOutbound: true,
      }),
    ];
    this.connections = new ec2.Connections({ securityGroups });

    const resource = new dms.CfnReplicationConfig(this, 'Resource', {
      replicationConfigIdentifier: name,
      resourceIdentifier,
      replicationType: props.migrationType,
      sourceEndpointArn: props.sourceEndpoint.endpointArn,
      targetEndpointArn: props.targetEndpoint.endpointArn,
      // TableMappings and ReplicationSettings are Json in this resource, not strings as in AWS::DMS::ReplicationTask.
      tableMappings: JSON.parse(props.tableMappings) as unknown,
      replicationSettings: this.settings,
      computeConfig: {
        maxCapacityUnits: capacity.maxCapacityUnits,
        minCapacityUnits: capacity.minCapacityUnits,
        multiAz: capacity.multiAz ?? false,
        availabilityZone: capacity.availabilityZone,
        kmsKeyId: capacity.encryptionKey?.keyArn,
        preferredMaintenanceWindow: capacity.preferredMaintenanceWindow,
        replicationSubnetGroupId: props.subnetGroup.replicationSubnetGroupIdentifier,
        vpcSecurityGroupIds: securityGroups.map((sg) => sg.securityGroupId),
      },
    });
    resource.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);
    resource.node.addDependency(props.subnetGroup);
    this.replicationConfigArn = resource.attrReplicationConfigArn;
    this.replicationConfigIdentifier = name;
    this.resourceIdentifier = resourceIdentifier;
  }
}
