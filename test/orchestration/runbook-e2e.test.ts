import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DatabaseMigrationServiceClient,
  DescribeApplicableIndividualAssessmentsCommand,
  DescribeReplicationTaskAssessmentRunsCommand,
  DescribeReplicationTaskIndividualAssessmentsCommand,
  DescribeReplicationTasksCommand,
  ModifyReplicationTaskCommand,
  ModifyReplicationTaskCommandInput,
  ReplicationTask,
  StartReplicationTaskAssessmentRunCommand,
  StartReplicationTaskCommand,
  StartReplicationTaskCommandInput,
} from '@aws-sdk/client-database-migration-service';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { AssessmentConfig, ControlConfig, ControlEvent, handleControl } from '../../lib/orchestration/handlers/control';
import { handleRestoration, RestorationEvent } from '../../lib/orchestration/handlers/restoration';
import { MySqlPlanStore } from '../../lib/orchestration/mysql-plan-store';
import { RunReport } from '../../lib/orchestration/run-report';
import { grantStatements, mysqlConnectionFactory } from '../../lib/restoration';
import { buildTestApp, exampleEnvironment, stackOf } from '../support/app';
import { AslDefinition, runStateMachine } from '../support/asl';
import { resolve } from '../support/cfn';
import { adminExec, createTestDatabases, createTestUser, dropTestDatabases, testServer, uniqueName } from '../support/mariadb';
import { dataChecksums, objectCounts, schemaSnapshot } from '../restoration/helpers';
import { richSchema } from '../restoration/schemas';

/**
 * The synthesized runbook of the dev environment, run by a small ASL interpreter: the control
 * Lambda's code against mocked DMS / SNS / CloudWatch, the restoration Lambda's code against the
 * real MariaDB. From defer to resumed CDC, then retried and interrupted.
 */

const TASK_ARN = 'arn:aws:dms:eu-west-1:111111111111:task:dev-adventureworks';
const dmsMock = mockClient(DatabaseMigrationServiceClient);
const snsMock = mockClient(SNSClient);
const cloudwatchMock = mockClient(CloudWatchClient);
const secretsMock = mockClient(SecretsManagerClient);
const SOURCE_SECRET = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:dms/dev/sqlserver-AbCdEf';
const TARGET_SECRET = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:dms/dev/aurora-GhIjKl';
/** The clock of the control Lambda: each call moves it on, so DMS's dates and the run's compare as in life. */
let clock = Date.parse('2026-11-26T08:00:00Z');
const tick = (): Date => new Date((clock += 60_000));

let dbs: string[];
let controlDb: string;
let definition: AslDefinition;
/** The runbook of the same environment with premigration assessments on, and its control Lambda's assessment settings. */
let assessedDefinition: AslDefinition;
let assessmentConfig: AssessmentConfig;
let connections: ReturnType<typeof mysqlConnectionFactory>;
/** The target schema with every secondary object, as the first test leaves it. */
let restoredSchema: Awaited<ReturnType<typeof schemaSnapshot>>;

/** A DMS task that moves through its life as the runbook starts, modifies and polls it. */
class FakeDmsTask {
  public task: ReplicationTask = { ReplicationTaskArn: TASK_ARN, Status: 'ready', MigrationType: 'full-load-and-cdc' };
  public starts: string[] = [];
  /** TargetTablePrepMode at each StartReplicationTask, and every ModifyReplicationTask. */
  public prepModeAtStart: string[] = [];
  public modifies: string[] = [];
  public prepMode = 'DO_NOTHING';
  private pollsUntilLoaded = 0;
  private pollsUntilModified = 0;
  constructor(private readonly onLoad: () => Promise<void>) {}

  public async describe(): Promise<ReplicationTask> {
    if (this.task.Status === 'modifying' && --this.pollsUntilModified === 0) this.task = { ...this.task, Status: 'stopped' };
    if (this.task.Status === 'running' && this.pollsUntilLoaded > 0 && --this.pollsUntilLoaded === 0) {
      await this.onLoad();
      const at = tick();
      this.task = {
        ...this.task,
        Status: 'stopped',
        StopReason: 'Stop Reason STOPPED_AFTER_CACHED_EVENTS',
        ReplicationTaskStats: { ...this.task.ReplicationTaskStats, FullLoadProgressPercent: 100, FullLoadFinishDate: at, StopDate: at },
      };
    }
    return { ...this.task, ReplicationTaskSettings: JSON.stringify({ FullLoadSettings: { TargetTablePrepMode: this.prepMode } }) };
  }

  public start(input: StartReplicationTaskCommandInput): void {
    this.starts.push(input.StartReplicationTaskType!);
    this.prepModeAtStart.push(this.prepMode);
    const at = tick();
    if (input.StartReplicationTaskType === 'start-replication' || input.StartReplicationTaskType === 'reload-target') {
      this.pollsUntilLoaded = 3;
      this.task = { ...this.task, Status: 'running', StopReason: undefined, ReplicationTaskStats: { FullLoadProgressPercent: 10, StartDate: at, FreshStartDate: at } };
    } else {
      this.task = { ...this.task, Status: 'running', StopReason: undefined, ReplicationTaskStats: { ...this.task.ReplicationTaskStats, StartDate: at } };
    }
  }

  public modify(input: ModifyReplicationTaskCommandInput): void {
    if (this.task.Status !== 'stopped' && this.task.Status !== 'failed') throw new Error(`InvalidResourceStateFault: task is ${this.task.Status}`);
    const mode = (JSON.parse(input.ReplicationTaskSettings!) as { FullLoadSettings: { TargetTablePrepMode: string } }).FullLoadSettings.TargetTablePrepMode;
    this.modifies.push(mode);
    this.prepMode = mode;
    this.pollsUntilModified = 1;
    this.task = { ...this.task, Status: 'modifying' };
  }

  /** An operator stops the task during CDC. */
  public stopByOperator(): void {
    const at = tick();
    this.task = { ...this.task, Status: 'stopped', StopReason: 'Stop Reason NORMAL', ReplicationTaskStats: { ...this.task.ReplicationTaskStats, StopDate: at } };
  }
}

/** DMS-form secrets for both endpoints, matching cdk.json's dev environment. */
function secretsInDmsForm(target: object = { username: 'dms', password: 'x', host: 'aurora-dev.cluster-abcdefghij.eu-west-1.rds.amazonaws.com', port: 3306 }) {
  secretsMock.reset();
  secretsMock.on(GetSecretValueCommand, { SecretId: SOURCE_SECRET }).resolves({ SecretString: JSON.stringify({ username: 'dms', password: 'x', host: 'sql', port: 1433 }) });
  secretsMock.on(GetSecretValueCommand, { SecretId: TARGET_SECRET }).resolves({ SecretString: JSON.stringify(target) });
}

function controlConfig(): ControlConfig {
  return {
    environment: 'dev',
    taskName: 'adventureworks',
    taskArn: TASK_ARN,
    migrationType: 'full-load-and-cdc',
    expectStopAfterLoad: true,
    deferBeforeLoad: true,
    topicArn: 'arn:aws:sns:eu-west-1:111111111111:dms-dev-alarms',
    maxWaitHours: 504,
    transientGraceSeconds: 3600,
    targetTablePrepMode: 'DO_NOTHING',
    secrets: [
      { role: 'source endpoint', secretId: SOURCE_SECRET, requiredKeys: ['username', 'password', 'host', 'port'], expectedPort: 1433 },
      { role: 'target endpoint', secretId: TARGET_SECRET, requiredKeys: ['username', 'password', 'host', 'port'], expectedPort: 3306 },
    ],
  };
}

function wire(fake: FakeDmsTask, restorationFault?: (event: RestorationEvent) => void, config: ControlConfig = controlConfig()) {
  secretsInDmsForm();
  dmsMock.reset();
  snsMock.reset();
  cloudwatchMock.reset();
  dmsMock.on(DescribeReplicationTasksCommand).callsFake(async () => ({ ReplicationTasks: [await fake.describe()] }));
  dmsMock.on(StartReplicationTaskCommand).callsFake((input: StartReplicationTaskCommandInput) => {
    fake.start(input);
    return {};
  });
  dmsMock.on(ModifyReplicationTaskCommand).callsFake((input: ModifyReplicationTaskCommandInput) => {
    fake.modify(input);
    return {};
  });
  snsMock.on(PublishCommand).resolves({});
  cloudwatchMock.on(PutMetricDataCommand).resolves({});
  const clients = {
    dms: new DatabaseMigrationServiceClient({ region: 'eu-west-1' }),
    sns: new SNSClient({ region: 'eu-west-1' }),
    cloudwatch: new CloudWatchClient({ region: 'eu-west-1' }),
    secrets: new SecretsManagerClient({ region: 'eu-west-1' }),
    now: tick,
  };
  return async (resource: string, payload: unknown) => {
    if (resource.includes('Control')) return handleControl(payload as ControlEvent, config, clients);
    if (resource.includes('RestorationFunction')) {
      const event = payload as RestorationEvent;
      restorationFault?.(event);
      const store = new MySqlPlanStore(connections, controlDb, event.planId);
      try {
        return await handleRestoration(event, { connections, store, deadline: Date.now() + 600_000, log: () => undefined });
      } finally {
        await store.close();
      }
    }
    throw new Error(`unknown resource ${resource}`);
  };
}

beforeAll(async () => {
  dbs = await createTestDatabases(['e2e_app', 'e2e_ref']);
  controlDb = uniqueName('dms_restoration');
  await adminExec(richSchema(dbs[0], dbs[1]));
  const user = await createTestUser((account) => [
    ...grantStatements(account, { flavor: 'mariadb', databases: dbs, otherDefiners: true }),
    `GRANT CREATE, SELECT, INSERT, UPDATE ON \`${controlDb}\`.* TO ${account}`,
  ]);
  const server = testServer();
  connections = mysqlConnectionFactory({ host: server.host, port: server.port, user: user.user, password: user.password });

  const env = exampleEnvironment('dev', { restoration: { deferBeforeLoad: true, databases: dbs } });
  definition = runbookDefinition(Template.fromStack(stackOf(buildTestApp({ dev: env }), 'dev')));
  const assessed = Template.fromStack(stackOf(buildTestApp({ dev: { ...env, assessment: { enabled: true, exclude: ['not-a-dms-assessment'] } } }), 'dev'));
  assessedDefinition = runbookDefinition(assessed);
  // The assessment settings exactly as the stack gives them to the control Lambda.
  const [control] = Object.values(assessed.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { RUNBOOK_TASK: 'adventureworks' } } } })) as Array<{
    Properties: { Environment: { Variables: Record<string, unknown> } };
  }>;
  assessmentConfig = JSON.parse(String(resolve(control.Properties.Environment.Variables.RUNBOOK_ASSESSMENT))) as AssessmentConfig;
});

function runbookDefinition(template: Template): AslDefinition {
  const [sm] = Object.values(template.findResources('AWS::StepFunctions::StateMachine', { Properties: { StateMachineName: 'dms-runbook-dev-adventureworks' } })) as Array<{ Properties: { DefinitionString: { 'Fn::Join': [string, unknown[]] } } }>;
  const text = sm.Properties.DefinitionString['Fn::Join'][1]
    .map((part) => (typeof part === 'string' ? part : ((part as { 'Fn::GetAtt': [string] })['Fn::GetAtt']?.[0] ?? 'TOKEN')))
    .join('');
  return JSON.parse(text) as AslDefinition;
}

afterAll(async () => {
  await dropTestDatabases([...dbs, controlDb]);
});

test('a deploy-started run goes from defer to resumed CDC; a second run starts no second full load', async () => {
  const before = await schemaSnapshot(dbs);
  let countsDuringLoad: Awaited<ReturnType<typeof objectCounts>> | undefined;
  const fake = new FakeDmsTask(async () => {
    countsDuringLoad = await objectCounts(dbs);
  });
  const invoke = wire(fake);

  const first = await runStateMachine(definition, { runId: 'cfn-1', trigger: 'cloudformation-create' }, invoke);
  expect(first.status).toBe('SUCCEEDED');
  // The secondary objects were gone while DMS loaded, and are back now.
  expect(countsDuringLoad).toEqual({ indexes: 0, foreignKeys: 0, triggers: 0 });
  expect(await schemaSnapshot(dbs)).toEqual(before);
  restoredSchema = before;
  expect(fake.starts).toEqual(['start-replication', 'resume-processing']);
  expect(first.path.filter((s) => ['Defer', 'StartTask', 'Apply', 'Verify', 'ResumeCdc', 'Report'].includes(s))).toEqual([
    'Defer',
    'StartTask',
    'Apply',
    'Verify',
    'ResumeCdc',
    'Report',
  ]);
  expect(first.path.filter((s) => s === 'PollTask').length).toBe(3);
  const report = first.output as RunReport;
  expect(report).toMatchObject({ outcome: 'SUCCEEDED', restorationVerified: true, cdcResumed: true, counts: { restored: 26, failed: 0, orphans: 0 } });
  expect(snsMock.commandCalls(PublishCommand)[0].args[0].input.Subject).toBe('[SUCCEEDED] DMS runbook dev/adventureworks');

  // Run again (an operator `run start`, or a deploy with a new run id): CDC is running, the plan is applied.
  const second = await runStateMachine(definition, { runId: 'manual-2' }, invoke);
  expect(second.status).toBe('SUCCEEDED');
  expect(fake.starts).toEqual(['start-replication', 'resume-processing']);
  expect(second.path).not.toContain('Defer');
  expect(second.path).not.toContain('StartTask');
  expect((second.output as RunReport).counts.failed).toBe(0);
  expect(await schemaSnapshot(dbs)).toEqual(before);
});

test('an interrupted run fails with the cause, and a retry converges without reloading', async () => {
  const before = await schemaSnapshot(dbs);
  const rows = await dataChecksums(dbs);
  // Start from a deferred schema with the task stopped at the post-load point.
  const fake = new FakeDmsTask(async () => undefined);
  fake.task = {
    ReplicationTaskArn: TASK_ARN,
    Status: 'stopped',
    StopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED',
    ReplicationTaskStats: { FullLoadProgressPercent: 100, StartDate: tick(), FullLoadFinishDate: tick() },
  };
  const store = new MySqlPlanStore(connections, controlDb, 'dev-adventureworks');
  await handleRestoration({ action: 'defer', planId: 'dev-adventureworks', databases: dbs, concurrency: 2 }, { connections, store, deadline: Date.now() + 600_000, log: () => undefined });
  await store.close();
  expect(await objectCounts(dbs)).toEqual({ indexes: 0, foreignKeys: 0, triggers: 0 });

  let applyCalls = 0;
  const crashing = wire(fake, (event) => {
    if (event.action === 'apply' && ++applyCalls === 1) throw new Error('Task timed out after 900.00 seconds');
  });
  const failed = await runStateMachine(definition, { runId: 'cfn-3' }, crashing);
  expect(failed.status).toBe('FAILED');
  expect(failed.error).toBe('RunFailed');
  const failedReport = JSON.parse(failed.cause!) as RunReport;
  expect(failedReport).toMatchObject({ outcome: 'FAILED', cdcResumed: false, failures: [{ object: 'run', reason: 'Error: Task timed out after 900.00 seconds' }] });
  expect(fake.starts).toEqual([]);

  const retried = await runStateMachine(definition, { runId: 'retry-4' }, wire(fake));
  expect(retried.status).toBe('SUCCEEDED');
  expect(retried.path).not.toContain('StartTask');
  expect(fake.starts).toEqual(['resume-processing']);
  expect(await schemaSnapshot(dbs)).toEqual(before);
  expect(await dataChecksums(dbs)).toEqual(rows);
});

test('a DMS task that fails during the load ends the run failed with DMS reason, without restoring or resuming', async () => {
  const fake = new FakeDmsTask(async () => undefined);
  const invoke = wire(fake);
  const failing = async (resource: string, payload: unknown) => {
    if (fake.task.Status === 'running') fake.task = { ...fake.task, Status: 'failed', LastFailureMessage: 'Last Error Connection to source failed' };
    return invoke(resource, payload);
  };
  fake.task = { ReplicationTaskArn: TASK_ARN, Status: 'ready' };
  const run = await runStateMachine(definition, { runId: 'cfn-5' }, failing);
  expect(run.status).toBe('FAILED');
  const report = JSON.parse(run.cause!) as RunReport;
  expect(report.dmsReason).toBe('DMS task failed: Last Error Connection to source failed');
  expect(run.path).not.toContain('Apply');
  expect(run.path).not.toContain('ResumeCdc');
});

test('a reload defers again, empties the tables through DMS (TRUNCATE_BEFORE_LOAD), restores and sets the prep mode back', async () => {
  // Start from the restored schema (the test before leaves it deferred).
  const store = new MySqlPlanStore(connections, controlDb, 'dev-adventureworks');
  await handleRestoration({ action: 'apply', planId: 'dev-adventureworks', databases: dbs, concurrency: 2 }, { connections, store, deadline: Date.now() + 600_000, log: () => undefined });
  await store.close();
  expect(await schemaSnapshot(dbs)).toEqual(restoredSchema);
  let countsDuringReload: Awaited<ReturnType<typeof objectCounts>> | undefined;
  const fake = new FakeDmsTask(async () => {
    countsDuringReload = await objectCounts(dbs);
  });
  // A task that loaded before and replicates: the operator stopped it to reload.
  fake.task = {
    ReplicationTaskArn: TASK_ARN,
    Status: 'running',
    ReplicationTaskStats: { FullLoadProgressPercent: 100, FullLoadFinishDate: tick(), StartDate: tick() },
  };
  fake.stopByOperator();
  const invoke = wire(fake);

  const run = await runStateMachine(definition, { runId: 'manual-reload', startType: 'reload-target' }, invoke);
  expect(run.status).toBe('SUCCEEDED');
  expect(countsDuringReload).toEqual({ indexes: 0, foreignKeys: 0, triggers: 0 });
  expect(fake.modifies).toEqual(['TRUNCATE_BEFORE_LOAD', 'DO_NOTHING']);
  expect(fake.starts).toEqual(['reload-target', 'resume-processing']);
  expect(fake.prepModeAtStart).toEqual(['TRUNCATE_BEFORE_LOAD', 'DO_NOTHING']);
  expect(run.path.filter((s) => ['Preflight', 'Defer', 'StartTask', 'Apply', 'Verify', 'ResumeCdc'].includes(s))).toEqual([
    'Preflight',
    'Defer',
    'StartTask',
    'StartTask',
    'Apply',
    'Verify',
    'ResumeCdc',
    'ResumeCdc',
  ]);
  expect(await schemaSnapshot(dbs)).toEqual(restoredSchema);
  expect(run.output as RunReport).toMatchObject({ outcome: 'SUCCEEDED', restorationVerified: true, cdcResumed: true });
});

test('a target secret without host and port fails the run at preflight, before DMS or the database is touched', async () => {
  const fake = new FakeDmsTask(async () => undefined);
  const invoke = wire(fake);
  secretsInDmsForm({ username: 'admin', password: 'rds-managed' });
  const calls: string[] = [];
  const run = await runStateMachine(definition, { runId: 'cfn-6' }, async (resource, payload) => {
    calls.push((payload as { action: string }).action);
    return invoke(resource, payload);
  });
  expect(run.status).toBe('FAILED');
  expect(calls).toEqual(['preflight', 'report']);
  expect(dmsMock.calls()).toHaveLength(0);
  const report = JSON.parse(run.cause!) as RunReport;
  expect(report).toMatchObject({ outcome: 'FAILED', step: 'preflight', cdcResumed: false });
  expect(report.failures[0].reason).toMatch(/^lacks "host", "port"/);
  expect(snsMock.commandCalls(PublishCommand)[0].args[0].input.Message).toContain(`target endpoint secret ${TARGET_SECRET}: lacks "host", "port"`);
});

const ASSESSMENT_RUN_ARN = 'arn:aws:dms:eu-west-1:111111111111:assessment-run:RUN1';
/**
 * DMS's side of one assessment run: the applicable assessments, the run (its statuses one poll
 * after the other; the last repeats) and its individual assessments.
 */
function assessmentScenario(statuses: readonly string[], individuals: ReadonlyArray<[string, string]>) {
  let started = false;
  let polls = 0;
  dmsMock.on(DescribeApplicableIndividualAssessmentsCommand).resolves({ IndividualAssessmentNames: individuals.map(([name]) => name) });
  dmsMock.on(StartReplicationTaskAssessmentRunCommand).callsFake(() => {
    started = true;
    return { ReplicationTaskAssessmentRun: { ReplicationTaskAssessmentRunArn: ASSESSMENT_RUN_ARN, Status: 'starting' } };
  });
  dmsMock.on(DescribeReplicationTaskAssessmentRunsCommand).callsFake(() => {
    if (!started) return { ReplicationTaskAssessmentRuns: [] };
    const status = statuses[Math.min(polls++, statuses.length - 1)];
    return {
      ReplicationTaskAssessmentRuns: [
        {
          ReplicationTaskAssessmentRunArn: ASSESSMENT_RUN_ARN,
          ReplicationTaskArn: TASK_ARN,
          AssessmentRunName: 'dev-adventureworks-cfn-7',
          Status: status,
          ResultLocationBucket: assessmentConfig.bucket,
          ResultLocationFolder: assessmentConfig.folder,
          LastFailureMessage: status === 'failed' ? 'Assessment mysql-check-target-privileges failed' : undefined,
        },
      ],
    };
  });
  dmsMock.on(DescribeReplicationTaskIndividualAssessmentsCommand).resolves({
    ReplicationTaskIndividualAssessments: individuals.map(([name, status]) => ({ IndividualAssessmentName: name, Status: status, ReplicationTaskAssessmentRunArn: ASSESSMENT_RUN_ARN })),
  });
}

describe('the premigration assessment before the first start', () => {
  const assessedConfig = (): ControlConfig => ({ ...controlConfig(), assessment: assessmentConfig });

  test('the stack gives the control Lambda the results bucket, the role, the task folder and the configured exclusions', () => {
    expect(assessmentConfig).toEqual({
      taskIdentifier: 'dev-adventureworks',
      folder: 'assessments/dev-adventureworks',
      exclude: ['not-a-dms-assessment'],
      acceptWarnings: false,
      timeoutMinutes: 120,
      roleArn: 'AssessmentResultsRoleED95D42F.Arn',
      bucket: 'ref:AssessmentResultsBucketA1C1EC6E',
    });
  });

  test('an assessment with a failure stops the run before the task starts and names the failed check', async () => {
    const before = await schemaSnapshot(dbs);
    const fake = new FakeDmsTask(async () => undefined);
    const invoke = wire(fake, undefined, assessedConfig());
    assessmentScenario(['running', 'running', 'failed'], [
      ['mysql-check-target-privileges', 'failed'],
      ['unsupported-data-types-in-source', 'passed'],
      ['table-with-no-primary-key-or-unique-constraint', 'warning'],
    ]);
    const run = await runStateMachine(assessedDefinition, { runId: 'cfn-7', trigger: 'cloudformation-create' }, invoke);
    expect(run.status).toBe('FAILED');
    expect(fake.starts).toEqual([]);
    expect(run.path).not.toContain('Defer');
    expect(run.path).not.toContain('StartTask');
    expect(run.path.filter((s) => s === 'Assess')).toHaveLength(3);
    // Nothing was deferred: the target is as it was.
    expect(await schemaSnapshot(dbs)).toEqual(before);
    const start = dmsMock.commandCalls(StartReplicationTaskAssessmentRunCommand)[0].args[0].input;
    expect(start).toEqual({
      ReplicationTaskArn: TASK_ARN,
      ServiceAccessRoleArn: 'AssessmentResultsRoleED95D42F.Arn',
      ResultLocationBucket: 'ref:AssessmentResultsBucketA1C1EC6E',
      ResultLocationFolder: 'assessments/dev-adventureworks',
      ResultEncryptionMode: 'SSE_S3',
      AssessmentRunName: 'dev-adventureworks-cfn-7',
    });
    const report = JSON.parse(run.cause!) as RunReport;
    expect(report).toMatchObject({ outcome: 'FAILED', step: 'assessment', cdcResumed: false });
    const results = 's3://ref:AssessmentResultsBucketA1C1EC6E/assessments/dev-adventureworks/';
    expect(report.failures).toEqual([
      { object: 'premigration assessment mysql-check-target-privileges', reason: `failed (results in ${results})` },
      { object: 'premigration assessment table-with-no-primary-key-or-unique-constraint', reason: `warning (results in ${results})` },
    ]);
    expect(report.assessment).toEqual({
      runName: 'dev-adventureworks-cfn-7',
      status: 'failed',
      resultLocation: results,
      warnings: ['assessment.exclude: "not-a-dms-assessment" is not an individual assessment DMS applies to this task (DescribeApplicableIndividualAssessments): left out of the request'],
    });
    const message = snsMock.commandCalls(PublishCommand)[0].args[0].input.Message!;
    expect(message).toContain('- premigration assessment mysql-check-target-privileges: failed');
    expect(message).toContain('Next: read the results (`npm run --silent cli -- assess status --env dev --task adventureworks`)');
  });

  test('warnings stop the run for the operator; accepted warnings (run start --accept-assessment-warnings) let the task start', async () => {
    const fake = new FakeDmsTask(async () => undefined);
    const invoke = wire(fake, undefined, assessedConfig());
    assessmentScenario(['warning'], [['table-with-no-primary-key-or-unique-constraint', 'warning']]);
    const warned = await runStateMachine(assessedDefinition, { runId: 'cfn-8' }, invoke);
    expect(warned.status).toBe('FAILED');
    expect(fake.starts).toEqual([]);
    expect((JSON.parse(warned.cause!) as RunReport).step).toBe('assessment');

    assessmentScenario(['warning'], [['table-with-no-primary-key-or-unique-constraint', 'warning']]);
    const accepted = await runStateMachine(assessedDefinition, { runId: 'manual-9', acceptAssessmentWarnings: true }, invoke);
    expect(accepted.status).toBe('SUCCEEDED');
    expect(fake.starts).toEqual(['start-replication', 'resume-processing']);
    expect(accepted.path.indexOf('Assess')).toBeLessThan(accepted.path.indexOf('Defer'));
    expect((accepted.output as RunReport).assessment?.warnings).toContain('assessment table-with-no-primary-key-or-unique-constraint: warning (accepted)');
  });
});

test('a run started by a deploy that changed a task an operator had stopped leaves it stopped, and says how to resume', async () => {
  const fake = new FakeDmsTask(async () => undefined);
  fake.task = { ReplicationTaskArn: TASK_ARN, Status: 'running', ReplicationTaskStats: { FullLoadProgressPercent: 100, FullLoadFinishDate: tick(), StartDate: tick() } };
  fake.stopByOperator();
  const calls: string[] = [];
  const invoke = wire(fake);
  const run = await runStateMachine(definition, { runId: 'cfn-10', trigger: 'cloudformation-update', deployStop: { wasRunning: false } }, async (resource, payload) => {
    calls.push((payload as { action: string }).action);
    return invoke(resource, payload);
  });
  expect(calls).toEqual(['preflight', 'prepare', 'report']);
  expect(fake.starts).toEqual([]);
  expect(run.status).toBe('FAILED');
  const report = JSON.parse(run.cause!) as RunReport;
  expect(report).toMatchObject({ step: 'prepare', cdcResumed: false });
  expect(report.failures).toEqual([
    {
      object: 'task',
      reason:
        'the task was stopped (Stop Reason NORMAL) when this deploy changed it, and a deploy resumes only a task it stopped itself: it stays stopped; resume it with `npm run --silent cli -- run start` (resume-processing)',
    },
  ]);
});

test('a run waiting for the full load bears a deploy that stops the task, changes it and resumes it', async () => {
  const store = new MySqlPlanStore(connections, controlDb, 'dev-adventureworks');
  await handleRestoration({ action: 'apply', planId: 'dev-adventureworks', databases: dbs, concurrency: 2 }, { connections, store, deadline: Date.now() + 600_000, log: () => undefined });
  await store.close();
  const fake = new FakeDmsTask(async () => undefined);
  const invoke = wire(fake);
  let polls = 0;
  const run = await runStateMachine(definition, { runId: 'cfn-11' }, async (resource, payload) => {
    if ((payload as { action: string }).action === 'poll') {
      polls++;
      // The deploy's stopper stops the task between two polls; its resumer resumes it two polls later.
      if (polls === 2) fake.stopByOperator();
      if (polls === 4) fake.start({ ReplicationTaskArn: TASK_ARN, StartReplicationTaskType: 'resume-processing' });
    }
    return invoke(resource, payload);
  });
  expect(run.status).toBe('SUCCEEDED');
  expect(fake.starts).toEqual(['start-replication', 'resume-processing', 'resume-processing']);
  expect(run.output as RunReport).toMatchObject({ outcome: 'SUCCEEDED', restorationVerified: true, cdcResumed: true });
});
