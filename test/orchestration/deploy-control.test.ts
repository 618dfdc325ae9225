import {
  DatabaseMigrationServiceClient,
  DescribeReplicationTasksCommand,
  ReplicationTask,
  StartReplicationTaskCommand,
  StartReplicationTaskCommandInput,
  StopReplicationTaskCommand,
} from '@aws-sdk/client-database-migration-service';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { onEvent as onRunEvent, RestorationEvent } from '../../lib/orchestration/handlers/custom-resource';
import { DeployControlEvent, isComplete, onEvent } from '../../lib/orchestration/handlers/deploy-control';
import { GuardProperties, REPLACEMENT_GUARD_TYPE } from '../../lib/orchestration/replacement-guard';
import { ChangeResponse, TASK_RESUME_TYPE, TASK_STOP_TYPE } from '../../lib/orchestration/task-change';
import { exampleEnvironment, templateOf } from '../support/app';
import { CfnTemplate, changedResources, dependsOn, logicalIdsOfType, resolve } from '../support/cfn';

/**
 * The deploy-time control as synthesized for the dev environment: what depends on what, the IAM
 * it gets, and a settings change to a running task walked through in CloudFormation's order with
 * the real handlers and DMS mocked (stop, modify, resume, then the run the change starts). The
 * replacement guard on pairs of synthesized templates.
 */

type Json = Record<string, unknown>;
const TASK_ARN = 'arn:aws:dms:eu-west-1:111111111111:task:dev-adventureworks';
const dmsMock = mockClient(DatabaseMigrationServiceClient);
const sfnMock = mockClient(SFNClient);
let now = new Date('2026-11-26T10:00:00Z');
const clients = () => ({ dms: new DatabaseMigrationServiceClient({ region: 'eu-west-1' }), now: () => (now = new Date(now.getTime() + 30_000)) });

const templates = new Map<string, CfnTemplate>();
/** The dev template with `patch` merged into the environment (cached: synth bundles every Lambda). */
function devTemplate(patch: Json = {}): CfnTemplate {
  const key = JSON.stringify(patch);
  if (!templates.has(key)) templates.set(key, templateOf('dev', { dev: exampleEnvironment('dev', patch) }).toJSON() as CfnTemplate);
  return templates.get(key)!;
}
const only = (template: CfnTemplate, type: string): string => {
  const ids = logicalIdsOfType(template, type);
  expect(ids).toHaveLength(1);
  return ids[0];
};

describe('what the dev template orders', () => {
  const t = () => devTemplate();
  test('the replacement guard comes before every DMS resource; the stopper before the task; the resumer after it; the run after the resumer', () => {
    const template = t();
    const guard = only(template, REPLACEMENT_GUARD_TYPE);
    const stopper = only(template, TASK_STOP_TYPE);
    const resumer = only(template, TASK_RESUME_TYPE);
    const task = only(template, 'AWS::DMS::ReplicationTask');
    const run = only(template, 'Custom::PostLoadRestoration');
    for (const type of ['AWS::DMS::ReplicationInstance', 'AWS::DMS::Endpoint', 'AWS::DMS::ReplicationTask']) {
      for (const id of logicalIdsOfType(template, type)) expect(dependsOn(template, id, guard)).toBe(true);
    }
    expect(dependsOn(template, stopper, guard)).toBe(true);
    expect(dependsOn(template, task, stopper)).toBe(true);
    expect(dependsOn(template, resumer, task)).toBe(true);
    expect(dependsOn(template, run, resumer)).toBe(true);
    // The stopper must not wait for the task it stops: its ARN is written out, not a Ref.
    expect(dependsOn(template, stopper, task)).toBe(false);
    expect(resolve(template.Resources[stopper].Properties!.ReplicationArn)).toBe('arn:ref:AWS::Partition:dms:eu-west-1:111111111111:task:dev-adventureworks');
  });

  test('the stopper and resumer may stop and start this task only; the provider waits within CloudFormation\'s hour', () => {
    const template = Template.fromJSON(t());
    const arn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dms:eu-west-1:111111111111:task:dev-adventureworks']] };
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['dms:StopReplicationTask', 'dms:StartReplicationTask'], Resource: arn })]) } },
    });
    expect(Object.keys(policies).filter((id) => id.startsWith('DeployControl'))).toHaveLength(2);
    // 50 minutes of 30-second polls: the handlers' own 40-minute deadline fails first, with the reason.
    const waiter = logicalIdsOfType(t(), 'AWS::StepFunctions::StateMachine').find((id) => id.startsWith('DeployControlProviderwaiterstatemachine'))!;
    expect(String(resolve(t().Resources[waiter].Properties!.DefinitionString))).toContain('"IntervalSeconds":30,"MaxAttempts":100');
    template.hasResourceProperties(TASK_STOP_TYPE, { TimeoutSeconds: '2400', ReplicationName: 'dev-adventureworks', DefinitionKey: Match.stringLikeRegexp('^[0-9a-f]{16}$') });
  });
});

/** A DMS task that stops, is modified and resumes as DMS does; ModifyReplicationTask fails while it runs. */
class FakeTask {
  public task: ReplicationTask;
  public readonly calls: string[] = [];
  constructor(status: string, stopReason?: string) {
    this.task = { ReplicationTaskArn: TASK_ARN, Status: status, StopReason: stopReason, ReplicationTaskStats: { StartDate: new Date('2026-11-20T08:00:00Z'), FullLoadFinishDate: new Date('2026-11-21T08:00:00Z') } };
  }
  describe(): ReplicationTask {
    if (this.task.Status === 'stopping') this.task = { ...this.task, Status: 'stopped', StopReason: 'Stop Reason NORMAL', ReplicationTaskStats: { ...this.task.ReplicationTaskStats, StopDate: now } };
    else if (this.task.Status === 'modifying') this.task = { ...this.task, Status: 'stopped' };
    else if (this.task.Status === 'starting') this.task = { ...this.task, Status: 'running', StopReason: undefined };
    return this.task;
  }
  stop(): void {
    this.calls.push('stop');
    if (this.task.Status !== 'running') throw Object.assign(new Error(`task is ${this.task.Status}`), { name: 'InvalidResourceStateFault' });
    this.task = { ...this.task, Status: 'stopping' };
  }
  /** What CloudFormation's update of AWS::DMS::ReplicationTask does: ModifyReplicationTask. */
  modify(): void {
    this.calls.push('modify');
    if (this.task.Status === 'running' || this.task.Status === 'starting') {
      throw Object.assign(new Error('Task is currently running. Please stop the task first'), { name: 'InvalidResourceStateFault' });
    }
    this.task = { ...this.task, Status: 'modifying' };
  }
  start(input: StartReplicationTaskCommandInput): void {
    this.calls.push(`start ${input.StartReplicationTaskType}`);
    this.task = { ...this.task, Status: 'starting' };
  }
}

/** One custom resource's Update as the Provider framework runs it: onEvent, then isComplete until done. */
async function update(type: string, before: CfnTemplate, after: CfnTemplate, id: string, attributes: Record<string, string>, physicalId = `${id}-physical`) {
  const event: DeployControlEvent = {
    ResourceType: type,
    RequestType: 'Update',
    PhysicalResourceId: physicalId,
    ResourceProperties: resolve(after.Resources[id].Properties, attributes) as Json,
    OldResourceProperties: resolve(before.Resources[id].Properties, attributes) as Json,
  };
  const response = (await onEvent(event, clients())) as ChangeResponse;
  for (let polls = 0; polls < 20; polls++) {
    const done = (await isComplete({ ...event, ...response }, clients())) as { IsComplete: boolean; Data?: Record<string, string> };
    if (done.IsComplete) return { ...response.Data, ...done.Data };
  }
  throw new Error(`${id} did not complete`);
}

describe('a settings change deploys to a running task: stop, modify, resume, then the run it starts', () => {
  const before = () => devTemplate();
  const after = () => devTemplate({ tasks: [{ ...(exampleEnvironment('dev').tasks as Json[])[0], settings: { FullLoadSettings: { CommitRate: 20000 } } }] });
  beforeEach(() => {
    dmsMock.reset();
    sfnMock.reset();
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'arn:aws:states:eu-west-1:111111111111:execution:dms-runbook-dev-adventureworks:x' });
  });

  function wire(fake: FakeTask) {
    dmsMock.on(DescribeReplicationTasksCommand).callsFake(() => ({ ReplicationTasks: [fake.describe()] }));
    dmsMock.on(StopReplicationTaskCommand).callsFake(() => (fake.stop(), {}));
    dmsMock.on(StartReplicationTaskCommand).callsFake((input: StartReplicationTaskCommandInput) => (fake.start(input), {}));
  }

  /** Walks the changed resources in dependency order; returns the run's input. */
  async function deploy(fake: FakeTask) {
    const [a, b] = [before(), after()];
    const stopper = only(b, TASK_STOP_TYPE);
    const task = only(b, 'AWS::DMS::ReplicationTask');
    const resumer = only(b, TASK_RESUME_TYPE);
    const run = only(b, 'Custom::PostLoadRestoration');
    // What the change touches, before the custom resources' attributes change at deploy time.
    const previousRecord = `${String(a.Resources[stopper].Properties!.DefinitionKey)}:false`;
    expect(changedResources(a, b, { [`${stopper}.StopRecord`]: previousRecord }).sort()).toEqual([run, stopper, task].sort());
    expect([dependsOn(b, task, stopper), dependsOn(b, resumer, task), dependsOn(b, run, resumer)]).toEqual([true, true, true]);

    const stopped = await update(TASK_STOP_TYPE, a, b, stopper, {});
    fake.modify();
    const attributes = { [`${stopper}.StopRecord`]: stopped.StopRecord! };
    const resumed = await update(TASK_RESUME_TYPE, { Resources: { [resumer]: { ...a.Resources[resumer], Properties: resolve(a.Resources[resumer].Properties, { [`${stopper}.StopRecord`]: previousRecord }) as Json } } }, b, resumer, attributes);
    const runEvent = {
      RequestType: 'Update',
      RequestId: 'deploy-2',
      PhysicalResourceId: 'runbook:dms-runbook-dev-adventureworks',
      ResourceProperties: resolve(b.Resources[run].Properties, attributes),
      OldResourceProperties: resolve(a.Resources[run].Properties, { [`${stopper}.StopRecord`]: previousRecord }),
    } as unknown as RestorationEvent;
    await onRunEvent(runEvent, new SFNClient({ region: 'eu-west-1' }));
    const input = JSON.parse(sfnMock.commandCalls(StartExecutionCommand)[0].args[0].input.input!) as Json;
    return { stopped, resumed, input };
  }

  test('a running task: stopped before CloudFormation modifies it, resumed with resume-processing after; the run knows it was running', async () => {
    const fake = new FakeTask('running');
    wire(fake);
    const { stopped, resumed, input } = await deploy(fake);
    expect(fake.calls).toEqual(['stop', 'modify', 'start resume-processing']);
    expect(stopped.WasRunning).toBe('true');
    expect(resumed.Resumed).toBe('true');
    expect(fake.task.Status).toBe('running');
    expect(input).toMatchObject({ trigger: 'cloudformation-update', deployStop: { wasRunning: true } });
  });

  test('without the stopper DMS refuses the modification of a running task (what the stopper is for)', () => {
    const fake = new FakeTask('running');
    expect(() => fake.modify()).toThrow('Task is currently running');
  });

  test('a task an operator stopped: modified as it is, not resumed; the run is told it was not running', async () => {
    const fake = new FakeTask('stopped', 'Stop Reason NORMAL');
    wire(fake);
    const { stopped, resumed, input } = await deploy(fake);
    expect(fake.calls).toEqual(['modify']);
    expect(stopped.WasRunning).toBe('false');
    expect(resumed.Resumed).toBe('false');
    expect(fake.describe().Status).toBe('stopped');
    expect(input).toMatchObject({ deployStop: { wasRunning: false } });
  });
});

describe('the replacement guard on two synthesized templates', () => {
  const guardProps = (template: CfnTemplate) => resolve(template.Resources[only(template, REPLACEMENT_GUARD_TYPE)].Properties) as unknown as GuardProperties;
  const guardUpdate = (a: CfnTemplate, b: CfnTemplate): DeployControlEvent => ({
    ResourceType: REPLACEMENT_GUARD_TYPE,
    RequestType: 'Update',
    PhysicalResourceId: 'dms-replacement-guard:dev',
    ResourceProperties: guardProps(b) as unknown as Json,
    OldResourceProperties: guardProps(a) as unknown as Json,
  });
  const KEY = 'arn:aws:kms:eu-west-1:111111111111:key/0a1b2c3d-4b5a-4000-8000-000000000009';
  const renamedTask = (name: string) => ({ tasks: [{ ...(exampleEnvironment('dev').tasks as Json[])[0], name }] });

  test('a settings change replaces nothing: the guard lets it through', async () => {
    const a = devTemplate();
    const b = devTemplate({ tasks: [{ ...(exampleEnvironment('dev').tasks as Json[])[0], settings: { FullLoadSettings: { CommitRate: 20000 } } }] });
    await expect(onEvent(guardUpdate(a, b), clients())).resolves.toEqual({ PhysicalResourceId: 'dms-replacement-guard:dev' });
  });

  test('a new instance key replaces the instance and its task under the same identifiers: refused, with what to do', async () => {
    const a = devTemplate();
    const b = devTemplate({ replicationInstance: { kmsKeyArn: KEY } });
    await expect(onEvent(guardUpdate(a, b), clients())).rejects.toThrow(
      [
        'this deploy would replace, under the same DMS identifier:',
        `- DMS replication instance dms-dev: KmsKeyId "ReplicationInstanceKey8F95A787.Arn" -> "${KEY}"`,
        '- DMS task dev-adventureworks: ReplicationInstanceArn: DMS replication instance dms-dev is replaced',
        'CloudFormation creates the replacement before it removes the old resource, which is retained (RemovalPolicy RETAIN): DMS refuses a second resource with that identifier. Revert the change, or give the resource a new identifier (replicationInstance.identifier; a task: a new tasks[].name and tasks[].resourceIdentifier) (README "Changing a running task").',
      ].join('\n'),
    );
  });

  test('a replacement under new identifiers collides with nothing: allowed, unless the environment is migrating', async () => {
    const moved = { replicationInstance: { identifier: 'dms-dev-b', kmsKeyArn: KEY }, ...renamedTask('adventureworks-b') };
    await expect(onEvent(guardUpdate(devTemplate(), devTemplate(moved)), clients())).resolves.toBeDefined();
    await expect(onEvent(guardUpdate(devTemplate({ migrating: true }), devTemplate({ ...moved, migrating: true })), clients())).rejects.toThrow(
      /^environment "dev" is migrating \(migrating: true in cdk.json\) and this deploy would replace:\n- DMS replication instance dms-dev-b: ResourceIdentifier "dms-dev" -> "dms-dev-b"; KmsKeyId .*\nA replacement is a new, empty DMS resource \(the old one is retained\): the migration would start over\. Revert the change\./,
    );
  });

  test('setting migrating to false lets a deliberate replacement through (and its rollback)', async () => {
    const moved = { replicationInstance: { identifier: 'dms-dev-b' }, ...renamedTask('adventureworks-b') };
    await expect(onEvent(guardUpdate(devTemplate({ migrating: true }), devTemplate(moved)), clients())).resolves.toBeDefined();
    await expect(onEvent(guardUpdate(devTemplate(moved), devTemplate({ migrating: true })), clients())).resolves.toBeDefined();
  });
});
