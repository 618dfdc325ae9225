import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AuroraMySqlTargetEndpoint, ReplicationSubnetGroup, ServerlessReplication, ServerlessReplicationProps, SqlServerSourceEndpoint } from '../../lib/dms';

const MAPPINGS = {
  rules: [{ 'rule-type': 'selection', 'rule-id': '1', 'rule-name': '1', 'object-locator': { 'schema-name': 'Sales', 'table-name': '%' }, 'rule-action': 'include' }],
};
const KEY = 'arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-4000-8000-000000000001';

function build(patch: Partial<ServerlessReplicationProps> = {}) {
  const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-12345678', availabilityZones: ['eu-west-1a'] });
  const subnetGroup = new ReplicationSubnetGroup(stack, 'Subnets', { replicationSubnetGroupIdentifier: 'test-subnets', subnetIds: ['subnet-11111111', 'subnet-22222222'] });
  const secret = (id: string) => secretsmanager.Secret.fromSecretCompleteArn(stack, id, `arn:aws:secretsmanager:eu-west-1:111111111111:secret:${id}-AbCdEf`);
  const sourceEndpoint = new SqlServerSourceEndpoint(stack, 'Source', { endpointIdentifier: 'test-source', secret: secret('src'), databaseName: 'AdventureWorks' });
  const targetEndpoint = new AuroraMySqlTargetEndpoint(stack, 'Target', {
    endpointIdentifier: 'test-target',
    secret: secret('tgt'),
    certificateArn: 'arn:aws:dms:eu-west-1:111111111111:cert:RDSBUNDLE',
  });
  const replication = new ServerlessReplication(stack, 'Replication', {
    vpc,
    subnetGroup,
    sourceEndpoint,
    targetEndpoint,
    migrationType: 'full-load-and-cdc',
    tableMappings: JSON.stringify(MAPPINGS),
    replicationConfigIdentifier: 'test-adventureworks',
    capacity: { minCapacityUnits: 2, maxCapacityUnits: 16 },
    ...patch,
  });
  return { stack, replication, sourceEndpoint, targetEndpoint };
}

describe('ServerlessReplication', () => {
  test('is an AWS::DMS::ReplicationConfig with the endpoints, the mapping and the task settings as JSON, and the capacity in DCUs', () => {
    const { stack, replication } = build();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::DMS::ReplicationConfig', 1);
    template.hasResource('AWS::DMS::ReplicationConfig', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('^Subnets')]),
      Properties: {
        ReplicationConfigIdentifier: 'test-adventureworks',
        ResourceIdentifier: 'test-adventureworks',
        ReplicationType: 'full-load-and-cdc',
        SourceEndpointArn: { Ref: Match.stringLikeRegexp('^Source') },
        TargetEndpointArn: { Ref: Match.stringLikeRegexp('^Target') },
        TableMappings: MAPPINGS,
        ReplicationSettings: Match.objectLike({ TargetMetadata: Match.objectLike({}), Logging: Match.objectLike({ EnableLogging: true }) }),
        ComputeConfig: {
          MinCapacityUnits: 2,
          MaxCapacityUnits: 16,
          MultiAZ: false,
          ReplicationSubnetGroupId: { Ref: Match.stringLikeRegexp('^Subnets') },
          VpcSecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^ReplicationSecurityGroup'), 'GroupId'] }],
        },
      },
    });
    // The same merged settings as a replication task gets, written as an object (the property is Json).
    const [resource] = Object.values(template.findResources('AWS::DMS::ReplicationConfig'));
    expect(resource.Properties.ReplicationSettings).toEqual(replication.settings);
  });
  test('Multi-AZ, a customer key and a maintenance window go into ComputeConfig', () => {
    const { stack } = build({
      capacity: { maxCapacityUnits: 384, multiAz: true, encryptionKey: kms.Key.fromKeyArn(new Stack(), 'K', KEY), preferredMaintenanceWindow: 'sun:02:00-sun:03:00' },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::DMS::ReplicationConfig', {
      ComputeConfig: Match.objectLike({ MaxCapacityUnits: 384, MultiAZ: true, KmsKeyId: KEY, PreferredMaintenanceWindow: 'sun:02:00-sun:03:00', MinCapacityUnits: Match.absent() }),
    });
  });
  test('the ARN is known at synth from the resource identifier', () => {
    const { stack } = build();
    expect(stack.resolve(ServerlessReplication.arnFromResourceIdentifier(stack, 'test-adventureworks'))).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dms:eu-west-1:111111111111:replication-config:test-adventureworks']],
    });
  });
  test.each([
    [{ capacity: { maxCapacityUnits: 3 } }, 'capacity.maxCapacityUnits 3 is not a DMS Serverless DCU value (1, 2, 4, 8, 16, 32, 64, 128, 192, 256, 384)'],
    [{ capacity: { minCapacityUnits: 64, maxCapacityUnits: 8 } }, 'capacity.minCapacityUnits 64 is above maxCapacityUnits 8'],
    [{ capacity: { maxCapacityUnits: 8, multiAz: true, availabilityZone: 'eu-west-1a' } }, 'capacity.availabilityZone "eu-west-1a" cannot be set with multiAz'],
    [{ replicationConfigIdentifier: 'Bad--name' }, 'replicationConfigIdentifier "Bad--name" must be letters, digits and single hyphens'],
    [{ resourceIdentifier: 'a'.repeat(32) }, `resourceIdentifier "${'a'.repeat(32)}" must be at most 31`],
  ] as Array<[Partial<ServerlessReplicationProps>, string]>)('refuses %j', (patch, message) => {
    expect(() => build(patch)).toThrow(message);
  });
  test('refuses the endpoints the wrong way round', () => {
    const { stack, sourceEndpoint, targetEndpoint } = build();
    expect(
      () =>
        new ServerlessReplication(stack, 'Swapped', {
          vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc2', { vpcId: 'vpc-12345678', availabilityZones: ['eu-west-1a'] }),
          subnetGroup: { replicationSubnetGroupIdentifier: 'x' } as unknown as ReplicationSubnetGroup,
          sourceEndpoint: targetEndpoint,
          targetEndpoint: sourceEndpoint,
          migrationType: 'cdc',
          tableMappings: JSON.stringify(MAPPINGS),
          replicationConfigIdentifier: 'swapped',
          capacity: { maxCapacityUnits: 4 },
        }),
    ).toThrow('sourceEndpoint test-target is a target endpoint');
  });
});
