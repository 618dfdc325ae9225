/**
 * How the runbook reads and drives a DMS replication task: pure decisions over what
 * DescribeReplicationTasks returns, so they are tested without AWS.
 */

/** DMS stop reasons that mean "the full load is done (and cached changes applied)": the post-load point. */
export const POST_LOAD_STOP_REASONS: readonly string[] = [
  'Stop Reason FULL_LOAD_ONLY_FINISHED',
  'Stop Reason STOPPED_AFTER_CACHED_EVENTS',
];

export type StartType = 'start-replication' | 'resume-processing' | 'reload-target';
export type MigrationType = 'full-load' | 'cdc' | 'full-load-and-cdc';

/** The fields of a DMS ReplicationTask the runbook looks at. */
export interface TaskSnapshot {
  readonly Status?: string;
  readonly StopReason?: string;
  readonly LastFailureMessage?: string;
  readonly MigrationType?: string;
  readonly ReplicationTaskStartDate?: Date | string;
  readonly RecoveryCheckpoint?: string;
  readonly ReplicationTaskStats?: {
    readonly FullLoadProgressPercent?: number;
    readonly FullLoadFinishDate?: Date | string;
    readonly StartDate?: Date | string;
    readonly FreshStartDate?: Date | string;
    readonly TablesErrored?: number;
  };
}

/** DMS statuses in which the task cannot be started or judged yet: look again later. */
const TRANSITIONAL = new Set(['creating', 'modifying', 'stopping', 'deleting', 'moving', 'testing', 'starting']);

/** True once the task has run at least once: from then on only resume-processing continues it without reloading. */
export function hasEverRun(task: TaskSnapshot): boolean {
  const stats = task.ReplicationTaskStats;
  return Boolean(task.ReplicationTaskStartDate || task.RecoveryCheckpoint || stats?.StartDate || stats?.FreshStartDate || stats?.FullLoadFinishDate);
}

export type StartDecision =
  | { readonly action: 'start'; readonly startType: StartType }
  | { readonly action: 'none'; readonly reason: string }
  | { readonly action: 'wait'; readonly reason: string };

/**
 * How to start the task at the beginning of a run. `start-replication` only for a task that
 * never ran; `resume-processing` for one that did; `reload-target` only when the operator asks.
 */
export function decideStart(task: TaskSnapshot, requested?: StartType): StartDecision {
  const status = task.Status ?? 'unknown';
  if (status === 'running') return { action: 'none', reason: 'the task is already running' };
  if (TRANSITIONAL.has(status)) return { action: 'wait', reason: `the task is ${status}` };
  if (requested === 'reload-target') return { action: 'start', startType: 'reload-target' };
  // Stopped at the post-load point (a retried run): restore first, CDC resumes after.
  if (status === 'stopped' && POST_LOAD_STOP_REASONS.includes(task.StopReason ?? '')) {
    return { action: 'none', reason: `the task is at the post-load point (${task.StopReason})` };
  }
  if (!['ready', 'stopped', 'failed'].includes(status)) {
    throw new Error(`cannot start the task in status "${status}"`);
  }
  return { action: 'start', startType: hasEverRun(task) ? 'resume-processing' : 'start-replication' };
}

export type LoadPhase =
  /** Full load (or cached changes) still in progress, or the task in a transitional status. */
  | { readonly phase: 'loading'; readonly detail: string }
  /** The post-load point: restore now. */
  | { readonly phase: 'post-load'; readonly cdcRunning: boolean; readonly detail: string }
  /** The task failed or was stopped for another reason: the run ends failed with DMS's reason. */
  | { readonly phase: 'failed'; readonly reason: string };

/**
 * Where the task stands relative to the post-load point.
 * @param expectStopAfterLoad the task's settings have StopTaskCachedChangesApplied (or it is a
 *   full-load task): wait for DMS to stop it. Otherwise a running task whose full load finished
 *   is already at the post-load point, with CDC running.
 */
export function classifyLoad(task: TaskSnapshot, expectStopAfterLoad: boolean, pollsSoFar = 0): LoadPhase {
  const status = task.Status ?? 'unknown';
  const stopReason = task.StopReason ?? '';
  const stats = task.ReplicationTaskStats;
  const percent = stats?.FullLoadProgressPercent;
  if (status === 'failed') {
    return { phase: 'failed', reason: `DMS task failed: ${task.LastFailureMessage || stopReason || 'no reason given'}` };
  }
  if (status === 'stopped') {
    if (POST_LOAD_STOP_REASONS.includes(stopReason)) {
      return { phase: 'post-load', cdcRunning: false, detail: stopReason };
    }
    const failure = task.LastFailureMessage ? ` (${task.LastFailureMessage})` : '';
    return { phase: 'failed', reason: `DMS task stopped before the post-load point: ${stopReason || 'no stop reason'}${failure}` };
  }
  if (status === 'running' && stats?.FullLoadFinishDate) {
    // Started again after the full load finished: CDC was resumed by an earlier run.
    const resumedAfterLoad = time(task.ReplicationTaskStartDate) > time(stats.FullLoadFinishDate);
    if (!expectStopAfterLoad || resumedAfterLoad) {
      return { phase: 'post-load', cdcRunning: true, detail: 'full load finished; CDC running' };
    }
  }
  if (status === 'ready') {
    // Right after StartReplicationTask the task may still read "ready" for a moment.
    if (pollsSoFar < READY_GRACE_POLLS) return { phase: 'loading', detail: 'task ready; DMS has not started it yet' };
    return { phase: 'failed', reason: 'DMS task is ready but not running: it was not started, or was modified and reset' };
  }
  const progress = percent === undefined ? '' : ` (full load ${percent}%)`;
  return { phase: 'loading', detail: `task ${status}${progress}` };
}

/** Polls a task may stay "ready" after it was started before the run gives up on it. */
export const READY_GRACE_POLLS = 3;

/** Poll interval: starts at a minute and doubles to 15 minutes, which keeps a month of waiting under the Step Functions history limit. */
export const FIRST_POLL_SECONDS = 60;
export const MAX_POLL_SECONDS = 900;

export function nextPollSeconds(previous: number | undefined): number {
  if (!previous || previous < FIRST_POLL_SECONDS) return FIRST_POLL_SECONDS;
  return Math.min(previous * 2, MAX_POLL_SECONDS);
}

/** Whether CDC has to be resumed after restoration. */
export function needsResume(migrationType: MigrationType, task: TaskSnapshot): boolean {
  return migrationType === 'full-load-and-cdc' && task.Status !== 'running' && task.Status !== 'starting';
}

function time(value: Date | string | undefined): number {
  return value === undefined ? 0 : new Date(value).getTime();
}
