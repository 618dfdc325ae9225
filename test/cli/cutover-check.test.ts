import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../lib/cli/main';
import { createCutoverCheckCommand } from '../../lib/cli/cutover-check';
import { CutoverResult } from '../../lib/operator/cutover';
import {
  devAlarms,
  docExample,
  EXECUTION_ARN,
  fakeIo,
  FINISHED_STATS,
  liveDocuments,
  Mocks,
  mockAws,
  NOW,
  perMinute,
  replicationTask,
  runningExecution,
  runReport,
  Scenario,
  STATE_MACHINE_ARN,
  steady,
  succeededExecution,
  table,
  completedTables,
} from './fixtures/status/aws';
import { freezeDate, unfreezeDate } from './fixtures/status/clock';

let mocks: Mocks | undefined;
beforeEach(() => freezeDate());
afterEach(() => {
  mocks?.restore();
  mocks = undefined;
  unfreezeDate();
});

async function check(scenario: Scenario, args: string[] = [], ioOptions: Parameters<typeof fakeIo>[0] = {}) {
  mocks?.restore();
  mocks = mockAws(scenario);
  const io = fakeIo(ioOptions);
  const code = await main(['cutover-check', '--env', 'dev', ...args], io.io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

/** The failing checks as "check: detail". */
async function failures(scenario: Scenario, args: string[] = []): Promise<string[]> {
  const { code, stdout, stderr } = await check(scenario, [...args, '--json']);
  expect(stderr).toBe('');
  const result = JSON.parse(stdout) as CutoverResult;
  expect(code).toBe(result.go ? 0 : 1);
  return result.checks.filter((c) => !c.ok).map((c) => `${c.check}: ${c.detail}`);
}

const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

describe('cutover-check: go', () => {
  test('everything in place: GO, exit 0, one line per check', async () => {
    const { code, stdout, stderr } = await check({});
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        'cutover check: environment dev (account 111111111111, eu-west-1) at 2025-06-02 12:00:00Z, CDC latency bound 60 s for 15 min',
        '  ok    adventureworks  full-load           full load finished: 4 tables loaded (100%), finished 2025-06-02 08:30:00Z',
        '  ok    adventureworks  tables              no table in error (4 table(s))',
        '  ok    adventureworks  validation          no validation mismatches (4 of 4 table(s) validated)',
        '  ok    adventureworks  restoration         restoration applied and verified: 48 restored, 0 skipped, 0 failed, 0 orphans',
        '  ok    adventureworks  cdc-running         CDC running',
        '  ok    adventureworks  cdc-latency-source  source CDC latency at most 2 s (bound 60 s) over the last 15 min, latest 2 s',
        '  ok    adventureworks  cdc-latency-target  target CDC latency at most 3 s (bound 60 s) over the last 15 min, latest 3 s',
        '  ok    (environment)   alarms              no alarm in ALARM (8 alarm(s) under dms/dev/)',
        'GO: all 8 checks passed',
        '',
      ].join('\n'),
    );
  });

  test('reads the per-minute Maximum over the --for window', async () => {
    await check({}, ['--for', '30']);
    const input = (mocks as Mocks).cloudwatch.commandCalls(GetMetricDataCommand)[0].args[0].input;
    expect(input.StartTime).toEqual(minutesAgo(30));
    expect(input.EndTime).toEqual(NOW);
    expect(input.MetricDataQueries?.map((q) => [q.MetricStat?.Metric?.MetricName, q.MetricStat?.Stat, q.MetricStat?.Period])).toEqual([
      ['CDCLatencySource', 'Maximum', 60],
      ['CDCLatencyTarget', 'Maximum', 60],
    ]);
  });

  test('a latency spike before the window does not count', async () => {
    const source = perMinute([...Array.from({ length: 10 }, () => 300), ...Array.from({ length: 15 }, () => 4)]);
    expect(await failures({ latency: { source, target: steady(25, 3) } })).toEqual([]);
  });

  test('--max-latency raises the bound', async () => {
    const source = steady(15, 90);
    expect(await failures({ latency: { source, target: steady(15, 3) } })).toEqual([
      'cdc-latency-source: source CDC latency up to 90 s in the last 15 min, above 60 s (latest 90 s)',
    ]);
    expect(await failures({ latency: { source, target: steady(15, 3) } }, ['--max-latency', '120'])).toEqual([]);
  });
});

describe('cutover-check: no-go, exit 1, with the reasons', () => {
  test('a fresh task', async () => {
    const { code, stdout } = await check({
      task: replicationTask({ Status: 'ready', ReplicationTaskStartDate: undefined }, {}),
      tablePages: [[]],
      latency: {},
      execution: 'not-started',
    });
    expect(code).toBe(1);
    expect(stdout).toContain('  FAIL  adventureworks  full-load           full load not started (status ready)\n');
    expect(stdout).toContain('  FAIL  adventureworks  restoration         restoration has not run: dms-runbook-dev-adventureworks has no execution\n');
    expect(stdout).toContain('  FAIL  adventureworks  cdc-running         CDC not running: status ready\n');
    expect(stdout).toContain(
      '  FAIL  adventureworks  cdc-latency-source  source CDC latency: no data in the last 15 min (CDCLatencySource, ReplicationInstanceIdentifier=dms-dev, ReplicationTaskIdentifier=dev-adventureworks)\n',
    );
    expect(stdout).toMatch(
      /\nNO-GO: 5 of 8 checks failed \(adventureworks full-load, adventureworks restoration, adventureworks cdc-running, adventureworks cdc-latency-source, adventureworks cdc-latency-target\)\n$/,
    );
  });

  test('loading', async () => {
    expect(
      await failures({
        task: replicationTask({}, { FullLoadProgressPercent: 45, TablesLoaded: 2, TablesLoading: 1, TablesQueued: 1 }),
        tablePages: [[table('A', 'One'), table('A', 'Two'), table('B', 'Three', { TableState: 'Full load' }), table('B', 'Four', { TableState: 'Before load' })]],
        latency: {},
        execution: runningExecution(),
      }),
    ).toEqual([
      'full-load: full load not finished: 45%, 2 loaded, 1 loading, 1 queued, 0 errored',
      'restoration: restoration still running (since 2025-06-02 07:00:00Z)',
      'cdc-running: CDC not running yet: the full load is still in progress',
      'cdc-latency-source: source CDC latency: no data in the last 15 min (CDCLatencySource, ReplicationInstanceIdentifier=dms-dev, ReplicationTaskIdentifier=dev-adventureworks)',
      'cdc-latency-target: target CDC latency: no data in the last 15 min (CDCLatencyTarget, ReplicationInstanceIdentifier=dms-dev, ReplicationTaskIdentifier=dev-adventureworks)',
    ]);
  });

  test('post-load stop: CDC is not running yet', async () => {
    expect(
      await failures({
        task: replicationTask({ Status: 'stopped', StopReason: 'Stop Reason STOPPED_AFTER_CACHED_EVENTS' }, FINISHED_STATS),
        latency: {},
        execution: runningExecution(),
      }),
    ).toEqual([
      'restoration: restoration still running (since 2025-06-02 07:00:00Z)',
      'cdc-running: CDC not running: status stopped (Stop Reason STOPPED_AFTER_CACHED_EVENTS)',
      expect.stringMatching(/^cdc-latency-source: source CDC latency: no data/),
      expect.stringMatching(/^cdc-latency-target: target CDC latency: no data/),
    ]);
  });

  test('a failed task', async () => {
    const fails = await failures({
      task: replicationTask(
        { Status: 'failed', LastFailureMessage: 'Last Error ODBC general error. Task error notification received from subtask 0' },
        { ...FINISHED_STATS, FullLoadFinishDate: undefined, FullLoadProgressPercent: 80 },
      ),
      latency: {},
      execution: {
        executionArn: EXECUTION_ARN,
        stateMachineArn: STATE_MACHINE_ARN,
        status: 'FAILED',
        startDate: minutesAgo(100),
        stopDate: minutesAgo(50),
        error: 'States.TaskFailed',
        cause: 'DMS task dev-adventureworks failed',
      },
    });
    expect(fails).toEqual([
      'full-load: task failed (status failed): Last Error ODBC general error. Task error notification received from subtask 0',
      'restoration: restoration FAILED: States.TaskFailed: DMS task dev-adventureworks failed',
      'cdc-running: task failed (status failed): Last Error ODBC general error. Task error notification received from subtask 0',
      expect.stringMatching(/^cdc-latency-source: .*no data/),
      expect.stringMatching(/^cdc-latency-target: .*no data/),
    ]);
  });

  test('tables in error', async () => {
    const tables = completedTables();
    tables[2] = table('Sales', 'SalesOrderDetail', { TableState: 'Table error' });
    tables[3] = table('Sales', 'SalesOrderHeader', { FullLoadErrorRows: 3 });
    expect(await failures({ tablePages: [tables] })).toEqual([
      'tables: 2 table(s) in error: Sales.SalesOrderDetail (Table error), Sales.SalesOrderHeader (Table completed, 3 rows failed to load)',
    ]);
  });

  test('TablesErrored from the task statistics alone', async () => {
    expect(await failures({ task: replicationTask({}, { ...FINISHED_STATS, TablesErrored: 1 }) })).toEqual([
      'tables: DMS reports 1 table(s) errored',
    ]);
  });

  test('validation mismatches', async () => {
    const tables = completedTables();
    tables[1] = table('Person', 'Person', { ValidationState: 'Mismatched records', ValidationFailedRecords: 12 });
    const { code, stdout } = await check({ tablePages: [tables] });
    expect(code).toBe(1);
    expect(stdout).toContain(
      '  FAIL  adventureworks  validation          1 table(s) with validation mismatches: Person.Person (Mismatched records, 12 failed record(s))\n',
    );
  });

  test('drift is a warning, not a blocker, and names the difference', async () => {
    const task = replicationTask(liveDocuments((settings) => ((settings.FullLoadSettings as Record<string, unknown>).CommitRate = 50000)), FINISHED_STATS);
    const { code, stdout } = await check({ task }, ['--json']);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as CutoverResult).warnings).toEqual([
      'adventureworks: the live task differs from what the stack deploys (1): settings FullLoadSettings.CommitRate: deployed 10000, live 50000',
    ]);
    expect((await check({ task })).stdout).toContain(
      '  warn  adventureworks: the live task differs from what the stack deploys (1): settings FullLoadSettings.CommitRate: deployed 10000, live 50000\n',
    );
  });

  test('suspended records and validation off are warnings, not blockers', async () => {
    const tables = completedTables().map((t) => ({ ...t, ValidationState: 'Not enabled' }));
    tables[0] = { ...tables[0], ValidationSuspendedRecords: 2 };
    const { code, stdout } = await check({ tablePages: [tables] });
    expect(code).toBe(0);
    expect(stdout).toContain('  warn  adventureworks: 1 table(s) with records DMS could not validate: HumanResources.Department\n');
    expect(stdout).toContain('  warn  adventureworks: data validation is not enabled: no row-by-row comparison of source and target was made\n');
  });

  test('missing latency metrics: no data is no-go', async () => {
    expect(await failures({ latency: { source: steady(15, 2) } })).toEqual([
      'cdc-latency-target: target CDC latency: no data in the last 15 min (CDCLatencyTarget, ReplicationInstanceIdentifier=dms-dev, ReplicationTaskIdentifier=dev-adventureworks)',
    ]);
  });

  test('latency data must cover the whole window', async () => {
    expect(await failures({ latency: { source: steady(6, 2), target: steady(15, 3) } })).toEqual([
      'cdc-latency-source: source CDC latency: data covers only the last 6 of 15 min',
    ]);
  });

  test('latency data must be recent', async () => {
    const stale = steady(30, 2).slice(0, 20);
    expect(await failures({ latency: { source: stale, target: steady(15, 3) } })).toEqual([
      'cdc-latency-source: source CDC latency: the latest datapoint is 11 min old (2025-06-02 11:49:00Z): CDC stopped publishing',
    ]);
  });

  test('a gap in the latency data', async () => {
    const gappy = steady(15, 2).filter((_, i) => i < 3 || i > 9);
    expect(await failures({ latency: { source: gappy, target: steady(15, 3) } })).toEqual([
      'cdc-latency-source: source CDC latency: no data for 8 min within the last 15 min',
    ]);
  });

  test('an alarm in ALARM', async () => {
    expect(await failures({ alarmPages: [devAlarms({ 'dms/dev/instance/dms-dev/freeable-memory': 'ALARM' })] })).toEqual([
      'alarms: 1 alarm(s) in ALARM: dms/dev/instance/dms-dev/freeable-memory',
    ]);
  });

  test('alarms in INSUFFICIENT_DATA are a warning', async () => {
    const { code, stdout } = await check({ alarmPages: [devAlarms({ 'dms/dev/instance/dms-dev/swap-usage': 'INSUFFICIENT_DATA' })] });
    expect(code).toBe(0);
    expect(stdout).toContain(
      '  warn  1 alarm(s) in INSUFFICIENT_DATA (no datapoints: wrong dimensions, or the resource publishes nothing): dms/dev/instance/dms-dev/swap-usage\n',
    );
  });

  test('alarms that do not exist are a warning', async () => {
    const { code, stdout } = await check({ alarmPages: [[]] });
    expect(code).toBe(0);
    expect(stdout).toContain('  warn  8 expected alarm(s) not found (monitoring not deployed?): dms/dev/instance/dms-dev/cpu-utilization,');
  });

  test.each<[string, Scenario['execution'], string]>([
    ['not deployed', 'not-deployed', 'restoration: restoration not deployed: state machine dms-runbook-dev-adventureworks does not exist'],
    [
      'not verified',
      succeededExecution(runReport({ restorationVerified: false, step: 'verify' })),
      'restoration: restoration not verified (step verify)',
    ],
    [
      'orphans',
      succeededExecution(runReport({ counts: { restored: 48, skipped: 0, failed: 0, orphans: 2 } })),
      'restoration: restoration found 2 orphan row(s) for foreign keys',
    ],
    [
      'failed objects',
      succeededExecution(runReport({ counts: { restored: 47, skipped: 0, failed: 1, orphans: 0 } })),
      'restoration: restoration failed for 1 object(s)',
    ],
    [
      'an output that is no run report',
      { ...succeededExecution(), output: '{"ok":true}' },
      'restoration: restoration SUCCEEDED but its output is not a run report: cannot tell whether it was verified',
    ],
    [
      'failed with a run report as cause',
      {
        executionArn: EXECUTION_ARN,
        stateMachineArn: STATE_MACHINE_ARN,
        status: 'FAILED',
        startDate: minutesAgo(100),
        error: 'RestorationFailed',
        cause: JSON.stringify(
          runReport({
            outcome: 'FAILED',
            step: 'apply',
            counts: { restored: 40, skipped: 0, failed: 1, orphans: 3 },
            failures: [{ object: 'Sales.SalesOrderDetail.FK_SalesOrderDetail_SalesOrderHeader', reason: '3 orphan rows' }],
          }),
        ),
      },
      'restoration: restoration FAILED: Sales.SalesOrderDetail.FK_SalesOrderDetail_SalesOrderHeader: 3 orphan rows',
    ],
    ['timed out', { executionArn: EXECUTION_ARN, stateMachineArn: STATE_MACHINE_ARN, status: 'TIMED_OUT', startDate: minutesAgo(100) }, 'restoration: restoration TIMED_OUT'],
  ])('restoration %s', async (_name, execution, expected) => {
    expect(await failures({ execution })).toEqual([expected]);
  });
});

describe('cutover-check --json', () => {
  test('the document: verdict, bound, window, checks and warnings', async () => {
    const { code, stdout } = await check({ alarmPages: [devAlarms({ 'dms/dev/task/dev-adventureworks/cdc-latency-source': 'ALARM' })] }, [
      '--json',
      '--max-latency',
      '30',
      '--for',
      '10',
    ]);
    expect(code).toBe(1);
    const result = JSON.parse(stdout) as CutoverResult;
    expect(Object.keys(result)).toEqual([
      'version',
      'environment',
      'account',
      'region',
      'generatedAt',
      'go',
      'maxLatencySeconds',
      'windowMinutes',
      'checks',
      'warnings',
    ]);
    expect(result).toMatchObject({
      version: 1,
      environment: 'dev',
      account: '111111111111',
      region: 'eu-west-1',
      generatedAt: '2025-06-02T12:00:00.000Z',
      go: false,
      maxLatencySeconds: 30,
      windowMinutes: 10,
      warnings: [],
    });
    expect(result.checks.map((c) => [c.task, c.check, c.ok])).toEqual([
      ['adventureworks', 'full-load', true],
      ['adventureworks', 'tables', true],
      ['adventureworks', 'validation', true],
      ['adventureworks', 'restoration', true],
      ['adventureworks', 'cdc-running', true],
      ['adventureworks', 'cdc-latency-source', true],
      ['adventureworks', 'cdc-latency-target', true],
      [null, 'alarms', false],
    ]);
    expect(result.checks[7].detail).toBe('1 alarm(s) in ALARM: dms/dev/task/dev-adventureworks/cdc-latency-source');
  });
});

describe('cutover-check: migration types', () => {
  function configWith(tasks: unknown[], patch: Record<string, unknown> = {}): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutover-'));
    const cdk = JSON.parse(fs.readFileSync('cdk.json', 'utf8')) as { context: { environments: Record<string, Record<string, unknown>> } };
    cdk.context.environments.dev = { ...cdk.context.environments.dev, tasks, ...patch };
    for (const [key, value] of Object.entries(patch)) if (value === undefined) delete cdk.context.environments.dev[key];
    fs.writeFileSync(path.join(dir, 'cdk.json'), JSON.stringify(cdk));
    return path.join(dir, 'cdk.json');
  }

  test('a full-load task: no CDC checks; go once loaded and restored', async () => {
    const config = configWith([{ name: 'adventureworks', migrationType: 'full-load', mappingFile: 'mappings/adventureworks.json' }]);
    const { code, stdout } = await check(
      {
        task: replicationTask({ MigrationType: 'full-load', Status: 'stopped', StopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED' }, FINISHED_STATS),
        latency: {},
      },
      ['--config', config, '--json'],
    );
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as CutoverResult).checks.map((c) => c.check)).toEqual(['full-load', 'tables', 'validation', 'restoration', 'alarms']);
  });

  test('a cdc-only task: no full-load or restoration checks', async () => {
    const config = configWith([{ name: 'adventureworks', migrationType: 'cdc', mappingFile: 'mappings/adventureworks.json' }]);
    const { code, stdout } = await check({ task: replicationTask({ MigrationType: 'cdc' }, {}), execution: 'not-deployed' }, ['--config', config, '--json']);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as CutoverResult).checks.map((c) => c.check)).toEqual([
      'tables',
      'validation',
      'cdc-running',
      'cdc-latency-source',
      'cdc-latency-target',
      'alarms',
    ]);
  });

  test('no region in the config and none in AWS_REGION: exit 2; AWS_REGION fills in', async () => {
    const config = configWith([{ name: 'adventureworks', migrationType: 'full-load-and-cdc', mappingFile: 'mappings/adventureworks.json' }], {
      region: undefined,
    });
    const missing = await check({}, ['--config', config]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      'error: environment "dev" has no region in cdk.json and AWS_REGION is not set: add "region" to the environment or export AWS_REGION\n',
    );
    const fromEnv = await check({}, ['--config', config], { env: { AWS_REGION: 'eu-central-1' } });
    expect(fromEnv.code).toBe(0);
    expect(fromEnv.stdout).toContain('(account 111111111111, eu-central-1)');
  });
});

describe('cutover-check: errors exit 2', () => {
  test.each([
    [['--max-latency', '0'], 'error: --max-latency must be a positive number (got "0")\n'],
    [['--for', 'soon'], 'error: --for must be a positive number (got "soon")\n'],
  ])('%j', async (args, message) => {
    const { code, stderr, stdout } = await check({}, args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(message);
  });

  test('unknown environment', async () => {
    const io = fakeIo();
    expect(await main(['cutover-check', '--env', 'qa'], io.io)).toBe(2);
    expect(io.stderr()).toBe('error: unknown environment "qa" (known: dev, prod)\n');
  });

  test('the task does not exist', async () => {
    const { code, stderr } = await check({ task: 'not-found' });
    expect(code).toBe(2);
    expect(stderr).toBe('error: task dev-adventureworks not found in account 111111111111 region eu-west-1: deploy the stack DmsMigration-dev first\n');
  });

  test('wrong account (prod credentials for dev)', async () => {
    const { code, stderr } = await check({ account: '222222222222' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: wrong AWS account: the credentials are for account 222222222222 .* environment "dev" is in account 111111111111/);
  });

  test('--help', async () => {
    const io = fakeIo();
    expect(await main(['cutover-check', '--help'], io.io)).toBe(0);
    expect(io.stdout()).toContain('Exit 0 go, 1 no-go, 2 error.');
  });
});

describe('README.md shows real output', () => {
  async function run(scenario: Scenario, args: string[] = []) {
    mocks?.restore();
    mocks = mockAws(scenario);
    const io = fakeIo({ columns: 120, env: { NO_COLOR: '1' } });
    await createCutoverCheckCommand({ now: () => NOW }).run(['--env', 'dev', ...args], io.io);
    return io.stdout();
  }

  test('go', async () => {
    expect(await run({})).toBe(docExample('cutover-go'));
    expect(await run({}, ['--json'])).toBe(docExample('cutover-json'));
  });

  test('no-go after the full load', async () => {
    const scenario: Scenario = {
      task: replicationTask({ Status: 'stopped', StopReason: 'Stop Reason STOPPED_AFTER_CACHED_EVENTS' }, FINISHED_STATS),
      latency: {},
      execution: runningExecution(),
    };
    expect(await run(scenario)).toBe(docExample('cutover-post-load'));
  });

  test('no-go on a latency spike', async () => {
    const scenario: Scenario = {
      latency: { source: steady(15, 4), target: perMinute([3, 3, 3, 3, 3, 3, 3, 3, 3, 95, 140, 120, 60, 20, 5]) },
      alarmPages: [devAlarms({ 'dms/dev/task/dev-adventureworks/cdc-latency-target': 'ALARM' })],
    };
    expect(await run(scenario)).toBe(docExample('cutover-latency'));
  });
});
