import * as fs from 'node:fs';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
} from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  DatabaseMigrationServiceClient,
  DescribeReplicationTasksCommand,
  DescribeTableStatisticsCommand,
  ReplicationTask,
} from '@aws-sdk/client-database-migration-service';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../lib/cli/main';
import { RunReport } from '../../lib/orchestration/run-report';
import { fakeIo } from './fixtures/status/aws';

const SM = 'arn:aws:states:eu-west-1:111111111111:stateMachine:dms-runbook-dev-adventureworks';
const EXEC = 'arn:aws:states:eu-west-1:111111111111:execution:dms-runbook-dev-adventureworks:cfn-1';
const sts = mockClient(STSClient);
const sfn = mockClient(SFNClient);
const dms = mockClient(DatabaseMigrationServiceClient);

const report: RunReport = {
  version: 1,
  environment: 'dev',
  task: 'adventureworks',
  outcome: 'FAILED',
  step: 'resume',
  restorationVerified: false,
  counts: { restored: 40, skipped: 2, failed: 1, orphans: 3 },
  failures: [{ object: 'foreignKey adventureworks_sales.salesorderheader.fk_customer', reason: 'orphan rows (3)' }],
  cdcResumed: true,
  durationSeconds: 5400,
};

beforeEach(() => {
  sts.reset();
  sfn.reset();
  dms.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: '111111111111', Arn: 'arn:aws:iam::111111111111:user/operator' });
});

async function run(...args: string[]) {
  const io = fakeIo({ env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
  const code = await main(['run', ...args], io.io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

function latest(status: 'RUNNING' | 'SUCCEEDED' | 'FAILED', extra: Record<string, unknown> = {}) {
  sfn.on(ListExecutionsCommand, { stateMachineArn: SM, maxResults: 1 }).resolves({
    executions: [{ executionArn: EXEC, stateMachineArn: SM, name: 'cfn-1', status, startDate: new Date('2026-11-26T08:00:00Z') }],
  });
  sfn.on(DescribeExecutionCommand, { executionArn: EXEC }).resolves({
    executionArn: EXEC,
    stateMachineArn: SM,
    status,
    startDate: new Date('2026-11-26T08:00:00Z'),
    stopDate: status === 'RUNNING' ? undefined : new Date('2026-11-26T09:30:00Z'),
    ...extra,
  });
  sfn.on(GetExecutionHistoryCommand).resolves({
    events: [{ id: 9, timestamp: new Date(), type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'Apply' } }],
  });
}

/** The dev task as DMS describes it, stopped by an operator during CDC, with two tables loaded. */
function dmsTask(patch: Partial<ReplicationTask> = {}) {
  dms.on(DescribeReplicationTasksCommand).resolves({
    ReplicationTasks: [
      {
        ReplicationTaskIdentifier: 'dev-adventureworks',
        ReplicationTaskArn: 'arn:aws:dms:eu-west-1:111111111111:task:dev-adventureworks',
        MigrationType: 'full-load-and-cdc',
        Status: 'stopped',
        StopReason: 'Stop Reason NORMAL',
        ReplicationTaskSettings: JSON.stringify({ FullLoadSettings: { TargetTablePrepMode: 'DO_NOTHING' } }),
        ReplicationTaskStats: { StartDate: new Date('2026-11-26T08:00:00Z'), StopDate: new Date('2026-11-26T10:00:00Z'), FullLoadFinishDate: new Date('2026-11-26T09:00:00Z') },
        ...patch,
      },
    ],
  });
  dms.on(DescribeTableStatisticsCommand).resolves({
    TableStatistics: [
      { SchemaName: 'Person', TableName: 'Person', FullLoadRows: 19972, TableState: 'Table completed' },
      { SchemaName: 'HumanResources', TableName: 'Department', FullLoadRows: 16, TableState: 'Table completed' },
    ],
  });
}

describe('run status', () => {
  test('a running run shows its current step', async () => {
    latest('RUNNING');
    const { code, stdout } = await run('status', '--env', 'dev');
    expect(code).toBe(0);
    expect(stdout).toBe(`adventureworks: RUNNING  ${EXEC}\n  started 2026-11-26T08:00:00.000Z\n  step: Apply\n`);
  });

  test('a failed run shows the report with each failed object, and exits 1', async () => {
    latest('FAILED', { error: 'RunFailed', cause: JSON.stringify(report) });
    const { code, stdout } = await run('status', '--env', 'dev');
    expect(code).toBe(1);
    expect(stdout).toContain('outcome FAILED at resume; restoration verified: no; CDC resumed: yes');
    expect(stdout).toContain('restored 40, skipped 2, failed 1, FK orphans 3');
    expect(stdout).toContain('- foreignKey adventureworks_sales.salesorderheader.fk_customer: orphan rows (3)');
    expect(stdout).toContain('then `run retry`');
    // The README shows this very output.
    expect(fs.readFileSync('README.md', 'utf8')).toContain(stdout);
  });

  test('--json prints one document with the report', async () => {
    latest('SUCCEEDED', { output: JSON.stringify({ ...report, outcome: 'SUCCEEDED', failures: [], counts: { ...report.counts, failed: 0, orphans: 0 } }) });
    const { code, stdout } = await run('status', '--env', 'dev', '--json');
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc).toMatchObject({ version: 1, environment: 'dev', runs: [{ task: 'adventureworks', state: 'SUCCEEDED', report: { outcome: 'SUCCEEDED' } }] });
  });

  test('a stack without the runbook is NOT_DEPLOYED', async () => {
    sfn.on(ListExecutionsCommand).rejects(new StateMachineDoesNotExist({ message: 'State Machine Does Not Exist', $metadata: {} }));
    const { code, stdout } = await run('status', '--env', 'dev');
    expect(code).toBe(0);
    expect(stdout).toContain('adventureworks: NOT_DEPLOYED');
  });
});

describe('run start', () => {
  test('starts a new execution named manual-<time>-<random>', async () => {
    latest('SUCCEEDED');
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${SM.replace('stateMachine', 'execution')}:manual-1`, startDate: new Date() });
    const { code, stdout } = await run('start', '--env', 'dev');
    expect(code).toBe(0);
    const input = sfn.commandCalls(StartExecutionCommand)[0].args[0].input;
    expect(input.stateMachineArn).toBe(SM);
    expect(input.name).toMatch(/^manual-\d{14}-[0-9a-f]{6}$/);
    expect(JSON.parse(input.input!)).toEqual({ runId: input.name, trigger: 'operator-start' });
    expect(stdout).toMatch(/^adventureworks: started arn:aws:states:/);
  });

  test('reload-target is two steps: the plan with what DMS empties and a token, then --confirm TOKEN starts exactly that', async () => {
    latest('SUCCEEDED');
    dmsTask();
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'x', startDate: new Date() });
    const first = await run('start', '--env', 'dev', '--reload-target');
    expect(first.code).toBe(1);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    const token = /--confirm ([0-9a-f]{12})$/m.exec(first.stdout)![1];
    expect(first.stdout).toBe(
      [
        'reload-target plan for environment dev:',
        '',
        'adventureworks (dev-adventureworks): status stopped (Stop Reason NORMAL), stopped 2026-11-26T10:00:00.000Z',
        '  TargetTablePrepMode DO_NOTHING -> TRUNCATE_BEFORE_LOAD for the reload (set back after it): DMS EMPTIES these tables, then loads them again',
        '  then: defer secondary indexes, foreign keys and triggers again, reload every table from the source, restore, verify, resume CDC',
        '  tables (2, with the rows the last full load wrote; any other table the mapping selects is emptied too):',
        '    HumanResources.Department  16 rows',
        '    Person.Person  19,972 rows',
        '',
        `nothing started. To reload exactly this, run the same command with --confirm ${token}`,
        '',
      ].join('\n'),
    );
    // The README shows this very plan.
    expect(fs.readFileSync('README.md', 'utf8')).toContain(first.stdout);

    const second = await run('start', '--env', 'dev', '--reload-target', '--confirm', token);
    expect(second.code).toBe(0);
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0].args[0].input.input!).startType).toBe('reload-target');
    expect(second.stdout).toContain('reload-target: DMS empties every table of the task and loads it again');
  });

  test('a token from before the task changed starts nothing', async () => {
    latest('SUCCEEDED');
    dmsTask();
    const first = await run('start', '--env', 'dev', '--reload-target');
    const token = /--confirm ([0-9a-f]{12})$/m.exec(first.stdout)![1];
    dms.reset();
    dmsTask({ ReplicationTaskStats: { StartDate: new Date('2026-11-26T12:00:00Z'), StopDate: new Date('2026-11-26T12:05:00Z') } });
    const second = await run('start', '--env', 'dev', '--reload-target', '--confirm', token);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`^--confirm ${token} does not match the plan as it is now \\([0-9a-f]{12}\\): the task or its tables changed`));
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  test('refuses to plan a reload of a running task, even with a token', async () => {
    latest('SUCCEEDED');
    dmsTask({ Status: 'running', StopReason: undefined });
    const { code, stdout } = await run('start', '--env', 'dev', '--reload-target', '--confirm', '000000000000');
    expect(code).toBe(1);
    expect(stdout).toContain('  cannot reload: the task is running: stop it first (aws dms stop-replication-task)');
    expect(stdout).toContain('nothing started: fix what is named above');
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  test('a run in progress blocks the reload plan too', async () => {
    latest('RUNNING');
    dmsTask();
    const { code, stdout } = await run('start', '--env', 'dev', '--reload-target');
    expect(code).toBe(1);
    expect(stdout).toContain(`  cannot reload: a run is in progress (${EXEC})`);
    expect(stdout).not.toContain('--confirm');
  });

  test('--confirm without --reload-target is an error', async () => {
    const { code, stderr } = await run('start', '--env', 'dev', '--confirm', 'abc');
    expect(code).toBe(2);
    expect(stderr).toBe('error: --confirm goes with `run start --reload-target` only\n');
  });

  test('refuses while a run is in progress (exit 1), starting nothing', async () => {
    latest('RUNNING');
    const { code, stderr } = await run('start', '--env', 'dev');
    expect(code).toBe(1);
    expect(stderr).toContain(`adventureworks: a run is in progress (${EXEC})`);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});

describe('run retry', () => {
  test('starts a new run after a failed one', async () => {
    latest('FAILED', { error: 'RunFailed', cause: JSON.stringify(report) });
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'y', startDate: new Date() });
    const { code } = await run('retry', '--env', 'dev', '--task', 'adventureworks');
    expect(code).toBe(0);
    const input = sfn.commandCalls(StartExecutionCommand)[0].args[0].input;
    expect(input.name).toMatch(/^retry-/);
    expect(JSON.parse(input.input!).trigger).toBe('operator-retry');
  });

  test('refuses when the latest run succeeded', async () => {
    latest('SUCCEEDED');
    const { code, stderr } = await run('retry', '--env', 'dev');
    expect(code).toBe(1);
    expect(stderr).toBe('adventureworks: the latest run succeeded: nothing to retry (use `run start` to run again)\n');
  });
});

describe('errors exit 2 with one line', () => {
  test('unknown environment names the known ones', async () => {
    const { code, stderr } = await run('status', '--env', 'staging');
    expect(code).toBe(2);
    expect(stderr).toBe('error: unknown environment "staging" (known: dev, prod)\n');
  });
  test('unknown task names the known ones', async () => {
    const { code, stderr } = await run('start', '--env', 'dev', '--task', 'sales');
    expect(code).toBe(2);
    expect(stderr).toBe('error: unknown task "sales" in environment "dev" (known: adventureworks)\n');
  });
  test('access denied names the action', async () => {
    const denied = Object.assign(new Error('User: arn:aws:iam::111111111111:user/operator is not authorized to perform: states:StartExecution'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
    });
    latest('FAILED');
    sfn.on(StartExecutionCommand).rejects(denied);
    const { code, stderr } = await run('retry', '--env', 'dev');
    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: access denied: states:StartExecution on arn:aws:states:eu-west-1:111111111111:stateMachine:dms-runbook-dev-adventureworks/);
    expect(stderr.split('\n')).toHaveLength(2);
  });
  test('missing credentials', async () => {
    sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    const { code, stderr } = await run('status', '--env', 'dev');
    expect(code).toBe(2);
    expect(stderr).toBe(
      'error: no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (standard credential chain)\n',
    );
  });
  test('an unknown subcommand', async () => {
    const { code, stderr } = await run('restart', '--env', 'dev');
    expect(code).toBe(2);
    expect(stderr).toBe('error: run: unknown subcommand "restart" (start, status or retry)\n');
  });
});
