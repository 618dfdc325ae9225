export type ProgressAction = 'capture' | 'defer' | 'apply' | 'verify';
export type ProgressStage = 'capture' | 'triggers' | 'foreignKeys' | 'indexes' | 'verify';

export type ProgressType =
  /** General information about the run. */
  | 'info'
  /** Work on a table starts. */
  | 'start'
  /** A DDL statement is being sent (sql is set). */
  | 'statement'
  /** A scan (duplicates, orphans) is being run. */
  | 'scan'
  /** Work on a table or statement is finished. */
  | 'done'
  /** An object failed. */
  | 'failed'
  /** Waiting for a statement issued by an earlier call that is still running on the server. */
  | 'waiting'
  /** The call ran out of time. */
  | 'deadline';

export interface ProgressEvent {
  readonly type: ProgressType;
  readonly action: ProgressAction;
  readonly stage?: ProgressStage;
  readonly database?: string;
  readonly table?: string;
  readonly message: string;
  readonly stepId?: string;
  readonly sql?: string;
  /** Duration of the finished step, for done events. */
  readonly durationMs?: number;
  /** Time since the call started. */
  readonly elapsedMs: number;
}

/** Receives progress; the CLI prints it to stderr, the Lambda logs it. Must not throw. */
export type ProgressListener = (event: ProgressEvent) => void;

/** One line per event, e.g. "[   12.3s] apply indexes `db`.`t`: ALTER TABLE done in 3.2s". */
export function formatProgress(e: ProgressEvent): string {
  const secs = (e.elapsedMs / 1000).toFixed(1).padStart(7);
  const where = e.database !== undefined && e.table !== undefined ? ` ${quoteForLog(e.database)}.${quoteForLog(e.table)}` : '';
  const stage = e.stage ? ` ${e.stage}` : '';
  const dur = e.durationMs !== undefined ? ` (${(e.durationMs / 1000).toFixed(1)}s)` : '';
  return `[${secs}s] ${e.action}${stage}${where}: ${e.message}${dur}`;
}

function quoteForLog(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}
