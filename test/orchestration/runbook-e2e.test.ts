import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DatabaseMigrationServiceClient,
  DescribeReplicationTasksCommand,
  ReplicationTask,
  StartReplicationTaskCommand,
  StartReplicationTaskCommandInput,
} from '@aws-sdk/client-database-migration-service';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { ControlConfig, ControlEvent, handleControl } from '../../lib/orchestration/handlers/control';
import { handleRestoration, RestorationEvent } from '../../lib/orchestration/handlers/restoration';
import { MySqlPlanStore } from '../../lib/orchestration/mysql-plan-store';
import { RunReport } from '../../lib/orchestration/run-report';
import { grantStatements, mysqlConnectionFactory } from '../../lib/restoration';
import { buildTestApp, exampleEnvironment, stackOf } from '../support/app';
import { AslDefinition, runStateMachine } from '../support/asl';
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

let dbs: string[];
let controlDb: string;
let definition: AslDefinition;
let connections: ReturnType<typeof mysqlConnectionFactory>;

/** A DMS task that moves through its life as the runbook starts and polls it. */
class FakeDmsTask {
  public task: ReplicationTask = { ReplicationTaskArn: TASK_ARN, Status: 'ready', MigrationType: 'full-load-and-cdc' };
  public starts: string[] = [];
  private pollsUntilLoaded = 0;
  constructor(private readonly onLoad: () => Promise<void>) {}

  public async describe(): Promise<ReplicationTask> {
    if (this.task.Status === 'running' && this.pollsUntilLoaded > 0 && --this.pollsUntilLoaded === 0) {
      await this.onLoad();
      this.task = {
        ...this.task,
        Status: 'stopped',
        StopReason: 'Stop Reason STOPPED_AFTER_CACHED_EVENTS',
        ReplicationTaskStats: { FullLoadProgressPercent: 100, FullLoadFinishDate: new Date('2026-11-26T09:00:00Z') },
      };
    }
    return this.task;
  }

  public start(input: StartReplicationTaskCommandInput): void {
    this.starts.push(input.StartReplicationTaskType!);
    if (input.StartReplicationTaskType === 'start-replication' || input.StartReplicationTaskType === 'reload-target') {
      this.pollsUntilLoaded = 3;
      this.task = { ...this.task, Status: 'running', ReplicationTaskStartDate: new Date('2026-11-26T08:00:00Z'), ReplicationTaskStats: { FullLoadProgressPercent: 10 } };
    } else {
      this.task = { ...this.task, Status: 'running', StopReason: undefined, ReplicationTaskStartDate: new Date('2026-11-26T10:00:00Z') };
    }
  }
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
  };
}

function wire(fake: FakeDmsTask, restorationFault?: (event: RestorationEvent) => void) {
  dmsMock.reset();
  snsMock.reset();
  cloudwatchMock.reset();
  dmsMock.on(DescribeReplicationTasksCommand).callsFake(async () => ({ ReplicationTasks: [await fake.describe()] }));
  dmsMock.on(StartReplicationTaskCommand).callsFake((input: StartReplicationTaskCommandInput) => {
    fake.start(input);
    return {};
  });
  snsMock.on(PublishCommand).resolves({});
  cloudwatchMock.on(PutMetricDataCommand).resolves({});
  const clients = {
    dms: new DatabaseMigrationServiceClient({ region: 'eu-west-1' }),
    sns: new SNSClient({ region: 'eu-west-1' }),
    cloudwatch: new CloudWatchClient({ region: 'eu-west-1' }),
    now: () => new Date('2026-11-26T11:00:00Z'),
  };
  return async (resource: string, payload: unknown) => {
    if (resource.includes('Control')) return handleControl(payload as ControlEvent, controlConfig(), clients);
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
  const template = Template.fromStack(stackOf(buildTestApp({ dev: env }), 'dev'));
  const [sm] = Object.values(template.findResources('AWS::StepFunctions::StateMachine')) as Array<{ Properties: { DefinitionString: { 'Fn::Join': [string, unknown[]] } } }>;
  const text = sm.Properties.DefinitionString['Fn::Join'][1]
    .map((part) => (typeof part === 'string' ? part : ((part as { 'Fn::GetAtt': [string] })['Fn::GetAtt']?.[0] ?? 'TOKEN')))
    .join('');
  definition = JSON.parse(text) as AslDefinition;
});

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
    ReplicationTaskStartDate: new Date('2026-11-26T08:00:00Z'),
    ReplicationTaskStats: { FullLoadProgressPercent: 100, FullLoadFinishDate: new Date('2026-11-26T09:00:00Z') },
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
