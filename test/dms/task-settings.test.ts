import { buildTaskSettings, defaultTaskSettings, mergeSettings, TaskSettingsError } from '../../lib/dms';

const WHERE = 'cdk.json: environment "dev": tasks[0].settings';

function errorFor(overrides: Record<string, unknown>, type: 'full-load' | 'cdc' | 'full-load-and-cdc' = 'full-load-and-cdc'): string {
  try {
    buildTaskSettings(type, overrides, WHERE);
  } catch (err) {
    expect(err).toBeInstanceOf(TaskSettingsError);
    return (err as Error).message;
  }
  throw new Error('expected a TaskSettingsError');
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
});

describe('overrides', () => {
  test('merge deep: an override keeps the sibling defaults', () => {
    const settings = buildTaskSettings('full-load-and-cdc', { FullLoadSettings: { MaxFullLoadSubTasks: 16 } }, WHERE) as Record<
      string,
      Record<string, unknown>
    >;
    expect(settings.FullLoadSettings).toMatchObject({ MaxFullLoadSubTasks: 16, TargetTablePrepMode: 'DO_NOTHING', StopTaskCachedChangesApplied: true });
  });
  test('arrays replace', () => {
    expect(mergeSettings({ a: [1, 2] }, { a: [3] })).toEqual({ a: [3] });
  });
  test('pass-through sections are accepted', () => {
    expect(() => buildTaskSettings('cdc', { CharacterSetSettings: { CharacterReplacements: [] } }, WHERE)).not.toThrow();
  });
});

describe('fails with the setting path and the value', () => {
  test('fails on an unknown section', () => {
    expect(errorFor({ FullLoad: {} })).toMatch(
      /^cdk\.json: environment "dev": tasks\[0\]\.settings\.FullLoad: unknown task-settings section \(known: TargetMetadata, FullLoadSettings, /,
    );
  });
  test('fails on a misspelt setting', () => {
    expect(errorFor({ FullLoadSettings: { StopTaskCachedChangesAplied: true } })).toBe(
      `${WHERE}.FullLoadSettings.StopTaskCachedChangesAplied: unknown setting in FullLoadSettings (check the spelling against the DMS task settings reference)`,
    );
  });
  test('fails on a section that is not an object', () => {
    expect(errorFor({ Logging: true })).toBe(`${WHERE}.Logging: must be an object (got true)`);
  });
  test('fails on a wrong type', () => {
    expect(errorFor({ FullLoadSettings: { MaxFullLoadSubTasks: '16' } })).toBe(
      `${WHERE}.FullLoadSettings.MaxFullLoadSubTasks: must be a non-negative integer (got "16")`,
    );
  });
  test('fails on an illegal enumeration value', () => {
    expect(errorFor({ FullLoadSettings: { TargetTablePrepMode: 'DROP' } })).toBe(
      `${WHERE}.FullLoadSettings.TargetTablePrepMode: must be one of DO_NOTHING, DROP_AND_CREATE, TRUNCATE_BEFORE_LOAD (got "DROP")`,
    );
  });
  test('fails on an unknown log component', () => {
    expect(errorFor({ Logging: { LogComponents: [{ Id: 'SOURCE', Severity: 'LOGGER_SEVERITY_DEFAULT' }] } })).toMatch(
      /^cdk\.json: environment "dev": tasks\[0\]\.settings\.Logging\.LogComponents\[0\]\.Id: must be one of TRANSFORMATION, .* \(got "SOURCE"\)$/,
    );
  });
  test('fails on StopTaskCachedChangesApplied for a task without CDC', () => {
    expect(errorFor({ FullLoadSettings: { StopTaskCachedChangesApplied: true } }, 'full-load')).toBe(
      `${WHERE}.FullLoadSettings.StopTaskCachedChangesApplied: true only makes sense for migrationType full-load-and-cdc (this task is full-load)`,
    );
  });
  test('fails on both stop settings at once', () => {
    expect(errorFor({ FullLoadSettings: { StopTaskCachedChangesNotApplied: true } })).toBe(
      `${WHERE}.FullLoadSettings: StopTaskCachedChangesApplied and StopTaskCachedChangesNotApplied cannot both be true`,
    );
  });
  test('fails on full and limited LOB mode at once', () => {
    expect(errorFor({ TargetMetadata: { FullLobMode: true } })).toBe(
      `${WHERE}.TargetMetadata: FullLobMode and LimitedSizeLobMode cannot both be true (set LimitedSizeLobMode to false to use full LOB mode)`,
    );
  });
  test('reports all problems at once', () => {
    expect(errorFor({ Loging: {}, FullLoadSettings: { CommitRate: -1 } }).split('\n')).toHaveLength(2);
  });
});
