import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  AuroraMySqlTargetEndpoint,
  ReplicationInstance,
  ReplicationSubnetGroup,
  ReplicationTask,
  SqlServerSourceEndpoint,
} from '../../lib/dms';

export const MAPPINGS = JSON.stringify({
  rules: [
    {
      'rule-type': 'selection',
      'rule-id': '1',
      'rule-name': '1',
      'object-locator': { 'schema-name': 'Sales', 'table-name': '%' },
      'rule-action': 'include',
    },
  ],
});

export interface FixtureOptions {
  readonly instanceClass?: string;
  readonly allocatedStorageGiB?: number;
  /** Task names; each gets the resource identifier `rid-<name>` (distinct from its name on purpose). */
  readonly tasks?: readonly string[];
}

/** A stack with a replication instance, SQL Server and Aurora endpoints and tasks, built from lib/dms only. */
export function dmsFixture(options: FixtureOptions = {}) {
  const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-12345678', availabilityZones: ['eu-west-1a'] });
  const subnetGroup = new ReplicationSubnetGroup(stack, 'Subnets', {
    replicationSubnetGroupIdentifier: 'test-subnets',
    subnetIds: ['subnet-11111111', 'subnet-22222222'],
  });
  const instanceClass = options.instanceClass ?? 'dms.r6i.large';
  const allocatedStorageGiB = options.allocatedStorageGiB ?? 200;
  const instance = new ReplicationInstance(stack, 'Instance', {
    vpc,
    subnetGroup,
    replicationInstanceIdentifier: 'dms-test',
    instanceClass,
    engineVersion: '3.5.4',
    allocatedStorageGiB,
  });
  const secret = (id: string) =>
    secretsmanager.Secret.fromSecretCompleteArn(stack, id, `arn:aws:secretsmanager:eu-west-1:111111111111:secret:${id}-AbCdEf`);
  const source = new SqlServerSourceEndpoint(stack, 'Source', { endpointIdentifier: 'test-source', secret: secret('src'), databaseName: 'AdventureWorks' });
  const target = new AuroraMySqlTargetEndpoint(stack, 'Target', {
    endpointIdentifier: 'test-target',
    secret: secret('tgt'),
    certificateArn: 'arn:aws:dms:eu-west-1:111111111111:cert:RDSBUNDLE',
  });
  const tasks = (options.tasks ?? ['sales']).map(
    (name) =>
      new ReplicationTask(stack, `Task-${name}`, {
        replicationInstance: instance,
        sourceEndpoint: source,
        targetEndpoint: target,
        migrationType: 'full-load-and-cdc',
        tableMappings: MAPPINGS,
        replicationTaskIdentifier: `test-${name}`,
        resourceIdentifier: `rid-${name}`,
      }),
  );
  return { stack, instance, instanceClass, allocatedStorageGiB, tasks, source, target };
}
