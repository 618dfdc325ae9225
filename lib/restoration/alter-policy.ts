/**
 * The one policy for ALTER TABLE statements, whether they create or drop: a batch of a table's
 * objects goes in one statement; a lock mode the server refuses is relaxed (LOCK=NONE, then
 * SHARED, then the server's default); lock-wait timeouts and deadlocks are retried a few times;
 * a batch that fails otherwise is split, so one bad object does not take the others down.
 */
import { SqlConnection, sqlError } from './connection';
import { AlterMode, relax } from './ddl';
import { Executor, Stage } from './executor';
import { sqlFailure } from './failures';
import { FailureDetail } from './plan-state';
import { PlanObject } from './types';

const LOCK_ERRORS = new Set([1205, 1213]); // lock wait timeout, deadlock
const MODE_REFUSED = new Set([1845, 1846]); // ALGORITHM/LOCK not supported
const LOCK_RETRIES = 3;

/** What the policy needs from the run. */
export interface AlterRun {
  readonly exec: Pick<Executor, 'step' | 'expired'>;
  settle(o: PlanObject, state: 'restored' | 'dropped'): void;
  fail(o: PlanObject, detail: FailureDetail): void;
}

export interface AlterRequest<T extends PlanObject> {
  readonly action: 'create' | 'drop';
  readonly stage: Stage | ((group: readonly T[]) => Stage);
  /** The statement for `group` in `mode`. */
  readonly sql: (group: readonly T[], mode: AlterMode) => string;
  readonly mode: AlterMode;
  /**
   * After an error the policy does not handle itself: the objects found to cause it (already
   * failed by the callback, with their reason), to retry the others without them; 'deadline'
   * when the call ran out of time while looking.
   */
  readonly culprits?: (group: readonly T[], error: unknown) => Promise<readonly T[] | 'deadline'>;
}

/** Returns false when the call ran out of time (what is left of the batch waits for the next call). */
export async function runAlter<T extends PlanObject>(run: AlterRun, conn: SqlConnection, group: readonly T[], req: AlterRequest<T>): Promise<boolean> {
  let remaining = [...group];
  let mode = req.mode;
  let lockRetries = 0;
  while (remaining.length) {
    if (run.exec.expired()) return false;
    const stage = typeof req.stage === 'function' ? req.stage(remaining) : req.stage;
    const out = await run.exec.step(conn, remaining, req.action, stage, req.sql(remaining, mode));
    if (out.kind === 'deadline' || out.kind === 'detached') return false;
    if (out.kind === 'ok') {
      for (const o of remaining) run.settle(o, req.action === 'create' ? 'restored' : 'dropped');
      return true;
    }
    const e = sqlError(out.error);
    const relaxed = relax(mode);
    if (e.errno !== undefined && MODE_REFUSED.has(e.errno) && relaxed) {
      mode = relaxed;
      continue;
    }
    if (e.errno !== undefined && LOCK_ERRORS.has(e.errno) && lockRetries++ < LOCK_RETRIES) continue;
    if (req.culprits) {
      let found: readonly T[] | 'deadline';
      try {
        found = await req.culprits(remaining, out.error);
      } catch {
        found = [];
      }
      if (found === 'deadline') return false;
      if (found.length) {
        remaining = remaining.filter((o) => !found.includes(o));
        continue;
      }
    }
    if (remaining.length > 1) {
      // All or nothing: find the one that fails by trying them one at a time.
      for (const o of remaining) if (!(await runAlter(run, conn, [o], { ...req, mode }))) return false;
      return true;
    }
    run.fail(remaining[0], sqlFailure(out.error));
    return true;
  }
  return true;
}
