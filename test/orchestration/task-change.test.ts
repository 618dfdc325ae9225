import {
  DatabaseMigrationServiceClient,
  DescribeReplicationTasksCommand,
  ReplicationTask,
  StartReplicationTaskCommand,
  StopReplicationTaskCommand,
} from '@aws-sdk/client-database-migration-service';
import { mockClient } from 'aws-sdk-client-mock';
import { DeployControlEvent, isComplete, onEvent } from '../../lib/orchestration/handlers/deploy-control';
import { taskActivity } from '../../lib/orchestration/replication-control';
import { ChangeResponse, formatStopRecord, parseStopRecord, TASK_RESUME_TYPE, TASK_STOP_TYPE } from '../../lib/orchestration/task-change';

/**
 * Custom::DmsTaskStop and Custom::DmsTaskResume through the deploy-control handler, with DMS
 * mocked: what each does for a running, stopped, never started, ready, starting and busy task, a
 * stop that times out and a resume DMS is not ready for yet.
 */

const TASK_ARN = 'arn:aws:dms:eu-west-1:111111111111:task:dev-adventureworks';
const dmsMock = mockClient(DatabaseMigrationServiceClient);
let now = new Date('2026-11-26T10:00:00Z');
const clients = () => ({ dms: new DatabaseMigrationServiceClient({ region: 'eu-west-1' }), now: () => now });
const later = (minutes: number) => (now = new Date(now.getTime() + minutes * 60_000));

const target = { ReplicationArn: TASK_ARN, ReplicationName: 'dev-adventureworks', TimeoutSeconds: '2400' };
const stopUpdate = (oldKey: string, newKey: string): DeployControlEvent => ({
  ResourceType: TASK_STOP_TYPE,
  RequestType: 'Update',
  PhysicalResourceId: 'task-stop:dev-adventureworks',
  ResourceProperties: { ...target, DefinitionKey: newKey },
  OldResourceProperties: { ...target, DefinitionKey: oldKey },
});
const resumeUpdate = (oldRecord: string, newRecord: string): DeployControlEvent => ({
  ResourceType: TASK_RESUME_TYPE,
  RequestType: 'Update',
  PhysicalResourceId: 'task-resume:dev-adventureworks',
  ResourceProperties: { ...target, StopRecord: newRecord },
  OldResourceProperties: { ...target, StopRecord: oldRecord },
});

const ran = { StartDate: new Date('2026-11-20T08:00:00Z'), FullLoadFinishDate: new Date('2026-11-21T08:00:00Z') };
/** DMS answers DescribeReplicationTasks with these tasks, one call after the other (the last repeats). */
function describes(...tasks: ReplicationTask[]) {
  let i = 0;
  dmsMock.on(DescribeReplicationTasksCommand).callsFake(() => ({ ReplicationTasks: [{ ReplicationTaskArn: TASK_ARN, ...tasks[Math.min(i++, tasks.length - 1)] }] }));
}

beforeEach(() => {
  dmsMock.reset();
  now = new Date('2026-11-26T10:00:00Z');
  dmsMock.on(StopReplicationTaskCommand).resolves({});
  dmsMock.on(StartReplicationTaskCommand).resolves({});
});

/** onEvent, then isComplete until it completes (as the Provider framework does), returning the final attributes. */
async function provider(event: DeployControlEvent, maxPolls = 10): Promise<{ response: ChangeResponse; data: Record<string, string>; polls: number }> {
  const response = (await onEvent(event, clients())) as ChangeResponse;
  for (let polls = 1; polls <= maxPolls; polls++) {
    const result = (await isComplete({ ...event, ...response }, clients())) as { IsComplete: boolean; Data?: Record<string, string> };
    if (result.IsComplete) return { response, data: { ...response.Data, ...result.Data }, polls };
    later(0.5);
  }
  throw new Error('did not complete');
}

describe('Custom::DmsTaskStop', () => {
  test('a running task is stopped, and done once DMS reports it stopped; the record says it was running', async () => {
    describes({ Status: 'running', ReplicationTaskStats: ran }, { Status: 'running', ReplicationTaskStats: ran }, { Status: 'stopping' }, { Status: 'stopped', StopReason: 'Stop Reason NORMAL' });
    const { data, polls } = await provider(stopUpdate('k1', 'k2'));
    expect(dmsMock.commandCalls(StopReplicationTaskCommand)).toHaveLength(1);
    expect(dmsMock.commandCalls(StopReplicationTaskCommand)[0].args[0].input).toEqual({ ReplicationTaskArn: TASK_ARN });
    expect(polls).toBe(3);
    expect(data).toEqual({ StopRecord: 'k2:true', WasRunning: 'true' });
  });

  test.each([
    ['stopped by an operator', { Status: 'stopped', StopReason: 'Stop Reason NORMAL', ReplicationTaskStats: ran }],
    ['stopped after the full load', { Status: 'stopped', StopReason: 'Stop Reason STOPPED_AFTER_CACHED_EVENTS', ReplicationTaskStats: ran }],
    ['never started (ready)', { Status: 'ready' }],
    ['failed', { Status: 'failed', LastFailureMessage: 'Last Error ...' }],
  ])('a task %s is left as it is and recorded as not running', async (_, task) => {
    describes(task as ReplicationTask);
    const { data } = await provider(stopUpdate('k1', 'k2'));
    expect(dmsMock.commandCalls(StopReplicationTaskCommand)).toHaveLength(0);
    expect(data).toEqual({ StopRecord: 'k2:false', WasRunning: 'false' });
  });

  test('a task that is starting is stopped once it runs, and counts as running', async () => {
    describes({ Status: 'starting' }, { Status: 'starting' }, { Status: 'running', ReplicationTaskStats: ran }, { Status: 'stopping' }, { Status: 'stopped', StopReason: 'Stop Reason NORMAL' });
    const { data } = await provider(stopUpdate('k1', 'k2'));
    expect(dmsMock.commandCalls(StopReplicationTaskCommand)).toHaveLength(1);
    expect(data.WasRunning).toBe('true');
  });

  test('a task someone else is stopping is waited for, and not resumed after', async () => {
    describes({ Status: 'stopping' }, { Status: 'stopping' }, { Status: 'stopped', StopReason: 'Stop Reason NORMAL', ReplicationTaskStats: { ...ran, StopDate: new Date('2026-11-26T10:01:00Z') } });
    const { data } = await provider(stopUpdate('k1', 'k2'));
    expect(dmsMock.commandCalls(StopReplicationTaskCommand)).toHaveLength(0);
    expect(data.WasRunning).toBe('false');
  });

  test('a task being modified is waited for; when it runs after that it is stopped, and counts as running', async () => {
    describes(
      { Status: 'modifying', ReplicationTaskStats: ran },
      { Status: 'running', ReplicationTaskStats: ran },
      { Status: 'stopping', ReplicationTaskStats: ran },
      { Status: 'stopped', StopReason: 'Stop Reason NORMAL', ReplicationTaskStats: { ...ran, StopDate: new Date('2026-11-26T10:01:30Z') } },
    );
    const { data } = await provider(stopUpdate('k1', 'k2'));
    expect(dmsMock.commandCalls(StopReplicationTaskCommand)).toHaveLength(1);
    expect(data.WasRunning).toBe('true');
  });

  test('the same definition (only another property changed) stops nothing and reads nothing', async () => {
    const { data } = await provider(stopUpdate('k1', 'k1'));
    expect(dmsMock.calls()).toHaveLength(0);
    expect(data).toEqual({ StopRecord: 'k1:false', WasRunning: 'false' });
  });

  test('Create and Delete never stop a task', async () => {
    const create: DeployControlEvent = { ResourceType: TASK_STOP_TYPE, RequestType: 'Create', ResourceProperties: { ...target, DefinitionKey: 'k1' } };
    expect((await provider(create)).data).toEqual({ StopRecord: 'k1:false', WasRunning: 'false' });
    const remove: DeployControlEvent = { ...create, RequestType: 'Delete', PhysicalResourceId: 'task-stop:dev-adventureworks' };
    await provider(remove);
    expect(dmsMock.calls()).toHaveLength(0);
  });

  test('onEvent has no side effect: a retried onEvent decides the same', async () => {
    describes({ Status: 'running', ReplicationTaskStats: ran });
    const first = await onEvent(stopUpdate('k1', 'k2'), clients());
    const retried = await onEvent(stopUpdate('k1', 'k2'), clients());
    expect(retried).toEqual(first);
    expect(dmsMock.commandCalls(StopReplicationTaskCommand)).toHaveLength(0);
  });

  test('a stop that times out fails the deploy before CloudFormation modifies the task, and says what to do', async () => {
    describes({ Status: 'running', ReplicationTaskStats: ran }, { Status: 'running', ReplicationTaskStats: ran }, { Status: 'stopping' });
    const event = stopUpdate('k1', 'k2');
    const response = (await onEvent(event, clients())) as ChangeResponse;
    expect(await isComplete({ ...event, ...response }, clients())).toEqual({ IsComplete: false });
    expect(await isComplete({ ...event, ...response }, clients())).toEqual({ IsComplete: false });
    expect(dmsMock.commandCalls(StopReplicationTaskCommand)).toHaveLength(1);
    later(41);
    await expect(isComplete({ ...event, ...response }, clients())).rejects.toThrow(
      'DMS task dev-adventureworks did not stop within 40 min of 2026-11-26T10:00:00.000Z (now stopping). The deploy stops here, before CloudFormation modifies the task, and rolls back. StopReplicationTask was sent, so the task stops later: deploy again once `status` shows it stopped, then resume it with `npm run --silent cli -- run start` (a deploy resumes only a task it found running)',
    );
  });

  test('a task being deleted fails the deploy with the reason', async () => {
    describes({ Status: 'deleting' });
    await expect(onEvent(stopUpdate('k1', 'k2'), clients())).rejects.toThrow(
      'DMS task dev-adventureworks is deleting: CloudFormation cannot modify it; the deploy stops here, before the task is touched',
    );
  });

  test('a task DMS does not know (deleted out of band) is not an error', async () => {
    dmsMock.on(DescribeReplicationTasksCommand).rejects(Object.assign(new Error('No Tasks found'), { name: 'ResourceNotFoundFault' }));
    expect((await provider(stopUpdate('k1', 'k2'))).data.WasRunning).toBe('false');
  });
});

describe('Custom::DmsTaskResume', () => {
  test('resumes with resume-processing (never a reload) what the stopper stopped in this deploy, done when it runs', async () => {
    describes(
      { Status: 'modifying', ReplicationTaskStats: ran },
      { Status: 'stopped', StopReason: 'Stop Reason NORMAL', ReplicationTaskStats: ran },
      { Status: 'starting', ReplicationTaskStats: ran },
      { Status: 'running', ReplicationTaskStats: ran },
    );
    const { data } = await provider(resumeUpdate('k1:false', 'k2:true'));
    const starts = dmsMock.commandCalls(StartReplicationTaskCommand).map((c) => c.args[0].input);
    expect(starts).toEqual([{ ReplicationTaskArn: TASK_ARN, StartReplicationTaskType: 'resume-processing' }]);
    expect(data.Resumed).toBe('true');
  });

  test('a resume DMS refuses while it still applies the change is tried again on the next poll', async () => {
    describes({ Status: 'stopped', ReplicationTaskStats: ran }, { Status: 'stopped', ReplicationTaskStats: ran }, { Status: 'running', ReplicationTaskStats: ran });
    dmsMock
      .on(StartReplicationTaskCommand)
      .rejectsOnce(Object.assign(new Error('Task is being modified'), { name: 'InvalidResourceStateFault' }))
      .resolves({});
    await provider(resumeUpdate('k1:true', 'k2:true'));
    expect(dmsMock.commandCalls(StartReplicationTaskCommand)).toHaveLength(2);
  });

  test.each([
    ['the stopper found it not running', 'k1:true', 'k2:false'],
    ['the stopper did not act in this deploy (same key)', 'k2:true', 'k2:true'],
  ])('resumes nothing when %s', async (_, before, after) => {
    const { data } = await provider(resumeUpdate(before, after));
    expect(dmsMock.calls()).toHaveLength(0);
    expect(data.Resumed).toBe('false');
  });

  test('a task that failed after the change is not resumed: the deploy fails with DMS reason', async () => {
    describes({ Status: 'failed', LastFailureMessage: 'Last Error Invalid task settings', ReplicationTaskStats: ran });
    const event = resumeUpdate('k1:false', 'k2:true');
    const response = (await onEvent(event, clients())) as ChangeResponse;
    await expect(isComplete({ ...event, ...response }, clients())).rejects.toThrow(
      'DMS task dev-adventureworks is failed after the change (Last Error Invalid task settings): it was stopped for this deploy and is not resumed; fix the cause, then resume it with `npm run --silent cli -- run start`',
    );
    expect(dmsMock.commandCalls(StartReplicationTaskCommand)).toHaveLength(0);
  });

  test('a resume that does not take within the wait fails the deploy and names the command', async () => {
    describes({ Status: 'modifying', ReplicationTaskStats: ran });
    const event = resumeUpdate('k1:false', 'k2:true');
    const response = (await onEvent(event, clients())) as ChangeResponse;
    later(45);
    await expect(isComplete({ ...event, ...response }, clients())).rejects.toThrow(
      'DMS task dev-adventureworks was stopped for this deploy and is not running 40 min after the change (now modifying): resume it with `npm run --silent cli -- run start` (resume-processing, no reload)',
    );
  });
});

test('stop records round-trip, and DMS task statuses map to what a change needs', () => {
  expect(parseStopRecord(formatStopRecord({ key: 'abc', wasRunning: true }))).toEqual({ key: 'abc', wasRunning: true });
  expect(parseStopRecord('nonsense')).toBeUndefined();
  expect(['running', 'starting', 'stopping', 'stopped', 'ready', 'failed', 'modifying', 'testing', 'deleting', 'failed-move', 'invented'].map(taskActivity)).toEqual([
    'running',
    'starting',
    'stopping',
    'idle',
    'idle',
    'idle',
    'busy',
    'busy',
    'unusable',
    'unusable',
    'unusable',
  ]);
});
