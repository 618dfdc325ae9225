import { GetMetricDataCommand, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeReplicationTasksCommand, DescribeTableStatisticsCommand } from '@aws-sdk/client-database-migration-service';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../lib/cli/main';
import { createStatusCommand } from '../../lib/cli/status';
import { EnvironmentStatus, taskPhase } from '../../lib/operator/model';
import { renderStatus } from '../../lib/operator/render';
import {
  alarm,
  awsError,
  completedTables,
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
  table,
  TASK_ARN,
} from './fixtures/status/aws';
import { freezeDate, unfreezeDate } from './fixtures/status/clock';

let mocks: Mocks | undefined;
beforeEach(() => freezeDate());
afterEach(() => {
  mocks?.restore();
  mocks = undefined;
  unfreezeDate();
});

async function status(scenario: Scenario, args: string[] = [], ioOptions: Parameters<typeof fakeIo>[0] = {}) {
  mocks = mockAws(scenario);
  const io = fakeIo(ioOptions);
  const code = await main(['status', '--env', 'dev', ...args], io.io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

async function statusJson(scenario: Scenario): Promise<EnvironmentStatus> {
  const { code, stdout, stderr } = await status(scenario, ['--json']);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return JSON.parse(stdout) as EnvironmentStatus;
}

const FRESH: Scenario = {
  task: replicationTask({ Status: 'ready', ReplicationTaskStartDate: undefined }, {}),
  tablePages: awsError('InvalidResourceStateFault', 'Replication task is not in a valid state'),
  latency: {},
  execution: 'not-started',
};

const LOADING: Scenario = {
  task: replicationTask({}, { FullLoadProgressPercent: 45, TablesLoaded: 2, TablesLoading: 1, TablesQueued: 1, ElapsedTimeMillis: 1_800_000 }),
  tablePages: [
    [
      table('HumanResources', 'Department'),
      table('Person', 'Person'),
      table('Sales', 'SalesOrderDetail', { TableState: 'Full load', FullLoadRows: 50_000, ValidationState: 'Pending records', ValidationPendingRecords: 50_000 }),
      table('Sales', 'SalesOrderHeader', { TableState: 'Before load', FullLoadRows: 0, ValidationState: 'Pending validation' }),
    ],
  ],
  latency: {},
  execution: runningExecution(),
};

const POST_LOAD_STOP: Scenario = {
  task: replicationTask({ Status: 'stopped', StopReason: 'Stop Reason STOPPED_AFTER_CACHED_EVENTS' }, FINISHED_STATS),
  latency: { source: perMinute([4, 6, 5]), target: perMinute([7, 9, 8]) },
  execution: runningExecution(),
};

const FAILED: Scenario = {
  task: replicationTask(
    {
      Status: 'failed',
      StopReason: 'Stop Reason FATAL_ERROR',
      LastFailureMessage: "Last Error Task 'dev-adventureworks' was suspended due to 6 successive unexpected failures Stop Reason FATAL_ERROR Error Level FATAL",
    },
    { ...FINISHED_STATS, FullLoadFinishDate: undefined, FullLoadProgressPercent: 60, TablesLoaded: 2, TablesErrored: 1, TablesQueued: 1 },
  ),
  tablePages: [
    [
      table('HumanResources', 'Department'),
      table('Person', 'Person'),
      table('Sales', 'SalesOrderDetail', { TableState: 'Table error', FullLoadRows: 2_000, ValidationState: 'Table error' }),
      table('Sales', 'SalesOrderHeader', { TableState: 'Before load', FullLoadRows: 0 }),
    ],
  ],
  latency: {},
  execution: {
    executionArn: EXECUTION_ARN,
    stateMachineArn: STATE_MACHINE_ARN,
    status: 'FAILED',
    startDate: new Date(NOW.getTime() - 300 * 60_000),
    stopDate: new Date(NOW.getTime() - 100 * 60_000),
    error: 'TaskFailed',
    cause: JSON.stringify(runReport({ outcome: 'FAILED', step: 'wait-for-full-load', restorationVerified: false, cdcResumed: false, counts: { restored: 0, skipped: 0, failed: 0, orphans: 0 }, dmsReason: 'Stop Reason FATAL_ERROR' })),
  },
};

describe('status: the text screen', () => {
  test('CDC running: status, full load, latency, alarms, restoration and the table listing', async () => {
    const { code, stdout, stderr } = await status({});
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        'environment dev (account 111111111111, eu-west-1) at 2025-06-02 12:00:00Z',
        'replication instance dms-dev, alarms: 6 OK',
        '',
        'task adventureworks (dev-adventureworks, full-load-and-cdc)',
        '  status       running: replicating changes (CDC)',
        '  full load    100%, tables 4 loaded, 0 loading, 0 queued, 0 errored, finished 2025-06-02 08:30:00Z',
        '  CDC latency  source 2 s, target 3 s (last 60 min max: source 2 s, target 3 s)',
        '  alarms       2 OK',
        '  restoration  SUCCEEDED 2025-06-02 08:50:00Z, verified, 48 restored, 0 skipped, 0 failed, 0 orphans, CDC resumed',
        '  drift        none: settings and table mapping as the stack deploys them',
        '',
        '  TABLE                      STATE            ROWS LOADED  INSERTS  UPDATES  DELETES  VALIDATION',
        '  HumanResources.Department  Table completed           16        0        0        0  Validated',
        '  Person.Person              Table completed       19,972       12       40        1  Validated',
        '  Sales.SalesOrderDetail     Table completed      121,317      230       18        0  Validated',
        '  Sales.SalesOrderHeader     Table completed       31,465       57       61        2  Validated',
        '',
      ].join('\n'),
    );
  });

  test('a fresh task: not started, no table statistics, metrics shown as "no data", runbook not started', async () => {
    const { code, stdout } = await status(FRESH);
    expect(code).toBe(0);
    expect(stdout).toContain('  status       ready: not started yet\n');
    expect(stdout).toContain('  full load    no statistics yet, tables 0 loaded, 0 loading, 0 queued, 0 errored\n');
    expect(stdout).toContain('  CDC latency  source no data, target no data (last 60 min)\n');
    expect(stdout).toContain('  restoration  not started (dms-runbook-dev-adventureworks has no execution yet)\n');
    expect(stdout).toContain('  no table statistics yet\n');
  });

  test('loading, on a terminal: progress bar, problems and loading tables first', async () => {
    const { code, stdout } = await status(LOADING, [], { tty: true, env: { NO_COLOR: '1' } });
    expect(code).toBe(0);
    expect(stdout).toContain('  status       running: full load in progress\n');
    expect(stdout).toContain('  full load    [█████████░░░░░░░░░░░] 45%, tables 2 loaded, 1 loading, 1 queued, 0 errored, 30 min elapsed\n');
    expect(stdout).toContain('  restoration  RUNNING since 2025-06-02 07:00:00Z\n');
    const rows = stdout.split('\n').filter((l) => /^ {2}[A-Z][a-zA-Z]+\.[A-Za-z]+ /.test(l));
    expect(rows.map((r) => r.trim().split(/\s+/)[0])).toEqual([
      'Sales.SalesOrderDetail',
      'Sales.SalesOrderHeader',
      'HumanResources.Department',
      'Person.Person',
    ]);
    expect(stdout).toContain('Pending records (50,000 pending)');
    expect(stdout).not.toContain('\x1b[');
  });

  test('a terminal with colors: ANSI colors; NO_COLOR and pipes get none', async () => {
    const { stdout } = await status({}, [], { tty: true });
    expect(stdout).toContain('\x1b[32m6 OK\x1b[39m');
  });

  test('post-load stop: stop reason and what happens next', async () => {
    const { stdout } = await status(POST_LOAD_STOP);
    expect(stdout).toContain(
      '  status       stopped (Stop Reason STOPPED_AFTER_CACHED_EVENTS): full load completed, with cached changes applied (StopTaskCachedChangesApplied); stopped after the full load: restoration next, then CDC resumes\n',
    );
    expect(stdout).toContain('  CDC latency  source 5 s, target 8 s (last 60 min max: source 6 s, target 9 s)\n');
  });

  test('a failed task: the failure message, the table in error and the failed run', async () => {
    const { code, stdout } = await status(FAILED);
    expect(code).toBe(0);
    expect(stdout).toContain(
      "  status       failed (Stop Reason FATAL_ERROR): FAILED: Last Error Task 'dev-adventureworks' was suspended due to 6 successive unexpected failures Stop Reason FATAL_ERROR Error Level FATAL\n",
    );
    expect(stdout).toContain('  full load    60%, tables 2 loaded, 0 loading, 1 queued, 1 errored');
    expect(stdout).toContain(
      '  restoration  FAILED 2025-06-02 10:20:00Z: 0 restored, 0 skipped, 0 failed, 0 orphans at step wait-for-full-load: Stop Reason FATAL_ERROR\n',
    );
    const rows = stdout.split('\n').filter((l) => l.includes('Sales.'));
    expect(rows[0]).toMatch(/^ {2}Sales\.SalesOrderDetail\s+Table error\s+2,000/);
  });

  test('validation mismatches show failed records', async () => {
    const { stdout } = await status({
      tablePages: [[table('Sales', 'SalesOrderHeader', { ValidationState: 'Mismatched records', ValidationFailedRecords: 12 }), ...completedTables().slice(0, 2)]],
    });
    expect(stdout).toMatch(/Sales\.SalesOrderHeader\s+Table completed.*Mismatched records \(12 failed\)/);
  });

  test('alarms in ALARM and alarms that do not exist are named', async () => {
    const { stdout } = await status({
      alarmPages: [devAlarms({ 'dms/dev/task/dev-adventureworks/cdc-latency-target': 'ALARM' }).filter((a) => !a.AlarmName?.endsWith('swap-usage'))],
    });
    expect(stdout).toContain('replication instance dms-dev, alarms: 1 not found (instance/dms-dev/swap-usage), 5 OK\n');
    expect(stdout).toContain('  alarms       1 ALARM (task/dev-adventureworks/cdc-latency-target), 1 OK\n');
  });

  test('restoration not deployed', async () => {
    const { stdout } = await status({ execution: 'not-deployed' });
    expect(stdout).toContain('  restoration  not deployed (no state machine dms-runbook-dev-adventureworks)\n');
  });

  test('many tables on a terminal: at most 20 rows and a count of the rest', async () => {
    const many = Array.from({ length: 30 }, (_, i) => table('Sales', `T${String(i).padStart(2, '0')}`));
    const { stdout } = await status({ tablePages: [many.slice(0, 25), many.slice(25)] }, [], { tty: true, env: { NO_COLOR: '1' } });
    expect(stdout.split('\n').filter((l) => l.startsWith('  Sales.T'))).toHaveLength(20);
    expect(stdout).toContain('  ... 10 more tables (--json lists all)\n');
  });
});

describe('status --json', () => {
  test('one document with every key, in the documented shape', async () => {
    const doc = await statusJson({});
    expect(Object.keys(doc)).toEqual(['version', 'environment', 'account', 'region', 'generatedAt', 'replicationInstance', 'alarms', 'tasks']);
    expect(doc).toMatchObject({
      version: 1,
      environment: 'dev',
      account: '111111111111',
      region: 'eu-west-1',
      generatedAt: '2025-06-02T12:00:00.000Z',
      replicationInstance: 'dms-dev',
      alarms: { namePrefix: 'dms/dev/' },
    });
    expect(doc.alarms.items).toHaveLength(8);
    expect(doc.alarms.items[0]).toEqual({
      name: 'dms/dev/instance/dms-dev/cpu-utilization',
      task: null,
      state: 'OK',
      reason: 'Threshold Crossed: no datapoints were breaching',
      updatedAt: '2025-06-02T11:30:00.000Z',
    });
    expect(doc.alarms.items.filter((a) => a.task === 'adventureworks').map((a) => a.name)).toEqual([
      'dms/dev/task/dev-adventureworks/cdc-latency-source',
      'dms/dev/task/dev-adventureworks/cdc-latency-target',
    ]);
    const [task] = doc.tasks;
    expect(Object.keys(task)).toEqual([
      'name',
      'identifier',
      'resourceIdentifier',
      'arn',
      'status',
      'phase',
      'stopReason',
      'lastFailureMessage',
      'migrationType',
      'fullLoad',
      'tables',
      'tableSummary',
      'cdcLatency',
      'restoration',
      'drift',
    ]);
    expect(task).toMatchObject({
      name: 'adventureworks',
      identifier: 'dev-adventureworks',
      resourceIdentifier: 'dev-adventureworks',
      arn: TASK_ARN,
      status: 'running',
      phase: 'cdc',
      stopReason: null,
      lastFailureMessage: null,
      migrationType: 'full-load-and-cdc',
    });
    expect(task.fullLoad).toEqual({
      percent: 100,
      tablesLoaded: 4,
      tablesLoading: 0,
      tablesQueued: 0,
      tablesErrored: 0,
      startedAt: '2025-06-02T07:00:00.000Z',
      finishedAt: '2025-06-02T08:30:00.000Z',
      elapsedSeconds: 5400,
      finished: true,
    });
    expect(task.tables[1]).toEqual({
      schema: 'Person',
      table: 'Person',
      state: 'Table completed',
      fullLoadRows: 19972,
      fullLoadErrorRows: 0,
      inserts: 12,
      updates: 40,
      deletes: 1,
      ddls: 0,
      validationState: 'Validated',
      validationFailedRecords: 0,
      validationPendingRecords: 0,
      validationSuspendedRecords: 0,
      lastUpdatedAt: '2025-06-02T11:58:00.000Z',
    });
    expect(task.tableSummary).toEqual({ total: 4, completed: 4, loading: 0, queued: 0, errored: 0, validationMismatched: 0, validated: 4 });
    expect(task.cdcLatency).toEqual({
      windowMinutes: 60,
      statistic: 'Average',
      periodSeconds: 60,
      source: {
        metricName: 'CDCLatencySource',
        dimensions: { ReplicationInstanceIdentifier: 'dms-dev', ReplicationTaskIdentifier: 'dev-adventureworks' },
        datapoints: 60,
        latestSeconds: 2,
        latestAt: '2025-06-02T11:59:00.000Z',
        maxSeconds: 2,
        oldestAt: '2025-06-02T11:00:00.000Z',
        largestGapSeconds: 60,
      },
      target: expect.objectContaining({ metricName: 'CDCLatencyTarget', datapoints: 60, latestSeconds: 3 }),
    });
    expect(task.restoration).toEqual({
      stateMachine: 'dms-runbook-dev-adventureworks',
      state: 'SUCCEEDED',
      executionArn: EXECUTION_ARN,
      startedAt: '2025-06-02T08:25:00.000Z',
      stoppedAt: '2025-06-02T08:50:00.000Z',
      report: runReport(),
      error: null,
      cause: null,
    });
  });

  test('missing metrics: datapoints 0 and nulls', async () => {
    const doc = await statusJson({ latency: {} });
    expect(doc.tasks[0].cdcLatency.source).toEqual({
      metricName: 'CDCLatencySource',
      dimensions: { ReplicationInstanceIdentifier: 'dms-dev', ReplicationTaskIdentifier: 'dev-adventureworks' },
      datapoints: 0,
      latestSeconds: null,
      latestAt: null,
      maxSeconds: null,
      oldestAt: null,
      largestGapSeconds: null,
    });
  });

  test('phases: fresh, loading, post-load stop, failed', async () => {
    expect((await statusJson(FRESH)).tasks[0]).toMatchObject({ phase: 'not-started', tables: [], fullLoad: { percent: null, finished: false } });
    mocks?.restore();
    expect((await statusJson(LOADING)).tasks[0]).toMatchObject({
      phase: 'full-load',
      tableSummary: { total: 4, completed: 2, loading: 1, queued: 1, errored: 0 },
      restoration: { state: 'RUNNING', report: null },
    });
    mocks?.restore();
    expect((await statusJson(POST_LOAD_STOP)).tasks[0]).toMatchObject({
      phase: 'post-load-stop',
      stopReason: 'Stop Reason STOPPED_AFTER_CACHED_EVENTS',
    });
    mocks?.restore();
    const failed = (await statusJson(FAILED)).tasks[0];
    expect(failed).toMatchObject({ phase: 'failed', tableSummary: { errored: 1 }, restoration: { state: 'FAILED', error: 'TaskFailed' } });
    expect(failed.restoration.report).toMatchObject({ outcome: 'FAILED', dmsReason: 'Stop Reason FATAL_ERROR' });
  });
});

describe('status: drift from what the stack deploys', () => {
  const drifted = (change: Parameters<typeof liveDocuments>[0]) => ({ task: replicationTask({ ...liveDocuments(change) }, FINISHED_STATS) });

  test('what DMS adds by itself is not drift: assigned log group and stream, defaults, extra and reordered log components, null mapping keys, rule order', async () => {
    const doc = await statusJson({});
    expect(doc.tasks[0].drift).toEqual({ checked: true, reason: null, settings: [], tableMappings: [] });
  });

  test('a setting, a log severity and a table-mapping rule changed outside CloudFormation are named with both values', async () => {
    const scenario = drifted((settings, mappings) => {
      (settings.FullLoadSettings as Record<string, unknown>).CommitRate = 50000;
      for (const c of (settings.Logging as { LogComponents: Array<{ Id: string; Severity: string }> }).LogComponents) if (c.Id === 'SOURCE_CAPTURE') c.Severity = 'LOGGER_SEVERITY_DEBUG';
      delete (settings.ValidationSettings as Record<string, unknown>).HandleCollationDiff;
      mappings.rules = mappings.rules.filter((r) => r['rule-id'] !== '2');
      mappings.rules.push({ 'rule-type': 'selection', 'rule-id': '99', 'rule-name': 'added-by-hand', 'object-locator': { 'schema-name': 'dbo', 'table-name': '%' }, 'rule-action': 'include' });
    });
    const doc = await statusJson(scenario);
    expect(doc.tasks[0].drift.settings).toEqual([
      { path: 'FullLoadSettings.CommitRate', kind: 'changed', deployed: 10000, live: 50000 },
      { path: 'Logging.LogComponents[Id=SOURCE_CAPTURE].Severity', kind: 'changed', deployed: 'LOGGER_SEVERITY_DEFAULT', live: 'LOGGER_SEVERITY_DEBUG' },
      { path: 'ValidationSettings.HandleCollationDiff', kind: 'missing', deployed: true, live: null },
    ]);
    expect(doc.tasks[0].drift.tableMappings.map((d) => [d.path, d.kind])).toEqual([
      ['rules[rule-id=2]', 'missing'],
      ['rules[rule-id=99]', 'added'],
    ]);
    const { stdout } = await status(scenario);
    expect(stdout).toContain(
      [
        '  drift        5 difference(s) from what the stack deploys (settings 3, table mapping 2); a deploy sets them back',
        '               settings FullLoadSettings.CommitRate: deployed 10000, live 50000',
        '               settings Logging.LogComponents[Id=SOURCE_CAPTURE].Severity: deployed "LOGGER_SEVERITY_DEFAULT", live "LOGGER_SEVERITY_DEBUG"',
        '               settings ValidationSettings.HandleCollationDiff: deployed true, not in DMS',
        '               table mapping rules[rule-id=2]: deployed {"rule-type":"selection","rule-id":"2","rule-name":"inclu..., not in DMS',
        '               table mapping rules[rule-id=99]: not deployed, DMS has {"rule-type":"selection","rule-id":"99","rule-name":"adde...',
        '',
      ].join('\n'),
    );
  });

  test('a task DMS returns without its documents is reported as not checked', async () => {
    const doc = await statusJson({ task: replicationTask({ ReplicationTaskSettings: undefined, TableMappings: undefined }, FINISHED_STATS) });
    expect(doc.tasks[0].drift).toEqual({ checked: false, reason: 'DMS returned no task settings or table mapping', settings: [], tableMappings: [] });
  });
});

describe('status: the AWS calls', () => {
  test('finds the task by replication-task-id and pages through table statistics and alarms', async () => {
    const tables = completedTables();
    const doc = await statusJson({
      tablePages: [tables.slice(0, 2), tables.slice(2)],
      alarmPages: [devAlarms().slice(0, 4), devAlarms().slice(4)],
    });
    expect(doc.tasks[0].tables.map((t) => t.table)).toEqual(['Department', 'Person', 'SalesOrderDetail', 'SalesOrderHeader']);
    expect(doc.alarms.items.every((a) => a.state === 'OK')).toBe(true);
    const m = mocks as Mocks;
    expect(m.dms.commandCalls(DescribeReplicationTasksCommand)[0].args[0].input).toEqual({
      Filters: [{ Name: 'replication-task-id', Values: ['dev-adventureworks'] }],
      WithoutSettings: false,
    });
    expect(m.dms.commandCalls(DescribeTableStatisticsCommand).map((c) => c.args[0].input)).toEqual([
      { ReplicationTaskArn: TASK_ARN, MaxRecords: 500, Marker: undefined },
      { ReplicationTaskArn: TASK_ARN, MaxRecords: 500, Marker: 'page-1' },
    ]);
    expect(m.cloudwatch.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'alarms-1']);
    expect(m.cloudwatch.commandCalls(DescribeAlarmsCommand)[0].args[0].input).toMatchObject({ AlarmNamePrefix: 'dms/dev/' });
    expect(m.sfn.commandCalls(ListExecutionsCommand)[0].args[0].input).toEqual({ stateMachineArn: STATE_MACHINE_ARN, maxResults: 1 });
  });

  test('CDC latency: the alarms\' dimensions, with the task resource id from its ARN (not its name), over the last hour', async () => {
    const arn = 'arn:aws:dms:eu-west-1:111111111111:task:AWXRESOURCE1';
    await statusJson({ task: replicationTask({ ReplicationTaskArn: arn }, FINISHED_STATS) });
    const input = (mocks as Mocks).cloudwatch.commandCalls(GetMetricDataCommand)[0].args[0].input;
    expect(input.StartTime).toEqual(new Date('2025-06-02T11:00:00.000Z'));
    expect(input.EndTime).toEqual(NOW);
    expect(input.MetricDataQueries).toEqual([
      {
        Id: 's0',
        ReturnData: true,
        MetricStat: {
          Metric: {
            Namespace: 'AWS/DMS',
            MetricName: 'CDCLatencySource',
            Dimensions: [
              { Name: 'ReplicationInstanceIdentifier', Value: 'dms-dev' },
              { Name: 'ReplicationTaskIdentifier', Value: 'AWXRESOURCE1' },
            ],
          },
          Period: 60,
          Stat: 'Average',
        },
      },
      expect.objectContaining({ Id: 't0', MetricStat: expect.objectContaining({ Metric: expect.objectContaining({ MetricName: 'CDCLatencyTarget' }) }) }),
    ]);
  });

  test('GetMetricData pages are merged', async () => {
    mocks = mockAws({});
    const points = steady(10, 5);
    mocks.cloudwatch
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [{ Id: 's0', Timestamps: points.slice(0, 5).map((p) => p.at), Values: [5, 5, 5, 5, 40] }],
        NextToken: 'more',
      })
      .resolvesOnce({
        MetricDataResults: [
          { Id: 's0', Timestamps: points.slice(5).map((p) => p.at), Values: [5, 5, 5, 5, 7] },
          { Id: 't0', Timestamps: [], Values: [] },
        ],
      });
    const io = fakeIo();
    expect(await main(['status', '--env', 'dev', '--json'], io.io)).toBe(0);
    const doc = JSON.parse(io.stdout()) as EnvironmentStatus;
    expect(doc.tasks[0].cdcLatency.source).toMatchObject({ datapoints: 10, maxSeconds: 40, latestSeconds: 7 });
    expect(doc.tasks[0].cdcLatency.target.datapoints).toBe(0);
    expect(mocks.cloudwatch.commandCalls(GetMetricDataCommand)[1].args[0].input.NextToken).toBe('more');
  });

  test('--task selects one task; an unknown task is named with the known ones', async () => {
    const ok = await status({}, ['--task', 'adventureworks', '--json']);
    expect(ok.code).toBe(0);
    mocks?.restore();
    const bad = await status({}, ['--task', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('error: unknown task "nope" in environment "dev" (known: adventureworks)\n');
  });

  test('alarms of tasks that are not selected are left out; unknown alarms under the prefix are kept', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'status-'));
    const cdk = JSON.parse(fs.readFileSync('cdk.json', 'utf8')) as { context: { environments: Record<string, { tasks: unknown[] }> } };
    cdk.context.environments.dev.tasks.push({ name: 'other', migrationType: 'full-load', mappingFile: 'mappings/adventureworks.json' });
    fs.writeFileSync(path.join(dir, 'cdk.json'), JSON.stringify(cdk));
    mocks = mockAws({ alarmPages: [[...devAlarms(), alarm('dms/dev/task/dev-other/cdc-latency-source', 'ALARM'), alarm('dms/dev/custom', 'ALARM')]] });
    const io = fakeIo();
    expect(await main(['status', '--env', 'dev', '--task', 'adventureworks', '--json', '--config', path.join(dir, 'cdk.json')], io.io)).toBe(0);
    const doc = JSON.parse(io.stdout()) as EnvironmentStatus;
    expect(doc.alarms.items.map((a) => a.name)).not.toContain('dms/dev/task/dev-other/cdc-latency-source');
    expect(doc.alarms.items.find((a) => a.name === 'dms/dev/custom')).toMatchObject({ state: 'ALARM', task: null });
  });
});

describe('status --watch', () => {
  test('on a terminal: clears the screen and redraws, sleeping between refreshes', async () => {
    mocks = mockAws({});
    const sleeps: number[] = [];
    let minute = 0;
    const cmd = createStatusCommand({
      now: () => new Date(NOW.getTime() + minute++ * 60_000),
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      maxIterations: 3,
    });
    const io = fakeIo({ tty: true, env: { NO_COLOR: '1' } });
    expect(await cmd.run(['--env', 'dev', '--watch', '10'], io.io)).toBe(0);
    const frames = io.stdout().split('\x1b[H\x1b[2J');
    expect(frames).toHaveLength(4);
    expect(frames[0]).toBe('');
    expect(frames[1]).toContain('at 2025-06-02 12:00:00Z');
    expect(frames[3]).toContain('at 2025-06-02 12:02:00Z');
    expect(frames[3]).toContain('refreshing every 10 s (Ctrl-C to stop)');
    expect(sleeps).toEqual([10_000, 10_000]);
    expect(mocks.dms.commandCalls(DescribeReplicationTasksCommand)).toHaveLength(3);
  });

  test('with --json: one compact document per line', async () => {
    mocks = mockAws({});
    const cmd = createStatusCommand({ now: () => NOW, sleep: async () => undefined, maxIterations: 2 });
    const io = fakeIo();
    expect(await cmd.run(['--env', 'dev', '--watch', '5', '--json'], io.io)).toBe(0);
    const lines = io.stdout().trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect((JSON.parse(lines[1]) as EnvironmentStatus).environment).toBe('dev');
  });

  test('not on a terminal: frames one after the other, no escape codes', async () => {
    mocks = mockAws({});
    const cmd = createStatusCommand({ now: () => NOW, sleep: async () => undefined, maxIterations: 2 });
    const io = fakeIo();
    expect(await cmd.run(['--env', 'dev', '--watch', '5'], io.io)).toBe(0);
    expect(io.stdout()).not.toContain('\x1b');
    expect(io.stdout().match(/^environment dev/gm)).toHaveLength(2);
  });

  test('--watch needs a number of at least 1 second', async () => {
    const { code, stderr } = await status({}, ['--watch', 'fast']);
    expect(code).toBe(2);
    expect(stderr).toBe('error: --watch must be a positive number (got "fast")\n');
  });
});

describe('status: injected client factory', () => {
  test('the clients come from the factory, created with the environment\'s region and max attempts', async () => {
    mocks = mockAws({});
    const created: Array<{ name: string; region: string; maxAttempts: number }> = [];
    const cmd = createStatusCommand({
      now: () => NOW,
      clientFactory: (clientClass, config) => {
        created.push({ name: clientClass.name, ...config });
        return new clientClass(config);
      },
    });
    const io = fakeIo({ env: { AWS_MAX_ATTEMPTS: '7' } });
    expect(await cmd.run(['--env', 'dev'], io.io)).toBe(0);
    expect(created.map((c) => c.name).sort()).toEqual(['CloudWatchClient', 'DatabaseMigrationServiceClient', 'SFNClient', 'STSClient']);
    expect(created.every((c) => c.region === 'eu-west-1' && c.maxAttempts === 7)).toBe(true);
  });
});

describe('status: errors exit 2 with one line', () => {
  test('unknown environment: named with the known ones', async () => {
    const io = fakeIo();
    expect(await main(['status', '--env', 'staging'], io.io)).toBe(2);
    expect(io.stderr()).toBe('error: unknown environment "staging" (known: dev, prod)\n');
  });

  test('--env is required', async () => {
    const io = fakeIo();
    expect(await main(['status'], io.io)).toBe(2);
    expect(io.stderr()).toBe('error: status: --env NAME is required (known: dev, prod)\n');
  });

  test('an unknown option', async () => {
    const io = fakeIo();
    expect(await main(['status', '--env', 'dev', '--verbose'], io.io)).toBe(2);
    expect(io.stderr()).toMatch(/^error: status: Unknown option '--verbose' \(usage: npm run --silent cli -- status --env NAME/);
  });

  test('--help prints the usage and exits 0', async () => {
    const io = fakeIo();
    expect(await main(['status', '--help'], io.io)).toBe(0);
    expect(io.stdout()).toContain('usage: npm run --silent cli -- status --env NAME [--task NAME] [--json] [--watch SECONDS]');
  });

  test('the task does not exist (ResourceNotFoundFault): deploy the stack first', async () => {
    const { code, stdout, stderr } = await status({ task: 'not-found' });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('error: task dev-adventureworks not found in account 111111111111 region eu-west-1: deploy the stack DmsMigration-dev first\n');
  });

  test('the task does not exist (empty list)', async () => {
    const { code, stderr } = await status({ task: 'none' });
    expect(code).toBe(2);
    expect(stderr).toBe('error: task dev-adventureworks not found in account 111111111111 region eu-west-1: deploy the stack DmsMigration-dev first\n');
  });

  test('missing credentials', async () => {
    mocks = mockAws({});
    mocks.sts.rejects(awsError('CredentialsProviderError', 'Could not load credentials from any providers'));
    const io = fakeIo();
    expect(await main(['status', '--env', 'dev'], io.io)).toBe(2);
    expect(io.stderr()).toBe(
      'error: no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (standard credential chain)\n',
    );
  });

  test('wrong account: names both', async () => {
    const { code, stderr } = await status({ account: '333333333333' });
    expect(code).toBe(2);
    expect(stderr).toBe(
      'error: wrong AWS account: the credentials are for account 333333333333 (arn:aws:iam::333333333333:user/operator) but environment "dev" is in account 111111111111 (cdk.json): use credentials for 111111111111, e.g. another AWS_PROFILE\n',
    );
    expect((mocks as Mocks).dms.calls()).toHaveLength(0);
  });

  test('access denied: names the missing action and the resource', async () => {
    const { code, stderr } = await status({
      tablePages: awsError('AccessDeniedException', 'User: arn:aws:iam::111111111111:user/operator is not authorized to perform: dms:DescribeTableStatistics'),
    });
    expect(code).toBe(2);
    expect(stderr).toBe(
      `error: access denied: dms:DescribeTableStatistics on ${TASK_ARN} (grant dms:DescribeTableStatistics to your principal)\n`,
    );
  });

  test('access denied on CloudWatch (query protocol: AccessDenied)', async () => {
    mocks = mockAws({});
    mocks.cloudwatch.on(GetMetricDataCommand).rejects(awsError('AccessDenied', 'not authorized'));
    const io = fakeIo();
    expect(await main(['status', '--env', 'dev'], io.io)).toBe(2);
    expect(io.stderr()).toBe(
      'error: access denied: cloudwatch:GetMetricData on AWS/DMS CDCLatencySource/CDCLatencyTarget (grant cloudwatch:GetMetricData to your principal)\n',
    );
  });

  test('access denied on the state machine', async () => {
    mocks = mockAws({});
    mocks.sfn.on(ListExecutionsCommand).rejects(awsError('AccessDeniedException', 'not authorized'));
    const io = fakeIo();
    expect(await main(['status', '--env', 'dev'], io.io)).toBe(2);
    expect(io.stderr()).toBe(`error: access denied: states:ListExecutions on ${STATE_MACHINE_ARN} (grant states:ListExecutions to your principal)\n`);
  });

  test('throttling that outlasted the retries', async () => {
    mocks = mockAws({});
    mocks.dms
      .on(DescribeReplicationTasksCommand)
      .rejects(awsError('ThrottlingException', 'Rate exceeded', { $metadata: { attempts: 5, totalRetryDelay: 9000 }, $retryable: { throttling: true } }));
    const io = fakeIo();
    expect(await main(['status', '--env', 'dev'], io.io)).toBe(2);
    expect(io.stderr()).toBe(
      'error: AWS throttled dms:DescribeReplicationTasks on dev-adventureworks after 5 attempts with backoff (ThrottlingException): retry later, or raise AWS_MAX_ATTEMPTS\n',
    );
  });

  test('expired credentials', async () => {
    mocks = mockAws({});
    mocks.sts.rejects(awsError('ExpiredToken', 'The security token included in the request is expired'));
    const io = fakeIo();
    expect(await main(['status', '--env', 'dev'], io.io)).toBe(2);
    expect(io.stderr()).toBe(
      'error: the AWS credentials have expired (ExpiredToken): refresh them (aws sso login, or new temporary credentials) and retry\n',
    );
  });

  test('no stack trace, even for unexpected errors', async () => {
    mocks = mockAws({});
    mocks.dms.on(DescribeReplicationTasksCommand).rejects(awsError('InternalFailure', 'boom\n    at somewhere'));
    const io = fakeIo();
    expect(await main(['status', '--env', 'dev'], io.io)).toBe(2);
    expect(io.stderr()).toBe('error: dms:DescribeReplicationTasks on dev-adventureworks failed: InternalFailure: boom\n');
  });
});

describe('renderStatus is pure', () => {
  test('same document, same text', async () => {
    const doc = await statusJson({});
    expect(renderStatus(doc)).toBe(renderStatus(JSON.parse(JSON.stringify(doc)) as EnvironmentStatus));
    expect(renderStatus(doc, { tty: true, color: false, columns: 90 })).toContain('  HumanResources.Dep~  Table completed');
  });
});

describe('README.md shows real output', () => {
  async function run(scenario: Scenario, args: string[], tty = false) {
    mocks?.restore();
    mocks = mockAws(scenario);
    const io = fakeIo({ tty, columns: 120, env: { NO_COLOR: '1' } });
    expect(await createStatusCommand({ now: () => NOW }).run(['--env', 'dev', ...args], io.io)).toBe(0);
    return io.stdout();
  }

  test('status, CDC running', async () => {
    expect(await run({}, [])).toBe(docExample('status-cdc'));
  });

  test('status --json', async () => {
    expect(await run({}, ['--json'])).toBe(docExample('status-json'));
  });

  test('status with drift', async () => {
    const scenario: Scenario = {
      task: replicationTask(
        liveDocuments((settings, mappings) => {
          (settings.FullLoadSettings as Record<string, unknown>).CommitRate = 50000;
          for (const c of (settings.Logging as { LogComponents: Array<{ Id: string; Severity: string }> }).LogComponents) if (c.Id === 'SOURCE_CAPTURE') c.Severity = 'LOGGER_SEVERITY_DEBUG';
          mappings.rules.push({ 'rule-type': 'selection', 'rule-id': '99', 'rule-name': 'added-by-hand', 'object-locator': { 'schema-name': 'dbo', 'table-name': '%' }, 'rule-action': 'include' });
        }),
        FINISHED_STATS,
      ),
    };
    expect(await run(scenario, [])).toContain(docExample('status-drift'));
  });

  test('status during the full load, on a terminal', async () => {
    const scenario: Scenario = {
      ...LOADING,
      tablePages: [
        [
          table('HumanResources', 'Department'),
          table('Person', 'Person', { FullLoadRows: 19972 }),
          table('Sales', 'SalesOrderDetail', { TableState: 'Full load', FullLoadRows: 50_000, ValidationState: 'Pending records', ValidationPendingRecords: 50_000 }),
          table('Sales', 'SalesOrderHeader', { TableState: 'Before load', FullLoadRows: 0, ValidationState: 'Pending validation' }),
        ],
      ],
    };
    expect(await run(scenario, [], true)).toBe(docExample('status-loading'));
  });
});

describe('task phase from the stop-reason list shared with the runbook', () => {
  test.each([
    ['Stop Reason RECOVERABLE_ERROR', 'recovering'],
    ['Stop Reason RECYCLE_TASK', 'recovering'],
    ['Stop Reason RECONFIGURATION_RESTART', 'recovering'],
    ['Stop Reason STOPPED_AFTER_FULL_LOAD', 'post-load-stop'],
    ['Stop Reason STOPPED_AFTER_CACHED_EVENTS', 'post-load-stop'],
    ['Stop Reason FULL_LOAD_ONLY_FINISHED', 'post-load-stop'],
    ['Stop Reason FATAL_ERROR', 'failed'],
    ['Stop Reason STOPPED_DUE_TO_LOW_DISK', 'failed'],
    ['Stop Reason NORMAL', 'stopped'],
  ])('stopped with %s: %s', (stopReason, phase) => {
    expect(taskPhase('stopped', stopReason, 'full-load-and-cdc', true, true)).toBe(phase);
  });

  test('failed-move and undocumented statuses are failures, not transitions', () => {
    expect(taskPhase('failed-move', null, 'full-load-and-cdc', false, true)).toBe('failed');
    expect(taskPhase('exploding', null, 'full-load-and-cdc', false, true)).toBe('failed');
    expect(taskPhase('moving', null, 'full-load-and-cdc', false, true)).toBe('transition');
  });
});
