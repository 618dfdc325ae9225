import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildTaskSettings, defaultTaskSettings, MigrationType, mergeSettings, TaskSettingsError } from '../../lib/dms';

const WHERE = 'cdk.json: environment "dev": tasks[0].settings';

function errorFor(overrides: Record<string, unknown>, type: MigrationType = 'full-load-and-cdc'): string {
  try {
    buildTaskSettings(type, overrides, WHERE);
  } catch (err) {
    expect(err).toBeInstanceOf(TaskSettingsError);
    return (err as Error).message;
  }
  throw new Error('expected a TaskSettingsError');
}

function build(overrides: Record<string, unknown>, type: MigrationType = 'full-load-and-cdc') {
  const result = buildTaskSettings(type, overrides, WHERE);
  return { settings: result.settings as Record<string, Record<string, unknown>>, warnings: result.warnings };
}

describe('defaults', () => {
  test('full-load-and-cdc stops after cached changes so restoration can run', () => {
    const settings = defaultTaskSettings('full-load-and-cdc') as Record<string, Record<string, unknown>>;
    expect(settings.FullLoadSettings.StopTaskCachedChangesApplied).toBe(true);
    expect(settings.FullLoadSettings.TargetTablePrepMode).toBe('DO_NOTHING');
    expect(settings.Logging.EnableLogging).toBe(true);
    expect(settings.ValidationSettings.EnableValidation).toBe(true);
    expect(settings.TargetMetadata).toMatchObject({ FullLobMode: false, LimitedSizeLobMode: true });
  });
  test.each(['full-load', 'cdc'] as const)('%s does not stop after cached changes', (type) => {
    const settings = defaultTaskSettings(type) as Record<string, Record<string, unknown>>;
    expect(settings.FullLoadSettings.StopTaskCachedChangesApplied).toBe(false);
  });
  test('SQL Server source: validation handles collation differences; a truncated LOB suspends its table', () => {
    const settings = defaultTaskSettings('full-load-and-cdc') as Record<string, Record<string, unknown>>;
    expect(settings.ValidationSettings.HandleCollationDiff).toBe(true);
    expect(settings.ErrorBehavior.DataTruncationErrorPolicy).toBe('SUSPEND_TABLE');
  });
  test.each(['full-load', 'cdc', 'full-load-and-cdc'] as const)('the %s defaults pass the schema without warnings', (type) => {
    expect(build({}, type).warnings).toEqual([]);
  });
});

describe('overrides', () => {
  test('merge deep: an override keeps the sibling defaults', () => {
    const { settings } = build({ FullLoadSettings: { MaxFullLoadSubTasks: 16 } });
    expect(settings.FullLoadSettings).toMatchObject({ MaxFullLoadSubTasks: 16, TargetTablePrepMode: 'DO_NOTHING', StopTaskCachedChangesApplied: true });
  });
  test('arrays replace', () => {
    expect(mergeSettings({ a: [1, 2] }, { a: [3] })).toEqual({ a: [3] });
  });
  test('pass-through sections are accepted', () => {
    expect(build({ CharacterSetSettings: { CharacterReplacements: [] } }, 'cdc').warnings).toEqual([]);
  });
});

describe('accepts what DMS documents or writes itself', () => {
  test('RecoverableErrorCount -1, the documented default ("DMS decides the retries")', () => {
    expect(build({ ErrorBehavior: { RecoverableErrorCount: -1 } }).settings.ErrorBehavior.RecoverableErrorCount).toBe(-1);
  });
  test('RecoverableErrorCount 0 (never restart)', () => {
    expect(build({ ErrorBehavior: { RecoverableErrorCount: 0 } }).warnings).toEqual([]);
  });
  test('Logging.LogConfiguration and EnableLogContext, as DMS returns them', () => {
    const { settings, warnings } = build({ Logging: { EnableLogContext: false, LogConfiguration: { EnableTraceOnError: false, TraceOnErrorMb: 10 } } });
    expect(settings.Logging.LogConfiguration).toEqual({ EnableTraceOnError: false, TraceOnErrorMb: 10 });
    expect(warnings).toEqual([]);
  });
  test('ValidationMode GROUP_LEVEL (DMS 3.5.4 sets it by itself)', () => {
    expect(build({ ValidationSettings: { ValidationMode: 'GROUP_LEVEL' } }).settings.ValidationSettings.ValidationMode).toBe('GROUP_LEVEL');
  });
  test('MaxFullLoadSubTasks 49, the documented maximum', () => {
    expect(build({ FullLoadSettings: { MaxFullLoadSubTasks: 49 } }).warnings).toEqual([]);
  });
  test('CloudWatchLogGroup / CloudWatchLogStream null, as DMS writes them', () => {
    expect(build({ Logging: { CloudWatchLogGroup: null, CloudWatchLogStream: null } }).warnings).toEqual([]);
  });
  test('BatchApplyEnabled in limited LOB mode', () => {
    expect(build({ TargetMetadata: { BatchApplyEnabled: true } }).warnings).toEqual([]);
  });
  test('BatchApplyEnabled with full LOB mode when LOBs are not replicated', () => {
    expect(build({ TargetMetadata: { BatchApplyEnabled: true, SupportLobs: false, FullLobMode: true, LimitedSizeLobMode: false } }).warnings).toEqual([]);
  });
  test('the settings example of "Specifying task settings for AWS DMS tasks", as it stands', () => {
    const example = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'task-settings-example.json'), 'utf8')) as Record<string, unknown>;
    expect(build(example, 'cdc').warnings).toEqual([]);
  });
  test('sections DMS writes as null, and keys it writes that the pages do not list (warned, not refused)', () => {
    const { warnings } = build({
      BeforeImageSettings: null,
      CharacterSetSettings: null,
      LoopbackPreventionSettings: null,
      PostProcessingRules: null,
      TTSettings: { EnableTT: false, TTRecordSettings: null, TTS3Settings: null },
      FailTaskWhenCleanTaskResourceFailed: false,
      ChangeProcessingTuning: { RecoveryTimeout: -1 },
      ControlTablesSettings: { historyTimeslotInMinutes: 5, FullLoadExceptionTableEnabled: false },
    });
    expect(warnings).toEqual([
      `${WHERE}.ControlTablesSettings.historyTimeslotInMinutes: not a ControlTablesSettings setting of the DMS user guide (did you mean "HistoryTimeslotInMinutes"?); DMS may ignore it`,
    ]);
  });
});

describe('warns on what the pages do not list', () => {
  test('an unknown section, with the section meant', () => {
    expect(build({ Loging: { EnableLogging: true } }).warnings).toEqual([
      `${WHERE}.Loging: not a task-settings section of the DMS user guide (did you mean "Logging"?); DMS may ignore it`,
    ]);
  });
  test('a misspelt setting, with the setting meant', () => {
    expect(build({ FullLoadSettings: { StopTaskCachedChangesAplied: true } }).warnings).toEqual([
      `${WHERE}.FullLoadSettings.StopTaskCachedChangesAplied: not a FullLoadSettings setting of the DMS user guide (did you mean "StopTaskCachedChangesApplied"?); DMS may ignore it`,
    ]);
  });
});

describe('fails with the setting path, the value and the page', () => {
  test.each([
    [{ FullLoadSettings: { MaxFullLoadSubTasks: 50 } }, 'FullLoadSettings.MaxFullLoadSubTasks: must be an integer from 0 to 49 (got 50)'],
    [{ FullLoadSettings: { CommitRate: 50001 } }, 'FullLoadSettings.CommitRate: must be an integer from 0 to 50000 (got 50001)'],
    [{ ErrorBehavior: { RecoverableErrorCount: -2 } }, 'ErrorBehavior.RecoverableErrorCount: must be an integer >= -1 (got -2)'],
    [{ ChangeProcessingTuning: { StatementCacheSize: 201 } }, 'ChangeProcessingTuning.StatementCacheSize: must be an integer from 0 to 200 (got 201)'],
    [{ StreamBufferSettings: { CtrlStreamBufferSizeInMB: 9 } }, 'StreamBufferSettings.CtrlStreamBufferSizeInMB: must be an integer from 1 to 8 (got 9)'],
    [{ TargetMetadata: { InlineLobMaxSize: 102401 } }, 'TargetMetadata.InlineLobMaxSize: must be an integer from 0 to 102400 (got 102401)'],
    [{ TargetMetadata: { LoadMaxFileSize: 100001 } }, 'TargetMetadata.LoadMaxFileSize: must be an integer from 0 to 100000 (got 100001)'],
    [{ TargetMetadata: { ParallelLoadBufferSize: 1001 } }, 'TargetMetadata.ParallelLoadBufferSize: must be an integer from 0 to 1000 (got 1001)'],
    [{ FullLoadSettings: { MaxFullLoadSubTasks: 2.5 } }, 'FullLoadSettings.MaxFullLoadSubTasks: must be an integer from 0 to 49 (got 2.5)'],
    [{ FullLoadSettings: { MaxFullLoadSubTasks: '16' } }, 'FullLoadSettings.MaxFullLoadSubTasks: must be an integer from 0 to 49 (got "16")'],
    [{ ValidationSettings: { ValidationMode: 'TABLE_LEVEL' } }, 'ValidationSettings.ValidationMode: must be one of ROW_LEVEL, GROUP_LEVEL (got "TABLE_LEVEL")'],
    [{ ErrorBehavior: { TableErrorEscalationPolicy: 'SUSPEND_TABLE' } }, 'ErrorBehavior.TableErrorEscalationPolicy: must be one of STOP_TASK (got "SUSPEND_TABLE")'],
    [
      { FullLoadSettings: { TargetTablePrepMode: 'DROP' } },
      'FullLoadSettings.TargetTablePrepMode: must be one of DO_NOTHING, DROP_AND_CREATE, TRUNCATE_BEFORE_LOAD (got "DROP")',
    ],
    [{ TargetMetadata: { SupportLobs: 'yes' } }, 'TargetMetadata.SupportLobs: must be true or false (got "yes")'],
    [{ Logging: true }, 'Logging: must be an object (got true)'],
    [{ Logging: { LogConfiguration: 'on' } }, 'Logging.LogConfiguration: must be an object (got "on")'],
    [
      { Logging: { LogComponents: [{ Id: 'TARGET_LOAD', Severity: 'LOGGER_SEVERITY_DEFAULT', Level: 1 }] } },
      'Logging.LogComponents[0].Level: unknown key',
    ],
  ])('%j', (overrides, expected) => {
    expect(errorFor(overrides)).toBe(`${WHERE}.${expected}`);
  });

  test('CloudWatchLogGroup set on create: DMS names it', () => {
    expect(errorFor({ Logging: { CloudWatchLogGroup: 'my-group' } })).toBe(
      `${WHERE}.Logging.CloudWatchLogGroup: must not be set: DMS names it (dms-tasks-<replication instance identifier>); ` +
        '"Logging task settings": "You can\'t set these values directly" (got "my-group")',
    );
  });
  test('CloudWatchLogStream set on create: DMS names it', () => {
    expect(errorFor({ Logging: { CloudWatchLogStream: 'my-stream' } })).toBe(
      `${WHERE}.Logging.CloudWatchLogStream: must not be set: DMS names it (dms-task-<task resource identifier>); ` +
        '"Logging task settings": "You can\'t set these values directly" (got "my-stream")',
    );
  });
  test('BatchApplyEnabled with full LOB mode', () => {
    expect(errorFor({ TargetMetadata: { BatchApplyEnabled: true, FullLobMode: true, LimitedSizeLobMode: false } })).toBe(
      `${WHERE}.TargetMetadata.BatchApplyEnabled: cannot be true in full LOB mode: "Target metadata task settings": ` +
        '"When LOB columns are included in the replication, you can use BatchApplyEnabled only in limited LOB mode"',
    );
  });
  test('SupportLobs without a LOB mode', () => {
    expect(errorFor({ TargetMetadata: { LimitedSizeLobMode: false } })).toBe(
      `${WHERE}.TargetMetadata: SupportLobs is true but neither FullLobMode nor LimitedSizeLobMode is: "Target metadata task settings": ` +
        '"If you set SupportLobs=true, you must set one of the following to true"',
    );
  });
  test('full and limited LOB mode at once', () => {
    expect(errorFor({ TargetMetadata: { FullLobMode: true } })).toBe(
      `${WHERE}.TargetMetadata: FullLobMode and LimitedSizeLobMode cannot both be true (set LimitedSizeLobMode to false to use full LOB mode)`,
    );
  });
  test('an unknown log component', () => {
    expect(errorFor({ Logging: { LogComponents: [{ Id: 'SOURCE', Severity: 'LOGGER_SEVERITY_DEFAULT' }] } })).toMatch(
      /^cdk\.json: environment "dev": tasks\[0\]\.settings\.Logging\.LogComponents\[0\]\.Id: must be one of FILE_FACTORY, .*, REST_SERVER \(got "SOURCE"\)$/,
    );
  });
  test('StopTaskCachedChangesApplied for a task without CDC', () => {
    expect(errorFor({ FullLoadSettings: { StopTaskCachedChangesApplied: true } }, 'full-load')).toBe(
      `${WHERE}.FullLoadSettings.StopTaskCachedChangesApplied: true only makes sense for migrationType full-load-and-cdc (this task is full-load)`,
    );
  });
  test('both stop settings at once', () => {
    expect(errorFor({ FullLoadSettings: { StopTaskCachedChangesNotApplied: true } })).toBe(
      `${WHERE}.FullLoadSettings: StopTaskCachedChangesApplied and StopTaskCachedChangesNotApplied cannot both be true`,
    );
  });
  test('ValidationOnly on a full-load-and-cdc task', () => {
    expect(errorFor({ ValidationSettings: { ValidationOnly: true } })).toBe(
      `${WHERE}.ValidationSettings.ValidationOnly: needs migrationType full-load or cdc, not full-load-and-cdc ("Data validation task settings")`,
    );
  });
  test('ValidationOnly with a prep mode other than DO_NOTHING', () => {
    expect(errorFor({ ValidationSettings: { ValidationOnly: true }, FullLoadSettings: { TargetTablePrepMode: 'TRUNCATE_BEFORE_LOAD' } }, 'cdc')).toBe(
      `${WHERE}.ValidationSettings.ValidationOnly: needs FullLoadSettings.TargetTablePrepMode DO_NOTHING ("Data validation task settings")`,
    );
  });
  test('a before image without a field name', () => {
    expect(errorFor({ BeforeImageSettings: { EnableBeforeImage: true } }, 'cdc')).toBe(
      `${WHERE}.BeforeImageSettings.FieldName: is required when EnableBeforeImage is true ("Before image task settings")`,
    );
  });
  test('reports all problems at once', () => {
    expect(errorFor({ Loging: {}, FullLoadSettings: { CommitRate: -1, MaxFullLoadSubTasks: 64 } }).split('\n')).toHaveLength(2);
  });
});
