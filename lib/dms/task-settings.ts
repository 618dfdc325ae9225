/**
 * DMS replication task settings: typed defaults for a SQL Server -> Aurora MySQL migration whose
 * target schema was created by AWS SCT, merged with per-environment overrides and validated.
 *
 * Reference: AWS DMS User Guide, "Specifying task settings for AWS Database Migration Service tasks".
 */

export type MigrationType = 'full-load' | 'cdc' | 'full-load-and-cdc';

/** A JSON value as it appears in task settings. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Thrown for bad overrides; the message names the setting path and the value. */
export class TaskSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaskSettingsError';
  }
}

type FieldType = 'boolean' | 'integer' | 'string' | 'nullable-string' | readonly string[] | 'array' | 'object' | 'any';

/**
 * The sections and keys this tool knows, with their types. A key outside this table is
 * reported (a misspelt `StopTaskCachedChangesAplied` would otherwise silently do nothing).
 * Sections marked 'any' are passed through as objects: their content is engine-specific.
 */
const KNOWN: Record<string, Record<string, FieldType> | 'object' | 'any'> = {
  TargetMetadata: {
    TargetSchema: 'string',
    SupportLobs: 'boolean',
    FullLobMode: 'boolean',
    LobChunkSize: 'integer',
    LimitedSizeLobMode: 'boolean',
    LobMaxSize: 'integer',
    InlineLobMaxSize: 'integer',
    LoadMaxFileSize: 'integer',
    ParallelLoadThreads: 'integer',
    ParallelLoadBufferSize: 'integer',
    ParallelLoadQueuesPerThread: 'integer',
    ParallelApplyThreads: 'integer',
    ParallelApplyBufferSize: 'integer',
    ParallelApplyQueuesPerThread: 'integer',
    BatchApplyEnabled: 'boolean',
    TaskRecoveryTableEnabled: 'boolean',
  },
  FullLoadSettings: {
    TargetTablePrepMode: ['DO_NOTHING', 'DROP_AND_CREATE', 'TRUNCATE_BEFORE_LOAD'],
    CreatePkAfterFullLoad: 'boolean',
    StopTaskCachedChangesApplied: 'boolean',
    StopTaskCachedChangesNotApplied: 'boolean',
    MaxFullLoadSubTasks: 'integer',
    TransactionConsistencyTimeout: 'integer',
    CommitRate: 'integer',
  },
  Logging: {
    EnableLogging: 'boolean',
    EnableLogContext: 'boolean',
    LogComponents: 'array',
    CloudWatchLogGroup: 'nullable-string',
    CloudWatchLogStream: 'nullable-string',
  },
  ControlTablesSettings: {
    ControlSchema: 'string',
    HistoryTimeslotInMinutes: 'integer',
    HistoryTableEnabled: 'boolean',
    SuspendedTablesTableEnabled: 'boolean',
    StatusTableEnabled: 'boolean',
    FullLoadExceptionTableEnabled: 'boolean',
    CommitPositionTableEnabled: 'boolean',
  },
  StreamBufferSettings: {
    StreamBufferCount: 'integer',
    StreamBufferSizeInMB: 'integer',
    CtrlStreamBufferSizeInMB: 'integer',
  },
  ChangeProcessingDdlHandlingPolicy: {
    HandleSourceTableDropped: 'boolean',
    HandleSourceTableTruncated: 'boolean',
    HandleSourceTableAltered: 'boolean',
  },
  ChangeProcessingTuning: {
    BatchApplyPreserveTransaction: 'boolean',
    BatchApplyTimeoutMin: 'integer',
    BatchApplyTimeoutMax: 'integer',
    BatchApplyMemoryLimit: 'integer',
    BatchSplitSize: 'integer',
    MinTransactionSize: 'integer',
    CommitTimeout: 'integer',
    MemoryLimitTotal: 'integer',
    MemoryKeepTime: 'integer',
    StatementCacheSize: 'integer',
  },
  ErrorBehavior: {
    DataErrorPolicy: ['LOG_ERROR', 'IGNORE_RECORD', 'SUSPEND_TABLE', 'STOP_TASK'],
    DataTruncationErrorPolicy: ['LOG_ERROR', 'IGNORE_RECORD', 'SUSPEND_TABLE', 'STOP_TASK'],
    DataMaskingErrorPolicy: ['LOG_ERROR', 'IGNORE_RECORD', 'SUSPEND_TABLE', 'STOP_TASK'],
    DataErrorEscalationPolicy: ['SUSPEND_TABLE', 'STOP_TASK'],
    DataErrorEscalationCount: 'integer',
    TableErrorPolicy: ['SUSPEND_TABLE', 'STOP_TASK'],
    TableErrorEscalationPolicy: ['STOP_TASK'],
    TableErrorEscalationCount: 'integer',
    RecoverableErrorCount: 'integer',
    RecoverableErrorInterval: 'integer',
    RecoverableErrorThrottling: 'boolean',
    RecoverableErrorThrottlingMax: 'integer',
    RecoverableErrorStopRetryAfterThrottlingMax: 'boolean',
    ApplyErrorDeletePolicy: ['IGNORE_RECORD', 'LOG_ERROR', 'SUSPEND_TABLE', 'STOP_TASK'],
    ApplyErrorInsertPolicy: ['IGNORE_RECORD', 'LOG_ERROR', 'SUSPEND_TABLE', 'STOP_TASK', 'INSERT_RECORD'],
    ApplyErrorUpdatePolicy: ['IGNORE_RECORD', 'LOG_ERROR', 'SUSPEND_TABLE', 'STOP_TASK', 'UPDATE_RECORD'],
    ApplyErrorEscalationPolicy: ['LOG_ERROR', 'SUSPEND_TABLE', 'STOP_TASK'],
    ApplyErrorEscalationCount: 'integer',
    ApplyErrorFailOnTruncationDdl: 'boolean',
    FullLoadIgnoreConflicts: 'boolean',
    FailOnTransactionConsistencyBreached: 'boolean',
    FailOnNoTablesCaptured: 'boolean',
    EventErrorPolicy: ['IGNORE', 'STOP_TASK'],
  },
  ValidationSettings: {
    EnableValidation: 'boolean',
    ValidationMode: ['ROW_LEVEL', 'GROUP_LEVEL'],
    ThreadCount: 'integer',
    PartitionSize: 'integer',
    FailureMaxCount: 'integer',
    RecordFailureDelayInMinutes: 'integer',
    RecordSuspendDelayInMinutes: 'integer',
    MaxKeyColumnSize: 'integer',
    TableFailureMaxCount: 'integer',
    ValidationOnly: 'boolean',
    HandleCollationDiff: 'boolean',
    RecordFailureDelayLimitInMinutes: 'integer',
    SkipLobColumns: 'boolean',
    ValidationPartialLobSize: 'integer',
    ValidationQueryCdcDelaySeconds: 'integer',
  },
  LoopbackPreventionSettings: 'object',
  CharacterSetSettings: 'object',
  BeforeImageSettings: 'object',
  PostProcessingRules: 'any',
  TTSettings: 'object',
  FailTaskWhenCleanTaskResourceFailed: 'any',
};

const LOG_COMPONENTS = [
  'TRANSFORMATION',
  'SOURCE_UNLOAD',
  'IO',
  'TARGET_LOAD',
  'PERFORMANCE',
  'SOURCE_CAPTURE',
  'SORTER',
  'REST_SERVER',
  'VALIDATOR_EXT',
  'TARGET_APPLY',
  'TASK_MANAGER',
  'TABLES_MANAGER',
  'METADATA_MANAGER',
  'FILE_FACTORY',
  'COMMON',
  'ADDONS',
  'DATA_STRUCTURE',
  'COMMUNICATION',
  'FILE_TRANSFER',
];

/** The defaults this product stands on; each line says why. */
export function defaultTaskSettings(migrationType: MigrationType): JsonObject {
  return {
    TargetMetadata: {
      // SCT created the schema; DMS must not create or pick a schema of its own.
      TargetSchema: '',
      SupportLobs: true,
      // Limited LOB mode is the fast one; LOBs above LobMaxSize KB are truncated and logged.
      FullLobMode: false,
      LimitedSizeLobMode: true,
      LobMaxSize: 32,
      BatchApplyEnabled: false,
    },
    FullLoadSettings: {
      // SCT owns the target schema: never drop or truncate it.
      TargetTablePrepMode: 'DO_NOTHING',
      // Stop once the full load is done and cached changes are applied: the post-load
      // restoration runs at that point, then CDC resumes.
      StopTaskCachedChangesApplied: migrationType === 'full-load-and-cdc',
      StopTaskCachedChangesNotApplied: false,
      MaxFullLoadSubTasks: 8,
      CommitRate: 10000,
    },
    Logging: {
      EnableLogging: true,
      LogComponents: LOG_COMPONENTS.filter((id) =>
        ['SOURCE_UNLOAD', 'SOURCE_CAPTURE', 'TARGET_LOAD', 'TARGET_APPLY', 'TASK_MANAGER'].includes(id),
      ).map((id) => ({ Id: id, Severity: 'LOGGER_SEVERITY_DEFAULT' })),
    },
    ValidationSettings: {
      EnableValidation: true,
      ValidationMode: 'ROW_LEVEL',
      ThreadCount: 5,
      FailureMaxCount: 10000,
    },
    ErrorBehavior: {
      // A table in error stops being loaded instead of failing the task; the CLI reports it.
      TableErrorPolicy: 'SUSPEND_TABLE',
      FullLoadIgnoreConflicts: true,
    },
  };
}

/**
 * Merges overrides into the defaults (objects deep, everything else replaced) and validates
 * the result. `where` prefixes every error (e.g. `cdk.json: environment "dev": tasks[0].settings`).
 */
export function buildTaskSettings(migrationType: MigrationType, overrides: Record<string, unknown>, where: string): JsonObject {
  const problems = validateOverrides(overrides, where);
  if (problems.length > 0) throw new TaskSettingsError(problems.join('\n'));
  const merged = mergeSettings(defaultTaskSettings(migrationType), overrides as JsonObject);
  const semantic = checkConsistency(merged, migrationType, where);
  if (semantic.length > 0) throw new TaskSettingsError(semantic.join('\n'));
  return merged;
}

function validateOverrides(overrides: Record<string, unknown>, where: string): string[] {
  const problems: string[] = [];
  for (const [section, value] of Object.entries(overrides)) {
    const spec = KNOWN[section];
    const at = `${where}.${section}`;
    if (spec === undefined) {
      problems.push(`${at}: unknown task-settings section (known: ${Object.keys(KNOWN).join(', ')})`);
      continue;
    }
    if (spec === 'any') continue;
    if (!isObject(value)) {
      problems.push(`${at}: must be an object (got ${show(value)})`);
      continue;
    }
    if (spec === 'object') continue;
    for (const [key, fieldValue] of Object.entries(value)) {
      const type = spec[key];
      if (type === undefined) {
        problems.push(`${at}.${key}: unknown setting in ${section} (check the spelling against the DMS task settings reference)`);
        continue;
      }
      const problem = checkType(type, fieldValue);
      if (problem) problems.push(`${at}.${key}: ${problem} (got ${show(fieldValue)})`);
    }
    if (section === 'Logging' && isObject(value) && Array.isArray(value.LogComponents)) {
      value.LogComponents.forEach((component, i) => {
        const id = isObject(component) ? component.Id : undefined;
        if (typeof id !== 'string' || !LOG_COMPONENTS.includes(id)) {
          problems.push(`${at}.LogComponents[${i}].Id: must be one of ${LOG_COMPONENTS.join(', ')} (got ${show(id)})`);
        }
      });
    }
  }
  return problems;
}

function checkType(type: FieldType, value: unknown): string | undefined {
  if (Array.isArray(type)) {
    return typeof value === 'string' && type.includes(value) ? undefined : `must be one of ${type.join(', ')}`;
  }
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'integer':
      return Number.isInteger(value) && (value as number) >= 0 ? undefined : 'must be a non-negative integer';
    case 'string':
      return typeof value === 'string' ? undefined : 'must be a string';
    case 'nullable-string':
      return value === null || typeof value === 'string' ? undefined : 'must be a string or null';
    case 'array':
      return Array.isArray(value) ? undefined : 'must be an array';
    case 'object':
      return isObject(value) ? undefined : 'must be an object';
    default:
      return undefined;
  }
}

function checkConsistency(settings: JsonObject, migrationType: MigrationType, where: string): string[] {
  const problems: string[] = [];
  const fullLoad = (settings.FullLoadSettings ?? {}) as JsonObject;
  const target = (settings.TargetMetadata ?? {}) as JsonObject;
  if (fullLoad.StopTaskCachedChangesApplied === true && migrationType !== 'full-load-and-cdc') {
    problems.push(
      `${where}.FullLoadSettings.StopTaskCachedChangesApplied: true only makes sense for migrationType full-load-and-cdc (this task is ${migrationType})`,
    );
  }
  if (fullLoad.StopTaskCachedChangesApplied === true && fullLoad.StopTaskCachedChangesNotApplied === true) {
    problems.push(`${where}.FullLoadSettings: StopTaskCachedChangesApplied and StopTaskCachedChangesNotApplied cannot both be true`);
  }
  if (target.FullLobMode === true && target.LimitedSizeLobMode === true) {
    problems.push(
      `${where}.TargetMetadata: FullLobMode and LimitedSizeLobMode cannot both be true (set LimitedSizeLobMode to false to use full LOB mode)`,
    );
  }
  return problems;
}

/** Deep merge of JSON objects: nested objects merge, arrays and scalars replace. */
export function mergeSettings(base: JsonObject, overrides: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? mergeSettings(current as JsonObject, value as JsonObject) : value;
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text;
}
