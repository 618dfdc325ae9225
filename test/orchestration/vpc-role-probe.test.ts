import { CreateReplicationSubnetGroupCommand, DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import { Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { isComplete, onEvent, ProbeEvent } from '../../lib/orchestration/handlers/vpc-role-probe';
import { buildTestApp, stackOf } from '../support/app';

const dms = mockClient(DatabaseMigrationServiceClient);
const client = () => new DatabaseMigrationServiceClient({ region: 'eu-west-1' });
const props = { SubnetId: 'subnet-0a1b2c3d4e5f60011', ProbeIdentifier: 'dms-dev-vpc-role-probe' };
const event = (RequestType: 'Create' | 'Update' | 'Delete'): ProbeEvent =>
  ({ RequestType, ResourceProperties: { ServiceToken: 't', ...props }, OldResourceProperties: props, PhysicalResourceId: 'dms-vpc-role-ready:x' }) as unknown as ProbeEvent;
const fault = (name: string, message: string) => Object.assign(new Error(message), { name, $fault: 'client', $metadata: {} });

beforeEach(() => dms.reset());

async function probeOnce() {
  const lines: string[] = [];
  const result = await isComplete(event('Create'), client(), (l) => lines.push(l));
  return { result, log: JSON.parse(lines[0]) as { detail: string } };
}

describe('the dms-vpc-role probe', () => {
  test('asks DMS for a one-subnet group (which DMS never creates: it needs two AZs)', async () => {
    dms.on(CreateReplicationSubnetGroupCommand).rejects(fault('ReplicationSubnetGroupDoesNotCoverEnoughAZs', 'The replication subnet group does not cover enough Availability Zones'));
    const { result, log } = await probeOnce();
    expect(result).toEqual({ IsComplete: true });
    expect(log.detail).toMatch(/^DMS described the subnet through dms-vpc-role/);
    expect(dms.commandCalls(CreateReplicationSubnetGroupCommand)[0].args[0].input).toMatchObject({
      ReplicationSubnetGroupIdentifier: 'dms-dev-vpc-role-probe',
      SubnetIds: ['subnet-0a1b2c3d4e5f60011'],
    });
  });

  test('keeps waiting while DMS says the role is not configured properly (IAM propagation)', async () => {
    dms
      .on(CreateReplicationSubnetGroupCommand)
      .rejectsOnce(fault('AccessDeniedFault', 'The IAM Role arn:aws:iam::111111111111:role/dms-vpc-role is not configured properly.'))
      .rejectsOnce(fault('ReplicationSubnetGroupDoesNotCoverEnoughAZs', 'not enough AZs'));
    expect((await probeOnce()).result).toEqual({ IsComplete: false });
    expect((await probeOnce()).result).toEqual({ IsComplete: true });
  });

  test('an answer it cannot read stops the wait instead of failing a deploy that would have worked', async () => {
    dms.on(CreateReplicationSubnetGroupCommand).rejects(fault('AccessDeniedException', 'User is not authorized to perform: dms:CreateReplicationSubnetGroup'));
    const { result, log } = await probeOnce();
    expect(result).toEqual({ IsComplete: true });
    expect(log.detail).toBe('the probe cannot tell (AccessDeniedException: User is not authorized to perform: dms:CreateReplicationSubnetGroup); not waiting any longer');
  });

  test('a probe group DMS did create is named, with how to delete it', async () => {
    dms.on(CreateReplicationSubnetGroupCommand).resolves({});
    const { result, log } = await probeOnce();
    expect(result).toEqual({ IsComplete: true });
    expect(log.detail).toContain('aws dms delete-replication-subnet-group --replication-subnet-group-identifier dms-dev-vpc-role-probe');
  });

  test('delete does nothing; create names the resource after the probe', async () => {
    expect(await isComplete(event('Delete'), client(), () => undefined)).toEqual({ IsComplete: true });
    expect(dms.calls()).toHaveLength(0);
    expect(await onEvent(event('Create'))).toEqual({ PhysicalResourceId: 'dms-vpc-role-ready:dms-dev-vpc-role-probe' });
  });
});

describe('the stack that creates dms-vpc-role', () => {
  const app = buildTestApp();
  const dev = Template.fromStack(stackOf(app, 'dev'));
  const prod = Template.fromStack(stackOf(app, 'prod'));
  type Resource = { Properties: Record<string, unknown>; DependsOn?: string[] };

  test('creates the subnet group only once the probe found the role usable', () => {
    const [[probeId, probe]] = Object.entries(dev.findResources('Custom::DmsVpcRoleReady')) as Array<[string, Resource]>;
    expect(probe.Properties).toMatchObject({
      SubnetId: 'subnet-0a1b2c3d4e5f60011',
      ProbeIdentifier: 'dms-dev-vpc-role-probe',
      RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^AccountRolesVpcRole/), 'Arn'] },
    });
    const [subnetGroup] = Object.values(dev.findResources('AWS::DMS::ReplicationSubnetGroup')) as Resource[];
    expect(subnetGroup.DependsOn).toEqual(expect.arrayContaining([probeId, expect.stringMatching(/^AccountRolesVpcRole/)]));
  });

  test('the probe may only ask DMS for a subnet group', () => {
    const policies = Object.values(dev.findResources('AWS::IAM::Policy')) as Resource[];
    const probePolicy = policies.find((p) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => /^DmsVpcRoleReadyIsCompleteIdentityRole/.test(r.Ref)))!;
    const statements = (probePolicy.Properties.PolicyDocument as { Statement: Array<{ Action: unknown; Resource: unknown }> }).Statement;
    expect(statements.filter((s) => JSON.stringify(s.Action).includes('dms:'))).toEqual([
      expect.objectContaining({
        Action: 'dms:CreateReplicationSubnetGroup',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dms:eu-west-1:111111111111:subgrp:*']] },
      }),
    ]);
  });

  test('an environment whose account has the roles gets no probe', () => {
    prod.resourceCountIs('Custom::DmsVpcRoleReady', 0);
  });
});
