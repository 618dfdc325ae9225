import { CreateReplicationSubnetGroupCommand, DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

/**
 * `Custom::DmsVpcRoleReady`: completes once DMS can use `dms-vpc-role`, so that the replication
 * subnet group, created after it, does not fail with "AccessDeniedFault: The IAM Role
 * arn:aws:iam::...:role/dms-vpc-role is not configured properly" while IAM propagates the new
 * role (terraform-aws-modules/terraform-aws-dms #6, #7; hashicorp/terraform-provider-aws #11025:
 * a dependency on the role is not enough).
 *
 * The probe asks DMS for a subnet group with ONE subnet. DMS can only tell which Availability
 * Zones a subnet is in by describing it through dms-vpc-role, so:
 * - AccessDeniedFault naming dms-vpc-role: the role is not usable yet; ask again later;
 * - ReplicationSubnetGroupDoesNotCoverEnoughAZs (DMS requires two AZs): the role worked, and
 *   nothing was created;
 * - anything else: the probe cannot tell; it stops waiting (never blocks a deploy that would
 *   have worked) and logs why.
 */

export interface ProbeProperties {
  readonly SubnetId: string;
  /** Identifier of the probe request (never created: one subnet is one AZ). */
  readonly ProbeIdentifier: string;
}

export type ProbeEvent = CloudFormationCustomResourceEvent<ProbeProperties, ProbeProperties>;

export type ProbeVerdict = { readonly usable: true; readonly detail: string } | { readonly usable: false; readonly detail: string };

/** What DMS's answer to the one-subnet request says about dms-vpc-role. */
export function judgeProbe(error: unknown, probeIdentifier: string): ProbeVerdict {
  if (error === undefined) {
    return { usable: true, detail: `DMS created the probe subnet group ${probeIdentifier} although it has one subnet; dms-vpc-role works. Delete it: aws dms delete-replication-subnet-group --replication-subnet-group-identifier ${probeIdentifier}` };
  }
  const name = (error as { name?: string }).name ?? '';
  const message = (error as Error).message ?? '';
  if (name === 'AccessDeniedFault' && /dms-vpc-role/.test(message)) return { usable: false, detail: `not usable yet: ${message}` };
  if (name === 'ReplicationSubnetGroupDoesNotCoverEnoughAZs') return { usable: true, detail: 'DMS described the subnet through dms-vpc-role (one subnet covers one AZ): the role is usable' };
  if (name === 'ResourceAlreadyExistsFault') return { usable: true, detail: `a subnet group ${probeIdentifier} exists, which DMS only creates with a usable dms-vpc-role` };
  return { usable: true, detail: `the probe cannot tell (${name}: ${message}); not waiting any longer` };
}

export async function probe(dms: DatabaseMigrationServiceClient, props: ProbeProperties): Promise<ProbeVerdict> {
  try {
    await dms.send(
      new CreateReplicationSubnetGroupCommand({
        ReplicationSubnetGroupIdentifier: props.ProbeIdentifier,
        ReplicationSubnetGroupDescription: 'Probe of dms-vpc-role (one subnet: DMS refuses it once the role works)',
        SubnetIds: [props.SubnetId],
      }),
    );
    return judgeProbe(undefined, props.ProbeIdentifier);
  } catch (err) {
    return judgeProbe(err, props.ProbeIdentifier);
  }
}

export async function onEvent(event: ProbeEvent): Promise<{ PhysicalResourceId: string }> {
  return { PhysicalResourceId: event.RequestType === 'Create' ? `dms-vpc-role-ready:${event.ResourceProperties.ProbeIdentifier}` : event.PhysicalResourceId };
}

/** Polled by the Provider framework until complete (bounded by its total timeout). */
export async function isComplete(event: ProbeEvent, dms: DatabaseMigrationServiceClient, log: (line: string) => void): Promise<{ IsComplete: boolean }> {
  if (event.RequestType === 'Delete') return { IsComplete: true };
  const verdict = await probe(dms, event.ResourceProperties);
  log(JSON.stringify({ probe: event.ResourceProperties.ProbeIdentifier, ...verdict }));
  return { IsComplete: verdict.usable };
}

const dmsClient = new DatabaseMigrationServiceClient({});

export async function onEventHandler(event: ProbeEvent) {
  return onEvent(event);
}

export async function isCompleteHandler(event: ProbeEvent) {
  return isComplete(event, dmsClient, (line) => console.log(line));
}
