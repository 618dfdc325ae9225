import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DatabaseMigrationServiceClient,
  DescribeReplicationTasksCommand,
  ModifyReplicationTaskCommand,
  ReplicationTask,
  StartReplicationTaskCommand,
} from '@aws-sdk/client-database-migration-service';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ControlConfig,
  ControlEvent,
  handleControl,
  PollResult,
  PreflightResult,
  PrepareResult,
  ResumeResult,
  RunState,
  StartResult,
} from '../../lib/orchestration/handlers/control';
import { DMS_STOP_REASONS, describeStopReason, transientStopGraceSeconds } from '../../lib/orchestration/dms-task-state';
import { RunReport } from '../../lib/orchestration/run-report';
import { DEPLOY_STOP_GRACE_SECONDS } from '../../lib/orchestration/task-change';
import { classifyLoad, decideStart, nextPollSeconds } from '../../lib/orchestration/task-control';

const TASK_ARN = 'arn:aws:dms:eu-west-1:111111111111:task:dev-adventureworks';
const SOURCE_SECRET = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:dms/dev/sqlserver-AbCdEf';
const TARGET_SECRET = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:dms/dev/aurora-GhIjKl';
const config: ControlConfig = {
  environment: 'dev',
  taskName: 'adventureworks',
  taskArn: TASK_ARN,
  migrationType: 'full-load-and-cdc',
  expectStopAfterLoad: true,
  deferBeforeLoad: true,
  topicArn: 'arn:aws:sns:eu-west-1:111111111111:alarms',
  maxWaitHours: 504,
  transientGraceSeconds: 3600,
  targetTablePrepMode: 'DO_NOTHING',
  secrets: [
    { role: 'source endpoint', secretId: SOURCE_SECRET, requiredKeys: ['username', 'password', 'host', 'port'], expectedHost: 'sql.example.internal', expectedPort: 1433 },
    { role: 'target endpoint', secretId: TARGET_SECRET, requiredKeys: ['username', 'password', 'host', 'port'], expectedHost: 'aurora.example.internal', expectedPort: 3306 },
  ],
};

const dms = mockClient(DatabaseMigrationServiceClient);
const sns = mockClient(SNSClient);
const cloudwatch = mockClient(CloudWatchClient);
const secrets = mockClient(SecretsManagerClient);
let now = new Date('2026-11-26T10:00:00Z');
const clients = () => ({
  dms: new DatabaseMigrationServiceClient({ region: 'eu-west-1' }),
  sns: new SNSClient({ region: 'eu-west-1' }),
  cloudwatch: new CloudWatchClient({ region: 'eu-west-1' }),
  secrets: new SecretsManagerClient({ region: 'eu-west-1' }),
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
  secrets.reset();
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
    const stopped = { Status: 'stopped', StopReason: 'Stop Reason NORMAL', ReplicationTaskStats: { StartDate: new Date('2026-11-20T00:00:00Z') } };
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
    taskStates({ ...postLoad, ReplicationTaskSettings: JSON.stringify({ FullLoadSettings: { TargetTablePrepMode: 'TRUNCATE_BEFORE_LOAD' } }) });
    dms.on(StartReplicationTaskCommand).resolves({});
    await run({ action: 'start', state: { runId: 'r3', startType: 'reload-target' } });
    expect(dms.commandCalls(StartReplicationTaskCommand)[0].args[0].input.StartReplicationTaskType).toBe('reload-target');
  });

  test('a running task is not started again (a retried start call is a no-op)', async () => {
    taskStates({ Status: 'running', ReplicationTaskStartDate: new Date() });
    await expect(run({ action: 'start', state: { runId: 'r4' } })).resolves.toEqual({ started: false, pending: false, detail: 'the task is already running' });
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

  test('a plain stop during the load is borne as long as a deploy takes to stop, change and resume the task; then it fails the run', () => {
    const stopped = { Status: 'stopped', StopReason: 'Stop Reason NORMAL' };
    const since = '2026-11-26T10:00:00.000Z';
    const at = (minutes: number) => new Date(Date.parse(since) + minutes * 60_000);
    expect(classifyLoad(stopped, true, { deployStopGraceSeconds: 5400, now: at(0) })).toEqual({
      phase: 'loading',
      detail: `task stopped (Stop Reason NORMAL): a deploy that changes the task stops it and resumes it after; waiting since ${since}`,
      transientSince: since,
    });
    expect(classifyLoad(stopped, true, { deployStopGraceSeconds: 5400, transientSince: since, now: at(89) }).phase).toBe('loading');
    expect(classifyLoad(stopped, true, { deployStopGraceSeconds: 5400, transientSince: since, now: at(91) })).toEqual({
      phase: 'failed',
      reason:
        'DMS task stopped before the post-load point: Stop Reason NORMAL (stopped with no additional information (a StopReplicationTask call, or the task completed)), and was not resumed within 90 min',
    });
    // The control Lambda's poll gives the grace: the run waits rather than failing at once.
    expect(DEPLOY_STOP_GRACE_SECONDS).toBe(5400);
  });

  test('a task stopped by someone (or an error) before the post-load point fails the run with the stop reason', () => {
    expect(classifyLoad({ Status: 'stopped', StopReason: 'Stop Reason NORMAL' }, true)).toEqual({
      phase: 'failed',
      reason: 'DMS task stopped before the post-load point: Stop Reason NORMAL (stopped with no additional information (a StopReplicationTask call, or the task completed))',
    });
    expect(classifyLoad({ Status: 'stopped', StopReason: 'Stop Reason FATAL_ERROR', LastFailureMessage: 'disk full' }, true)).toEqual({
      phase: 'failed',
      reason:
        'DMS task stopped before the post-load point: Stop Reason FATAL_ERROR (a fatal error; DMS gives up after six restart attempts and the task needs the cause fixed) (disk full)',
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
      ReplicationTaskStats: { FullLoadProgressPercent: 100, FullLoadFinishDate: '2026-11-26T09:00:00Z', StartDate: '2026-11-26T10:00:00Z' },
    };
    expect(classifyLoad(task, true)).toMatchObject({ phase: 'post-load', cdcRunning: true });
  });

  test('a task left "ready" after the start grace period fails the run', () => {
    expect(classifyLoad({ Status: 'ready' }, true, { pollsSoFar: 0 }).phase).toBe('loading');
    expect(classifyLoad({ Status: 'ready' }, true, { pollsSoFar: 3 }).phase).toBe('failed');
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
    await expect(run({ action: 'resume', state: { runId: 'r' } })).resolves.toEqual({ cdcResumed: true, pending: false, detail: 'StartReplicationTask resume-processing' });
    expect(dms.commandCalls(StartReplicationTaskCommand)[0].args[0].input.StartReplicationTaskType).toBe('resume-processing');
  });
  test('does not start a running task', async () => {
    taskStates({ Status: 'running' });
    await expect(run({ action: 'resume', state: { runId: 'r' } })).resolves.toEqual({ cdcResumed: true, pending: false, detail: 'task already running' });
    expect(dms.commandCalls(StartReplicationTaskCommand)).toHaveLength(0);
  });
  test('a full-load task has no CDC to resume', async () => {
    taskStates(postLoad);
    await expect(run({ action: 'resume', state: { runId: 'r' } }, { ...config, migrationType: 'full-load' })).resolves.toEqual({
      cdcResumed: false,
      pending: false,
      detail: 'no CDC for a full-load task',
    });
    expect(dms.commandCalls(StartReplicationTaskCommand)).toHaveLength(0);
  });
});

describe('report', () => {
  const restored: RunState = {
    runId: 'r',
    prepare: { startedAt: '2026-11-26T08:00:00Z', defer: true, restore: true, assess: false, start: { action: 'start', startType: 'start-replication' } },
    apply: { done: true, counts: { restored: 12, skipped: 1, failed: 0, orphans: 0 }, failures: [] },
    verify: { done: true, verified: true, counts: { restored: 0, skipped: 0, failed: 0, orphans: 0 }, failures: [] },
    resume: { cdcResumed: true, pending: false, detail: '' },
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

describe('stop reasons (one list, shared with the CLI)', () => {
  // The outcome the runbook gives each value of ReplicationTask.StopReason in the DMS API Reference.
  const EXPECTED: Record<string, 'post-load' | 'transient' | 'failed'> = {
    NORMAL: 'failed',
    RECOVERABLE_ERROR: 'transient',
    FATAL_ERROR: 'failed',
    FULL_LOAD_ONLY_FINISHED: 'post-load',
    STOPPED_AFTER_FULL_LOAD: 'post-load',
    STOPPED_AFTER_CACHED_EVENTS: 'post-load',
    EXPRESS_LICENSE_LIMITS_REACHED: 'failed',
    STOPPED_AFTER_DDL_APPLY: 'failed',
    STOPPED_DUE_TO_LOW_MEMORY: 'failed',
    STOPPED_DUE_TO_LOW_DISK: 'failed',
    STOPPED_AT_SERVER_TIME: 'failed',
    STOPPED_AT_COMMIT_TIME: 'failed',
    RECONFIGURATION_RESTART: 'transient',
    RECYCLE_TASK: 'transient',
  };

  test('the list holds exactly the documented reasons, each with its meaning', () => {
    expect(DMS_STOP_REASONS.map((r) => r.code).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const r of DMS_STOP_REASONS) expect(r.meaning.length).toBeGreaterThan(10);
  });

  test.each(Object.entries(EXPECTED))('a task stopped with Stop Reason %s before the post-load point: %s', (code, outcome) => {
    const task = { Status: 'stopped', StopReason: `Stop Reason ${code}`, ReplicationTaskStats: { FullLoadFinishDate: '2026-11-26T09:00:00Z' } };
    const result = classifyLoad(task, true, { now, transientGraceSeconds: 3600 });
    const meaning = describeStopReason(task.StopReason)!.meaning;
    if (outcome === 'post-load') expect(result).toEqual({ phase: 'post-load', cdcRunning: false, detail: `Stop Reason ${code}` });
    if (outcome === 'transient') {
      expect(result).toEqual({
        phase: 'loading',
        detail: `task stopped (Stop Reason ${code}): DMS restarts it by itself; waiting since ${now.toISOString()}`,
        transientSince: now.toISOString(),
      });
      // Past the grace period DMS is taken to have given up.
      const later = classifyLoad(task, true, { now, transientGraceSeconds: 3600, transientSince: new Date(now.getTime() - 3601_000).toISOString() });
      expect(later).toEqual({ phase: 'failed', reason: `DMS did not restart the task within 60 min of Stop Reason ${code} (${meaning})` });
    }
    if (outcome === 'failed') {
      expect(result).toEqual({ phase: 'failed', reason: `DMS task stopped before the post-load point: Stop Reason ${code} (${meaning})` });
    }
  });

  test('a stop reason inside a longer text is found; one not in the list is a failure, never progress', () => {
    expect(describeStopReason('Last Error Task error notification received from subtask 0 Stop Reason RECOVERABLE_ERROR Error Level RECOVERABLE')?.outcome).toBe(
      'transient',
    );
    expect(classifyLoad({ Status: 'stopped', StopReason: 'Stop Reason SOMETHING_NEW' }, true)).toEqual({
      phase: 'failed',
      reason: 'DMS task stopped before the post-load point: Stop Reason SOMETHING_NEW (a stop reason that is not in the DMS API Reference list)',
    });
  });

  test('the grace period is twice the longest pause DMS makes between restart attempts, at least half an hour', () => {
    expect(transientStopGraceSeconds(undefined)).toBe(3600);
    expect(transientStopGraceSeconds({ RecoverableErrorThrottlingMax: 3600 })).toBe(7200);
    expect(transientStopGraceSeconds({ RecoverableErrorThrottlingMax: 600 })).toBe(1800);
    expect(transientStopGraceSeconds({ RecoverableErrorThrottling: false, RecoverableErrorInterval: 5, RecoverableErrorThrottlingMax: 7200 })).toBe(1800);
  });

  test('a transient stop does not fail the run: the poll waits through it and DMS restarts the task', async () => {
    taskStates(
      { Status: 'stopped', StopReason: 'Stop Reason RECOVERABLE_ERROR', ReplicationTaskStats: { FullLoadProgressPercent: 40 } },
      { Status: 'running', ReplicationTaskStats: { FullLoadProgressPercent: 45 } },
    );
    const first = (await run({ action: 'poll', state: { runId: 'r' } })) as PollResult;
    expect(first).toMatchObject({ phase: 'loading', transientSince: now.toISOString() });
    now = new Date(now.getTime() + 600_000);
    const second = (await run({ action: 'poll', state: { runId: 'r', poll: first } })) as PollResult;
    expect(second).toMatchObject({ phase: 'loading', detail: 'task running (full load 45%)' });
    expect(second.transientSince).toBeUndefined();
  });

  test('a transient stop that outlasts the grace period fails the run with the reason', async () => {
    const stopped = { Status: 'stopped', StopReason: 'Stop Reason RECYCLE_TASK' };
    taskStates(stopped, stopped);
    const first = (await run({ action: 'poll', state: { runId: 'r' } })) as PollResult;
    now = new Date(now.getTime() + 3601_000);
    const second = (await run({ action: 'poll', state: { runId: 'r', poll: first } })) as PollResult;
    expect(second.phase).toBe('failed');
    expect(second.detail).toMatch(/^DMS did not restart the task within 60 min of Stop Reason RECYCLE_TASK/);
  });

  test('a run does not start a task DMS is about to restart', () => {
    expect(decideStart({ Status: 'stopped', StopReason: 'Stop Reason RECONFIGURATION_RESTART' })).toMatchObject({ action: 'none' });
  });
});

describe('statuses', () => {
  test.each([
    ['failed-move', 'DMS task is failed-move (failed to move to another replication instance (MoveReplicationTask)): the run cannot go on'],
    ['deleting', 'DMS task is deleting (being deleted): the run cannot go on'],
    ['exploding', 'DMS task is "exploding", a status not in the DMS API Reference list: the run cannot go on'],
  ])('%s ends the wait instead of being polled until the maximum wait', (Status, reason) => {
    expect(classifyLoad({ Status }, true)).toEqual({ phase: 'failed', reason });
  });

  test.each(['moving', 'modifying', 'starting', 'stopping', 'testing', 'creating'])('%s is waited for', (Status) => {
    expect(classifyLoad({ Status }, true)).toEqual({ phase: 'loading', detail: `task ${Status}` });
  });

  test('a task that failed to move cannot be started', () => {
    expect(() => decideStart({ Status: 'failed-move' })).toThrow('cannot start the task: it is failed-move');
  });

  test('"resumed after the load" is judged by ReplicationTaskStats.StartDate, not the scheduled ReplicationTaskStartDate', () => {
    const finished = '2026-11-26T09:00:00Z';
    const scheduledLater = { Status: 'running', ReplicationTaskStartDate: '2026-11-26T10:00:00Z', ReplicationTaskStats: { FullLoadFinishDate: finished, StartDate: '2026-11-26T08:00:00Z' } };
    expect(classifyLoad(scheduledLater, true).phase).toBe('loading');
    const resumed = { Status: 'running', ReplicationTaskStats: { FullLoadFinishDate: finished, StartDate: '2026-11-26T10:00:00Z' } };
    expect(classifyLoad(resumed, true)).toMatchObject({ phase: 'post-load', cdcRunning: true });
  });

  test('right after StartReplicationTask, the stop from before the start is not taken for the new one', () => {
    const startedTaskAt = '2026-11-26T10:00:00Z';
    const old = { Status: 'stopped', StopReason: 'Stop Reason NORMAL', ReplicationTaskStats: { StopDate: '2026-11-20T00:00:00Z' } };
    expect(classifyLoad(old, true, { startedTaskAt, pollsSoFar: 0 }).phase).toBe('loading');
    expect(classifyLoad(old, true, { startedTaskAt, pollsSoFar: 3 }).phase).toBe('failed');
    // A reload's first poll still shows the previous load's post-load stop: not the post-load point yet.
    const previousLoad = { Status: 'stopped', StopReason: 'Stop Reason STOPPED_AFTER_CACHED_EVENTS', ReplicationTaskStats: { FullLoadFinishDate: '2026-11-25T00:00:00Z' } };
    expect(classifyLoad(previousLoad, true, { startedTaskAt, startedWith: 'reload-target' }).phase).toBe('loading');
  });

  test('this run resuming a task whose load finished earlier is at the post-load point (CDC)', () => {
    const task = { Status: 'running', ReplicationTaskStats: { FullLoadFinishDate: '2026-11-20T00:00:00Z', StartDate: '2026-11-26T10:00:05Z' } };
    expect(classifyLoad(task, true, { startedTaskAt: '2026-11-26T10:00:00Z', startedWith: 'resume-processing' })).toMatchObject({ phase: 'post-load', cdcRunning: true });
    expect(classifyLoad(task, true, { startedTaskAt: '2026-11-26T10:00:00Z', startedWith: 'reload-target' }).phase).toBe('loading');
  });
});

describe('reload', () => {
  const stoppedAtPostLoad = (mode: string): Partial<ReplicationTask> => ({
    ...postLoad,
    ReplicationTaskSettings: JSON.stringify({ FullLoadSettings: { TargetTablePrepMode: mode }, Logging: { EnableLogging: true } }),
  });

  test('defers again, even with deferBeforeLoad off', async () => {
    taskStates(postLoad);
    const prepared = (await run({ action: 'prepare', state: { runId: 'r', startType: 'reload-target' } }, { ...config, deferBeforeLoad: false })) as PrepareResult;
    expect(prepared).toMatchObject({ defer: true, start: { action: 'start', startType: 'reload-target' } });
  });

  test('empties the tables first: TargetTablePrepMode to TRUNCATE_BEFORE_LOAD while stopped, then reload-target', async () => {
    taskStates(stoppedAtPostLoad('DO_NOTHING'), { ...stoppedAtPostLoad('DO_NOTHING'), Status: 'modifying' }, stoppedAtPostLoad('TRUNCATE_BEFORE_LOAD'));
    dms.on(ModifyReplicationTaskCommand).resolves({});
    dms.on(StartReplicationTaskCommand).resolves({});
    const state: RunState = { runId: 'r', startType: 'reload-target' };
    const modified = (await run({ action: 'start', state })) as StartResult;
    expect(modified).toMatchObject({ started: false, pending: true, detail: 'ModifyReplicationTask TargetTablePrepMode DO_NOTHING -> TRUNCATE_BEFORE_LOAD for the reload' });
    expect(dms.commandCalls(ModifyReplicationTaskCommand)[0].args[0].input).toEqual({
      ReplicationTaskArn: TASK_ARN,
      ReplicationTaskSettings: '{"FullLoadSettings":{"TargetTablePrepMode":"TRUNCATE_BEFORE_LOAD"}}',
    });
    expect(dms.commandCalls(StartReplicationTaskCommand)).toHaveLength(0);
    await expect(run({ action: 'start', state })).resolves.toMatchObject({ started: false, pending: true, detail: 'the task is modifying' });
    const started = (await run({ action: 'start', state })) as StartResult;
    expect(started).toMatchObject({ started: true, pending: false, startType: 'reload-target', startedAt: now.toISOString() });
    expect(dms.commandCalls(StartReplicationTaskCommand).map((c) => c.args[0].input.StartReplicationTaskType)).toEqual(['reload-target']);
    expect(dms.commandCalls(DescribeReplicationTasksCommand)[0].args[0].input.WithoutSettings).toBe(false);
  });

  test('refuses a reload of a running task (the runbook never stops a task)', async () => {
    taskStates({ Status: 'running' });
    await expect(run({ action: 'start', state: { runId: 'r', startType: 'reload-target' } })).rejects.toThrow(/reload-target needs the task stopped/);
  });

  test('refuses to reload when DMS does not say whether it empties the tables', async () => {
    taskStates(postLoad);
    await expect(run({ action: 'start', state: { runId: 'r', startType: 'reload-target' } })).rejects.toThrow(/no TargetTablePrepMode/);
    expect(dms.commandCalls(StartReplicationTaskCommand)).toHaveLength(0);
  });

  test('sets the prep mode back to the deployed one before CDC resumes', async () => {
    taskStates(stoppedAtPostLoad('TRUNCATE_BEFORE_LOAD'), stoppedAtPostLoad('DO_NOTHING'));
    dms.on(ModifyReplicationTaskCommand).resolves({});
    dms.on(StartReplicationTaskCommand).resolves({});
    const first = (await run({ action: 'resume', state: { runId: 'r' } })) as ResumeResult;
    expect(first).toEqual({
      cdcResumed: false,
      pending: true,
      waitSeconds: 30,
      detail: 'ModifyReplicationTask TargetTablePrepMode TRUNCATE_BEFORE_LOAD -> DO_NOTHING (set back after the reload)',
    });
    expect(dms.commandCalls(ModifyReplicationTaskCommand)[0].args[0].input.ReplicationTaskSettings).toBe('{"FullLoadSettings":{"TargetTablePrepMode":"DO_NOTHING"}}');
    await expect(run({ action: 'resume', state: { runId: 'r' } })).resolves.toEqual({ cdcResumed: true, pending: false, detail: 'StartReplicationTask resume-processing' });
  });
});

describe('preflight', () => {
  const secret = (id: string, value: object | string) =>
    secrets.on(GetSecretValueCommand, { SecretId: id }).resolves({ SecretString: typeof value === 'string' ? value : JSON.stringify(value) });

  test('passes with secrets in the DMS form', async () => {
    secret(SOURCE_SECRET, { username: 'dms', password: 'p', host: 'sql.example.internal', port: 1433 });
    secret(TARGET_SECRET, { username: 'dms', password: 'p', host: 'aurora.example.internal', port: '3306' });
    await expect(run({ action: 'preflight', state: { runId: 'r' } })).resolves.toEqual({ ok: true, findings: [] });
  });

  test('fails on an RDS-managed master secret (credentials only) and says what is missing, never a value', async () => {
    secret(SOURCE_SECRET, { username: 'dms', password: 'p', host: 'sql.example.internal', port: 1433 });
    secret(TARGET_SECRET, { username: 'admin', password: 'very-secret' });
    const result = (await run({ action: 'preflight', state: { runId: 'r' } })) as PreflightResult;
    expect(result.ok).toBe(false);
    expect(result.findings).toEqual([
      {
        severity: 'error',
        object: `target endpoint secret ${TARGET_SECRET}`,
        reason:
          'lacks "host", "port" (a secret that RDS manages for the master user holds only the credentials: store a secret with username, password, host and port for DMS)',
      },
    ]);
    expect(JSON.stringify(result)).not.toMatch(/very-secret|admin/);
  });

  test('reports a wrong port as an error, another host name as a warning, and an unreadable secret', async () => {
    secret(SOURCE_SECRET, { username: 'dms', password: 'p', host: 'other.example.internal', port: 1434 });
    secrets.on(GetSecretValueCommand, { SecretId: TARGET_SECRET }).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    const result = (await run({ action: 'preflight', state: { runId: 'r' } })) as PreflightResult;
    expect(result.findings.map((f) => [f.severity, f.reason])).toEqual([
      ['error', '"port" is 1434 but the stack opened port 1433 (cdk.json port): DMS connects to the secret\'s port'],
      [
        'warning',
        '"host" is other.example.internal, cdk.json serverName is sql.example.internal: DMS connects to the secret\'s host, the security-group rules and the restoration Lambda use serverName',
      ],
      ['error', 'cannot be read: AccessDeniedException: User is not authorized'],
    ]);
  });

  test('a failed preflight ends the run FAILED at step preflight, listing each problem', async () => {
    sns.on(PublishCommand).resolves({});
    cloudwatch.on(PutMetricDataCommand).resolves({});
    const state: RunState = {
      runId: 'r',
      startedAt: '2026-11-26T09:59:00Z',
      preflight: { ok: false, findings: [{ severity: 'error', object: `target endpoint secret ${TARGET_SECRET}`, reason: 'lacks "host"' }] },
    };
    const report = (await run({ action: 'report', state })) as RunReport;
    expect(report).toMatchObject({ outcome: 'FAILED', step: 'preflight', failures: [{ object: `target endpoint secret ${TARGET_SECRET}`, reason: 'lacks "host"' }] });
  });
});
