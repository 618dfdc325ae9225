import { IResource, Resource } from 'aws-cdk-lib';
import * as dms from 'aws-cdk-lib/aws-dms';
import { Construct } from 'constructs';
import { DMS_IDENTIFIER } from '../config/schema';

export interface IReplicationSubnetGroup extends IResource {
  /** The subnet group's identifier (lowercase), as the replication instance refers to it. */
  readonly replicationSubnetGroupIdentifier: string;
}

export interface ReplicationSubnetGroupProps {
  /** Subnets in at least two Availability Zones. */
  readonly subnetIds: readonly string[];
  /** Lowercase identifier. */
  readonly replicationSubnetGroupIdentifier: string;
  /**
   * @default "DMS replication subnets for <identifier>"
   */
  readonly description?: string;
}

/** A DMS replication subnet group. */
export class ReplicationSubnetGroup extends Resource implements IReplicationSubnetGroup {
  public static fromReplicationSubnetGroupIdentifier(
    scope: Construct,
    id: string,
    replicationSubnetGroupIdentifier: string,
  ): IReplicationSubnetGroup {
    class Import extends Resource implements IReplicationSubnetGroup {
      public readonly replicationSubnetGroupIdentifier = replicationSubnetGroupIdentifier;
    }
    return new Import(scope, id);
  }

  public readonly replicationSubnetGroupIdentifier: string;

  constructor(scope: Construct, id: string, props: ReplicationSubnetGroupProps) {
    super(scope, id, { physicalName: props.replicationSubnetGroupIdentifier });
    const identifier = props.replicationSubnetGroupIdentifier;
    if (!DMS_IDENTIFIER.test(identifier) || identifier !== identifier.toLowerCase() || identifier.length > 255) {
      throw new Error(
        `${this.node.path}: replicationSubnetGroupIdentifier "${identifier}" must be lowercase letters, digits and single hyphens, starting with a letter`,
      );
    }
    if (props.subnetIds.length < 2) {
      throw new Error(`${this.node.path}: subnetIds must list at least two subnets in different Availability Zones (got ${props.subnetIds.length})`);
    }
    const resource = new dms.CfnReplicationSubnetGroup(this, 'Resource', {
      replicationSubnetGroupIdentifier: identifier,
      replicationSubnetGroupDescription: props.description ?? `DMS replication subnets for ${identifier}`,
      subnetIds: [...props.subnetIds],
    });
    this.replicationSubnetGroupIdentifier = resource.ref;
  }
}
