/**
 * The interface every kind of object (indexes, foreign keys, triggers) implements, the run
 * context a stage hands to it, and the table-by-table walk they share: statements of earlier
 * calls resolved first, then what the server already shows settled without a statement.
 */
import { LiveSchema, LiveTable, liveObject } from './catalog';
import { difference } from './compare';
import { SqlConnection } from './connection';
import { Executor, STAGE_OF, Stage, Statement } from './executor';
import { changedSinceCapture, differentDefinition, failedLine, missingTable } from './failures';
import { FailureDetail, PlanState, isSettled } from './plan-state';
import { ConnectionPool } from './pool';
import { PlanObject, ServerInfo, tableKey } from './types';

/** What a stage of a run gives the kind modules. */
export interface StageRun {
  readonly action: 'defer' | 'apply';
  readonly exec: Executor;
  readonly pool: ConnectionPool;
  readonly state: PlanState;
  readonly server: ServerInfo;
  /** The run's own connection (catalog reads between passes). */
  readonly control: SqlConnection;
  /** Rows sampled for a failure report. */
  readonly sampleSize: number;
  /** The plan's databases as the server showed them when the stage started (one read per catalog table). */
  readonly live: LiveSchema;
  /** Reads one table again (after a statement of an earlier call ended on it). */
  reread(conn: SqlConnection, database: string, table: string): Promise<LiveTable | undefined>;
  settle(o: PlanObject, state: 'restored' | 'dropped', skipped?: boolean): void;
  fail(o: PlanObject, detail: FailureDetail): void;
}

/** One kind of object. */
export interface KindModule<T extends PlanObject = PlanObject> {
  readonly kind: T['kind'];
  readonly stage: Stage;
  /**
   * How defer drops it: by a clause of an ALTER TABLE of its table (batched with the table's
   * other objects in one statement), or by a statement of its own.
   */
  readonly dropsBy: 'alter' | 'statement';
  /** The ALTER TABLE clause, or the statement, that drops `o`. */
  dropSql(o: T): string;
  /** Re-creates, table by table, the objects of `units` (one list per table) that are not on the server. */
  restore(run: StageRun, units: T[][]): Promise<void>;
}

/** Builds the context's `fail`: records the failure and logs it. */
export function failer(state: PlanState, exec: Executor, action: 'defer' | 'apply', run: number): (o: PlanObject, detail: FailureDetail) => void {
  return (o, detail) => {
    state.fail(o, action, run, detail);
    exec.emit({ type: 'failed', stage: STAGE_OF[o.kind], database: o.database, table: o.table, message: failedLine(o, detail) });
  };
}

/**
 * Settles what the server already shows, and returns the objects a statement must change:
 * apply: those absent (present with the planned definition: restored; with another: reported;
 * table gone: reported); defer: those present as planned (absent: dropped; changed: reported,
 * not dropped).
 */
export function reconcile<T extends PlanObject>(run: StageRun, todo: readonly T[], live: LiveTable | undefined): T[] {
  const change: T[] = [];
  for (const o of todo) {
    const l = live ? liveObject(live, o) : undefined;
    if (run.action === 'apply') {
      if (!live) run.fail(o, missingTable(o));
      else if (!l) change.push(o);
      else {
        const diff = difference(o, l);
        if (diff) run.fail(o, differentDefinition(diff));
        else run.settle(o, 'restored', !run.exec.byEarlierCall.has(o));
      }
    } else if (!l) {
      run.settle(o, 'dropped', !run.exec.byEarlierCall.has(o));
    } else {
      const diff = difference(o, l);
      if (diff) run.fail(o, changedSinceCapture(diff));
      else change.push(o);
    }
  }
  return change;
}

/** Largest tables first, so that the longest builds start early. */
export function bySize<T extends PlanObject>(units: T[][], live: LiveSchema): T[][] {
  const size = (u: T[]): number => live.tables.get(tableKey(u[0].database, u[0].table))?.bytes ?? 0;
  return [...units].sort((a, b) => size(b) - size(a));
}

/** Groups objects by table, in plan order. */
export function byTable<T extends PlanObject>(objects: readonly T[]): T[][] {
  const m = new Map<string, T[]>();
  for (const o of objects) {
    const k = tableKey(o.database, o.table);
    const list = m.get(k);
    if (list) list.push(o);
    else m.set(k, [o]);
  }
  return [...m.values()];
}

export interface EachTableOptions<T extends PlanObject> {
  /** Emit a "done" line per table (default true). */
  readonly summary?: boolean;
  /** The statements `work` will send first for `change` (one table): announced together, before any is sent. */
  readonly first?: (change: T[]) => Statement[];
}

/**
 * Works on the tables of `units`, `concurrency` at a time: settles what the server already shows
 * ({@link reconcile}), hands the rest to `work`. Tables with no statement of an earlier call are
 * settled from the stage's reading of the catalog before any work starts, and the first
 * statements of all of them are recorded in one write ({@link Executor.announce}); a table with
 * such a statement waits for it (processlist) and is read again first.
 */
export async function eachTable<T extends PlanObject>(
  run: StageRun,
  stage: Stage,
  noun: string,
  units: readonly T[][],
  work: (conn: SqlConnection, change: T[], live: LiveTable | undefined) => Promise<void>,
  opts: EachTableOptions<T> = {},
): Promise<void> {
  const liveOf = (o: T): LiveTable | undefined => run.live.tables.get(tableKey(o.database, o.table));
  const planned = new Map<readonly T[], T[]>();
  for (const objs of units) {
    if (objs.some((o) => o.step)) continue;
    const todo = objs.filter((o) => !isSettled(o, run.action));
    planned.set(objs, todo.length ? reconcile(run, todo, liveOf(objs[0])) : []);
  }
  if (opts.first) await run.exec.announce([...planned.values()].flatMap((change) => (change.length ? opts.first!(change) : [])));
  await run.pool.forEach(
    units,
    async (conn, objs) => {
      const t0 = Date.now();
      const { database, table } = objs[0];
      run.exec.emit({ type: 'start', stage, database, table, message: `${objs.length} ${noun}` });
      let live = liveOf(objs[0]);
      let change = planned.get(objs);
      if (change === undefined) {
        if ((await run.exec.resolveInflight(conn, stage, objs)) === 'running') return;
        live = await run.reread(conn, database, table);
        const todo = objs.filter((o) => !isSettled(o, run.action) && !o.step);
        change = todo.length ? reconcile(run, todo, live) : [];
      }
      if (change.length) await work(conn, change, live);
      if (opts.summary !== false) run.exec.emit({ type: 'done', stage, database, table, message: tableSummary(run.action, objs), durationMs: Date.now() - t0 });
    },
    () => run.exec.expired(),
  );
}

/** "3 restored, 1 already in place, 1 failed". */
export function tableSummary(action: 'defer' | 'apply', objs: readonly PlanObject[]): string {
  const c = (s: PlanObject['state']): number => objs.filter((o) => o.state === s && !o.step).length;
  const parts = [action === 'apply' ? `${c('restored')} restored` : `${c('dropped')} dropped`];
  const skipped = objs.filter((o) => o.skipped).length;
  if (skipped) parts.push(`${skipped} already ${action === 'apply' ? 'in place' : 'absent'}`);
  if (c('failed')) parts.push(`${c('failed')} failed`);
  const running = objs.filter((o) => o.step).length;
  if (running) parts.push(`${running} still running`);
  const pending = objs.filter((o) => !isSettled(o, action)).length - running;
  if (pending) parts.push(`${pending} pending`);
  return parts.join(', ');
}
