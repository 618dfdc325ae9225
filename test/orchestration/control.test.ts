import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DatabaseMigrationServiceClient,
  DescribeReplicationTasksCommand,
  ReplicationTask,
  StartReplicationTaskCommand,
} from '@aws-sdk/client-database-migration-service';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { ControlConfig, ControlEvent, handleControl, PollResult, PrepareResult, RunState } from '../../lib/orchestration/handlers/control';
import { RunReport } from '../../lib/orchestration/run-report';
import { classifyLoad, decideStart, nextPollSeconds } from '../../lib/orchestration/task-control';

const TASK_ARN = 'arn:aws:dms:eu-west-1:111111111111:task:dev-adventureworks';
const config: ControlConfig = {
  environment: 'dev',
  taskName: 'adventureworks',
  taskArn: TASK_ARN,
  migrationType: 'full-load-and-cdc',
  expectStopAfterLoad: true,
  deferBeforeLoad: true,
  topicArn: 'arn:aws:sns:eu-west-1:111111111111:alarms',
  maxWaitHours: 504,
};

const dms = mockClient(DatabaseMigrationServiceClient);
const sns = mockClient(SNSClient);
const cloudwatch = mockClient(CloudWatchClient);
let now = new Date('2026-11-26T10:00:00Z');
const clients = () => ({
  dms: new DatabaseMigrationServiceClient({ region: 'eu-west-1' }),
  sns: new SNSClient({ region: 'eu-west-1' }),
  cloudwatch: new CloudWatchClient({ region: 'eu-west-1' }),
  now: () => now,
});

/** DMS answers DescribeReplicationTasks with this task, one call after the other. */
function taskStates(...tasks: Partial<ReplicationTask>[]) {
  let mock = dms.on(DescribeReplicationTasksCommand, { Filters: [{ Name: 'replication-task-arn', Values: [TASK_ARN] }] });
  for (const task of tasks) mock = mock.resolvesOnce({ ReplicationTasks: [{ ReplicationTaskArn: TASK_ARN, ...task }] });
}

function run(event: ControlEvent, cfg: ControlConfig = config) {
  return handleControl(event, cfg, clients());
}

beforeEach(() => {
  dms.reset();
  sns.reset();
  cloudwatch.reset();
  now = new Date('2026-11-26T10:00:00Z');
});

const fresh: Partial<ReplicationTask> = { Status: 'ready', MigrationType: 'full-load-and-cdc' };
const postLoad: Partial<ReplicationTask> = {
  Status: 'stopped',
  StopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED',
  ReplicationTaskStartDate: new Date('2026-11-25T10:00:00Z'),
  ReplicationTaskStats: { FullLoadProgressPercent: 100, FullLoadFinishDate: new Date('2026-11-26T09:00:00Z') },
};

describe('first start vs resume', () => {
  test('a task that never ran: defer, then start-replication', async () => {
    taskStates(fresh, fresh);
    const prepared = (await run({ action: 'prepare', state: { runId: 'r1' } })) as PrepareResult;
    expect(prepared).toMatchObject({ defer: true, restore: true, start: { action: 'start', startType: 'start-replication' } });
    dms.on(StartReplicationTaskCommand).resolves({});
    await expect(run({ action: 'start', state: { runId: 'r1', prepare: prepared } })).resolves.toMatchObject({
      started: true,
      startType: 'start-replication',
    });
    expect(dms.commandCalls(StartReplicationTaskCommand)[0].args[0].input).toEqual({
      ReplicationTaskArn: TASK_ARN,
      StartReplicationTaskType: 'start-replication',
    });
  });

  test('a task that ran before (stopped): resume-processing and no defer, never a reload', async () => {
    const stopped = { Status: 'stopped', StopReason: 'Stop Reason NORMAL', ReplicationTaskStartDate: new Date('2026-11-20T00:00:00Z') };
    taskStates(stopped, stopped);
    const prepared = (await run({ action: 'prepare', state: { runId: 'r2' } })) as PrepareResult;
    expect(prepared).toMatchObject({ defer: false, start: { action: 'start', startType: 'resume-processing' } });
    dms.on(StartReplicationTaskCommand).resolves({});
    await run({ action: 'start', state: { runId: 'r2' } });
    expect(dms.commandCalls(StartReplicationTaskCommand).map((c) => c.args[0].input.StartReplicationTaskType)).toEqual(['resume-processing']);
  });

  test('a task "ready" after a modify but with a start date resumes rather than reloading', () => {
    expect(decideStart({ Status: 'ready', ReplicationTaskStats: { FullLoadFinishDate: '2026-11-01' } })).toEqual({
      action: 'start',
      startType: 'resume-processing',
    });
  });

  test('reload-target only when the operator asks for it', async () => {
    taskStates(postLoad);
    dms.on(StartReplicationTaskCommand).resolves({});
    await run({ action: 'start', state: { runId: 'r3', startType: 'reload-target' } });
    expect(dms.commandCalls(StartReplicationTaskCommand)[0].args[0].input.StartReplicationTaskType).toBe('reload-target');
  });

  test('a running task is not started again (a retried start call is a no-op)', async () => {
    taskStates({ Status: 'running', ReplicationTaskStartDate: new Date() });
    await expect(run({ action: 'start', state: { runId: 'r4' } })).resolves.toEqual({ started: false, detail: 'the task is already running' });
    expect(dms.commandCalls(StartReplicationTaskCommand)).toHaveLength(0);
  });

  test('a retried run finds the task stopped at the post-load point: no start, restore first', () => {
    expect(decideStart(postLoad)).toEqual({ action: 'none', reason: 'the task is at the post-load point (Stop Reason FULL_LOAD_ONLY_FINISHED)' });
  });

  test('a task that is still being created is waited for', () => {
    expect(decideStart({ Status: 'creating' })).toEqual({ action: 'wait', reason: 'the task is creating' });
  });

  test('a CDC-only task has nothing to defer or restore', async () => {
    taskStates(fresh);
    const prepared = (await run({ action: 'prepare', state: { runId: 'r5' } }, { ...config, migrationType: 'cdc' })) as PrepareResult;
    expect(prepared).toMatchObject({ defer: false, restore: false });
  });

  test('a task that does not exist fails with its ARN', async () => {
    dms.on(DescribeReplicationTasksCommand).resolves({ ReplicationTasks: [] });
    await expect(run({ action: 'prepare', state: { runId: 'r6' } })).rejects.toThrow(`replication task ${TASK_ARN} not found`);
  });
});

describe('waiting for the post-load point', () => {
  test.each([
    ['Stop Reason FULL_LOAD_ONLY_FINISHED'],
    ['Stop Reason STOPPED_AFTER_CACHED_EVENTS'],
  ])('stopped with %s is the post-load point', async (StopReason) => {
    taskStates({ ...postLoad, StopReason });
    const result = (await run({ action: 'poll', state: { runId: 'r' } })) as PollResult;
    expect(result).toMatchObject({ phase: 'post-load', detail: StopReason, polls: 1 });
  });

  test('still loading: poll again with a doubling interval capped at 15 minutes', async () => {
    taskStates({ Status: 'running', ReplicationTaskStats: { FullLoadProgressPercent: 42 } });
    const result = (await run({ action: 'poll', state: { runId: 'r', poll: { phase: 'loading', detail: '', waitSeconds: 480, polls: 4, waitingSince: now.toISOString() } } })) as PollResult;
    expect(result).toMatchObject({ phase: 'loading', detail: 'task running (full load 42%)', waitSeconds: 900, polls: 5 });
    expect([undefined, 60, 120, 900].map(nextPollSeconds)).toEqual([60, 120, 240, 900]);
  });

  test('a failed task ends the wait with DMS own reason', async () => {
    taskStates({ Status: 'failed', LastFailureMessage: 'Last Error ODBC general error. Task error notification received from subtask 0' });
    const result = (await run({ action: 'poll', state: { runId: 'r' } })) as PollResult;
    expect(result.phase).toBe('failed');
    expect(result.detail).toBe('DMS task failed: Last Error ODBC general error. Task error notification received from subtask 0');
  });

  test('a task stopped by someone (or an error) before the post-load point fails the run with the stop reason', () => {
    expect(classifyLoad({ Status: 'stopped', StopReason: 'Stop Reason NORMAL' }, true)).toEqual({
      phase: 'failed',
      reason: 'DMS task stopped before the post-load point: Stop Reason NORMAL',
    });
    expect(classifyLoad({ Status: 'stopped', StopReason: 'Stop Reason FATAL_ERROR', LastFailureMessage: 'disk full' }, true)).toEqual({
      phase: 'failed',
      reason: 'DMS task stopped before the post-load point: Stop Reason FATAL_ERROR (disk full)',
    });
  });

  test('a running task whose full load finished is post-load when it was not asked to stop', () => {
    const task = { Status: 'running', ReplicationTaskStats: { FullLoadProgressPercent: 100, FullLoadFinishDate: '2026-11-26' } };
    expect(classifyLoad(task, false)).toMatchObject({ phase: 'post-load', cdcRunning: true });
    expect(classifyLoad(task, true)).toMatchObject({ phase: 'loading' });
  });

  test('a task whose CDC an earlier run resumed is post-load, even though it was asked to stop after the load', () => {
    const task = {
      Status: 'running',
      ReplicationTaskStartDate: '2026-11-26T10:00:00Z',
      ReplicationTaskStats: { FullLoadProgressPercent: 100, FullLoadFinishDate: '2026-11-26T09:00:00Z' },
    };
    expect(classifyLoad(task, true)).toMatchObject({ phase: 'post-load', cdcRunning: true });
  });

  test('a task left "ready" after the start grace period fails the run', () => {
    expect(classifyLoad({ Status: 'ready' }, true, 0).phase).toBe('loading');
    expect(classifyLoad({ Status: 'ready' }, true, 3).phase).toBe('failed');
  });

  test('gives up after the configured maximum wait, leaving the task running', async () => {
    taskStates({ Status: 'running', ReplicationTaskStats: { FullLoadProgressPercent: 99 } });
    const waitingSince = new Date(now.getTime() - 505 * 3_600_000).toISOString();
    const result = (await run({ action: 'poll', state: { runId: 'r', poll: { phase: 'loading', detail: '', waitSeconds: 900, polls: 100, waitingSince } } })) as PollResult;
    expect(result.phase).toBe('failed');
    expect(result.detail).toMatch(/^the full load did not reach the post-load point within 504 h/);
  });
});

describe('resume', () => {
  test('resumes CDC with resume-processing after restoration', async () => {
    taskStates(postLoad);
    dms.on(StartReplicationTaskCommand).resolves({});
    await expect(run({ action: 'resume', state: { runId: 'r' } })).resolves.toEqual({ cdcResumed: true, detail: 'StartReplicationTask resume-processing' });
    expect(dms.commandCalls(StartReplicationTaskCommand)[0].args[0].input.StartReplicationTaskType).toBe('resume-processing');
  });
  test('does not start a running task', async () => {
    taskStates({ Status: 'running' });
    await expect(run({ action: 'resume', state: { runId: 'r' } })).resolves.toEqual({ cdcResumed: true, detail: 'task already running' });
    expect(dms.commandCalls(StartReplicationTaskCommand)).toHaveLength(0);
  });
  test('a full-load task has no CDC to resume', async () => {
    taskStates(postLoad);
    await expect(run({ action: 'resume', state: { runId: 'r' } }, { ...config, migrationType: 'full-load' })).resolves.toEqual({
      cdcResumed: false,
      detail: 'no CDC for a full-load task',
    });
    expect(dms.commandCalls(StartReplicationTaskCommand)).toHaveLength(0);
  });
});

describe('report', () => {
  const restored: RunState = {
    runId: 'r',
    prepare: { startedAt: '2026-11-26T08:00:00Z', defer: true, restore: true, start: { action: 'start', startType: 'start-replication' } },
    apply: { done: true, counts: { restored: 12, skipped: 1, failed: 0, orphans: 0 }, failures: [] },
    verify: { done: true, verified: true, counts: { restored: 0, skipped: 0, failed: 0, orphans: 0 }, failures: [] },
    resume: { cdcResumed: true, detail: '' },
  };

  test('a clean run reports SUCCEEDED to the topic and to CloudWatch', async () => {
    sns.on(PublishCommand).resolves({});
    cloudwatch.on(PutMetricDataCommand).resolves({});
    const report = (await run({ action: 'report', state: restored })) as RunReport;
    expect(report).toMatchObject({ outcome: 'SUCCEEDED', restorationVerified: true, cdcResumed: true, durationSeconds: 7200, counts: { restored: 12 } });
    const published = sns.commandCalls(PublishCommand)[0].args[0].input;
    expect(published.Subject).toBe('[SUCCEEDED] DMS runbook dev/adventureworks');
    expect(published.Message).toContain('objects restored 12, skipped 1, failed 0; FK orphans 0');
    const metrics = cloudwatch.commandCalls(PutMetricDataCommand)[0].args[0].input;
    expect(metrics.Namespace).toBe('DmsMigration/Restoration');
    expect(metrics.MetricData?.map((m) => [m.MetricName, m.Value])).toEqual([
      ['RunDuration', 7200],
      ['ObjectsRestored', 12],
      ['ObjectsFailed', 0],
      ['ForeignKeyOrphans', 0],
      ['RunSucceeded', 1],
    ]);
  });

  test('duplicates and orphans make the run FAILED, with each object and reason', async () => {
    sns.on(PublishCommand).resolves({});
    cloudwatch.on(PutMetricDataCommand).resolves({});
    const dirty: RunState = {
      ...restored,
      apply: {
        done: true,
        counts: { restored: 10, skipped: 0, failed: 1, orphans: 3 },
        failures: [{ object: 'index `sales`.`customer`.`ux_email`', reason: 'duplicate key (2 duplicate groups)' }],
      },
      verify: { done: true, verified: false, counts: { restored: 0, skipped: 0, failed: 1, orphans: 3 }, failures: [] },
    };
    const report = (await run({ action: 'report', state: dirty })) as RunReport;
    expect(report).toMatchObject({ outcome: 'FAILED', restorationVerified: false, counts: { failed: 1, orphans: 3 } });
    expect(sns.commandCalls(PublishCommand)[0].args[0].input.Message).toContain(
      '- index `sales`.`customer`.`ux_email`: duplicate key (2 duplicate groups)',
    );
  });

  test('a failed DMS task is reported with its reason', async () => {
    sns.on(PublishCommand).resolves({});
    cloudwatch.on(PutMetricDataCommand).resolves({});
    const state: RunState = {
      runId: 'r',
      prepare: restored.prepare,
      poll: { phase: 'failed', detail: 'DMS task failed: disk full', waitSeconds: 60, polls: 3, waitingSince: '2026-11-26T08:00:00Z' },
    };
    const report = (await run({ action: 'report', state })) as RunReport;
    expect(report).toMatchObject({ outcome: 'FAILED', step: 'wait-for-full-load', dmsReason: 'DMS task failed: disk full' });
  });

  test('an error caught by the state machine is reported with the Lambda error message', async () => {
    sns.on(PublishCommand).resolves({});
    cloudwatch.on(PutMetricDataCommand).resolves({});
    const state: RunState = {
      runId: 'r',
      error: { Error: 'Error', Cause: JSON.stringify({ errorMessage: 'connect ETIMEDOUT 10.0.0.5:3306' }) },
    };
    const report = (await run({ action: 'report', state })) as RunReport;
    expect(report.outcome).toBe('FAILED');
    expect(report.failures).toEqual([{ object: 'run', reason: 'Error: connect ETIMEDOUT 10.0.0.5:3306' }]);
  });
});
