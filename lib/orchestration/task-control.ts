/**
 * How the runbook reads and drives a DMS replication task: pure decisions over what
 * DescribeReplicationTasks returns, so they are tested without AWS. What each status and stop
 * reason means comes from dms-task-state.ts (shared with the operator CLI).
 */
import { describeStopReason, DMS_TASK_STATUSES, statusKind } from './dms-task-state';

export type StartType = 'start-replication' | 'resume-processing' | 'reload-target';
export type MigrationType = 'full-load' | 'cdc' | 'full-load-and-cdc';

/** The fields of a DMS ReplicationTask the runbook looks at. */
export interface TaskSnapshot {
  readonly Status?: string;
  readonly StopReason?: string;
  readonly LastFailureMessage?: string;
  readonly MigrationType?: string;
  /** "The date the replication task is scheduled to start": not when it ran. */
  readonly ReplicationTaskStartDate?: Date | string;
  readonly RecoveryCheckpoint?: string;
  readonly ReplicationTaskSettings?: string;
  readonly ReplicationTaskStats?: {
    readonly FullLoadProgressPercent?: number;
    readonly FullLoadStartDate?: Date | string;
    readonly FullLoadFinishDate?: Date | string;
    /** Started "either with a fresh start or a resume". */
    readonly StartDate?: Date | string;
    /** Started "either with a fresh start or a target reload". */
    readonly FreshStartDate?: Date | string;
    readonly StopDate?: Date | string;
    readonly TablesErrored?: number;
  };
}

/** True once the task has run at least once: from then on only resume-processing continues it without reloading. */
export function hasEverRun(task: TaskSnapshot): boolean {
  const stats = task.ReplicationTaskStats;
  return Boolean(task.RecoveryCheckpoint || stats?.StartDate || stats?.FreshStartDate || stats?.FullLoadStartDate || stats?.FullLoadFinishDate);
}

export type StartDecision =
  | { readonly action: 'start'; readonly startType: StartType }
  | { readonly action: 'none'; readonly reason: string }
  | { readonly action: 'wait'; readonly reason: string }
  /** A run started by a deploy that found the task not running: it stays as it was (the run ends with the reason). */
  | { readonly action: 'leave'; readonly reason: string };

export interface StartOptions {
  /**
   * The run was started by a deploy that changed the task while it was not running (stopped by
   * someone, failed, or never started): only a first start is the run's to make; a task that ran
   * before is not resumed behind the operator's back.
   */
  readonly foundNotRunningByDeploy?: boolean;
}

function statusText(status: string): string {
  const known = DMS_TASK_STATUSES[status];
  return known ? `${status} (${known.meaning})` : `"${status}", a status not in the DMS API Reference list`;
}

/**
 * How to start the task at the beginning of a run. `start-replication` only for a task that
 * never ran; `resume-processing` for one that did; `reload-target` only when the operator asks.
 * Throws when the task cannot be started at all (the run ends failed with the reason).
 */
export function decideStart(task: TaskSnapshot, requested?: StartType, options: StartOptions = {}): StartDecision {
  const status = task.Status ?? 'unknown';
  const kind = statusKind(status);
  if (status === 'running') {
    if (requested === 'reload-target') throw new Error('reload-target needs the task stopped, and it is running: stop it first (the runbook never stops a task)');
    return { action: 'none', reason: 'the task is already running' };
  }
  if (kind === 'transitional') return { action: 'wait', reason: `the task is ${status}` };
  if (kind === 'terminal' && status !== 'failed') throw new Error(`cannot start the task: it is ${statusText(status)}`);
  if (requested === 'reload-target') return { action: 'start', startType: 'reload-target' };
  const stop = status === 'stopped' ? describeStopReason(task.StopReason) : undefined;
  // Stopped at the post-load point (a retried run): restore first, CDC resumes after.
  if (stop?.outcome === 'post-load') return { action: 'none', reason: `the task is at the post-load point (${task.StopReason})` };
  // DMS restarts the task by itself; starting it as well would race DMS. The poll waits for it.
  if (stop?.outcome === 'transient') return { action: 'none', reason: `DMS restarts the task by itself (${task.StopReason}: ${stop.meaning})` };
  if (!hasEverRun(task)) return { action: 'start', startType: 'start-replication' };
  if (options.foundNotRunningByDeploy) {
    const why = status === 'stopped' ? `stopped${task.StopReason ? ` (${task.StopReason})` : ''}` : status;
    return {
      action: 'leave',
      reason: `the task was ${why} when this deploy changed it, and a deploy resumes only a task it stopped itself: it stays ${status}; resume it with \`npm run --silent cli -- run start\` (resume-processing)`,
    };
  }
  return { action: 'start', startType: 'resume-processing' };
}

export type LoadPhase =
  /** Full load (or cached changes) still in progress, or the task in a transitional status. */
  | { readonly phase: 'loading'; readonly detail: string; readonly transientSince?: string }
  /** The post-load point: restore now. */
  | { readonly phase: 'post-load'; readonly cdcRunning: boolean; readonly detail: string }
  /** The task failed or was stopped for another reason: the run ends failed with DMS's reason. */
  | { readonly phase: 'failed'; readonly reason: string };

export interface LoadContext {
  /** Polls made before this one in the current wait. */
  readonly pollsSoFar?: number;
  /** When this run started the task (ISO): a stop or a finished load from before then is an earlier one's. */
  readonly startedTaskAt?: string;
  /** How this run started the task. */
  readonly startedWith?: StartType;
  /** When the task was first seen stopped for a transient reason, while it still is (ISO). */
  readonly transientSince?: string;
  readonly now?: Date;
  /** How long a transient stop may last before the run gives up on DMS restarting the task. */
  readonly transientGraceSeconds?: number;
  /**
   * How long a plain stop (Stop Reason NORMAL) may last before the run gives up on it: a deploy
   * that changes the task stops it and resumes it after (task-change.ts). 0: fail at once.
   */
  readonly deployStopGraceSeconds?: number;
}

/** Polls a task may look as it did before StartReplicationTask before the run gives up on it. */
export const START_GRACE_POLLS = 3;

/**
 * Where the task stands relative to the post-load point.
 * @param expectStopAfterLoad the task's settings have StopTaskCachedChangesApplied or
 *   StopTaskCachedChangesNotApplied (or it is a full-load task): wait for DMS to stop it.
 *   Otherwise a running task whose full load finished is already at the post-load point.
 */
export function classifyLoad(task: TaskSnapshot, expectStopAfterLoad: boolean, context: LoadContext = {}): LoadPhase {
  const status = task.Status ?? 'unknown';
  const stopReason = task.StopReason ?? '';
  const stats = task.ReplicationTaskStats;
  const polls = context.pollsSoFar ?? 0;
  const failure = task.LastFailureMessage ? ` (${task.LastFailureMessage})` : '';
  const notPickedUp = (what: string): LoadPhase =>
    polls < START_GRACE_POLLS
      ? { phase: 'loading', detail: `task ${what}; DMS has not started it yet` }
      : { phase: 'failed', reason: `DMS task is still ${what} ${polls} polls after StartReplicationTask: it was not started, or was modified and reset` };
  // Right after StartReplicationTask, DescribeReplicationTasks may still show the stop or failure from before.
  const startedAt = context.startedTaskAt === undefined ? undefined : time(context.startedTaskAt);
  const stale = startedAt !== undefined && stats?.StopDate !== undefined && time(stats.StopDate) <= startedAt;
  if ((status === 'stopped' || status === 'failed') && stale) return notPickedUp(`${status} from before the start`);

  if (status === 'failed') {
    return { phase: 'failed', reason: `DMS task failed: ${task.LastFailureMessage || stopReason || 'no reason given'}` };
  }
  const kind = statusKind(status);
  if (kind === 'terminal') return { phase: 'failed', reason: `DMS task is ${statusText(status)}: the run cannot go on${failure}` };
  if (kind === 'transitional') return { phase: 'loading', detail: `task ${status}` };

  // A load this run started finishes after the start; an older finish date is the previous load's.
  const finishedAt = time(stats?.FullLoadFinishDate);
  const finishedSinceStart = startedAt === undefined || finishedAt > startedAt;

  if (status === 'stopped') {
    const stop = describeStopReason(stopReason);
    if (!stop) return { phase: 'failed', reason: `DMS task stopped before the post-load point with no stop reason${failure}` };
    if (stop.outcome === 'post-load') {
      if (!finishedSinceStart) return notPickedUp(`stopped (${stopReason}) from an earlier load`);
      return { phase: 'post-load', cdcRunning: false, detail: stopReason };
    }
    if (stop.outcome === 'transient') {
      const now = context.now ?? new Date();
      const since = context.transientSince ?? now.toISOString();
      const grace = context.transientGraceSeconds ?? 0;
      if ((now.getTime() - Date.parse(since)) / 1000 > grace) {
        return {
          phase: 'failed',
          reason: `DMS did not restart the task within ${Math.round(grace / 60)} min of ${stopReason} (${stop.meaning})${failure}`,
        };
      }
      return { phase: 'loading', detail: `task stopped (${stopReason}): DMS restarts it by itself; waiting since ${since}`, transientSince: since };
    }
    if (stop.code === 'NORMAL' && (context.deployStopGraceSeconds ?? 0) > 0) {
      const now = context.now ?? new Date();
      const since = context.transientSince ?? now.toISOString();
      const grace = context.deployStopGraceSeconds ?? 0;
      if ((now.getTime() - Date.parse(since)) / 1000 > grace) {
        return {
          phase: 'failed',
          reason: `DMS task stopped before the post-load point: ${stopReason} (${stop.meaning}), and was not resumed within ${Math.round(grace / 60)} min${failure}`,
        };
      }
      return {
        phase: 'loading',
        detail: `task stopped (${stopReason}): a deploy that changes the task stops it and resumes it after; waiting since ${since}`,
        transientSince: since,
      };
    }
    return { phase: 'failed', reason: `DMS task stopped before the post-load point: ${stopReason} (${stop.meaning})${failure}` };
  }
  if (status === 'running' && stats?.FullLoadFinishDate) {
    // Running with the full load behind it: CDC. Either an earlier run resumed it (judged by
    // ReplicationTaskStats.StartDate, the actual start, not ReplicationTaskStartDate, the
    // scheduled one), or this run resumed a task whose load had finished, or the task was not
    // asked to stop after the load.
    const resumedAfterLoad = time(stats.StartDate) > finishedAt && (startedAt === undefined || context.startedWith === 'resume-processing');
    if (resumedAfterLoad || (!expectStopAfterLoad && finishedSinceStart)) {
      return { phase: 'post-load', cdcRunning: true, detail: 'full load finished; CDC running' };
    }
  }
  if (status === 'ready') return notPickedUp('ready');
  const percent = stats?.FullLoadProgressPercent;
  const progress = percent === undefined ? '' : ` (full load ${percent}%)`;
  return { phase: 'loading', detail: `task ${status}${progress}` };
}

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

export type TargetTablePrepMode = 'DO_NOTHING' | 'DROP_AND_CREATE' | 'TRUNCATE_BEFORE_LOAD';

/** FullLoadSettings.TargetTablePrepMode of the task as DMS holds it (DescribeReplicationTasks with settings). */
export function targetTablePrepMode(task: TaskSnapshot): TargetTablePrepMode | undefined {
  if (!task.ReplicationTaskSettings) return undefined;
  try {
    const settings = JSON.parse(task.ReplicationTaskSettings) as { FullLoadSettings?: { TargetTablePrepMode?: TargetTablePrepMode } };
    return settings.FullLoadSettings?.TargetTablePrepMode;
  } catch {
    return undefined;
  }
}

/**
 * The partial settings document ModifyReplicationTask takes to change only the prep mode (the DMS
 * User Guide passes partial documents the same way, e.g. `{"Logging":{"DeleteTaskLogs":true}}`).
 */
export function prepModeSettings(mode: TargetTablePrepMode): string {
  return JSON.stringify({ FullLoadSettings: { TargetTablePrepMode: mode } });
}

function time(value: Date | string | undefined): number {
  return value === undefined ? 0 : new Date(value).getTime();
}
