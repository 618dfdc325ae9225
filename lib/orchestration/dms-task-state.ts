/*
 * What DMS's task statuses and stop reasons mean, in one place: the runbook (task-control.ts)
 * and the operator CLI (lib/operator) both read them from here.
 *
 * Sources:
 * - DMS API Reference, ReplicationTask: `Status` and `StopReason` (the value lists and the
 *   short texts quoted below), `ReplicationTaskStartDate` ("The date the replication task is
 *   scheduled to start"), and ReplicationTaskStats `StartDate` ("started either with a fresh
 *   start or a resume") and `FreshStartDate` ("with a fresh start or a target reload").
 * - DMS User Guide, "Error handling task settings": `RecoverableErrorCount` ("The default value
 *   is -1, which instructs AWS DMS to attempt to restart the task indefinitely"),
 *   `RecoverableErrorInterval` (default 5 s), `RecoverableErrorThrottling` (doubling, default
 *   true) and `RecoverableErrorThrottlingMax` (default 1800 s between two attempts).
 * - AWS Knowledge Center, "Why is my AWS DMS task not retrying?": environmental errors are
 *   recoverable ("the task is interrupted but recovers itself, and then retries"); after a fatal
 *   error the task enters FAILED and DMS "tries to restart six times".
 * - DMS User Guide, "Full-load task settings": StopTaskCachedChangesApplied /
 *   StopTaskCachedChangesNotApplied stop a full-load-and-cdc task after the full load.
 */

/**
 * What a stop reason means for a run:
 * - `post-load`: the full load is done; the runbook restores now.
 * - `transient`: DMS stopped the task and restarts it by itself; wait (with a grace period).
 * - `stopped`: stopped on request (an operator, a configured stop time); the run does not
 *   restart it and ends failed if this happens before the post-load point.
 * - `failed`: DMS cannot go on without someone fixing the cause.
 */
export type StopOutcome = 'post-load' | 'transient' | 'stopped' | 'failed';

export interface StopReasonInfo {
  /** The code after "Stop Reason ", e.g. FULL_LOAD_ONLY_FINISHED. */
  readonly code: string;
  readonly outcome: StopOutcome;
  /** What it means, from the pages above; shown by the runbook report and `status`. */
  readonly meaning: string;
}

/** Every value the API Reference lists for ReplicationTask.StopReason, in its order. */
export const DMS_STOP_REASONS: readonly StopReasonInfo[] = [
  { code: 'NORMAL', outcome: 'stopped', meaning: 'stopped with no additional information (a StopReplicationTask call, or the task completed)' },
  {
    code: 'RECOVERABLE_ERROR',
    outcome: 'transient',
    meaning: 'an environmental error (connection lost, instance restarted); DMS restarts the task by itself as RecoverableErrorCount allows (default -1: indefinitely)',
  },
  { code: 'FATAL_ERROR', outcome: 'failed', meaning: 'a fatal error; DMS gives up after six restart attempts and the task needs the cause fixed' },
  {
    code: 'FULL_LOAD_ONLY_FINISHED',
    outcome: 'post-load',
    meaning: 'the full load phase completed (cached changes applied when StopTaskCachedChangesApplied is true)',
  },
  { code: 'STOPPED_AFTER_FULL_LOAD', outcome: 'post-load', meaning: 'full load completed, with cached changes not applied (StopTaskCachedChangesNotApplied)' },
  { code: 'STOPPED_AFTER_CACHED_EVENTS', outcome: 'post-load', meaning: 'full load completed, with cached changes applied (StopTaskCachedChangesApplied)' },
  { code: 'EXPRESS_LICENSE_LIMITS_REACHED', outcome: 'failed', meaning: 'the source edition (SQL Server Express) reached its license limits' },
  { code: 'STOPPED_AFTER_DDL_APPLY', outcome: 'stopped', meaning: 'user-defined stop of the task after a DDL was applied' },
  { code: 'STOPPED_DUE_TO_LOW_MEMORY', outcome: 'failed', meaning: 'DMS stopped the task: the replication instance is low on memory' },
  { code: 'STOPPED_DUE_TO_LOW_DISK', outcome: 'failed', meaning: 'DMS stopped the task: the replication instance is low on storage' },
  { code: 'STOPPED_AT_SERVER_TIME', outcome: 'stopped', meaning: 'user-defined server time for stopping the task (CdcStopPosition server_time)' },
  { code: 'STOPPED_AT_COMMIT_TIME', outcome: 'stopped', meaning: 'user-defined commit time for stopping the task (CdcStopPosition commit_time)' },
  {
    code: 'RECONFIGURATION_RESTART',
    outcome: 'transient',
    meaning: 'DMS stopped the task to restart it after a reconfiguration (the API Reference gives no further text)',
  },
  { code: 'RECYCLE_TASK', outcome: 'transient', meaning: 'DMS stopped the task to recycle (restart) it (the API Reference gives no further text)' },
];

const BY_CODE = new Map(DMS_STOP_REASONS.map((r) => [r.code, r]));

/**
 * Reads DMS's StopReason ("Stop Reason FULL_LOAD_ONLY_FINISHED"); also finds the reason inside a
 * longer text such as a LastFailureMessage ("... Stop Reason RECOVERABLE_ERROR Error Level
 * RECOVERABLE"). Undefined for no reason at all; a code not in the documented list is treated
 * as a failure, never as progress.
 */
export function describeStopReason(stopReason: string | null | undefined): StopReasonInfo | undefined {
  if (!stopReason) return undefined;
  const code = /Stop Reason ([A-Z_]+)/.exec(stopReason)?.[1] ?? stopReason.trim();
  return BY_CODE.get(code) ?? { code, outcome: 'failed', meaning: 'a stop reason that is not in the DMS API Reference list' };
}

/**
 * What a task status means for a run:
 * - `transitional`: DMS is working on the task; look again later.
 * - `terminal`: the task will not move on by itself (the run ends failed).
 * - `stable`: ready, running or stopped; judged with the stop reason and statistics.
 */
export type StatusKind = 'transitional' | 'stable' | 'terminal';

/** Every value the API Reference lists for ReplicationTask.Status. */
export const DMS_TASK_STATUSES: Readonly<Record<string, { readonly kind: StatusKind; readonly meaning: string }>> = {
  moving: { kind: 'transitional', meaning: 'being moved (MoveReplicationTask)' },
  creating: { kind: 'transitional', meaning: 'being created' },
  deleting: { kind: 'terminal', meaning: 'being deleted' },
  failed: { kind: 'terminal', meaning: 'failed to complete the migration' },
  'failed-move': { kind: 'terminal', meaning: 'failed to move to another replication instance (MoveReplicationTask)' },
  modifying: { kind: 'transitional', meaning: 'its definition is being modified' },
  ready: { kind: 'stable', meaning: 'ready for StartReplicationTask' },
  running: { kind: 'stable', meaning: 'performing the migration' },
  starting: { kind: 'transitional', meaning: 'preparing to migrate' },
  stopped: { kind: 'stable', meaning: 'stopped' },
  stopping: { kind: 'transitional', meaning: 'preparing to stop' },
  testing: { kind: 'transitional', meaning: 'a premigration assessment is running' },
};

/** A status not in the documented list is terminal: a run must not poll it for weeks. */
export function statusKind(status: string | null | undefined): StatusKind {
  return DMS_TASK_STATUSES[status ?? '']?.kind ?? 'terminal';
}

/**
 * Seconds a task may stay stopped for a transient reason before the run stops waiting for DMS
 * to restart it: twice the longest pause DMS makes between two restart attempts
 * (RecoverableErrorThrottlingMax with throttling on, the default; RecoverableErrorInterval
 * without), so that one missed attempt is not taken for the end; at least half an hour, as a
 * restart itself takes minutes.
 */
export function transientStopGraceSeconds(errorBehavior: Readonly<Record<string, unknown>> | undefined): number {
  const num = (key: string, fallback: number) => (typeof errorBehavior?.[key] === 'number' ? (errorBehavior[key] as number) : fallback);
  const interval = num('RecoverableErrorInterval', DEFAULT_RECOVERABLE_ERROR_INTERVAL);
  const longestPause = errorBehavior?.RecoverableErrorThrottling === false ? interval : Math.max(num('RecoverableErrorThrottlingMax', DEFAULT_RECOVERABLE_ERROR_THROTTLING_MAX), interval);
  return Math.max(2 * longestPause, MIN_TRANSIENT_GRACE_SECONDS);
}

/** "Error handling task settings": RecoverableErrorThrottlingMax defaults to 1800 s, RecoverableErrorInterval to 5 s. */
export const DEFAULT_RECOVERABLE_ERROR_THROTTLING_MAX = 1800;
export const DEFAULT_RECOVERABLE_ERROR_INTERVAL = 5;
export const MIN_TRANSIENT_GRACE_SECONDS = 1800;
