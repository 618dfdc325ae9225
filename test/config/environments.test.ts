import * as logs from 'aws-cdk-lib/aws-logs';
import { assessmentEnabled, ConfigError, instanceIdentifier, LOG_RETENTION_DAYS, parseEnvironments, selectEnvironment, taskResourceIdentifier } from '../../lib/config';
import { exampleEnvironment, exampleEnvironments } from '../support/app';

type Json = Record<string, unknown>;

/** Parses { name: env } and returns the error message (or fails the test if it parses). */
function errorFor(environments: unknown): string {
  try {
    parseEnvironments(environments, 'cdk.json', '/project');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

const dev = (patch: Json) => ({ dev: exampleEnvironment('dev', patch) });

describe('the example environments', () => {
  test('parse, with defaults applied', () => {
    const [devEnv, prodEnv] = parseEnvironments(exampleEnvironments(), 'cdk.json', '/project');
    expect(devEnv.name).toBe('dev');
    expect(devEnv.target.afterConnectScript).toBe('SET FOREIGN_KEY_CHECKS=0');
    expect(devEnv.target.sslMode).toBe('verify-full');
    expect(devEnv.target.certificateArn).toMatch(/^arn:aws:dms:eu-west-1:111111111111:cert:/);
    expect(devEnv.source.sslMode).toBe('require');
    expect(devEnv.replicationInstance?.taskLogRetentionDays).toBe(180);
    expect(devEnv.replicationInstance?.autoMinorVersionUpgrade).toBe(false);
    expect(devEnv.tasks[0].settings).toEqual({});
    expect(prodEnv.production).toBe(true);
    expect(instanceIdentifier(prodEnv)).toBe('dms-prod');
    expect(taskResourceIdentifier('prod', prodEnv.tasks[0])).toBe('prod-adventureworks');
  });
});

describe('fails with a message naming file, environment, field and value', () => {
  test('fails when context.environments is missing', () => {
    expect(errorFor(undefined)).toBe(
      'cdk.json: context.environments is missing: add at least one environment (see README "Configuration")',
    );
  });
  test('fails when context.environments is not an object', () => {
    expect(errorFor(['dev'])).toBe('cdk.json: context.environments must be an object of environments by name (got ["dev"])');
  });
  test('fails when there is no environment', () => {
    expect(errorFor({})).toBe('cdk.json: context.environments is empty: add at least one environment');
  });
  test('fails on an environment name that cannot be part of a stack name', () => {
    expect(errorFor({ Dev_1: exampleEnvironment('dev') })).toBe(
      'cdk.json: environment "Dev_1": the name must be 1-20 characters of a-z, 0-9 and -, starting with a letter (it becomes part of stack names and DMS identifiers)',
    );
  });
  test('fails on an environment that is not an object', () => {
    expect(errorFor({ dev: 'yes' })).toBe('cdk.json: environment "dev": (environment): must be an object (got "yes")');
  });
  test('fails on an unknown key (a typo is not silently ignored)', () => {
    expect(errorFor(dev({ replicationInstance: { multiAZ: true } }))).toBe(
      'cdk.json: environment "dev": replicationInstance.multiAZ: unknown key (not in the schema; check the spelling)',
    );
  });
  test('fails on an unknown top-level key', () => {
    expect(errorFor(dev({ vpc: 'vpc-1' }))).toBe('cdk.json: environment "dev": vpc: unknown key (not in the schema; check the spelling)');
  });
  test('fails on a missing required field', () => {
    expect(errorFor(dev({ vpcId: undefined }))).toBe('cdk.json: environment "dev": vpcId: must be a string (missing)');
  });
  test('fails on a value of the wrong type', () => {
    expect(errorFor(dev({ replicationInstance: { allocatedStorageGiB: '50' } }))).toBe(
      'cdk.json: environment "dev": replicationInstance.allocatedStorageGiB: must be a number (got "50")',
    );
  });
  test('fails on a number out of range', () => {
    expect(errorFor(dev({ replicationInstance: { allocatedStorageGiB: 2 } }))).toBe(
      'cdk.json: environment "dev": replicationInstance.allocatedStorageGiB: must be at least 5 (got 2)',
    );
  });
  test('fails on a value outside an enumeration', () => {
    expect(errorFor(dev({ tasks: [{ name: 'main', migrationType: 'full-load-cdc', mappingFile: 'mappings/a.json' }] }))).toBe(
      'cdk.json: environment "dev": tasks[0].migrationType: must be one of "full-load", "cdc", "full-load-and-cdc" (got "full-load-cdc")',
    );
  });
  test('fails on an SSL mode DMS does not support for SQL Server, quoting the DMS SSL table', () => {
    expect(errorFor(dev({ source: { sslMode: 'verify-ca', certificateArn: 'arn:aws:dms:eu-west-1:111111111111:cert:X' } }))).toBe(
      'cdk.json: environment "dev": source.sslMode: "verify-ca" is marked "Not Supported" for Microsoft SQL Server in the table of AWS DMS User Guide, "Using SSL with AWS DMS": use one of none, require, verify-full (got "verify-ca")',
    );
  });
  test('fails on require for the Aurora MySQL target, quoting the DMS SSL table', () => {
    expect(errorFor(dev({ target: { sslMode: 'require' } }))).toBe(
      'cdk.json: environment "dev": target.sslMode: "require" is marked "Not supported" for MySQL/MariaDB/Amazon Aurora MySQL in the table of AWS DMS User Guide, "Using SSL with AWS DMS": use one of none, verify-ca, verify-full (got "require")',
    );
  });
  test('fails on a value that is no DMS SSL mode, with the mode meant', () => {
    expect(errorFor(dev({ target: { sslMode: 'verify_full' } }))).toBe(
      'cdk.json: environment "dev": target.sslMode: "verify_full" is not a DMS SSL mode (did you mean "verify-full"?): MySQL/MariaDB/Amazon Aurora MySQL supports none, verify-ca, verify-full (AWS DMS User Guide, "Using SSL with AWS DMS") (got "verify_full")',
    );
  });
  test.each(['none', 'verify-ca', 'verify-full'])('accepts target sslMode %s (supported for MySQL-compatible endpoints)', (sslMode) => {
    const [env] = parseEnvironments(dev({ target: { sslMode } }), 'cdk.json', '/project');
    expect(env.target.sslMode).toBe(sslMode);
  });
  test.each(['none', 'require'])('accepts source sslMode %s (supported for SQL Server)', (sslMode) => {
    const [env] = parseEnvironments(dev({ source: { sslMode } }), 'cdk.json', '/project');
    expect(env.source.sslMode).toBe(sslMode);
  });
  test('fails on an instance class typo, with the class meant (not with a monitoring field)', () => {
    expect(errorFor(dev({ replicationInstance: { instanceClass: 'dms.t3.mediun' } }))).toBe(
      'cdk.json: environment "dev": replicationInstance.instanceClass: "dms.t3.mediun" is not a DMS instance class (did you mean "dms.t3.medium"?): the classes are listed in AWS DMS User Guide, "Choosing the right AWS DMS replication instance for your migration" (got "dms.t3.mediun")',
    );
  });
  test('accepts a well-formed class the DMS table does not list (the construct warns)', () => {
    const [env] = parseEnvironments(dev({ replicationInstance: { instanceClass: 'dms.r7i.large' } }), 'cdk.json', '/project');
    expect(env.replicationInstance?.instanceClass).toBe('dms.r7i.large');
  });
  test('fails on an engine version the release notes do not list', () => {
    expect(errorFor(dev({ replicationInstance: { engineVersion: '3.9.9' } }))).toBe(
      'cdk.json: environment "dev": replicationInstance.engineVersion: "3.9.9" is not a DMS engine version in the table of AWS DMS User Guide, "AWS DMS release notes": use one of 3.6.1, 3.6.0, 3.5.4, 3.5.3, 3.5.2, 3.5.1, 3.4.7, 3.4.6 (got "3.9.9")',
    );
  });
  test('fails on an engine version near a listed one, with the version meant', () => {
    expect(errorFor(dev({ replicationInstance: { engineVersion: '3.5.40' } }))).toMatch(
      /^cdk\.json: environment "dev": replicationInstance\.engineVersion: "3\.5\.40" is not a DMS engine version in the table of AWS DMS User Guide, "AWS DMS release notes" \(did you mean "3\.5\.4"\?\): /,
    );
  });
  test('one message per bad class or version, not one per check', () => {
    expect(errorFor(dev({ replicationInstance: { instanceClass: 'dms.T3.medium', engineVersion: 'latest' } })).split('\n')).toEqual([
      'cdk.json: environment "dev": replicationInstance.instanceClass: "dms.T3.medium" is not a DMS instance class (did you mean "dms.t3.medium"?): the classes are listed in AWS DMS User Guide, "Choosing the right AWS DMS replication instance for your migration" (got "dms.T3.medium")',
      'cdk.json: environment "dev": replicationInstance.engineVersion: "latest" is not a DMS engine version in the table of AWS DMS User Guide, "AWS DMS release notes": use one of 3.6.1, 3.6.0, 3.5.4, 3.5.3, 3.5.2, 3.5.1, 3.4.7, 3.4.6 (got "latest")',
    ]);
  });
  test('the retention periods are the finite ones CDK knows for CloudWatch Logs', () => {
    const finite = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number' && v !== logs.RetentionDays.INFINITE);
    expect([...LOG_RETENTION_DAYS]).toEqual(finite.sort((a, b) => a - b));
  });
  test('fails on a log retention CloudWatch Logs does not offer', () => {
    expect(errorFor(dev({ replicationInstance: { taskLogRetentionDays: 45 } }))).toBe(
      'cdk.json: environment "dev": replicationInstance.taskLogRetentionDays: must be a CloudWatch Logs retention period: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (got 45)',
    );
  });
  test('fails on a malformed id', () => {
    expect(errorFor(dev({ source: { securityGroupId: 'sg-xyz' } }))).toBe(
      'cdk.json: environment "dev": source.securityGroupId: must be a security group id (sg-...) (got "sg-xyz")',
    );
  });
  test('fails on a malformed secret ARN', () => {
    expect(errorFor(dev({ target: { secretArn: 'dms/dev/aurora' } }))).toBe(
      'cdk.json: environment "dev": target.secretArn: must be a Secrets Manager secret ARN (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME) (got "dms/dev/aurora")',
    );
  });
  test('fails on a mixed-case instance identifier (DMS stores it lowercase; alarms would never fire)', () => {
    expect(errorFor(dev({ replicationInstance: { identifier: 'Dms-Dev' } }))).toBe(
      'cdk.json: environment "dev": replicationInstance.identifier: must be lowercase (DMS stores it lowercase and the metric dimensions use that form) (got "Dms-Dev")',
    );
  });
  test('fails on too few replication subnets', () => {
    expect(errorFor(dev({ replicationSubnetIds: ['subnet-0a1b2c3d4e5f60011'] }))).toBe(
      'cdk.json: environment "dev": replicationSubnetIds: must have at least 2 item(s) (got ["subnet-0a1b2c3d4e5f60011"])',
    );
  });
  test('fails on a subnet listed twice', () => {
    expect(errorFor(dev({ replicationSubnetIds: ['subnet-0a1b2c3d4e5f60011', 'subnet-0a1b2c3d4e5f60011'] }))).toBe(
      'cdk.json: environment "dev": replicationSubnetIds[1]: is listed twice (got "subnet-0a1b2c3d4e5f60011")',
    );
  });
  test('fails on an environment without tasks', () => {
    expect(errorFor(dev({ tasks: [] }))).toBe('cdk.json: environment "dev": tasks: must have at least 1 item(s) (got [])');
  });
  test('fails on two tasks with one name', () => {
    const task = { name: 'main', migrationType: 'cdc', mappingFile: 'mappings/a.json' };
    expect(errorFor(dev({ tasks: [task, task] }))).toBe(
      'cdk.json: environment "dev": tasks[1].name: duplicates tasks[0].name: task names must be unique in an environment (got "main")',
    );
  });
  test('fails on a task name that cannot be part of a DMS identifier', () => {
    expect(errorFor(dev({ tasks: [{ name: 'Sales_Orders', migrationType: 'cdc', mappingFile: 'mappings/a.json' }] }))).toBe(
      'cdk.json: environment "dev": tasks[0].name: must start with a lowercase letter and contain only a-z, 0-9 and - (got "Sales_Orders")',
    );
  });
  test('fails on a mapping file that is not JSON by name', () => {
    expect(errorFor(dev({ tasks: [{ name: 'main', migrationType: 'cdc', mappingFile: 'mappings/a.yaml' }] }))).toBe(
      'cdk.json: environment "dev": tasks[0].mappingFile: must be a .json file (got "mappings/a.yaml")',
    );
  });
  test('fails when the derived task resource identifier exceeds DMS limits', () => {
    const name = 'a-very-long-task-name-for-sales';
    expect(errorFor(dev({ tasks: [{ name, migrationType: 'cdc', mappingFile: 'mappings/a.json' }] }))).toBe(
      `cdk.json: environment "dev": tasks[0].resourceIdentifier: the default "dev-${name}" is not a valid DMS resource identifier (at most 31 letters, digits and single hyphens): set resourceIdentifier explicitly`,
    );
  });
  test('fails on a target without a certificate (verify-full is the default)', () => {
    expect(errorFor(dev({ target: { certificateArn: undefined } }))).toBe(
      'cdk.json: environment "dev": target.certificateArn: is required when sslMode is "verify-full" (DMS verifies the server certificate against it): import the RDS CA bundle as a DMS certificate (README "Endpoint TLS") (missing)',
    );
  });
  test('reports every problem of every environment at once', () => {
    const message = errorFor({ dev: exampleEnvironment('dev', { vpcId: 'x' }), prod: exampleEnvironment('prod', { region: 'Europe' }) });
    expect(message.split('\n')).toEqual([
      'cdk.json: environment "dev": vpcId: must be a VPC id (vpc-...) (got "x")',
      'cdk.json: environment "prod": region: must be an AWS region such as eu-west-1 (got "Europe")',
    ]);
  });
});

describe('selectEnvironment', () => {
  test('fails naming the unknown environment and the known ones', () => {
    const envs = parseEnvironments(exampleEnvironments(), 'cdk.json', '/project');
    expect(() => selectEnvironment(envs, 'staging')).toThrow('unknown environment "staging" (known: dev, prod)');
    expect(selectEnvironment(envs, 'prod').name).toBe('prod');
  });
});

describe('migrating and assessment', () => {
  const parse = (patch: Json) => parseEnvironments(dev(patch), 'cdk.json', '/project')[0];
  test('defaults: not migrating; assessments on for production only, warnings stop the run, 120 min, results kept 365 days', () => {
    const [devEnv, prodEnv] = parseEnvironments(exampleEnvironments(), 'cdk.json', '/project');
    expect(devEnv.migrating).toBe(false);
    expect(devEnv.assessment).toEqual({ acceptWarnings: false, exclude: [], timeoutMinutes: 120, resultRetentionDays: 365 });
    expect([assessmentEnabled(devEnv), assessmentEnabled(prodEnv)]).toEqual([false, true]);
    expect(assessmentEnabled(parse({ assessment: { enabled: true } }))).toBe(true);
    expect(assessmentEnabled({ ...prodEnv, assessment: { ...prodEnv.assessment, enabled: false } })).toBe(false);
  });
  test('fails on Exclude together with IncludeOnly, which DMS refuses', () => {
    expect(errorFor(dev({ assessment: { exclude: ['a'], includeOnly: ['b'] } }))).toBe(
      'cdk.json: environment "dev": assessment.includeOnly: cannot be set together with exclude: StartReplicationTaskAssessmentRun refuses a value for IncludeOnly when Exclude is set; keep one of them (got ["b"])',
    );
  });
  test('fails on a wait longer than a day, and on a misspelt key', () => {
    expect(errorFor(dev({ assessment: { timeoutMinutes: 2000 } }))).toBe('cdk.json: environment "dev": assessment.timeoutMinutes: must be at most 1440 (got 2000)');
    expect(errorFor(dev({ assessment: { acceptWarning: true } }))).toBe('cdk.json: environment "dev": assessment.acceptWarning: unknown key (not in the schema; check the spelling)');
    expect(errorFor(dev({ migrating: 'yes' }))).toBe('cdk.json: environment "dev": migrating: must be a boolean (got "yes")');
  });
});

describe('DMS Serverless (replication.serverless)', () => {
  const serverless = (settings: Json, patch: Json = {}) =>
    dev({ replicationInstance: undefined, replication: { serverless: settings }, ...patch });

  test('parses, with multiAz left to the production default', () => {
    const [env] = parseEnvironments(serverless({ minCapacityUnits: 2, maxCapacityUnits: 16 }), 'cdk.json', '/project');
    expect(env.replicationInstance).toBeUndefined();
    expect(env.replication?.serverless).toEqual({ minCapacityUnits: 2, maxCapacityUnits: 16 });
    // The identifier that names the subnet group stays derived from the environment.
    expect(instanceIdentifier(env)).toBe('dms-dev');
  });
  test('refuses a DCU value DMS does not list, naming environment, field and value', () => {
    expect(errorFor(serverless({ maxCapacityUnits: 12 }))).toBe(
      'cdk.json: environment "dev": replication.serverless.maxCapacityUnits: must be one of the DCU values of the DMS API Reference (ComputeConfig): 1, 2, 4, 8, 16, 32, 64, 128, 192, 256, 384 (got 12)',
    );
  });
  test('refuses a minimum above the maximum', () => {
    expect(errorFor(serverless({ minCapacityUnits: 32, maxCapacityUnits: 8 }))).toBe(
      'cdk.json: environment "dev": replication.serverless.minCapacityUnits: 32 is above maxCapacityUnits 8 (got 32)',
    );
  });
  test('refuses an Availability Zone with multiAz true', () => {
    expect(errorFor(serverless({ maxCapacityUnits: 8, multiAz: true, availabilityZone: 'eu-west-1a' }))).toMatch(
      /replication\.serverless\.availabilityZone: "eu-west-1a" cannot be set with multiAz true/,
    );
  });
  test('refuses instance options (instance class, engine version) with serverless, naming them and their values', () => {
    const message = errorFor(dev({ replication: { serverless: { maxCapacityUnits: 8 } } }));
    expect(message).toMatch(/^cdk\.json: environment "dev": replicationInstance: does not apply with replication\.serverless: remove it \(/);
    expect(message).toContain('instanceClass = "dms.t3.medium" (capacity is replication.serverless.minCapacityUnits / maxCapacityUnits (DCUs))');
    expect(message).toContain('engineVersion = "3.5.4" (DMS Serverless manages the engine version)');
  });
  test('refuses an option that does not exist for serverless (instanceClass under replication.serverless)', () => {
    expect(errorFor(serverless({ maxCapacityUnits: 8, instanceClass: 'dms.t3.medium' }))).toBe(
      'cdk.json: environment "dev": replication.serverless.instanceClass: unknown key (not in the schema; check the spelling)',
    );
  });
  test('requires one of replicationInstance and replication.serverless', () => {
    expect(errorFor(dev({ replicationInstance: undefined }))).toMatch(/replicationInstance: is required unless replication\.serverless is set/);
  });
});
