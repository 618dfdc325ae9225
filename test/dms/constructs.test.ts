import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  AuroraMySqlTargetEndpoint,
  MySqlSslMode,
  ReplicationInstance,
  ReplicationInstanceProps,
  ReplicationSubnetGroup,
  ReplicationTask,
  SqlServerSourceEndpoint,
  SqlServerSslMode,
} from '../../lib/dms';
import { MAX_TABLE_MAPPINGS_BYTES } from '../../lib/mappings';

const CERTIFICATE = 'arn:aws:dms:eu-west-1:111111111111:cert:RDSBUNDLE';

const MAPPINGS = JSON.stringify({
  rules: [{ 'rule-type': 'selection', 'rule-id': '1', 'rule-name': '1', 'object-locator': { 'schema-name': 'Sales', 'table-name': '%' }, 'rule-action': 'include' }],
});

function fixture() {
  const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-12345678', availabilityZones: ['eu-west-1a'] });
  const subnetGroup = new ReplicationSubnetGroup(stack, 'Subnets', {
    replicationSubnetGroupIdentifier: 'test-subnets',
    subnetIds: ['subnet-11111111', 'subnet-22222222'],
  });
  const instance = new ReplicationInstance(stack, 'Instance', {
    vpc,
    subnetGroup,
    replicationInstanceIdentifier: 'dms-test',
    instanceClass: 'dms.t3.medium',
    engineVersion: '3.5.4',
  });
  const secret = (id: string) =>
    secretsmanager.Secret.fromSecretCompleteArn(stack, id, `arn:aws:secretsmanager:eu-west-1:111111111111:secret:${id}-AbCdEf`);
  const source = new SqlServerSourceEndpoint(stack, 'Source', {
    endpointIdentifier: 'test-source',
    secret: secret('src'),
    databaseName: 'AdventureWorks',
  });
  const target = new AuroraMySqlTargetEndpoint(stack, 'Target', {
    endpointIdentifier: 'test-target',
    secret: secret('tgt'),
    secretEncryptionKey: kms.Key.fromKeyArn(stack, 'TgtKey', 'arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-4000-8000-000000000001'),
    certificateArn: CERTIFICATE,
  });
  return { stack, vpc, subnetGroup, instance, source, target };
}

/** Another instance in the fixture's stack, with `patch` over valid props. */
function otherInstance(patch: Partial<ReplicationInstanceProps>) {
  const { stack, vpc, subnetGroup } = fixture();
  const instance = new ReplicationInstance(stack, 'Other', {
    vpc,
    subnetGroup,
    replicationInstanceIdentifier: 'dms-other',
    instanceClass: 'dms.t3.medium',
    engineVersion: '3.6.1',
    ...patch,
  });
  return { stack, instance };
}

describe('ReplicationInstance', () => {
  test('is never public, is KMS-encrypted with a rotating key, and keeps the lowercase identifier', () => {
    const { stack, instance } = fixture();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::DMS::ReplicationInstance', {
      ReplicationInstanceIdentifier: 'dms-test',
      ResourceIdentifier: 'dms-test',
      PubliclyAccessible: false,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('InstanceKey'), 'Arn'] },
      MultiAZ: false,
      AutoMinorVersionUpgrade: false,
      AllocatedStorage: 100,
      ReplicationSubnetGroupIdentifier: { Ref: Match.stringLikeRegexp('Subnets') },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResource('AWS::DMS::ReplicationInstance', { DeletionPolicy: 'Retain' });
    expect(instance.connections.securityGroups).toHaveLength(1);
  });

  test('fails on a mixed-case identifier, naming it and the stored form', () => {
    const { stack, vpc, subnetGroup } = fixture();
    expect(
      () =>
        new ReplicationInstance(stack, 'Bad', {
          vpc,
          subnetGroup,
          replicationInstanceIdentifier: 'DMS-Test',
          instanceClass: 'dms.t3.medium',
          engineVersion: '3.5.4',
        }),
    ).toThrow('Test/Bad: replicationInstanceIdentifier "DMS-Test" must be lowercase: DMS stores "dms-test" and metrics carry that value');
  });

  test('fails on storage out of range', () => {
    const { stack, vpc, subnetGroup } = fixture();
    expect(
      () =>
        new ReplicationInstance(stack, 'Bad', {
          vpc,
          subnetGroup,
          replicationInstanceIdentifier: 'dms-bad',
          instanceClass: 'dms.t3.medium',
          engineVersion: '3.5.4',
          allocatedStorageGiB: 7000,
        }),
    ).toThrow('Test/Bad: allocatedStorageGiB 7000 must be an integer from 5 to 6144');
  });

  test('metrics carry the lowercase identifier as ReplicationInstanceIdentifier', () => {
    const { instance } = fixture();
    for (const [metric, name] of [
      [instance.metricFreeableMemory(), 'FreeableMemory'],
      [instance.metricAvailableMemory(), 'AvailableMemory'],
    ] as const) {
      expect(metric.namespace).toBe('AWS/DMS');
      expect(metric.metricName).toBe(name);
      expect(metric.dimensions).toEqual({ ReplicationInstanceIdentifier: 'dms-test' });
    }
  });

  test('creates the task log group DMS writes to, dms-tasks-<identifier>, with a retention, retained', () => {
    const { stack, instance } = fixture();
    const template = Template.fromStack(stack);
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: 'dms-tasks-dms-test', RetentionInDays: 180 },
      DeletionPolicy: 'Retain',
    });
    expect(instance.taskLogGroup).toBeDefined();
  });

  test('taskLogRetention sets the retention; null leaves the group to DMS', () => {
    const kept = otherInstance({ taskLogRetention: 14 });
    Template.fromStack(kept.stack).hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: 'dms-tasks-dms-other', RetentionInDays: 14 });
    const left = otherInstance({ taskLogRetention: null });
    expect(left.instance.taskLogGroup).toBeUndefined();
    expect(Object.keys(Template.fromStack(left.stack).findResources('AWS::Logs::LogGroup', { Properties: { LogGroupName: 'dms-tasks-dms-other' } }))).toHaveLength(0);
  });

  test('fails on an instance class that cannot exist, with the class meant', () => {
    expect(() => otherInstance({ instanceClass: 'dms.t3.mediun' })).toThrow(
      'Test/Other: instanceClass "dms.t3.mediun" is not a DMS instance class (did you mean "dms.t3.medium"?): the classes are listed in AWS DMS User Guide, "Choosing the right AWS DMS replication instance for your migration"',
    );
  });

  test('warns on a well-formed class the DMS table does not list', () => {
    const { stack } = otherInstance({ instanceClass: 'dms.r7i.large' });
    Annotations.fromStack(stack).hasWarning(
      '/Test/Other',
      Match.stringLikeRegexp('^instanceClass "dms.r7i.large" is not in the table of AWS DMS User Guide, "Choosing the right AWS DMS replication instance for your migration" \\(closest listed: "dms.r6i.large"\\): DMS refuses a class it does not offer in the Region'),
    );
  });

  test('fails on an engine version that is not in the release notes', () => {
    expect(() => otherInstance({ engineVersion: '3.9.9' })).toThrow(
      'Test/Other: engineVersion "3.9.9" is not a DMS engine version in the table of AWS DMS User Guide, "AWS DMS release notes": use one of 3.6.1, 3.6.0, 3.5.4, 3.5.3, 3.5.2, 3.5.1, 3.4.7, 3.4.6',
    );
  });

  test('imports by attributes', () => {
    const { stack } = fixture();
    const imported = ReplicationInstance.fromReplicationInstanceAttributes(stack, 'Imported', {
      replicationInstanceArn: 'arn:aws:dms:eu-west-1:111111111111:rep:ABC',
      replicationInstanceIdentifier: 'legacy-instance',
    });
    expect(imported.metricCpuUtilization().dimensions).toEqual({ ReplicationInstanceIdentifier: 'legacy-instance' });
  });
});

describe('ReplicationSubnetGroup', () => {
  test('fails with fewer than two subnets', () => {
    const { stack } = fixture();
    expect(() => new ReplicationSubnetGroup(stack, 'One', { replicationSubnetGroupIdentifier: 'one', subnetIds: ['subnet-1'] })).toThrow(
      'Test/One: subnetIds must list at least two subnets in different Availability Zones (got 1)',
    );
  });
});

describe('endpoints', () => {
  test('SQL Server source: secret + scoped access role, SSL require by default, no credentials in the template', () => {
    const { stack } = fixture();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::DMS::Endpoint', {
      EndpointIdentifier: 'test-source',
      EndpointType: 'source',
      EngineName: 'sqlserver',
      DatabaseName: 'AdventureWorks',
      SslMode: 'require',
      MicrosoftSqlServerSettings: {
        SecretsManagerSecretId: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:src-AbCdEf',
        SecretsManagerAccessRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('SourceSecretAccessRole'), 'Arn'] },
      },
      Password: Match.absent(),
      Username: Match.absent(),
      ServerName: Match.absent(),
      Port: Match.absent(),
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'dms.eu-west-1.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
    });
  });

  test('Aurora MySQL target: verify-full with the certificate and FK checks off by default, key decrypt only via Secrets Manager', () => {
    const { stack } = fixture();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::DMS::Endpoint', {
      EndpointType: 'target',
      EngineName: 'aurora',
      SslMode: 'verify-full',
      CertificateArn: CERTIFICATE,
      MySqlSettings: Match.objectLike({ AfterConnectScript: 'SET FOREIGN_KEY_CHECKS=0' }),
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('TargetSecretAccessRole') }],
      PolicyDocument: {
        Statement: [
          {
            Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            Resource: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:tgt-AbCdEf',
          },
          {
            Action: 'kms:Decrypt',
            Resource: 'arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-4000-8000-000000000001',
            Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
          },
        ],
      },
    });
  });

  test('an empty afterConnectScript turns the script off', () => {
    const { stack } = fixture();
    new AuroraMySqlTargetEndpoint(stack, 'Checked', {
      endpointIdentifier: 'checked',
      secret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'S', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:x-AbCdEf'),
      afterConnectScript: '',
      certificateArn: CERTIFICATE,
      accessRole: iam.Role.fromRoleArn(stack, 'R', 'arn:aws:iam::111111111111:role/r'),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::DMS::Endpoint', {
      EndpointIdentifier: 'checked',
      MySqlSettings: { AfterConnectScript: Match.absent(), SecretsManagerAccessRoleArn: 'arn:aws:iam::111111111111:role/r' },
    });
  });

  test('fails on verify-full without a certificate', () => {
    const { stack } = fixture();
    expect(
      () =>
        new AuroraMySqlTargetEndpoint(stack, 'Verify', {
          endpointIdentifier: 'verify',
          secret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'S', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:x-AbCdEf'),
          sslMode: MySqlSslMode.VERIFY_FULL,
        }),
    ).toThrow('Test/Verify: sslMode "verify-full" needs certificateArn (the CA DMS verifies the server against)');
  });

  test('verify-full is the target default, so a target without a certificate fails', () => {
    const { stack } = fixture();
    expect(
      () =>
        new AuroraMySqlTargetEndpoint(stack, 'Default', {
          endpointIdentifier: 'default',
          secret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'S', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:x-AbCdEf'),
        }),
    ).toThrow('Test/Default: sslMode "verify-full" needs certificateArn (the CA DMS verifies the server against)');
  });

  test('refuses require on the target, quoting the DMS SSL table', () => {
    const { stack } = fixture();
    expect(
      () =>
        new AuroraMySqlTargetEndpoint(stack, 'Require', {
          endpointIdentifier: 'require',
          secret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'S', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:x-AbCdEf'),
          sslMode: 'require' as MySqlSslMode,
        }),
    ).toThrow(
      'Test/Require: sslMode "require" is marked "Not supported" for MySQL/MariaDB/Amazon Aurora MySQL in the table of AWS DMS User Guide, "Using SSL with AWS DMS": use one of none, verify-ca, verify-full',
    );
  });

  test('refuses verify-ca on the SQL Server source, quoting the DMS SSL table', () => {
    const { stack } = fixture();
    expect(
      () =>
        new SqlServerSourceEndpoint(stack, 'VerifyCa', {
          endpointIdentifier: 'verify-ca',
          secret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'S', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:x-AbCdEf'),
          databaseName: 'AdventureWorks',
          sslMode: 'verify-ca' as SqlServerSslMode,
          certificateArn: CERTIFICATE,
        }),
    ).toThrow(
      'Test/VerifyCa: sslMode "verify-ca" is marked "Not Supported" for Microsoft SQL Server in the table of AWS DMS User Guide, "Using SSL with AWS DMS": use one of none, require, verify-full',
    );
  });
});

describe('ReplicationTask', () => {
  function task(overrides: Partial<ConstructorParameters<typeof ReplicationTask>[2]> = {}) {
    const f = fixture();
    const t = new ReplicationTask(f.stack, 'Task', {
      replicationInstance: f.instance,
      sourceEndpoint: f.source,
      targetEndpoint: f.target,
      migrationType: 'full-load-and-cdc',
      tableMappings: MAPPINGS,
      replicationTaskIdentifier: 'test-sales',
      ...overrides,
    });
    return { ...f, task: t };
  }

  test('is created after the instance\'s task log group, so DMS logs into the group with a retention', () => {
    const { stack } = task();
    const template = Template.fromStack(stack);
    const [logGroupId] = Object.keys(template.findResources('AWS::Logs::LogGroup', { Properties: { LogGroupName: 'dms-tasks-dms-test' } }));
    template.hasResource('AWS::DMS::ReplicationTask', { DependsOn: Match.arrayWith([logGroupId]) });
  });

  test('warns on a setting the DMS pages do not list, naming the one meant', () => {
    const { stack } = task({ settingsOverrides: { FullLoadSettings: { StopTaskCachedChangesAplied: true } } });
    Annotations.fromStack(stack).hasWarning(
      '/Test/Task',
      Match.stringLikeRegexp(
        '^Test/Task settings\\.FullLoadSettings\\.StopTaskCachedChangesAplied: not a FullLoadSettings setting of the DMS user guide \\(did you mean "StopTaskCachedChangesApplied"\\?\\); DMS may ignore it',
      ),
    );
  });

  test('has a deterministic resource identifier, the mappings unchanged and the merged settings', () => {
    const { stack } = task({ resourceIdentifier: 'test-sales-rid', settingsOverrides: { FullLoadSettings: { CommitRate: 50000 } } });
    const template = Template.fromStack(stack);
    const [resource] = Object.values(template.findResources('AWS::DMS::ReplicationTask')) as Array<{ Properties: Record<string, unknown> }>;
    expect(resource.Properties.ResourceIdentifier).toBe('test-sales-rid');
    expect(resource.Properties.ReplicationTaskIdentifier).toBe('test-sales');
    expect(JSON.parse(resource.Properties.TableMappings as string)).toEqual(JSON.parse(MAPPINGS));
    const settings = JSON.parse(resource.Properties.ReplicationTaskSettings as string);
    expect(settings.FullLoadSettings).toMatchObject({ CommitRate: 50000, StopTaskCachedChangesApplied: true, TargetTablePrepMode: 'DO_NOTHING' });
    expect(settings.Logging.EnableLogging).toBe(true);
  });

  test('task metrics carry the instance identifier and the resource identifier, not the task name', () => {
    const { task: t } = task({ resourceIdentifier: 'test-sales-rid' });
    expect(t.metricCdcLatencyTarget().dimensions).toEqual({
      ReplicationInstanceIdentifier: 'dms-test',
      ReplicationTaskIdentifier: 'test-sales-rid',
    });
  });

  test('an imported task derives the dimension from the ARN', () => {
    const { stack, instance } = fixture();
    const imported = ReplicationTask.fromReplicationTaskAttributes(stack, 'Imported', {
      replicationTaskArn: 'arn:aws:dms:eu-west-1:111111111111:task:ABCDEFGHIJ',
      replicationTaskIdentifier: 'legacy',
      replicationInstance: instance,
    });
    expect(imported.resourceIdentifier).toBe('ABCDEFGHIJ');
  });

  test('grantControl scopes start/stop to the task ARN (Describe has no resource-level permission)', () => {
    const { stack, task: t } = task();
    const role = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    t.grantControl(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Action: 'dms:DescribeReplicationTasks', Resource: '*' },
          {
            Action: ['dms:StartReplicationTask', 'dms:StopReplicationTask', 'dms:DescribeTableStatistics'],
            Resource: { Ref: Match.stringLikeRegexp('Task') },
          },
        ],
      },
    });
  });

  test('fails on a resource identifier over 31 characters', () => {
    expect(() => task({ resourceIdentifier: 'a'.repeat(32) })).toThrow(
      `Test/Task: resourceIdentifier "${'a'.repeat(32)}" must be at most 31 letters, digits and single hyphens, starting with a letter`,
    );
  });

  test('fails on table mappings over the DMS limit of 2 MB', () => {
    const big = JSON.stringify({ rules: [], padding: 'x'.repeat(MAX_TABLE_MAPPINGS_BYTES) });
    expect(() => task({ tableMappings: big })).toThrow(
      `Test/Task: table mappings are ${Buffer.byteLength(big)} bytes; DMS accepts at most 2097152: split the selection across tasks`,
    );
  });

  test('fails when source and target are swapped', () => {
    const f = fixture();
    expect(
      () =>
        new ReplicationTask(f.stack, 'Swapped', {
          replicationInstance: f.instance,
          sourceEndpoint: f.target,
          targetEndpoint: f.source,
          migrationType: 'cdc',
          tableMappings: MAPPINGS,
          replicationTaskIdentifier: 'swapped',
        }),
    ).toThrow('Test/Swapped: sourceEndpoint test-target is a target endpoint');
  });
});
