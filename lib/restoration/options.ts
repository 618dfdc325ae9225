import { ConnectionFactory } from './connection';
import { ProgressListener } from './progress';
import { PlanStore } from './store';
import { OBJECT_KINDS, ObjectKind } from './types';

export interface EngineOptions {
  readonly connections: ConnectionFactory;
  readonly store: PlanStore;
  readonly progress?: ProgressListener;
  /** Tables worked on at once (default 2). */
  readonly concurrency?: number;
  /**
   * Time (epoch milliseconds or Date) after which the call starts no new statement and returns
   * `done: false`. A statement still running then is left running on the server; the next call
   * finds it in the processlist and waits for it instead of issuing it again.
   */
  readonly deadline?: number | Date;
  /** How often to look at the processlist while waiting for a statement of an earlier call (ms). */
  readonly pollIntervalMs?: number;
  /** How long to wait for the plan lock held by another run (seconds, default 10). */
  readonly lockWaitSeconds?: number;
  /** How many rows a failure report samples (default 5). */
  readonly sampleSize?: number;
}

export interface CaptureOptions extends EngineOptions {
  readonly databases: readonly string[];
  /** Replace an existing plan; refused while that plan has objects to restore. */
  readonly overwrite?: boolean;
}

export interface RunOptions extends EngineOptions {
  /**
   * The kinds of object to work on (default: all). Objects of other kinds keep their state: e.g.
   * apply `['index', 'foreignKey']` after the full load leaves the triggers deferred (the result
   * says how many, per kind) for an apply `['trigger']` at cutover.
   */
  readonly kinds?: readonly ObjectKind[];
}

export interface DeferOptions extends RunOptions {
  /** Databases to capture when the store holds no plan yet; must match the plan when it does. */
  readonly databases?: readonly string[];
}

export type ApplyOptions = RunOptions;

/** The caller asked for something the plan or its state does not allow (CLI exit 2). */
export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

/** Refuses an empty or unknown `kinds` (undefined means every kind). */
export function checkKinds(kinds: readonly string[] | undefined): void {
  if (kinds === undefined) return;
  if (!kinds.length) throw new PlanError(`kinds is empty: give some of ${OBJECT_KINDS.join(', ')}, or leave it out for all`);
  for (const k of kinds) if (!(OBJECT_KINDS as readonly string[]).includes(k)) throw new PlanError(`unknown object kind ${JSON.stringify(k)} (kinds are ${OBJECT_KINDS.join(', ')})`);
}
