import { DescribeExecutionCommand, ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { executionName, isComplete, onEvent, RestorationEvent } from '../../lib/orchestration/handlers/custom-resource';

const SM = 'arn:aws:states:eu-west-1:111111111111:stateMachine:dms-runbook-dev-adventureworks';
const sfnMock = mockClient(SFNClient);
const sfn = new SFNClient({ region: 'eu-west-1' });

const base = {
  ServiceToken: 'arn:aws:lambda:eu-west-1:111111111111:function:provider',
  ResponseURL: 'https://example.invalid/response',
  StackId: 'arn:aws:cloudformation:eu-west-1:111111111111:stack/DmsMigration-dev/1',
  LogicalResourceId: 'Restoration',
  ResourceType: 'Custom::PostLoadRestoration',
};
const props = (RunKey: string) => ({ ServiceToken: base.ServiceToken, StateMachineArn: SM, RunKey, WaitForCompletion: 'false' });

function create(requestId = 'req-1'): RestorationEvent {
  return { ...base, RequestType: 'Create', RequestId: requestId, ResourceProperties: props('k1') };
}
function update(oldKey: string, newKey: string, requestId = 'req-2'): RestorationEvent {
  return {
    ...base,
    RequestType: 'Update',
    RequestId: requestId,
    PhysicalResourceId: 'runbook:dms-runbook-dev-adventureworks',
    ResourceProperties: props(newKey),
    OldResourceProperties: props(oldKey),
  };
}

beforeEach(() => sfnMock.reset());

test('Create starts the runbook once, under a name derived from the request', async () => {
  sfnMock.on(StartExecutionCommand).resolves({ executionArn: `${SM}:x` });
  const response = await onEvent(create(), sfn);
  const call = sfnMock.commandCalls(StartExecutionCommand)[0].args[0].input;
  expect(call.stateMachineArn).toBe(SM);
  expect(call.name).toBe(executionName('k1', 'req-1'));
  expect(JSON.parse(call.input!)).toEqual({ runId: call.name, trigger: 'cloudformation-create' });
  expect(response).toEqual({
    PhysicalResourceId: 'runbook:dms-runbook-dev-adventureworks',
    Data: { ExecutionArn: `${SM}:x`, RunKey: 'k1', Started: 'true' },
  });
});

test('a CloudFormation retry of the same request does not start a second execution', async () => {
  sfnMock
    .on(StartExecutionCommand)
    .resolvesOnce({ executionArn: 'first' })
    .rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
  await onEvent(create('req-1'), sfn);
  const retried = await onEvent(create('req-1'), sfn);
  const names = sfnMock.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name);
  expect(new Set(names).size).toBe(1);
  expect(retried).toMatchObject({
    Data: { ExecutionArn: `arn:aws:states:eu-west-1:111111111111:execution:dms-runbook-dev-adventureworks:${names[0]}` },
  });
});

test('Update without a change of run key starts nothing', async () => {
  const response = await onEvent(update('k1', 'k1'), sfn);
  expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
  expect(response).toMatchObject({ PhysicalResourceId: 'runbook:dms-runbook-dev-adventureworks', Data: { Started: 'false' } });
});

test('Update with a new run key (mapping, settings or run id changed) starts a new run', async () => {
  sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'second' });
  const response = await onEvent(update('k1', 'k2'), sfn);
  expect(sfnMock.commandCalls(StartExecutionCommand)[0].args[0].input.name).toBe(executionName('k2', 'req-2'));
  expect(response).toMatchObject({ Data: { ExecutionArn: 'second', Started: 'true' } });
});

test('Delete stops nothing and drops nothing', async () => {
  const event: RestorationEvent = { ...base, RequestType: 'Delete', RequestId: 'req-3', PhysicalResourceId: 'runbook:x', ResourceProperties: props('k1') };
  await expect(onEvent(event, sfn)).resolves.toEqual({ PhysicalResourceId: 'runbook:x' });
  expect(sfnMock.calls()).toHaveLength(0);
});

test('execution names fit Step Functions limits', () => {
  const name = executionName('a'.repeat(100) + '/:*', 'x');
  expect(name.length).toBeLessThanOrEqual(80);
  expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
});

describe('waiting for the run (isComplete)', () => {
  const waiting = { ...create(), Data: { ExecutionArn: 'arn:exec', RunKey: 'k1', Started: 'true' } };
  test('running: not complete yet', async () => {
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    await expect(isComplete(waiting, sfn)).resolves.toEqual({ IsComplete: false });
  });
  test('succeeded: complete', async () => {
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED' });
    await expect(isComplete(waiting, sfn)).resolves.toEqual({ IsComplete: true });
  });
  test('failed: the deployment fails with the run cause', async () => {
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'FAILED', error: 'RestorationFailed', cause: '2 objects failed' });
    await expect(isComplete(waiting, sfn)).rejects.toThrow('runbook FAILED: 2 objects failed (execution arn:exec;');
  });
  test('an update that started nothing is complete at once', async () => {
    await expect(isComplete({ ...update('k1', 'k1'), Data: { ExecutionArn: '', RunKey: 'k1', Started: 'false' } }, sfn)).resolves.toEqual({
      IsComplete: true,
    });
  });
});
