import { describeStopReason, statusKind } from '../orchestration/dms-task-state';
import type { RunReport } from '../orchestration/run-report';
import type { TaskDrift } from './drift';

/*
 * The status document: what `status --json` prints and what the renderers and the cutover
 * check read. Plain JSON (dates as ISO strings, absent values as null) so scripts can rely on
 * every key being present.
 */

export const STATUS_DOCUMENT_VERSION = 1;

export interface EnvironmentStatus {
  readonly version: typeof STATUS_DOCUMENT_VERSION;
  readonly environment: string;
  readonly account: string;
  readonly region: string;
  /** When the data was read (ISO 8601). */
  readonly generatedAt: string;
  /** The replication instance identifier (ReplicationInstanceIdentifier dimension). */
  readonly replicationInstance: string;
  /** Every alarm under the environment's alarm-name prefix, plus expected ones not found. */
  readonly alarms: {
    readonly namePrefix: string;
    readonly items: readonly AlarmStatus[];
  };
  readonly tasks: readonly TaskStatus[];
}

/** Where a task is in the runbook, derived from status, stop reason and progress. */
export type TaskPhase =
  | 'not-started'
  | 'full-load'
  | 'post-load-stop'
  | 'cdc'
  | 'full-load-finished'
  | 'stopped'
  /** Stopped for a transient reason (RECOVERABLE_ERROR, RECYCLE_TASK, RECONFIGURATION_RESTART): DMS restarts it by itself. */
  | 'recovering'
  | 'failed'
  | 'transition';

export interface TaskStatus {
  /** Task name in cdk.json. */
  readonly name: string;
  /** ReplicationTaskIdentifier (the task's name in DMS). */
  readonly identifier: string;
  /** Resource id: last segment of the ARN, the ReplicationTaskIdentifier metric dimension. */
  readonly resourceIdentifier: string;
  readonly arn: string;
  /** DMS status: creating, ready, starting, running, stopping, stopped, failed, modifying, ... */
  readonly status: string;
  readonly phase: TaskPhase;
  readonly stopReason: string | null;
  readonly lastFailureMessage: string | null;
  readonly migrationType: string;
  readonly fullLoad: FullLoadProgress;
  readonly tables: readonly TableStatus[];
  readonly tableSummary: TableSummary;
  readonly cdcLatency: CdcLatency;
  readonly restoration: RestorationStatus;
  /** Where the settings and table mapping DMS runs with differ from what the stack deploys. */
  readonly drift: TaskDrift;
}

export interface FullLoadProgress {
  /** FullLoadProgressPercent; null when DMS reports no statistics yet. */
  readonly percent: number | null;
  readonly tablesLoaded: number;
  readonly tablesLoading: number;
  readonly tablesQueued: number;
  readonly tablesErrored: number;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly elapsedSeconds: number | null;
  /** Whether the full load is over: a finish date, or 100 % with nothing loading or queued. */
  readonly finished: boolean;
}

export interface TableStatus {
  readonly schema: string;
  readonly table: string;
  /** DMS TableState: Before load, Full load, Table completed, Table error, Table cancelled, ... */
  readonly state: string;
  readonly fullLoadRows: number;
  readonly fullLoadErrorRows: number;
  readonly inserts: number;
  readonly updates: number;
  readonly deletes: number;
  readonly ddls: number;
  /** DMS ValidationState: Not enabled, Pending records, Mismatched records, Validated, ... */
  readonly validationState: string | null;
  readonly validationFailedRecords: number;
  readonly validationPendingRecords: number;
  readonly validationSuspendedRecords: number;
  readonly lastUpdatedAt: string | null;
}

export interface TableSummary {
  readonly total: number;
  readonly completed: number;
  readonly loading: number;
  readonly queued: number;
  readonly errored: number;
  readonly validationMismatched: number;
  readonly validated: number;
}

export interface CdcLatency {
  /** The window the metrics cover, ending at generatedAt. */
  readonly windowMinutes: number;
  /** Per-datapoint statistic (Average for status, Maximum for cutover-check). */
  readonly statistic: string;
  readonly periodSeconds: number;
  readonly source: LatencySeries;
  readonly target: LatencySeries;
}

/** One CDC latency metric over the window; datapoints 0 means "no data". */
export interface LatencySeries {
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly datapoints: number;
  readonly latestSeconds: number | null;
  readonly latestAt: string | null;
  readonly maxSeconds: number | null;
  readonly oldestAt: string | null;
  /** Longest stretch without a datapoint between two datapoints. */
  readonly largestGapSeconds: number | null;
}

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA' | 'NOT_FOUND';

export interface AlarmStatus {
  readonly name: string;
  /** NOT_FOUND: an alarm the monitoring creates that does not exist (monitoring not deployed?). */
  readonly state: AlarmState;
  readonly reason: string | null;
  readonly updatedAt: string | null;
  /** Task name (cdk.json) for task alarms, null for instance and other alarms. */
  readonly task: string | null;
}

/**
 * The latest execution of the task's runbook state machine. NOT_DEPLOYED: no state machine;
 * NOT_STARTED: no execution yet; else the Step Functions execution status.
 */
export type RestorationState =
  | 'NOT_DEPLOYED'
  | 'NOT_STARTED'
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'TIMED_OUT'
  | 'ABORTED'
  | 'PENDING_REDRIVE';

export interface RestorationStatus {
  readonly stateMachine: string;
  readonly state: RestorationState;
  readonly executionArn: string | null;
  readonly startedAt: string | null;
  readonly stoppedAt: string | null;
  /** The run report: the output of a successful run, or the cause of a failed one when it is one. */
  readonly report: RunReport | null;
  readonly error: string | null;
  readonly cause: string | null;
}

export const TABLE_STATE = {
  NOT_EXIST: 'Table does not exist',
  BEFORE_LOAD: 'Before load',
  FULL_LOAD: 'Full load',
  COMPLETED: 'Table completed',
  CANCELLED: 'Table cancelled',
  ERROR: 'Table error',
  RELOADING: 'Table is being reloaded',
} as const;

export const VALIDATION_MISMATCH_STATES = ['Mismatched records', 'Error', 'Table error'];

export function tableHasValidationMismatch(table: TableStatus): boolean {
  return table.validationFailedRecords > 0 || (!!table.validationState && VALIDATION_MISMATCH_STATES.includes(table.validationState));
}

export function tableIsErrored(table: TableStatus): boolean {
  return table.state === TABLE_STATE.ERROR || table.fullLoadErrorRows > 0;
}

export function tableIsLoading(table: TableStatus): boolean {
  return table.state === TABLE_STATE.FULL_LOAD || table.state === TABLE_STATE.RELOADING;
}

export function summarizeTables(tables: readonly TableStatus[]): TableSummary {
  return {
    total: tables.length,
    completed: tables.filter((t) => t.state === TABLE_STATE.COMPLETED).length,
    loading: tables.filter(tableIsLoading).length,
    queued: tables.filter((t) => t.state === TABLE_STATE.BEFORE_LOAD).length,
    errored: tables.filter(tableIsErrored).length,
    validationMismatched: tables.filter(tableHasValidationMismatch).length,
    validated: tables.filter((t) => t.validationState === 'Validated').length,
  };
}

/** Where the task stands; `hasRun`: DMS reports an actual start (ReplicationTaskStats). Stop reasons mean what dms-task-state.ts says. */
export function taskPhase(
  status: string,
  stopReason: string | null,
  migrationType: string,
  fullLoadFinished: boolean,
  hasRun: boolean,
): TaskPhase {
  switch (status) {
    case 'failed':
      return 'failed';
    case 'creating':
    case 'ready':
      return hasRun ? 'stopped' : 'not-started';
    case 'running':
      if (migrationType === 'cdc') return 'cdc';
      if (migrationType === 'full-load') return 'full-load';
      return fullLoadFinished ? 'cdc' : 'full-load';
    case 'stopped': {
      const stop = describeStopReason(stopReason);
      if (stop?.outcome === 'failed') return 'failed';
      if (stop?.outcome === 'transient') return 'recovering';
      if (stop?.outcome === 'post-load') return migrationType === 'full-load' ? 'full-load-finished' : 'post-load-stop';
      if (migrationType === 'full-load' && fullLoadFinished) return 'full-load-finished';
      return hasRun ? 'stopped' : 'not-started';
    }
    default:
      // failed-move, deleting and statuses DMS does not document will not move on by themselves.
      return statusKind(status) === 'terminal' ? 'failed' : 'transition';
  }
}
