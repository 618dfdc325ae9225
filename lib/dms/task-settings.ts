import { z } from 'zod';
import { formatPath } from '../config/load';
import { MigrationType, migrationTypes } from '../config/schema';
import { didYouMean } from '../config/suggest';

/**
 * DMS replication task settings: typed defaults for a SQL Server -> Aurora MySQL migration whose
 * target schema was created by AWS SCT, merged with per-environment overrides and checked by one
 * zod schema that follows the AWS DMS User Guide's "Specifying task settings for AWS Database
 * Migration Service tasks" pages: every range, enumeration and exclusion below names its page.
 *
 * What the pages allow is never refused: a setting the pages do not list (DMS writes a few of its
 * own, such as ChangeProcessingTuning.RecoveryTimeout) is a warning with a "did you mean", not an
 * error. What the pages say DMS refuses or cannot honour is an error that quotes them.
 */

export type { MigrationType };

/** A JSON value as it appears in task settings. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Thrown for bad settings; the message names the setting path and the value, one problem a line. */
export class TaskSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaskSettingsError';
  }
}

/** The pages of the user guide, by the section they document. */
const PAGE = {
  targetMetadata: '"Target metadata task settings"',
  fullLoad: '"Full-load task settings"',
  logging: '"Logging task settings"',
  controlTables: '"Control table task settings"',
  streamBuffer: '"Stream buffer task settings"',
  changeProcessingTuning: '"Change processing tuning settings"',
  validation: '"Data validation task settings"',
  errorHandling: '"Error handling task settings"',
  beforeImage: '"Before image task settings"',
} as const;

const bool = z.boolean({ error: 'must be true or false' });
const str = z.string({ error: 'must be a string' });

/** An integer in [min, max] (max open when undefined): the message states the range. */
function integer(min: number, max?: number) {
  const range = max === undefined ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
  const base = z.number({ error: `must be ${range}` }).int({ error: `must be ${range}` }).min(min, { error: `must be ${range}` });
  return max === undefined ? base : base.max(max, { error: `must be ${range}` });
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.join(', ')}` });
}

/** A section: its keys as the page lists them; keys the page does not list pass (and are warned about). */
function section<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.looseObject(shape, { error: 'must be an object' });
}

const ERROR_ACTIONS = ['IGNORE_RECORD', 'LOG_ERROR', 'SUSPEND_TABLE', 'STOP_TASK'] as const;

// "Target metadata task settings". Ranges as the page states them; where it gives none, >= 0.
const targetMetadata = section({
  /** "This option should be left empty for MySQL-type target endpoints." */
  TargetSchema: str,
  SupportLobs: bool,
  FullLobMode: bool,
  /** KB; "The recommended value for LobChunkSize is 64 kilobytes." */
  LobChunkSize: integer(0),
  LimitedSizeLobMode: bool,
  /** KB; "The maximum recommended value for LobMaxSize is 102400 kilobytes" (a recommendation, not a limit). */
  LobMaxSize: integer(0),
  /** KB; "The default value for InlineLobMaxSize is 0 and the range is 1 –102400 kilobytes". */
  InlineLobMaxSize: integer(0, 102400),
  /** KB; "You can provide values from 0 ... to 100,000 KB." */
  LoadMaxFileSize: integer(0, 100000),
  ParallelLoadThreads: integer(0),
  /** "The default value is 50. The maximum value is 1,000." */
  ParallelLoadBufferSize: integer(0, 1000),
  ParallelLoadQueuesPerThread: integer(0),
  ParallelApplyThreads: integer(0),
  ParallelApplyBufferSize: integer(0),
  ParallelApplyQueuesPerThread: integer(0),
  BatchApplyEnabled: bool,
  TaskRecoveryTableEnabled: bool,
});

// "Full-load task settings".
const fullLoadSettings = section({
  TargetTablePrepMode: oneOf(['DO_NOTHING', 'DROP_AND_CREATE', 'TRUNCATE_BEFORE_LOAD']),
  CreatePkAfterFullLoad: bool,
  StopTaskCachedChangesApplied: bool,
  StopTaskCachedChangesNotApplied: bool,
  /** "The default is 8; the maximum value is 49." */
  MaxFullLoadSubTasks: integer(0, 49),
  /** Seconds; default 600. */
  TransactionConsistencyTimeout: integer(0),
  /** "The default value is 10000, and the maximum value is 50000." */
  CommitRate: integer(0, 50000),
});

const LOG_COMPONENT_IDS = [
  // Named on "Logging task settings".
  'FILE_FACTORY',
  'METADATA_MANAGER',
  'SORTER',
  'SOURCE_CAPTURE',
  'SOURCE_UNLOAD',
  'TABLES_MANAGER',
  'TARGET_APPLY',
  'TARGET_LOAD',
  'TASK_MANAGER',
  'TRANSFORMATION',
  'VALIDATOR',
  'VALIDATOR_EXT',
  'COMMON',
  'ADDONS',
  'DATA_STRUCTURE',
  'COMMUNICATION',
  'FILE_TRANSFER',
  // In the Logging section DMS returns for a task it created (DescribeReplicationTasks).
  'IO',
  'PERFORMANCE',
  'REST_SERVER',
] as const;

/** "The levels of severity are in order from lowest to highest level of information." */
const LOG_SEVERITIES = [
  'LOGGER_SEVERITY_ERROR',
  'LOGGER_SEVERITY_WARNING',
  'LOGGER_SEVERITY_INFO',
  'LOGGER_SEVERITY_DEFAULT',
  'LOGGER_SEVERITY_DEBUG',
  'LOGGER_SEVERITY_DETAILED_DEBUG',
] as const;

/**
 * "When you set EnableLogging to true, AWS DMS assigns the CloudWatch group name and stream name
 * as follows. You can't set these values directly." null is what DMS's own example writes.
 */
const assignedByDms = (name: string) =>
  z.null({
    error: `must not be set: DMS names it (${name}); ${PAGE.logging}: "You can't set these values directly"`,
  });

// "Logging task settings".
const logging = section({
  EnableLogging: bool,
  /** In the Logging section DMS returns for a task. */
  EnableLogContext: bool,
  LogComponents: z.array(z.strictObject({ Id: oneOf(LOG_COMPONENT_IDS), Severity: oneOf(LOG_SEVERITIES) }), { error: 'must be an array' }),
  CloudWatchLogGroup: assignedByDms('dms-tasks-<replication instance identifier>'),
  CloudWatchLogStream: assignedByDms('dms-task-<task resource identifier>'),
  /** "To delete the task logs, you can set DeleteTaskLogs to true". */
  DeleteTaskLogs: bool,
  /** In the Logging section DMS returns for a task ({ EnableTraceOnError, TraceOnErrorMb }); other keys pass. */
  LogConfiguration: z.looseObject({ EnableTraceOnError: bool.optional(), TraceOnErrorMb: integer(0).optional() }, { error: 'must be an object' }),
});

// "Control table task settings".
const controlTablesSettings = section({
  /** Default on MySQL: awsdms_control (the DMS user needs to create it, README "What must exist"). */
  ControlSchema: str,
  /** Minutes; default 5. */
  HistoryTimeslotInMinutes: integer(0),
  HistoryTableEnabled: bool,
  SuspendedTablesTableEnabled: bool,
  StatusTableEnabled: bool,
  /** In the section DMS returns for a task. */
  FullLoadExceptionTableEnabled: bool,
});

// "Stream buffer task settings".
const streamBufferSettings = section({
  StreamBufferCount: integer(0),
  StreamBufferSizeInMB: integer(0),
  /** "The value is in megabytes, and can be 1–8. The default value is 5." */
  CtrlStreamBufferSizeInMB: integer(1, 8),
});

// "Change processing tuning settings".
const changeProcessingTuning = section({
  BatchApplyPreserveTransaction: bool,
  BatchApplyTimeoutMin: integer(0),
  BatchApplyTimeoutMax: integer(0),
  BatchApplyMemoryLimit: integer(0),
  BatchSplitSize: integer(0),
  MinTransactionSize: integer(0),
  CommitTimeout: integer(0),
  MemoryLimitTotal: integer(0),
  MemoryKeepTime: integer(0),
  /** "The default value is 50. The maximum value is 200." */
  StatementCacheSize: integer(0, 200),
  /** In the section DMS returns for a task (-1 there). */
  RecoveryTimeout: integer(-1),
});

// "Task settings for change processing DDL handling".
const ddlHandling = section({
  HandleSourceTableDropped: bool,
  HandleSourceTableTruncated: bool,
  HandleSourceTableAltered: bool,
});

// "Data validation task settings".
const validationSettings = section({
  EnableValidation: bool,
  /**
   * The page: "Currently, the default and only valid value is ROW_LEVEL". DMS 3.5.4 sets
   * GROUP_LEVEL by itself on the paths it supports, so both are accepted.
   */
  ValidationMode: oneOf(['ROW_LEVEL', 'GROUP_LEVEL']),
  ThreadCount: integer(0),
  PartitionSize: integer(0),
  FailureMaxCount: integer(0),
  RecordFailureDelayInMinutes: integer(0),
  RecordSuspendDelayInMinutes: integer(0),
  MaxKeyColumnSize: integer(0),
  TableFailureMaxCount: integer(0),
  ValidationOnly: bool,
  HandleCollationDiff: bool,
  RecordFailureDelayLimitInMinutes: integer(0),
  SkipLobColumns: bool,
  ValidationPartialLobSize: integer(0),
  ValidationQueryCdcDelaySeconds: integer(0),
});

// "Error handling task settings".
const errorBehavior = section({
  DataErrorPolicy: oneOf(ERROR_ACTIONS),
  DataTruncationErrorPolicy: oneOf(ERROR_ACTIONS),
  DataMaskingErrorPolicy: oneOf(ERROR_ACTIONS),
  DataErrorEscalationPolicy: oneOf(['SUSPEND_TABLE', 'STOP_TASK']),
  DataErrorEscalationCount: integer(0),
  EventErrorPolicy: oneOf(['IGNORE', 'STOP_TASK']),
  TableErrorPolicy: oneOf(['SUSPEND_TABLE', 'STOP_TASK']),
  /** "The default and only user setting is STOP_TASK". */
  TableErrorEscalationPolicy: oneOf(['STOP_TASK']),
  TableErrorEscalationCount: integer(0),
  /** "The default value is -1" (DMS decides the retries by error type); "Set this value to 0 to never attempt to restart a task." */
  RecoverableErrorCount: integer(-1),
  RecoverableErrorInterval: integer(0),
  RecoverableErrorThrottling: bool,
  RecoverableErrorThrottlingMax: integer(0),
  RecoverableErrorStopRetryAfterThrottlingMax: bool,
  ApplyErrorDeletePolicy: oneOf(ERROR_ACTIONS),
  ApplyErrorInsertPolicy: oneOf([...ERROR_ACTIONS, 'INSERT_RECORD']),
  ApplyErrorUpdatePolicy: oneOf([...ERROR_ACTIONS, 'UPDATE_RECORD']),
  ApplyErrorEscalationPolicy: oneOf(['LOG_ERROR', 'SUSPEND_TABLE', 'STOP_TASK']),
  ApplyErrorEscalationCount: integer(0),
  ApplyErrorFailOnTruncationDdl: bool,
  FailOnNoTablesCaptured: bool,
  FailOnTransactionConsistencyBreached: bool,
  FullLoadIgnoreConflicts: bool,
});

// "Before image task settings".
const beforeImageSettings = section({
  EnableBeforeImage: bool,
  FieldName: str,
  ColumnFilter: oneOf(['pk-only', 'all']),
});

/** Every section, with its known keys. DMS writes null for the sections it leaves unset. */
const SECTIONS = {
  TargetMetadata: targetMetadata.partial().optional(),
  FullLoadSettings: fullLoadSettings.partial().optional(),
  Logging: logging.partial().optional(),
  ControlTablesSettings: controlTablesSettings.partial().optional(),
  StreamBufferSettings: streamBufferSettings.partial().optional(),
  ChangeProcessingTuning: changeProcessingTuning.partial().optional(),
  ChangeProcessingDdlHandlingPolicy: ddlHandling.partial().optional(),
  ValidationSettings: validationSettings.partial().optional(),
  ErrorBehavior: errorBehavior.partial().optional(),
  BeforeImageSettings: beforeImageSettings.partial().nullable().optional(),
  // "Character substitution task settings", "Time Travel task settings", loopback prevention
  // ("Change processing tuning settings") and data resync: structures of their own, passed through.
  CharacterSetSettings: section({}).nullable().optional(),
  LoopbackPreventionSettings: section({}).nullable().optional(),
  TTSettings: section({}).nullable().optional(),
  DataResyncSettings: section({}).nullable().optional(),
  PostProcessingRules: z.unknown(),
  FailTaskWhenCleanTaskResourceFailed: bool.optional(),
} as const;

type SectionName = keyof typeof SECTIONS;
const SECTION_NAMES = Object.keys(SECTIONS) as SectionName[];

/** Sections whose keys are checked against the pages (the others carry structures of their own). */
const KEYED_SECTIONS: Partial<Record<SectionName, readonly string[]>> = {
  TargetMetadata: Object.keys(targetMetadata.shape),
  FullLoadSettings: Object.keys(fullLoadSettings.shape),
  Logging: Object.keys(logging.shape),
  ControlTablesSettings: Object.keys(controlTablesSettings.shape),
  StreamBufferSettings: Object.keys(streamBufferSettings.shape),
  ChangeProcessingTuning: Object.keys(changeProcessingTuning.shape),
  ChangeProcessingDdlHandlingPolicy: Object.keys(ddlHandling.shape),
  ValidationSettings: Object.keys(validationSettings.shape),
  ErrorBehavior: Object.keys(errorBehavior.shape),
  BeforeImageSettings: Object.keys(beforeImageSettings.shape),
};

const settingsSchema = z.looseObject(SECTIONS, { error: 'must be an object' });
type Settings = z.infer<typeof settingsSchema>;

/** A rule across settings: the issue path is the setting that has to change. */
function crossChecks(migrationType: MigrationType, s: Settings, ctx: z.core.$RefinementCtx): void {
  const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path: ['settings', ...path], message, params: { omitValue: true } });
  const target = s.TargetMetadata ?? {};
  const fullLoad = s.FullLoadSettings ?? {};
  const validation = s.ValidationSettings ?? {};
  const beforeImage = s.BeforeImageSettings ?? {};

  // "Target metadata task settings": "If you set SupportLobs=true, you must set one of the following to true".
  if (target.FullLobMode === true && target.LimitedSizeLobMode === true) {
    issue(['TargetMetadata'], 'FullLobMode and LimitedSizeLobMode cannot both be true (set LimitedSizeLobMode to false to use full LOB mode)');
  }
  if (target.SupportLobs === true && target.FullLobMode !== true && target.LimitedSizeLobMode !== true) {
    issue(['TargetMetadata'], `SupportLobs is true but neither FullLobMode nor LimitedSizeLobMode is: ${PAGE.targetMetadata}: "If you set SupportLobs=true, you must set one of the following to true"`);
  }
  // Same page: "When LOB columns are included in the replication, you can use BatchApplyEnabled only in limited LOB mode."
  if (target.BatchApplyEnabled === true && target.SupportLobs !== false && target.FullLobMode === true) {
    issue(
      ['TargetMetadata', 'BatchApplyEnabled'],
      `cannot be true in full LOB mode: ${PAGE.targetMetadata}: "When LOB columns are included in the replication, you can use BatchApplyEnabled only in limited LOB mode"`,
    );
  }
  // "Full-load task settings": "For full-load and CDC-enabled tasks, you can set the following options for Stop task after full load completes".
  for (const key of ['StopTaskCachedChangesApplied', 'StopTaskCachedChangesNotApplied'] as const) {
    if (fullLoad[key] === true && migrationType !== 'full-load-and-cdc') {
      issue(['FullLoadSettings', key], `true only makes sense for migrationType full-load-and-cdc (this task is ${migrationType})`);
    }
  }
  if (fullLoad.StopTaskCachedChangesApplied === true && fullLoad.StopTaskCachedChangesNotApplied === true) {
    issue(['FullLoadSettings'], 'StopTaskCachedChangesApplied and StopTaskCachedChangesNotApplied cannot both be true');
  }
  // "Data validation task settings": ValidationOnly "You must set TargetTablePrepMode to DO_NOTHING ... and set Migration Type to" full load or CDC.
  if (validation.ValidationOnly === true) {
    if (fullLoad.TargetTablePrepMode !== undefined && fullLoad.TargetTablePrepMode !== 'DO_NOTHING') {
      issue(['ValidationSettings', 'ValidationOnly'], `needs FullLoadSettings.TargetTablePrepMode DO_NOTHING (${PAGE.validation})`);
    }
    if (migrationType === 'full-load-and-cdc') {
      issue(['ValidationSettings', 'ValidationOnly'], `needs migrationType full-load or cdc, not full-load-and-cdc (${PAGE.validation})`);
    }
  }
  // "Before image task settings": "When EnableBeforeImage is true, FieldName is required and can't be empty."
  if (beforeImage.EnableBeforeImage === true && !beforeImage.FieldName) {
    issue(['BeforeImageSettings', 'FieldName'], `is required when EnableBeforeImage is true (${PAGE.beforeImage})`);
  }
}

/**
 * The one schema of a task's settings document as this project sends it to DMS: the migration
 * type it is for, and the ReplicationTaskSettings JSON.
 */
export const replicationTaskSettingsSchema = z
  .strictObject({
    migrationType: z.enum(migrationTypes),
    settings: settingsSchema,
  })
  .superRefine((doc, ctx) => crossChecks(doc.migrationType, doc.settings, ctx));

const LOG_COMPONENTS_ON_BY_DEFAULT = ['SOURCE_UNLOAD', 'TARGET_LOAD', 'SOURCE_CAPTURE', 'TARGET_APPLY', 'TASK_MANAGER'] as const;

/** The defaults this product stands on; each line says why. */
export function defaultTaskSettings(migrationType: MigrationType): JsonObject {
  return {
    TargetMetadata: {
      // SCT created the schema; DMS must not create or pick a schema of its own ("should be left empty for MySQL-type target endpoints").
      TargetSchema: '',
      SupportLobs: true,
      // Limited LOB mode is the fast one; a LOB above LobMaxSize KB is cut (see DataTruncationErrorPolicy below).
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
      LogComponents: LOG_COMPONENTS_ON_BY_DEFAULT.map((id) => ({ Id: id, Severity: 'LOGGER_SEVERITY_DEFAULT' })),
    },
    ValidationSettings: {
      EnableValidation: true,
      ValidationMode: 'ROW_LEVEL',
      ThreadCount: 5,
      FailureMaxCount: 10000,
      // SQL Server source: "the validation accounts for column collation differences in PostgreSQL and
      // Microsoft SQL Server endpoints" -- without it a case-insensitive collation reports false mismatches.
      HandleCollationDiff: true,
    },
    ErrorBehavior: {
      // A table in error stops being loaded instead of failing the task; the CLI reports it.
      TableErrorPolicy: 'SUSPEND_TABLE',
      // Truncated data (a LOB cut at LobMaxSize) suspends the table instead of only being logged:
      // a silently shortened value is lost data.
      DataTruncationErrorPolicy: 'SUSPEND_TABLE',
      FullLoadIgnoreConflicts: true,
    },
  };
}

/** The merged settings, and what is accepted but not on the pages (for CDK warnings). */
export interface TaskSettingsResult {
  readonly settings: JsonObject;
  readonly warnings: readonly string[];
}

/**
 * Merges overrides into the defaults (objects deep, everything else replaced) and checks the
 * result. `where` prefixes every message (e.g. `cdk.json: environment "dev": tasks[0].settings`).
 * Throws a TaskSettingsError listing every problem; returns the warnings.
 */
export function buildTaskSettings(migrationType: MigrationType, overrides: Record<string, unknown>, where: string): TaskSettingsResult {
  const settings = mergeSettings(defaultTaskSettings(migrationType), overrides as JsonObject);
  const result = replicationTaskSettingsSchema.safeParse({ migrationType, settings });
  if (!result.success) {
    throw new TaskSettingsError(result.error.issues.map((issue) => formatIssue(where, issue, settings)).join('\n'));
  }
  return { settings, warnings: unlistedSettings(settings, where) };
}

/** Sections and settings the pages do not list: accepted (DMS writes some itself), but named. */
function unlistedSettings(settings: JsonObject, where: string): string[] {
  const warnings: string[] = [];
  for (const [section, value] of Object.entries(settings)) {
    if (!(SECTION_NAMES as string[]).includes(section)) {
      warnings.push(
        `${where}.${section}: not a task-settings section of the DMS user guide${didYouMean(section, SECTION_NAMES)}; DMS may ignore it`,
      );
      continue;
    }
    const known = KEYED_SECTIONS[section as SectionName];
    if (!known || !isObject(value)) continue;
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      warnings.push(`${where}.${section}.${key}: not a ${section} setting of the DMS user guide${didYouMean(key, known)}; DMS may ignore it`);
    }
  }
  return warnings;
}

function formatIssue(where: string, issue: z.core.$ZodIssue, settings: JsonObject): string {
  const path = issue.path[0] === 'settings' ? issue.path.slice(1) : issue.path;
  const at = (p: readonly PropertyKey[]) => (p.length === 0 ? where : `${where}${typeof p[0] === 'number' ? '' : '.'}${formatPath(p)}`);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${at([...path, key])}: unknown key`).join('\n');
  }
  if (issue.code === 'custom' && (issue.params as { omitValue?: boolean } | undefined)?.omitValue) {
    return `${at(path)}: ${issue.message}`;
  }
  const value = valueAt(settings, path);
  return `${at(path)}: ${issue.message} (${value === undefined ? 'missing' : `got ${show(value)}`})`;
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

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[String(part)];
  }
  return current;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
