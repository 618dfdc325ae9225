import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildTestApp, exampleEnvironment, exampleEnvironments, PROJECT_ROOT, stackOf, templateOf } from '../support/app';
import { normalisedTemplate } from '../support/snapshot';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[]; DeletionPolicy?: string };

const templates: Record<string, Template> = {};
beforeAll(() => {
  const app = buildTestApp();
  for (const name of Object.keys(exampleEnvironments())) templates[name] = Template.fromStack(stackOf(app, name));
});

function resources(template: Template, type: string): Resource[] {
  return Object.values(template.findResources(type)) as Resource[];
}

describe.each(['dev', 'prod'])('example environment %s', (envName) => {
  test('matches the snapshot (asset hashes normalised)', () => {
    expect(normalisedTemplate(templates[envName])).toMatchSnapshot();
  });

  test('contains no plaintext credential anywhere', () => {
    const text = JSON.stringify(templates[envName].toJSON());
    expect(text).not.toMatch(/"(Password|Username|UserName)"/);
    for (const endpoint of resources(templates[envName], 'AWS::DMS::Endpoint')) {
      expect(endpoint.Properties.ServerName).toBeUndefined();
      expect(endpoint.Properties.Port).toBeUndefined();
    }
  });

  test('has one private, KMS-encrypted replication instance with the lowercase identifier', () => {
    const [instance] = resources(templates[envName], 'AWS::DMS::ReplicationInstance');
    expect(instance.Properties).toMatchObject({
      ReplicationInstanceIdentifier: `dms-${envName}`,
      PubliclyAccessible: false,
    });
    expect(instance.Properties.KmsKeyId).toBeDefined();
    expect(instance.DeletionPolicy).toBe('Retain');
  });

  test('encrypts both endpoints (SSL on) with credentials from Secrets Manager', () => {
    const env = exampleEnvironment(envName) as { source: { secretArn: string }; target: { secretArn: string; certificateArn: string } };
    const endpoints = resources(templates[envName], 'AWS::DMS::Endpoint');
    const source = endpoints.find((e) => e.Properties.EndpointType === 'source')!;
    const target = endpoints.find((e) => e.Properties.EndpointType === 'target')!;
    expect(source.Properties).toMatchObject({
      EngineName: 'sqlserver',
      SslMode: 'require',
      MicrosoftSqlServerSettings: { SecretsManagerSecretId: env.source.secretArn },
    });
    expect(target.Properties).toMatchObject({
      EngineName: 'aurora',
      // verified against the configured CA bundle: "require" is not supported for MySQL-compatible endpoints
      SslMode: 'verify-full',
      CertificateArn: env.target.certificateArn,
      MySqlSettings: { SecretsManagerSecretId: env.target.secretArn, AfterConnectScript: 'SET FOREIGN_KEY_CHECKS=0' },
    });
  });

  test('every task carries its mapping file unchanged in meaning and its merged settings', () => {
    const env = exampleEnvironment(envName) as { tasks: Array<{ name: string; mappingFile: string; migrationType: string }> };
    const tasks = resources(templates[envName], 'AWS::DMS::ReplicationTask');
    expect(tasks).toHaveLength(env.tasks.length);
    for (const config of env.tasks) {
      const task = tasks.find((t) => t.Properties.ReplicationTaskIdentifier === `${envName}-${config.name}`)!;
      expect(task.Properties.ResourceIdentifier).toBe(`${envName}-${config.name}`);
      expect(task.Properties.MigrationType).toBe(config.migrationType);
      const mapping = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, config.mappingFile), 'utf8'));
      expect(JSON.parse(task.Properties.TableMappings as string)).toEqual(mapping);
      const settings = JSON.parse(task.Properties.ReplicationTaskSettings as string);
      expect(settings.FullLoadSettings.TargetTablePrepMode).toBe('DO_NOTHING');
      expect(settings.FullLoadSettings.StopTaskCachedChangesApplied).toBe(config.migrationType === 'full-load-and-cdc');
      expect(settings.Logging.EnableLogging).toBe(true);
      expect(settings.ValidationSettings.EnableValidation).toBe(true);
    }
  });

  test('lets the replication instance into the source and target security groups on their ports only', () => {
    const env = exampleEnvironment(envName) as { source: { securityGroupId: string }; target: { securityGroupId: string } };
    const template = templates[envName];
    for (const [groupId, port] of [
      [env.source.securityGroupId, 1433],
      [env.target.securityGroupId, 3306],
    ] as const) {
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: groupId,
        IpProtocol: 'tcp',
        FromPort: port,
        ToPort: port,
        SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ReplicationInstanceSecurityGroup'), 'GroupId'] },
      });
    }
  });
});

test('prod overrides merge into the task settings', () => {
  const [task] = resources(templates.prod, 'AWS::DMS::ReplicationTask');
  const settings = JSON.parse(task.Properties.ReplicationTaskSettings as string);
  expect(settings.FullLoadSettings.MaxFullLoadSubTasks).toBe(16);
  expect(settings.TargetMetadata.LobMaxSize).toBe(64);
  expect(settings.TargetMetadata.LimitedSizeLobMode).toBe(true);
});

test('dev creates the account-wide roles and orders the subnet group after dms-vpc-role', () => {
  const template = templates.dev;
  template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'dms-vpc-role' });
  template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'dms-cloudwatch-logs-role' });
  const roles = template.findResources('AWS::IAM::Role', { Properties: { RoleName: 'dms-vpc-role' } });
  const [subnetGroup] = resources(template, 'AWS::DMS::ReplicationSubnetGroup');
  expect(subnetGroup.DependsOn).toEqual(expect.arrayContaining(Object.keys(roles)));
  // Shared by every DMS workload of the account: deleting the stack must not delete them.
  for (const name of ['dms-vpc-role', 'dms-cloudwatch-logs-role']) {
    const [role] = Object.values(template.findResources('AWS::IAM::Role', { Properties: { RoleName: name } }));
    expect({ name, deletion: role.DeletionPolicy, replace: role.UpdateReplacePolicy }).toEqual({ name, deletion: 'Retain', replace: 'Retain' });
  }
});

test('prod, whose account has the roles already, does not create them', () => {
  expect(Object.keys(templates.prod.findResources('AWS::IAM::Role', { Properties: { RoleName: 'dms-vpc-role' } }))).toHaveLength(0);
});

test('a production environment defaults to Multi-AZ', () => {
  const template = templateOf('prod', { prod: exampleEnvironment('prod', { replicationInstance: { multiAz: undefined } }) });
  template.hasResourceProperties('AWS::DMS::ReplicationInstance', { MultiAZ: true });
});

describe('synth fails', () => {
  function synthError(environments: Record<string, unknown>, baseDir = PROJECT_ROOT): string {
    try {
      const app = buildTestApp(environments, baseDir);
      app.synth();
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error('expected synth to fail');
  }

  test('fails on a single-AZ production instance (DMS nag pack)', () => {
    const message = synthError({ prod: exampleEnvironment('prod', { replicationInstance: { multiAz: false } }) });
    expect(message).toContain('ERROR The DMS replication instance of a production environment is not Multi-AZ. (DMS)');
    expect(message).toContain('DmsMigration-prod/ReplicationInstance/Resource');
  });

  test('fails on an SSL-less endpoint (DMS nag pack)', () => {
    const message = synthError({ dev: exampleEnvironment('dev', { source: { sslMode: 'none' } }) });
    expect(message).toContain('ERROR The DMS endpoint connects without SSL. (DMS)');
    expect(message).toContain('DmsMigration-dev/SourceEndpoint/Resource');
  });

  test('fails on task logging turned off (DMS nag pack)', () => {
    const env = exampleEnvironment('dev', {
      tasks: [{ name: 'adventureworks', migrationType: 'full-load-and-cdc', mappingFile: 'mappings/adventureworks.json', settings: { Logging: { EnableLogging: false } } }],
    });
    expect(synthError({ dev: env })).toContain('ERROR The DMS replication task does not log to CloudWatch. (DMS)');
  });

  test('fails on a bad task-settings override, naming file, environment and setting', () => {
    const env = exampleEnvironment('dev', {
      tasks: [{ name: 'adventureworks', migrationType: 'full-load', mappingFile: 'mappings/adventureworks.json', settings: { FullLoadSettings: { CommitRate: 'fast' } } }],
    });
    expect(synthError({ dev: env })).toBe(
      'cdk.json: environment "dev": tasks[0].settings.FullLoadSettings.CommitRate: must be an integer from 0 to 50000 (got "fast")',
    );
  });

  test('fails on a missing mapping file, naming it', () => {
    const env = exampleEnvironment('dev', {
      tasks: [{ name: 'adventureworks', migrationType: 'cdc', mappingFile: 'mappings/missing.json' }],
    });
    expect(synthError({ dev: env })).toMatch(/^mappings\/missing\.json: /);
  });

  test('fails on a broken mapping file with FILE: rule ID "NAME": problem', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mappings-'));
    fs.mkdirSync(path.join(dir, 'mappings'));
    fs.writeFileSync(
      path.join(dir, 'mappings', 'broken.json'),
      JSON.stringify({
        rules: [
          { 'rule-type': 'selection', 'rule-id': '1', 'rule-name': 'all', 'object-locator': { 'schema-name': 'dbo', 'table-name': '%' }, 'rule-action': 'include' },
          { 'rule-type': 'transformation', 'rule-id': '2', 'rule-name': 'rename', 'rule-target': 'schema', 'object-locator': { 'schema-name': 'dbo' }, 'rule-action': 'rename' },
        ],
      }),
    );
    const env = exampleEnvironment('dev', { tasks: [{ name: 'adventureworks', migrationType: 'cdc', mappingFile: 'mappings/broken.json' }] });
    expect(synthError({ dev: env }, dir)).toMatch(/^mappings\/broken\.json: rule 2 "rename": .*value/);
  });
});
