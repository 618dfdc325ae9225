/**
 * The flow of a defer or apply call: take the plan's lock, load the plan (folding what earlier
 * calls recorded), continue the open run or start one, run the stages in order, save.
 *
 * The work itself is elsewhere: the executor (deadline, tagged statements, in-flight
 * statements, checkpoints), the ALTER policy, one module per kind of object, the pure plan
 * state, the catalog reader.
 */
import { acquireLock, capturePlan, captureLockName, checkDatabases, planLockName, releaseLock } from './capture';
import { LiveSchema, readCatalog } from './catalog';
import { SqlConnection } from './connection';
import { dropStage, dropStageName } from './drop';
import { Executor } from './executor';
import { KindModule, StageRun, bySize, byTable, failer } from './kind';
import { foreignKeys } from './kind-foreign-key';
import { indexes } from './kind-index';
import { triggers } from './kind-trigger';
import { ApplyOptions, DeferOptions, PlanError, RunOptions, checkKinds } from './options';
import { PlanState, isSettled, normalizeKinds } from './plan-state';
import { ConnectionPool, closeQuietly } from './pool';
import { buildResult, summarize } from './result';
import { detectServer, prepareSession } from './server';
import { ObjectKind, Plan, PlanObject, PlanRun, RunResult, ServerInfo, tableKey } from './types';

export { capture, buildPlan } from './capture';
export { buildResult, summarize } from './result';
export { PlanError } from './options';
export type { EngineOptions, CaptureOptions, DeferOptions, ApplyOptions, RunOptions } from './options';

/** The kind modules, by kind. */
export const KIND_MODULES: ReadonlyMap<ObjectKind, KindModule> = new Map<ObjectKind, KindModule>([
  ['index', indexes as KindModule],
  ['foreignKey', foreignKeys as KindModule],
  ['trigger', triggers as KindModule],
]);

/**
 * Writes the plan durably (capturing it first when the store has none), then drops triggers,
 * then each table's foreign keys and secondary indexes in one ALTER TABLE (of `kinds`, all by default).
 */
export async function defer(opts: DeferOptions): Promise<RunResult> {
  return runAction(opts, 'defer');
}

/**
 * Re-creates what the plan lists (of `kinds`, all by default): indexes (one ALTER TABLE per
 * table, online where allowed), then foreign keys (FK checks off, after an orphan scan per key),
 * then triggers (exact statement, original order).
 */
export async function apply(opts: ApplyOptions): Promise<RunResult> {
  return runAction(opts, 'apply');
}

/** The stages of an action over `kinds`: the kinds handled together, in order. */
export function stagesOf(action: 'defer' | 'apply', kinds: readonly ObjectKind[]): ObjectKind[][] {
  const selected = normalizeKinds(kinds);
  if (action === 'apply') return selected.map((k) => [k]);
  const stages: ObjectKind[][] = [];
  if (selected.includes('trigger')) stages.push(['trigger']);
  const keys = selected.filter((k) => k !== 'trigger');
  if (keys.length) stages.push(keys);
  return stages;
}

async function runAction(opts: DeferOptions, action: 'defer' | 'apply'): Promise<RunResult> {
  const started = Date.now();
  checkKinds(opts.kinds);
  const kinds = normalizeKinds(opts.kinds);
  const control = await opts.connections.connect();
  let run: Run | undefined;
  let captured: LiveSchema | undefined;
  try {
    await prepareSession(control);
    const server = await detectServer(control);
    const wait = opts.lockWaitSeconds ?? 10;
    let plan = await opts.store.load();
    if (!plan) {
      if (action === 'apply') throw new PlanError(`no plan in ${opts.store.description}; run capture or defer first`);
      if (!opts.databases) throw new PlanError(`no plan in ${opts.store.description} and no databases to capture`);
      checkDatabases(opts.databases);
      // Two defers racing on an empty store: the second must find the first one's plan.
      await acquireLock(control, captureLockName(opts.databases), wait);
      try {
        plan = await opts.store.load();
        if (!plan) {
          ({ plan, live: captured } = await capturePlan(control, server, opts.databases));
          await opts.store.save(plan);
          opts.progress?.({ type: 'info', action: 'capture', message: `captured ${summarize(plan)} into ${opts.store.description}`, elapsedMs: Date.now() - started });
        }
      } finally {
        await releaseLock(control, captureLockName(opts.databases));
      }
    }
    if (opts.databases) {
      const a = [...opts.databases].sort();
      const b = [...plan.databases].sort();
      if (a.length !== b.length || a.some((x, i) => x !== b[i])) {
        throw new PlanError(`the plan in ${opts.store.description} covers ${plan.databases.join(',')}, not ${opts.databases.join(',')}`);
      }
    }
    const planId = plan.planId;
    await acquireLock(control, planLockName(planId), wait);
    // Read it again under the lock: a run that held it may have recorded since.
    plan = await opts.store.load();
    if (!plan || plan.planId !== planId) throw new PlanError(`the plan in ${opts.store.description} was replaced while waiting for it`);
    run = new Run(opts, action, kinds, plan, server, control, started, captured);
    return await run.execute();
  } finally {
    if (run) await run.close();
    else await closeQuietly(control);
  }
}

class Run {
  private readonly state: PlanState;
  private readonly pool: ConnectionPool;
  private readonly exec: Executor;
  private record!: PlanRun;

  constructor(
    private readonly opts: RunOptions,
    private readonly action: 'defer' | 'apply',
    private readonly kinds: ObjectKind[],
    private readonly plan: Plan,
    private readonly server: ServerInfo,
    private readonly control: SqlConnection,
    private readonly started: number,
    /** The catalog as this call just captured it: defer compares with it instead of reading it again. */
    private readonly captured?: LiveSchema,
  ) {
    const d = opts.deadline;
    this.state = new PlanState(plan);
    this.pool = new ConnectionPool(opts.connections, opts.concurrency);
    this.exec = new Executor({
      planId: plan.planId,
      action,
      store: opts.store,
      state: this.state,
      pool: this.pool,
      control,
      deadline: d === undefined ? undefined : d instanceof Date ? d.getTime() : d,
      pollMs: Math.max(10, opts.pollIntervalMs ?? 1000),
      progress: opts.progress,
      started,
    });
  }

  async execute(): Promise<RunResult> {
    this.record = this.state.openRun(this.action, this.kinds) ?? this.state.startRun(this.action, this.kinds);
    this.record.calls++;
    // The whole plan once per call: earlier calls' records folded in, this call's run recorded.
    await this.save();
    const scope = this.kinds.length === 3 ? '' : ` (${this.kinds.join(', ')})`;
    this.exec.emit({ type: 'info', message: `${this.action} run ${this.record.number}${scope}, call ${this.record.calls}: ${summarize(this.plan)}` });
    await this.exec.killLeftoverScans();

    let complete = true;
    for (const stage of stagesOf(this.action, this.kinds)) {
      if (!(await this.runStage(stage))) {
        complete = false;
        break;
      }
    }
    this.exec.withdraw();
    this.state.finishCall(this.record, complete);
    if (!complete) this.exec.emit({ type: 'deadline', message: 'out of time: returning, call again to continue' });
    await this.exec.drain();
    await this.save();
    return buildResult(this.plan, this.action, this.record.number, complete, Date.now() - this.started, this.kinds);
  }

  async close(): Promise<void> {
    try {
      await this.exec.drain();
      // After an error: what changed since the last record, best effort (the next call re-reads the server anyway).
      await this.exec.flush();
    } catch {
      // reported where it was awaited
    }
    await releaseLock(this.control, planLockName(this.plan.planId));
    await this.pool.close();
    await closeQuietly(this.control);
  }

  private async save(): Promise<void> {
    this.state.markSaved();
    await this.opts.store.save(this.plan);
  }

  /** Runs one stage over all tables; true when every object of the stage is settled. */
  private async runStage(kinds: readonly ObjectKind[]): Promise<boolean> {
    const objects = this.plan.objects.filter((o) => kinds.includes(o.kind));
    const todo = objects.filter((o) => !isSettled(o, this.action));
    if (!todo.length) return true;
    if (this.exec.expired()) return false;
    await this.exec.resolveEnded(todo);
    const t0 = Date.now();
    // Defer changes only the kinds of the stage it is in: the captured catalog stays right for the next.
    const live = this.captured ?? (await readCatalog(this.control, this.server, this.plan.databases, { kinds, foreignKeyDefinitions: false }));
    const run = this.stageRun(live, kinds);
    const units = bySize(byTable(todo), live);
    const stage = this.action === 'apply' ? KIND_MODULES.get(kinds[0])!.stage : dropStageName(kinds);
    this.exec.emit({ type: 'info', stage, message: `${todo.length} object(s) on ${units.length} table(s); catalog read in ${((Date.now() - t0) / 1000).toFixed(1)}s` });
    if (this.action === 'apply') await KIND_MODULES.get(kinds[0])!.restore(run, units);
    else await dropStage(run, KIND_MODULES, todo);
    return objects.every((o) => isSettled(o, this.action));
  }

  private stageRun(live: LiveSchema, kinds: readonly ObjectKind[]): StageRun {
    return {
      action: this.action,
      exec: this.exec,
      pool: this.pool,
      state: this.state,
      server: this.server,
      control: this.control,
      sampleSize: Math.max(1, this.opts.sampleSize ?? 5),
      live,
      reread: async (conn, database, table) => {
        const one = await readCatalog(conn, this.server, [database], { table, kinds, foreignKeyDefinitions: false });
        return one.tables.get(tableKey(database, table));
      },
      settle: (o: PlanObject, state: 'restored' | 'dropped', skipped?: boolean) => this.state.settle(o, state, skipped),
      fail: failer(this.state, this.exec, this.action, this.record.number),
    };
  }
}
