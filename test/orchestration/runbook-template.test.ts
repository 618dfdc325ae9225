import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildTestApp, exampleEnvironment, exampleEnvironments, stackOf, templateOf } from '../support/app';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };

let dev: Template;
beforeAll(() => {
  dev = Template.fromStack(stackOf(buildTestApp(exampleEnvironments()), 'dev'));
});

function only(template: Template, type: string, props: Record<string, unknown> = {}): Resource {
  const found = Object.values(template.findResources(type, { Properties: props })) as Resource[];
  expect(found).toHaveLength(1);
  return found[0];
}

function definition(template: Template): { States: Record<string, Record<string, unknown>>; StartAt: string } {
  const sm = only(template, 'AWS::StepFunctions::StateMachine', { StateMachineName: 'dms-runbook-dev-adventureworks' });
  const body = sm.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] };
  // Tokens (function ARNs) are replaced by placeholders so the JSON parses.
  const text = body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
  return JSON.parse(text);
}

describe('runbook state machine', () => {
  test('is Standard, named after environment and task, logs ALL with data, and traces', () => {
    dev.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'dms-runbook-dev-adventureworks',
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: true }),
    });
  });

  test('runs preflight -> defer -> start -> wait -> apply -> verify -> resume -> report, each step caught', () => {
    const { States, StartAt } = definition(dev);
    expect(StartAt).toBe('Preflight');
    expect(States['Preflight passed?']).toMatchObject({ Choices: [{ Variable: '$.preflight.ok', BooleanEquals: true, Next: 'Prepare' }], Default: 'Report' });
    expect(States['Defer?']).toMatchObject({ Choices: [{ Variable: '$.prepare.defer', BooleanEquals: true, Next: 'Defer' }], Default: 'Start?' });
    expect(States['Start?'].Choices).toEqual([
      { Variable: '$.prepare.start.action', StringEquals: 'start', Next: 'StartTask' },
      { Variable: '$.prepare.start.action', StringEquals: 'wait', Next: 'WaitForTaskStatus' },
    ]);
    // A reload modifies the task first and starts it once DMS has applied the change.
    expect(States.StartTask.Next).toBe('Started?');
    expect(States['Started?']).toMatchObject({ Choices: [{ Variable: '$.start.pending', BooleanEquals: true, Next: 'WaitForTaskModify' }], Default: 'PollTask' });
    expect(States.WaitForTaskModify).toMatchObject({ Type: 'Wait', SecondsPath: '$.start.waitSeconds', Next: 'StartTask' });
    expect(States['PostLoad?'].Choices).toEqual([
      { Variable: '$.poll.phase', StringEquals: 'post-load', Next: 'Restore?' },
      { Variable: '$.poll.phase', StringEquals: 'failed', Next: 'Report' },
    ]);
    expect(States.WaitForFullLoad).toMatchObject({ Type: 'Wait', SecondsPath: '$.poll.waitSeconds', Next: 'PollTask' });
    expect(States['Restored?']).toMatchObject({ Choices: [{ Variable: '$.apply.done', BooleanEquals: true, Next: 'Verify' }], Default: 'WaitForRunningDdl' });
    expect(States.WaitForRunningDdl).toMatchObject({ SecondsPath: '$.apply.waitSeconds', Next: 'Apply' });
    expect(States.Verify.Next).toBe('ResumeCdc');
    expect(States.ResumeCdc.Next).toBe('Resumed?');
    expect(States['Resumed?']).toMatchObject({ Choices: [{ Variable: '$.resume.pending', BooleanEquals: true, Next: 'WaitBeforeResume' }], Default: 'Report' });
    expect(States.RunFailed).toMatchObject({ Type: 'Fail', Error: 'RunFailed', CausePath: 'States.JsonToString($.report)' });
    for (const step of ['Preflight', 'Prepare', 'Defer', 'StartTask', 'PollTask', 'Apply', 'Verify', 'ResumeCdc']) {
      expect(States[step].Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'ReportFailure' }]);
    }
    expect(JSON.stringify(States)).not.toContain('reload-target');
  });

  test('passes the plan, the target databases and the concurrency to the restoration Lambda', () => {
    const { States } = definition(dev);
    expect(States.Apply.Parameters).toEqual({
        action: 'apply',
        planId: 'dev-adventureworks',
        concurrency: 2,
        'runId.$': '$.runId',
        databases: [
          'adventureworks_humanresources',
          'adventureworks_person',
          'adventureworks_production',
          'adventureworks_purchasing',
          'adventureworks_sales',
          'adventureworks_dbo',
        ],
    });
  });
});

describe('custom resource', () => {
  test('one Custom::PostLoadRestoration per task with the state machine and a run key', () => {
    const cr = only(dev, 'Custom::PostLoadRestoration');
    expect(cr.Properties).toMatchObject({
      StateMachineArn: { Ref: expect.stringMatching(/^RunbookadventureworksStateMachine/) },
      RunKey: expect.stringMatching(/^[0-9a-f]{16}$/),
      WaitForCompletion: 'false',
    });
  });

  function runKeyOf(patch: Record<string, unknown>): string {
    const template = templateOf('dev', { dev: exampleEnvironment('dev', patch) });
    return only(template, 'Custom::PostLoadRestoration').Properties.RunKey as string;
  }

  test('the run key changes with the settings or an explicit run id, not with unrelated config', () => {
    const base = runKeyOf({});
    expect(runKeyOf({ replicationInstance: { allocatedStorageGiB: 60 } })).toBe(base);
    expect(runKeyOf({ restoration: { runId: 'again-1' } })).not.toBe(base);
    const task = { name: 'adventureworks', migrationType: 'full-load-and-cdc', mappingFile: 'mappings/adventureworks.json' };
    expect(runKeyOf({ tasks: [{ ...task, settings: { FullLoadSettings: { CommitRate: 20000 } } }] })).not.toBe(base);
  });

  test('a run starts only once the restoration Lambda, the target ingress and the alarm topic exist', () => {
    const [cr] = Object.values(dev.findResources('Custom::PostLoadRestoration')) as Resource[];
    const dependsOn = cr.DependsOn ?? [];
    expect(dependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^RestorationFunction[0-9A-F]{8}$/), expect.stringMatching(/^MonitoringAlarmTopic[0-9A-F]{8}$/)]));
    expect(dependsOn.some((id) => /^TargetSecurityGroupfrom.*Restoration/.test(id))).toBe(true);
  });

  test('waiting for completion is bounded by CloudFormation hour', () => {
    const template = templateOf('dev', { dev: exampleEnvironment('dev', { restoration: { waitForCompletionMinutes: 45 } }) });
    const cr = only(template, 'Custom::PostLoadRestoration');
    expect(cr.Properties).toMatchObject({ WaitForCompletion: 'true', ServiceTimeout: '3000' });
  });
});

describe('IAM least privilege', () => {
  function policiesOf(roleLogicalIdPattern: RegExp): Array<{ Action: string | string[]; Resource: unknown; Condition?: unknown }> {
    const policies = Object.values(dev.findResources('AWS::IAM::Policy')) as Resource[];
    return policies
      .filter((p) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => roleLogicalIdPattern.test(r.Ref)))
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: [] }).Statement);
  }

  test('control Lambda: start and modify its task only (never stop), describe on *, read the endpoint secrets, publish to the alarm topic only', () => {
    const statements = policiesOf(/^RunbookadventureworksControlIdentityRole/);
    const env = exampleEnvironment('dev') as { source: { secretArn: string }; target: { secretArn: string } };
    expect(statements).toEqual(
      expect.arrayContaining([
        { Action: 'dms:DescribeReplicationTasks', Effect: 'Allow', Resource: '*' },
        { Action: 'dms:StartReplicationTask', Effect: 'Allow', Resource: { Ref: expect.stringMatching(/^Taskadventureworks/) } },
        { Action: 'dms:ModifyReplicationTask', Effect: 'Allow', Resource: { Ref: expect.stringMatching(/^Taskadventureworks/) } },
        { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: env.source.secretArn },
        { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: env.target.secretArn },
        { Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: expect.stringMatching(/AlarmTopic/) } },
        { Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/AlarmTopicKey/), 'Arn'] } },
        {
          Action: 'cloudwatch:PutMetricData',
          Effect: 'Allow',
          Resource: '*',
          Condition: { StringEquals: { 'cloudwatch:namespace': 'DmsMigration/Restoration' } },
        },
      ]),
    );
    expect(JSON.stringify(statements)).not.toMatch(/StopReplicationTask/);
    // The control Lambda's environment names the secrets and what they must hold, never a value.
    const control = only(dev, 'AWS::Lambda::Function', { Description: Match.stringLikeRegexp('^Runbook control') });
    const variables = (control.Properties.Environment as { Variables: Record<string, string> }).Variables;
    expect(JSON.parse(variables.RUNBOOK_PREFLIGHT_SECRETS)).toEqual([
      { role: 'source endpoint', requiredKeys: ['username', 'password', 'host', 'port'], expectedHost: 'sqlserver.dev.example.internal', expectedPort: 1433, secretId: env.source.secretArn },
      {
        role: 'target endpoint',
        requiredKeys: ['username', 'password', 'host', 'port'],
        expectedHost: 'aurora-dev.cluster-abcdefghijkl.eu-west-1.rds.amazonaws.com',
        expectedPort: 3306,
        secretId: env.target.secretArn,
      },
    ]);
    expect(variables).toMatchObject({ RUNBOOK_TRANSIENT_GRACE_SECONDS: '3600', RUNBOOK_TARGET_TABLE_PREP_MODE: 'DO_NOTHING' });
  });

  test('restoration Lambda: reads only the target secret; network interfaces only in its subnets and security group', () => {
    const statements = policiesOf(/^RestorationFunctionIdentityRole/);
    const env = exampleEnvironment('dev') as { target: { secretArn: string } };
    expect(statements).toEqual(
      expect.arrayContaining([
        { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: env.target.secretArn },
      ]),
    );
    const create = statements.find((s) => s.Action === 'ec2:CreateNetworkInterface')!;
    expect(JSON.stringify(create.Resource)).toContain('subnet/subnet-0a1b2c3d4e5f60011');
    expect(JSON.stringify(statements)).not.toMatch(/dms:|states:/);
  });

  test('state machine: invokes its two functions only', () => {
    const statements = policiesOf(/^RunbookadventureworksStateMachineRole/);
    const invoke = statements.filter((s) => s.Action === 'lambda:InvokeFunction');
    expect(invoke.flatMap((s) => s.Resource as unknown[]).map((r) => JSON.stringify(r))).toEqual(
      expect.arrayContaining([expect.stringContaining('RunbookadventureworksControl'), expect.stringContaining('RestorationFunction')]),
    );
  });

  test('the target admits the restoration Lambda on its port', () => {
    dev.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: 'sg-0a1b2c3d4e5f60022',
      FromPort: 3306,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('RestorationSecurityGroup'), 'GroupId'] },
    });
  });

  test('no function uses an AWS managed policy', () => {
    for (const role of Object.values(dev.findResources('AWS::IAM::Role')) as Resource[]) {
      if (['dms-vpc-role', 'dms-cloudwatch-logs-role'].includes(role.Properties.RoleName as string)) continue;
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe('restoration config errors fail synth', () => {
  function synthError(patch: Record<string, unknown>): string {
    try {
      buildTestApp({ dev: exampleEnvironment('dev', patch) }).synth();
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error('expected synth to fail');
  }
  test('fails on a deploy wait longer than CloudFormation allows', () => {
    expect(synthError({ restoration: { waitForCompletionMinutes: 90 } })).toBe(
      'cdk.json: environment "dev": restoration.waitForCompletionMinutes: must be at most 60: CloudFormation waits at most one hour for a custom resource; leave it unset to return once the run has started (got 90)',
    );
  });
  test('fails on a full-load wait beyond the Step Functions history', () => {
    expect(synthError({ restoration: { maxFullLoadWaitHours: 1000 } })).toBe(
      'cdk.json: environment "dev": restoration.maxFullLoadWaitHours: must be at most 600: a Step Functions execution history holds 25,000 events (got 1000)',
    );
  });
  test('fails when the control database is one of the migrated databases', () => {
    expect(synthError({ restoration: { controlDatabase: 'adventureworks_sales' } })).toBe(
      'cdk.json: environment "dev": restoration.controlDatabase "adventureworks_sales" is one of the databases the task migrates: choose another name',
    );
  });
});
