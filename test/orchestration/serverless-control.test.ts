import {
  DatabaseMigrationServiceClient,
  DescribeReplicationsCommand,
  Replication,
  StartReplicationCommand,
  StopReplicationCommand,
} from '@aws-sdk/client-database-migration-service';
import { mockClient } from 'aws-sdk-client-mock';
import { dmsServerlessControl, serverlessActivity } from '../../lib/orchestration/replication-control';
import { isResumeComplete, isStopComplete, onResumeEvent, onStopEvent, ResumeRequest, StopRequest } from '../../lib/orchestration/task-change';

/**
 * The DMS Serverless implementation of ReplicationControl, driven through the same stop/resume
 * decisions (task-change.ts) as a replication task, with DMS mocked.
 */

const CONFIG_ARN = 'arn:aws:dms:eu-west-1:111111111111:replication-config:dev-adventureworks';
const dmsMock = mockClient(DatabaseMigrationServiceClient);
const control = () => dmsServerlessControl(new DatabaseMigrationServiceClient({ region: 'eu-west-1' }), CONFIG_ARN, 'dev-adventureworks');
const now = new Date('2026-12-02T10:00:00Z');
const target = { ReplicationArn: CONFIG_ARN, ReplicationName: 'dev-adventureworks', TimeoutSeconds: '2400' };
const ran = { StartDate: new Date('2026-12-01T08:00:00Z') };

function describes(...replications: Replication[]) {
  let i = 0;
  dmsMock
    .on(DescribeReplicationsCommand)
    .callsFake(() => ({ Replications: [{ ReplicationConfigArn: CONFIG_ARN, ...replications[Math.min(i++, replications.length - 1)] }] }));
}

beforeEach(() => {
  dmsMock.reset();
  dmsMock.on(StopReplicationCommand).resolves({});
  dmsMock.on(StartReplicationCommand).resolves({});
});

describe('serverlessActivity', () => {
  test.each([
    ['running', 'running'],
    ['Running', 'running'],
    ['Replication Starting', 'starting'],
    ['provisioning_capacity', 'starting'],
    ['testing-connection', 'starting'],
    ['stopping', 'stopping'],
    ['stopped', 'idle'],
    ['failed', 'idle'],
    ['deleting', 'unusable'],
    ['something new', 'unusable'],
  ])('%s is %s', (status, activity) => {
    expect(serverlessActivity(status)).toBe(activity);
  });
});

describe('dmsServerlessControl', () => {
  test('describes by replication-config-arn, with failure messages and the run history', async () => {
    describes({ Status: 'stopped', StopReason: 'Stop Reason NORMAL', FailureMessages: ['a', 'b'], ReplicationStats: { ...ran, StopDate: new Date('2026-12-02T09:00:00Z') } });
    const snapshot = await control().describe();
    expect(dmsMock.commandCalls(DescribeReplicationsCommand)[0].args[0].input).toEqual({
      Filters: [{ Name: 'replication-config-arn', Values: [CONFIG_ARN] }],
    });
    expect(snapshot).toEqual({
      status: 'stopped',
      activity: 'idle',
      stopReason: 'Stop Reason NORMAL',
      lastFailureMessage: 'a; b',
      hasRun: true,
      stoppedAt: new Date('2026-12-02T09:00:00Z'),
    });
  });
  test('a replication DMS does not know (never started) is undefined', async () => {
    dmsMock.on(DescribeReplicationsCommand).rejects(Object.assign(new Error('not found'), { name: 'ResourceNotFoundFault' }));
    await expect(control().describe()).resolves.toBeUndefined();
  });
  test('other errors propagate', async () => {
    dmsMock.on(DescribeReplicationsCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(control().describe()).rejects.toThrow('denied');
  });
});

describe('a settings change to a running serverless replication: stop, modify, resume', () => {
  const stop = (oldKey: string, newKey: string): StopRequest =>
    ({
      RequestType: 'Update',
      PhysicalResourceId: 'task-stop:dev-adventureworks',
      ResourceProperties: { ...target, DefinitionKey: newKey },
      OldResourceProperties: { ...target, DefinitionKey: oldKey },
    }) as unknown as StopRequest;
  const resume = (oldRecord: string, newRecord: string): ResumeRequest =>
    ({
      RequestType: 'Update',
      PhysicalResourceId: 'task-resume:dev-adventureworks',
      ResourceProperties: { ...target, StopRecord: newRecord },
      OldResourceProperties: { ...target, StopRecord: oldRecord },
    }) as unknown as ResumeRequest;

  test('a running replication is stopped with StopReplication and resumed with resume-processing', async () => {
    describes({ Status: 'running', ReplicationStats: ran }, { Status: 'running', ReplicationStats: ran }, { Status: 'stopped', StopReason: 'Stop Reason NORMAL', ReplicationStats: ran });
    const stopEvent = stop('k1', 'k2');
    const decided = await onStopEvent(stopEvent, control(), now);
    expect(decided.Action).toBe('stop');
    expect((await isStopComplete({ ...stopEvent, ...decided }, control(), now)).IsComplete).toBe(false);
    expect(dmsMock.commandCalls(StopReplicationCommand).map((c) => c.args[0].input)).toEqual([{ ReplicationConfigArn: CONFIG_ARN }]);
    const done = await isStopComplete({ ...stopEvent, ...decided }, control(), now);
    expect(done).toEqual({ IsComplete: true, Data: { StopRecord: 'k2:true', WasRunning: 'true' } });

    const resumeEvent = resume('k1:false', 'k2:true');
    const resumeDecided = await onResumeEvent(resumeEvent, now);
    expect(resumeDecided.Action).toBe('resume');
    describes({ Status: 'stopped', StopReason: 'Stop Reason NORMAL', ReplicationStats: ran }, { Status: 'running', ReplicationStats: ran });
    await isResumeComplete({ ...resumeEvent, ...resumeDecided }, control(), now);
    expect(dmsMock.commandCalls(StartReplicationCommand).map((c) => c.args[0].input)).toEqual([
      { ReplicationConfigArn: CONFIG_ARN, StartReplicationType: 'resume-processing' },
    ]);
  });
  test('a stopped replication is left alone and not resumed', async () => {
    describes({ Status: 'stopped', StopReason: 'Stop Reason NORMAL', ReplicationStats: ran });
    const decided = await onStopEvent(stop('k1', 'k2'), control(), now);
    expect(decided.Action).toBe('none');
    expect(dmsMock.commandCalls(StopReplicationCommand)).toHaveLength(0);
  });
  test('a replication in a state DMS does not document stops the deploy, naming it', async () => {
    describes({ Status: 'deleting' });
    await expect(onStopEvent(stop('k1', 'k2'), control(), now)).rejects.toThrow('DMS Serverless replication dev-adventureworks is deleting');
  });
});
