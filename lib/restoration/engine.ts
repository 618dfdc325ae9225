import { createHash, randomBytes } from 'node:crypto';
import { LiveTable, objectKey, readCatalog, tableKey } from './catalog';
import { difference } from './compare';
import {
  ConnectionFactory,
  SqlConnection,
  describeSqlError,
  execute,
  num,
  queryRows,
  renderValue,
  sqlError,
  str,
} from './connection';
import {
  AlterMode,
  INPLACE_SHARED,
  ONLINE,
  addForeignKeysSql,
  addIndexesSql,
  dropForeignKeysSql,
  dropIndexesSql,
  dropTriggerSql,
  duplicateCountSql,
  duplicateSampleSql,
  orphanCountSql,
  orphanSampleSql,
  relax,
} from './ddl';
import { ProgressAction, ProgressEvent, ProgressListener, ProgressStage } from './progress';
import { ENGINE_SQL_MODE, detectServer, prepareSession } from './server';
import { parseTag, quoteId, quoteTable, statementTag, tagLikePattern, withTriggerOrder } from './sql';
import { PlanStore } from './store';
import {
  Counts,
  FailedObject,
  Failure,
  FailureReason,
  ForeignKeyObject,
  IndexObject,
  LiveObject,
  PLAN_FORMAT,
  PLAN_VERSION,
  Plan,
  PlanObject,
  PlanRun,
  RunResult,
  RunningObject,
  SampleRow,
  ServerInfo,
  TriggerObject,
} from './types';

// ---------------------------------------------------------------------------------------------
// Options and errors

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

export interface DeferOptions extends EngineOptions {
  /** Databases to capture when the store holds no plan yet; must match the plan when it does. */
  readonly databases?: readonly string[];
}

export type ApplyOptions = EngineOptions;

/** The caller asked for something the plan or its state does not allow (CLI exit 2). */
export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

// ---------------------------------------------------------------------------------------------
// Public entry points

/** Reads the secondary objects of the databases into a new plan and saves it. */
export async function capture(opts: CaptureOptions): Promise<Plan> {
  checkDatabases(opts.databases);
  const existing = await opts.store.load();
  if (existing) {
    if (!opts.overwrite) throw new PlanError(`a plan already exists in ${opts.store.description}; use another plan file, or overwrite it (CLI: --overwrite) once it is fully applied`);
    const open = existing.objects.filter((o) => o.state !== 'restored' && o.state !== 'captured');
    if (open.length) {
      throw new PlanError(`the plan in ${opts.store.description} still has ${open.length} object(s) not restored; apply it before capturing over it`);
    }
  }
  const started = Date.now();
  const conn = await opts.connections.connect();
  try {
    await prepareSession(conn);
    const server = await detectServer(conn);
    await acquireLock(conn, captureLockName(opts.databases), opts.lockWaitSeconds ?? 10);
    if (existing) {
      // Never replace a plan that a run is working on.
      await acquireLock(conn, planLockName(existing.planId), opts.lockWaitSeconds ?? 10);
    }
    const current = await opts.store.load();
    if (current && (!existing || current.planId !== existing.planId)) {
      throw new PlanError(`a plan appeared in ${opts.store.description} meanwhile; capture again if you still want to replace it`);
    }
    if (current && current.objects.some((o) => o.state !== 'restored' && o.state !== 'captured')) {
      throw new PlanError(`the plan in ${opts.store.description} still has objects not restored; apply it before capturing over it`);
    }
    const plan = await buildPlan(conn, server, opts.databases);
    await opts.store.save(plan);
    opts.progress?.({
      type: 'done',
      action: 'capture',
      message: `captured ${summarize(plan)} into ${opts.store.description}`,
      elapsedMs: Date.now() - started,
    });
    return plan;
  } finally {
    await closeQuietly(conn);
  }
}

/**
 * Writes the plan durably (capturing it first when the store has none), then drops triggers,
 * foreign keys and secondary indexes, in that order.
 */
export async function defer(opts: DeferOptions): Promise<RunResult> {
  return runAction(opts, 'defer');
}

/**
 * Re-creates what the plan lists: indexes (one ALTER TABLE per table, online where allowed),
 * then foreign keys (FK checks off, after an orphan scan per key), then triggers (exact
 * statement, original order).
 */
export async function apply(opts: ApplyOptions): Promise<RunResult> {
  return runAction(opts, 'apply');
}

/** Summary of a plan's objects: "12 indexes, 3 foreign keys, 2 triggers in 2 databases". */
export function summarize(plan: Plan): string {
  const n = (k: PlanObject['kind']): number => plan.objects.filter((o) => o.kind === k).length;
  return `${n('index')} indexes, ${n('foreignKey')} foreign keys, ${n('trigger')} triggers in ${plan.databases.length} database(s)`;
}

// ---------------------------------------------------------------------------------------------
// Capture

export async function buildPlan(conn: SqlConnection, server: ServerInfo, databases: readonly string[]): Promise<Plan> {
  const present = await queryRows(conn, 'SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)', [[...databases]]);
  const found = new Set(present.map((r) => str(r, 's')));
  const missing = databases.filter((d) => !found.has(d));
  if (missing.length) throw new PlanError(`database(s) not found or not visible to this user: ${missing.join(', ')}`);
  const live = await readCatalog(conn, server, databases);
  const objects: PlanObject[] = [];
  for (const t of live.tables.values()) {
    for (const i of t.indexes.values()) objects.push({ ...i, state: 'captured' });
    for (const f of t.foreignKeys.values()) objects.push({ ...f, state: 'captured' });
    for (const g of t.triggers.values()) objects.push({ ...g, state: 'captured' });
  }
  const now = new Date().toISOString();
  return {
    format: PLAN_FORMAT,
    version: PLAN_VERSION,
    planId: randomBytes(16).toString('hex'),
    createdAt: now,
    updatedAt: now,
    server,
    databases: [...databases],
    phase: 'captured',
    lastStep: 0,
    runs: [],
    objects,
  };
}

function checkDatabases(databases: readonly string[]): void {
  if (!databases.length) throw new PlanError('no database given');
  for (const d of databases) if (!d) throw new PlanError('empty database name');
  if (new Set(databases).size !== databases.length) throw new PlanError('a database is listed twice');
}

// ---------------------------------------------------------------------------------------------
// Runs

type Stage = 'indexes' | 'foreignKeys' | 'triggers';

const STAGE_KIND: Record<Stage, PlanObject['kind']> = { indexes: 'index', foreignKeys: 'foreignKey', triggers: 'trigger' };

async function runAction(opts: DeferOptions, action: 'defer' | 'apply'): Promise<RunResult> {
  const started = Date.now();
  const control = await opts.connections.connect();
  let run: Run | undefined;
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
          plan = await buildPlan(control, server, opts.databases);
          await opts.store.save(plan);
          opts.progress?.({
            type: 'info',
            action: 'capture',
            message: `captured ${summarize(plan)} into ${opts.store.description}`,
            elapsedMs: Date.now() - started,
          });
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
    // Read it again under the lock: a run that held it may have saved since.
    plan = await opts.store.load();
    if (!plan || plan.planId !== planId) throw new PlanError(`the plan in ${opts.store.description} was replaced while waiting for it`);
    run = new Run(opts, action, plan, server, control, started);
    return await run.execute();
  } finally {
    if (run) await run.close();
    else await closeQuietly(control);
  }
}

function planLockName(planId: string): string {
  return `dms-restore:${planId}`;
}

function captureLockName(databases: readonly string[]): string {
  const digest = createHash('sha1').update(JSON.stringify([...databases].sort())).digest('hex');
  return `dms-restore-capture:${digest}`;
}

/** A named server lock (no privilege needed); released with the connection if not before. */
async function acquireLock(conn: SqlConnection, name: string, waitSeconds: number): Promise<void> {
  const [r] = await queryRows(conn, 'SELECT GET_LOCK(?, ?) AS l', [name, waitSeconds]);
  if (num(r, 'l') !== 1) {
    throw new PlanError(
      name.startsWith('dms-restore:')
        ? `another run is working on plan ${name.slice('dms-restore:'.length)} (lock ${name} is held)`
        : `another run is capturing these databases (lock ${name} is held)`,
    );
  }
}

async function releaseLock(conn: SqlConnection, name: string): Promise<void> {
  try {
    await queryRows(conn, 'SELECT RELEASE_LOCK(?) AS r', [name]);
  } catch {
    // the lock goes with the connection anyway
  }
}

type StepOutcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'error'; readonly error: unknown }
  /** Not issued: the call is out of time. */
  | { readonly kind: 'deadline' }
  /** Issued, still running when the call ran out of time: left running on the server. */
  | { readonly kind: 'detached' };

type ScanOutcome<T> = { readonly kind: 'ok'; readonly value: T } | { readonly kind: 'deadline' };

const LOCK_ERRORS = new Set([1205, 1213]); // lock wait timeout, deadlock
const MODE_REFUSED = new Set([1845, 1846]); // ALGORITHM/LOCK not supported
const DUPLICATE = new Set([1062, 1586, 1169]);

class Run {
  private readonly planId: string;
  private readonly deadline: number | undefined;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly sampleSize: number;
  private readonly callId = randomBytes(3).toString('hex');
  private scanCounter = 0;
  private saveChain: Promise<void> = Promise.resolve();
  private readonly idle: SqlConnection[] = [];
  private readonly open = new Set<SqlConnection>();
  private readonly threadIds = new Map<SqlConnection, number>();
  private runRecord!: PlanRun;
  private outOfTime = false;

  constructor(
    private readonly opts: EngineOptions,
    private readonly action: 'defer' | 'apply',
    private readonly plan: Plan,
    private readonly server: ServerInfo,
    private readonly control: SqlConnection,
    private readonly started: number,
  ) {
    this.planId = plan.planId;
    const d = opts.deadline;
    this.deadline = d === undefined ? undefined : d instanceof Date ? d.getTime() : d;
    this.concurrency = Math.max(1, Math.floor(opts.concurrency ?? 2));
    this.pollMs = Math.max(10, opts.pollIntervalMs ?? 1000);
    this.sampleSize = Math.max(1, opts.sampleSize ?? 5);
  }

  // --- lifecycle -----------------------------------------------------------------------------

  async close(): Promise<void> {
    try {
      await this.saveChain;
    } catch {
      // reported where the save was awaited
    }
    await releaseLock(this.control, planLockName(this.planId));
    for (const c of this.idle) await closeQuietly(c);
    this.idle.length = 0;
    await closeQuietly(this.control);
  }

  async execute(): Promise<RunResult> {
    const busyPhase = this.action === 'defer' ? 'deferring' : 'applying';
    if (this.plan.phase !== busyPhase || !this.plan.runs.length || this.plan.runs[this.plan.runs.length - 1].action !== this.action) {
      this.startRun(busyPhase);
    } else {
      this.runRecord = this.plan.runs[this.plan.runs.length - 1];
    }
    this.runRecord.calls++;
    await this.persist();
    this.emit({ type: 'info', message: `${this.action} run ${this.runRecord.number}, call ${this.runRecord.calls}: ${summarize(this.plan)}` });
    await this.killLeftoverScans();

    const stages: Stage[] = this.action === 'defer' ? ['triggers', 'foreignKeys', 'indexes'] : ['indexes', 'foreignKeys', 'triggers'];
    let complete = true;
    for (const stage of stages) {
      if (!(await this.runStage(stage))) {
        complete = false;
        break;
      }
    }
    if (complete) {
      this.plan.phase = this.action === 'defer' ? 'deferred' : 'applied';
      this.runRecord.finishedAt = new Date().toISOString();
    } else {
      this.emit({ type: 'deadline', message: 'out of time: returning, call again to continue' });
    }
    await this.persist();
    return this.result(complete);
  }

  private startRun(phase: 'deferring' | 'applying'): void {
    const record: PlanRun = { number: this.plan.runs.length + 1, action: this.action, startedAt: new Date().toISOString(), calls: 0 };
    this.plan.runs.push(record);
    this.runRecord = record;
    this.plan.phase = phase;
    for (const o of this.plan.objects) {
      if (o.step) continue; // resolved when its table is reached
      o.state = 'pending';
      delete o.failure;
      delete o.skipped;
    }
  }

  // --- stages --------------------------------------------------------------------------------

  /** Runs one stage over all tables; true when every object of the stage is settled. */
  private async runStage(stage: Stage): Promise<boolean> {
    const kind = STAGE_KIND[stage];
    const objects = this.plan.objects.filter((o) => o.kind === kind);
    const byTable = new Map<string, PlanObject[]>();
    for (const o of objects) {
      if (this.settled(o)) continue;
      const k = tableKey(o.database, o.table);
      const list = byTable.get(k);
      if (list) list.push(o);
      else byTable.set(k, [o]);
    }
    if (byTable.size && this.action === 'apply' && stage === 'foreignKeys') {
      await this.applyForeignKeyStage(await this.orderBySize([...byTable.values()]) as ForeignKeyObject[][]);
    } else if (byTable.size) {
      const units = await this.orderBySize([...byTable.values()]);
      this.emit({ type: 'info', stage, message: `${units.reduce((n, u) => n + u.length, 0)} object(s) on ${units.length} table(s)` });
      await this.pool(units, async (conn, objs) => {
        const t0 = Date.now();
        const { database, table } = objs[0];
        this.emit({ type: 'start', stage, database, table, message: `${objs.length} ${kind === 'index' ? 'index(es)' : kind === 'foreignKey' ? 'foreign key(s)' : 'trigger(s)'}` });
        if ((await this.resolveInflight(conn, stage, objs)) === 'running') return;
        const todo = objs.filter((o) => !this.settled(o) && !o.step);
        if (!todo.length) return;
        if (this.action === 'apply') {
          if (stage === 'indexes') await this.applyIndexes(conn, todo as IndexObject[]);
          else await this.applyTriggers(conn, todo as TriggerObject[]);
        } else {
          if (stage === 'indexes') await this.dropIndexes(conn, todo as IndexObject[]);
          else if (stage === 'foreignKeys') await this.dropForeignKeys(conn, todo as ForeignKeyObject[]);
          else await this.dropTriggers(conn, todo as TriggerObject[]);
        }
        this.emit({ type: 'done', stage, database, table, message: this.tableSummary(objs), durationMs: Date.now() - t0 });
      });
    }
    return objects.every((o) => this.settled(o));
  }

  /**
   * Foreign keys in three passes: which are missing (per table), orphan scans (per key, so the
   * scans of one large table run side by side), then one ALTER TABLE per table. Running every
   * scan before any ALTER keeps the ALTERs from waiting for the metadata locks of scans.
   */
  private async applyForeignKeyStage(units: ForeignKeyObject[][]): Promise<void> {
    const stage: Stage = 'foreignKeys';
    this.emit({ type: 'info', stage, message: `${units.reduce((n, u) => n + u.length, 0)} object(s) on ${units.length} table(s)` });
    const candidates: ForeignKeyObject[][] = [];
    await this.pool(units, async (conn, objs) => {
      const { database, table } = objs[0];
      this.emit({ type: 'start', stage, database, table, message: `${objs.length} foreign key(s)` });
      if ((await this.resolveInflight(conn, stage, objs)) === 'running') return;
      const todo = objs.filter((o) => !this.settled(o) && !o.step);
      if (todo.length) candidates.push(await this.foreignKeyCandidates(conn, todo));
    });
    const checks = candidates.flat();
    const passed = new Set<ForeignKeyObject>();
    await this.pool(checks, async (conn, fk) => {
      if ((await this.checkForeignKey(conn, fk)) === true) passed.add(fk);
    });
    const groups = candidates.map((list) => list.filter((fk) => passed.has(fk))).filter((list) => list.length > 0);
    await this.pool(groups, async (conn, fks) => {
      const t0 = Date.now();
      await this.addForeignKeys(conn, fks);
      const { database, table } = fks[0];
      const all = this.plan.objects.filter((o) => o.kind === 'foreignKey' && o.database === database && o.table === table);
      this.emit({ type: 'done', stage, database, table, message: this.tableSummary(all), durationMs: Date.now() - t0 });
    });
  }

  private settled(o: PlanObject): boolean {
    if (o.step) return false;
    if (o.state === 'failed') return true;
    return this.action === 'apply' ? o.state === 'restored' : o.state === 'dropped';
  }

  private tableSummary(objs: readonly PlanObject[]): string {
    const c = (s: PlanObject['state']): number => objs.filter((o) => o.state === s && !o.step).length;
    const parts: string[] = [];
    if (this.action === 'apply') parts.push(`${c('restored')} restored`);
    else parts.push(`${c('dropped')} dropped`);
    const skipped = objs.filter((o) => o.skipped).length;
    if (skipped) parts.push(`${skipped} already ${this.action === 'apply' ? 'in place' : 'absent'}`);
    if (c('failed')) parts.push(`${c('failed')} failed`);
    const running = objs.filter((o) => o.step).length;
    if (running) parts.push(`${running} still running`);
    const pending = objs.filter((o) => !o.step && !this.settled(o)).length;
    if (pending) parts.push(`${pending} pending`);
    return parts.join(', ');
  }

  /** Largest tables first, so that the longest builds start early. */
  private async orderBySize(units: PlanObject[][]): Promise<PlanObject[][]> {
    const size = new Map<string, number>();
    try {
      const rows = await queryRows(
        this.control,
        `SELECT TABLE_SCHEMA AS db, TABLE_NAME AS tbl, COALESCE(DATA_LENGTH, 0) + COALESCE(INDEX_LENGTH, 0) AS bytes
           FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?)`,
        [[...this.plan.databases]],
      );
      for (const r of rows) size.set(tableKey(str(r, 'db'), str(r, 'tbl')), num(r, 'bytes'));
    } catch {
      return units;
    }
    const s = (u: PlanObject[]): number => size.get(tableKey(u[0].database, u[0].table)) ?? 0;
    return [...units].sort((a, b) => s(b) - s(a));
  }

  // --- apply ---------------------------------------------------------------------------------

  private async liveTable(conn: SqlConnection, o: PlanObject, kind: PlanObject['kind']): Promise<LiveTable | undefined> {
    const schema = await readCatalog(conn, this.server, [o.database], { table: o.table, kinds: [kind] });
    return schema.tables.get(tableKey(o.database, o.table));
  }

  /**
   * The objects of one table that are not on the server yet; those present are settled as
   * restored (or reported when their definition differs). Undefined, with every object failed,
   * when the table itself is gone.
   */
  private async notOnServer<T extends PlanObject>(conn: SqlConnection, todo: T[]): Promise<{ live: LiveTable; create: T[] } | undefined> {
    const live = await this.liveTable(conn, todo[0], todo[0].kind);
    if (!live) {
      for (const o of todo) this.fail(o, 'missing-table', `table ${quoteTable(o.database, o.table)} does not exist`);
      await this.persist();
      return undefined;
    }
    const create: T[] = [];
    for (const o of todo) {
      const l = liveObject(live, o);
      if (!l) create.push(o);
      else this.presentAs(o, difference(o, l), 'restored');
    }
    await this.persist();
    return { live, create };
  }

  private async applyIndexes(conn: SqlConnection, todo: IndexObject[]): Promise<void> {
    const found = await this.notOnServer(conn, todo);
    if (!found) return;
    const create = found.create;
    // B-tree indexes in one online statement; FULLTEXT and SPATIAL refuse LOCK=NONE, and InnoDB
    // builds one FULLTEXT index per statement.
    const plain = create.filter((o) => !isFulltext(o) && !isSpatial(o));
    const spatial = create.filter(isSpatial);
    const fulltext = create.filter(isFulltext);
    const groups: [IndexObject[], AlterMode][] = [];
    if (plain.length) groups.push([plain, ONLINE]);
    if (spatial.length || fulltext.length) groups.push([[...spatial, ...fulltext.slice(0, 1)], INPLACE_SHARED]);
    for (const f of fulltext.slice(1)) groups.push([[f], INPLACE_SHARED]);
    for (const [group, mode] of groups) {
      if (this.expired()) return;
      if (!(await this.createIndexes(conn, group, mode))) return;
    }
  }

  /** Returns false when the call ran out of time (the rest of the table waits for the next call). */
  private async createIndexes(conn: SqlConnection, group: IndexObject[], startMode: AlterMode): Promise<boolean> {
    let remaining = [...group];
    let mode: AlterMode = startMode;
    while (remaining.length) {
      const { database, table } = remaining[0];
      const batch = remaining;
      const out = await this.alter(conn, batch, 'indexes', (m) => addIndexesSql(database, table, batch, m), mode);
      if (out.kind === 'stopped') return false;
      if (out.kind === 'ok') return true;
      mode = out.mode;
      const e = sqlError(out.error);
      if (e.errno !== undefined && DUPLICATE.has(e.errno)) {
        let culprits: IndexObject[] | 'deadline';
        try {
          culprits = await this.findDuplicates(conn, remaining, e.sqlMessage ?? e.message);
        } catch {
          culprits = [];
        }
        if (culprits === 'deadline') return false;
        if (culprits.length) {
          remaining = remaining.filter((o) => !culprits.includes(o));
          await this.persist();
          continue;
        }
      }
      if (remaining.length > 1) {
        // All or nothing: find the one that fails by building them one at a time.
        for (const o of remaining) {
          if (this.expired()) return false;
          if (!(await this.createIndexes(conn, [o], mode))) return false;
        }
        return true;
      }
      this.fail(remaining[0], 'sql-error', describeSqlError(out.error));
      await this.persist();
      return true;
    }
    return true;
  }

  /**
   * One ALTER TABLE for `group`: on success the objects are restored; a lock mode the server
   * refuses is relaxed (LOCK=NONE, then SHARED, ...) and lock timeouts are retried a few times.
   * Any other error is returned with the mode reached, for the caller to decide.
   */
  private async alter(
    conn: SqlConnection,
    group: PlanObject[],
    stage: Stage,
    sqlFor: (mode: AlterMode) => string,
    startMode: AlterMode,
  ): Promise<{ kind: 'ok' } | { kind: 'stopped' } | { kind: 'error'; error: unknown; mode: AlterMode }> {
    let mode = startMode;
    let lockRetries = 0;
    for (;;) {
      const out = await this.step(conn, group, 'create', stage, sqlFor(mode));
      if (out.kind === 'deadline' || out.kind === 'detached') return { kind: 'stopped' };
      if (out.kind === 'ok') {
        for (const o of group) this.settle(o, 'restored');
        await this.persist();
        return { kind: 'ok' };
      }
      const e = sqlError(out.error);
      const next = relax(mode);
      if (e.errno !== undefined && MODE_REFUSED.has(e.errno) && next) {
        mode = next;
        continue;
      }
      if (e.errno !== undefined && LOCK_ERRORS.has(e.errno) && lockRetries++ < 3) continue;
      return { kind: 'error', error: out.error, mode };
    }
  }

  /**
   * After a duplicate-key error: scan the unique indexes of the statement (the one the message
   * names first) and fail those with duplicate values, with a count and a sample.
   */
  private async findDuplicates(conn: SqlConnection, group: IndexObject[], message: string): Promise<IndexObject[] | 'deadline'> {
    const uniques = group.filter((o) => o.unique && !isFulltext(o) && !isSpatial(o));
    const named = uniques.filter((o) => message.includes(`'${o.name}'`) || message.includes(`.${o.name}'`));
    const order = [...named, ...uniques.filter((o) => !named.includes(o))];
    const culprits: IndexObject[] = [];
    for (const o of order) {
      const counted = await this.scan(conn, o, duplicateCountSql(o));
      if (counted.kind === 'deadline') return 'deadline';
      const values = num(counted.value[0] ?? {}, 'dup_values');
      if (values <= 0) continue;
      const rows = num(counted.value[0] ?? {}, 'dup_rows');
      const sampled = await this.scan(conn, o, duplicateSampleSql(o, this.sampleSize), 'sample');
      if (sampled.kind === 'deadline') return 'deadline';
      const sample: SampleRow[] = sampled.value.map((r) => ({
        values: Object.fromEntries(o.columns.map((c, i) => [c.name ?? c.expression ?? `part${i + 1}`, renderValue(r[`v${i}`])])),
        rows: num(r, 'n'),
      }));
      this.fail(o, 'duplicate-keys', `${values} duplicated key value(s) over ${rows} rows keep the unique index from being built`, values, sample);
      culprits.push(o);
      if (named.includes(o)) break; // retry the others without it
    }
    return culprits;
  }

  /** Live check of a table's foreign keys: those absent from the server are returned. */
  private async foreignKeyCandidates(conn: SqlConnection, todo: ForeignKeyObject[]): Promise<ForeignKeyObject[]> {
    return (await this.notOnServer(conn, todo))?.create ?? [];
  }

  /**
   * What FK checks would have refused: a missing referenced table, orphan rows. Returns true when
   * the key can be added, false when it failed (recorded), 'deadline' when out of time.
   */
  private async checkForeignKey(conn: SqlConnection, o: ForeignKeyObject): Promise<boolean | 'deadline'> {
    if (this.expired()) return 'deadline';
    const parent = await queryRows(conn, 'SELECT 1 AS x FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [
      o.referencedDatabase,
      o.referencedTable,
    ]);
    if (!parent.length) {
      this.fail(o, 'missing-referenced-table', `referenced table ${quoteTable(o.referencedDatabase, o.referencedTable)} does not exist (or is not visible to this user)`);
      await this.persist();
      return false;
    }
    let counted: ScanOutcome<Record<string, unknown>[]>;
    try {
      counted = await this.scan(conn, o, orphanCountSql(o));
    } catch (err) {
      this.fail(o, 'sql-error', `orphan scan failed: ${describeSqlError(err)}`);
      await this.persist();
      return false;
    }
    if (counted.kind === 'deadline') return 'deadline';
    const orphans = num(counted.value[0] ?? {}, 'n');
    if (orphans <= 0) return true;
    const sampled = await this.scan(conn, o, orphanSampleSql(o, this.sampleSize), 'sample');
    if (sampled.kind === 'deadline') return 'deadline';
    const sample: SampleRow[] = sampled.value.map((r) => ({
      values: Object.fromEntries(o.columns.map((c) => [c, renderValue(r[c])])),
      rows: num(r, 'n'),
    }));
    this.fail(
      o,
      'orphan-rows',
      `${orphans} row(s) of ${quoteTable(o.database, o.table)} reference no row of ${quoteTable(o.referencedDatabase, o.referencedTable)}`,
      orphans,
      sample,
    );
    await this.persist();
    return false;
  }

  /** Adds the checked foreign keys of one table in one ALTER TABLE, FK checks off (in place). */
  private async addForeignKeys(conn: SqlConnection, add: ForeignKeyObject[]): Promise<void> {
    if (!add.length || this.expired()) return;
    await execute(conn, 'SET SESSION foreign_key_checks = 0');
    try {
      await this.createForeignKeys(conn, add, ONLINE);
    } finally {
      if (this.open.has(conn) && !this.isDetached(conn)) await execute(conn, 'SET SESSION foreign_key_checks = 1');
    }
  }

  private async createForeignKeys(conn: SqlConnection, group: ForeignKeyObject[], startMode: AlterMode): Promise<boolean> {
    const { database, table } = group[0];
    const out = await this.alter(conn, group, 'foreignKeys', (m) => addForeignKeysSql(database, table, group, m), startMode);
    if (out.kind === 'stopped') return false;
    if (out.kind === 'ok') return true;
    if (group.length > 1) {
      for (const o of group) {
        if (this.expired()) return false;
        if (!(await this.createForeignKeys(conn, [o], out.mode))) return false;
      }
      return true;
    }
    this.fail(group[0], 'sql-error', describeSqlError(out.error));
    await this.persist();
    return true;
  }

  private async applyTriggers(conn: SqlConnection, todo: TriggerObject[]): Promise<void> {
    const found = await this.notOnServer(conn, todo);
    if (!found) return;
    const { live, create } = found;
    if (!create.length) return;
    // Live order per timing/event, kept up to date as triggers are created.
    const liveOrder = new Map<string, string[]>();
    for (const t of [...live.triggers.values()].sort((a, b) => a.order - b.order)) {
      const g = `${t.timing} ${t.event}`;
      liveOrder.set(g, [...(liveOrder.get(g) ?? []), t.name]);
    }
    const planned = this.plan.objects.filter(
      (o): o is TriggerObject => o.kind === 'trigger' && o.database === todo[0].database && o.table === todo[0].table,
    );
    create.sort((a, b) => a.timing.localeCompare(b.timing) || a.event.localeCompare(b.event) || a.order - b.order);
    try {
      for (const o of create) {
        if (this.expired()) return;
        const g = `${o.timing} ${o.event}`;
        const group = planned.filter((p) => p.timing === o.timing && p.event === o.event).sort((a, b) => a.order - b.order);
        const current = liveOrder.get(g) ?? [];
        const before = group.filter((p) => p.order < o.order && current.includes(p.name));
        const after = group.filter((p) => p.order > o.order && current.includes(p.name));
        // Created in plan order, each trigger goes last: say FOLLOWS/PRECEDES only when that
        // would put it elsewhere (some of its group were present already).
        const lastBefore = before.length ? before[before.length - 1].name : undefined;
        const appendIsRight = !after.length && (lastBefore === undefined || current[current.length - 1] === lastBefore);
        let statement = o.statement;
        if (!appendIsRight && lastBefore !== undefined) statement = withTriggerOrder(o.statement, o.body, { follows: lastBefore }) ?? o.statement;
        else if (!appendIsRight) statement = withTriggerOrder(o.statement, o.body, { precedes: after[0].name }) ?? o.statement;
        await execute(conn, `USE ${quoteId(o.database)}`);
        // The statement is sent as utf8mb4; declare its original client character set only when
        // that does not change how its bytes read.
        const utf8 = /^utf8/i.test(o.characterSetClient) || /^[\x00-\x7f]*$/.test(statement);
        await execute(
          conn,
          utf8
            ? 'SET SESSION sql_mode = ?, SESSION character_set_client = ?, SESSION collation_connection = ?'
            : 'SET SESSION sql_mode = ?',
          utf8 ? [o.sqlMode, o.characterSetClient, o.collationConnection] : [o.sqlMode],
        );
        let out: StepOutcome;
        try {
          out = await this.step(conn, [o], 'create', 'triggers', statement);
        } finally {
          if (!this.isDetached(conn)) await execute(conn, 'SET NAMES utf8mb4');
          if (!this.isDetached(conn)) await execute(conn, 'SET SESSION sql_mode = ?', [ENGINE_SQL_MODE]);
        }
        if (out.kind === 'deadline' || out.kind === 'detached') return;
        if (out.kind === 'ok') {
          this.settle(o, 'restored');
          const list = [...current];
          if (appendIsRight || statement === o.statement) list.push(o.name);
          else if (lastBefore !== undefined) list.splice(list.indexOf(lastBefore) + 1, 0, o.name);
          else list.splice(list.indexOf(after[0].name), 0, o.name);
          liveOrder.set(g, list);
        } else {
          this.fail(o, 'sql-error', describeSqlError(out.error));
        }
        await this.persist();
      }
    } finally {
      if (!this.isDetached(conn)) await execute(conn, 'SET NAMES utf8mb4');
    }
  }

  // --- defer ---------------------------------------------------------------------------------

  /** Objects absent from the server need no drop; objects changed since capture are not dropped. */
  private async toDrop<T extends PlanObject>(conn: SqlConnection, todo: T[]): Promise<T[]> {
    const live = await this.liveTable(conn, todo[0], todo[0].kind);
    const drop: T[] = [];
    for (const o of todo) {
      const l = live ? liveObject(live, o) : undefined;
      if (!l) {
        this.settle(o, 'dropped', !this.byEarlierCall.has(o));
        continue;
      }
      const diff = difference(o, l);
      if (diff) this.fail(o, 'changed-since-capture', `not dropped: it changed since the plan was captured (${diff})`);
      else drop.push(o);
    }
    await this.persist();
    return drop;
  }

  private async dropTriggers(conn: SqlConnection, todo: TriggerObject[]): Promise<void> {
    const drop = await this.toDrop(conn, todo);
    for (const o of drop) {
      if (this.expired()) return;
      const out = await this.step(conn, [o], 'drop', 'triggers', dropTriggerSql(o));
      if (out.kind === 'deadline' || out.kind === 'detached') return;
      if (out.kind === 'ok') this.settle(o, 'dropped');
      else this.fail(o, 'sql-error', describeSqlError(out.error));
      await this.persist();
    }
  }

  private async dropForeignKeys(conn: SqlConnection, todo: ForeignKeyObject[]): Promise<void> {
    const drop = await this.toDrop(conn, todo);
    if (drop.length) await this.dropGroup(conn, drop, ONLINE, 'foreignKeys', (g, m) => dropForeignKeysSql(g[0].database, g[0].table, g, m));
  }

  private async dropIndexes(conn: SqlConnection, todo: IndexObject[]): Promise<void> {
    const drop = await this.toDrop(conn, todo);
    if (drop.length) await this.dropGroup(conn, drop, ONLINE, 'indexes', (g, m) => dropIndexesSql(g[0].database, g[0].table, g, m));
  }

  private async dropGroup<T extends IndexObject | ForeignKeyObject>(
    conn: SqlConnection,
    group: T[],
    startMode: AlterMode,
    stage: Stage,
    sql: (group: T[], mode: AlterMode) => string,
  ): Promise<boolean> {
    let mode = startMode;
    let lockRetries = 0;
    for (;;) {
      if (this.expired()) return false;
      const out = await this.step(conn, group, 'drop', stage, sql(group, mode));
      if (out.kind === 'deadline' || out.kind === 'detached') return false;
      if (out.kind === 'ok') {
        for (const o of group) this.settle(o, 'dropped');
        await this.persist();
        return true;
      }
      const e = sqlError(out.error);
      const next = relax(mode);
      if (e.errno !== undefined && MODE_REFUSED.has(e.errno) && next) {
        mode = next;
        continue;
      }
      if (e.errno !== undefined && LOCK_ERRORS.has(e.errno) && lockRetries++ < 3) continue;
      if (group.length > 1) {
        for (const o of group) if (!(await this.dropGroup(conn, [o], mode, stage, sql))) return false;
        return true;
      }
      this.fail(group[0], 'sql-error', describeSqlError(out.error));
      await this.persist();
      return true;
    }
  }

  // --- steps ---------------------------------------------------------------------------------

  /**
   * Issues one DDL statement for `objects`: records it in the plan (durably) before sending it,
   * tagged so a later call can find it in the processlist; races it against the deadline.
   */
  private async step(conn: SqlConnection, objects: PlanObject[], action: 'drop' | 'create', stage: Stage, sql: string): Promise<StepOutcome> {
    if (this.expired()) return { kind: 'deadline' };
    const id = `s${++this.plan.lastStep}`;
    const startedAt = new Date().toISOString();
    const previous = objects.map((o) => o.state);
    for (const o of objects) {
      o.step = { id, action, sql, startedAt };
      o.state = action === 'create' ? 'restoring' : 'dropping';
    }
    await this.persist();
    const { database, table } = objects[0];
    const t0 = Date.now();
    this.emit({ type: 'statement', stage, database, table, stepId: id, sql, message: `${describeStatement(sql)} [${id}]` });
    const pending = conn.query(statementTag(this.planId, id) + sql);
    const raced = await this.race(pending);
    if (raced.kind === 'deadline') {
      this.detach(conn, pending);
      this.emit({ type: 'deadline', stage, database, table, stepId: id, message: `statement ${id} still running; left running on the server` });
      return { kind: 'detached' };
    }
    objects.forEach((o, i) => {
      delete o.step;
      o.state = previous[i];
    });
    if (raced.kind === 'error') {
      this.emit({ type: 'done', stage, database, table, stepId: id, message: `statement ${id} failed: ${describeSqlError(raced.error)}`, durationMs: Date.now() - t0 });
      return { kind: 'error', error: raced.error };
    }
    this.emit({ type: 'done', stage, database, table, stepId: id, message: `statement ${id} done`, durationMs: Date.now() - t0 });
    return { kind: 'ok' };
  }

  /** A read-only scan, tagged; killed (not left running) when the call runs out of time. */
  private async scan(conn: SqlConnection, o: PlanObject, sql: string, what: 'count' | 'sample' = 'count'): Promise<ScanOutcome<Record<string, unknown>[]>> {
    if (this.expired()) return { kind: 'deadline' };
    const id = `q${this.callId}-${++this.scanCounter}`;
    const subject = o.kind === 'index' ? 'duplicate keys' : 'orphan rows';
    this.emit({
      type: 'scan',
      stage: o.kind === 'index' ? 'indexes' : 'foreignKeys',
      database: o.database,
      table: o.table,
      sql,
      message: what === 'count' ? `counting ${subject} of ${quoteId(o.name)}` : `sampling ${subject} of ${quoteId(o.name)}`,
    });
    const pending = queryRows(conn, statementTag(this.planId, id) + sql);
    const raced = await this.race(pending);
    if (raced.kind === 'deadline') {
      const thread = await this.threadId(conn);
      try {
        await execute(this.control, `KILL QUERY ${Math.trunc(thread)}`);
      } catch {
        // already finished
      }
      await pending.catch(() => undefined);
      return { kind: 'deadline' };
    }
    if (raced.kind === 'error') throw raced.error;
    return { kind: 'ok', value: raced.value as Record<string, unknown>[] };
  }

  private async race<T>(p: Promise<T>): Promise<{ kind: 'ok'; value: T } | { kind: 'error'; error: unknown } | { kind: 'deadline' }> {
    const settled = p.then(
      (value) => ({ kind: 'ok' as const, value }),
      (error: unknown) => ({ kind: 'error' as const, error }),
    );
    if (this.deadline === undefined) return settled;
    let timer: NodeJS.Timeout | undefined;
    const expiry = new Promise<{ kind: 'deadline' }>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'deadline' }), Math.max(0, this.deadline! - Date.now()));
    });
    try {
      const r = await Promise.race([settled, expiry]);
      if (r.kind === 'deadline') this.outOfTime = true;
      return r;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Leaves a running statement to the server: its connection is closed once it ends. */
  private detach(conn: SqlConnection, pending: Promise<unknown>): void {
    this.detached.add(conn);
    this.open.delete(conn);
    pending.then(
      () => closeQuietly(conn),
      () => closeQuietly(conn),
    );
  }

  private readonly detached = new Set<SqlConnection>();

  private isDetached(conn: SqlConnection): boolean {
    return this.detached.has(conn);
  }

  /**
   * Objects whose statement was recorded by an earlier call: wait while that statement still
   * runs on the server (never issue it twice), then let the live schema say what happened.
   */
  private async resolveInflight(conn: SqlConnection, stage: Stage, objs: PlanObject[]): Promise<'clear' | 'running'> {
    const steps = [...new Set(objs.filter((o) => o.step).map((o) => o.step!.id))];
    for (const id of steps) {
      let waited = false;
      let lastNote = 0;
      for (;;) {
        const rows = await queryRows(
          conn,
          'SELECT ID AS id, TIME AS secs, STATE AS state FROM information_schema.PROCESSLIST WHERE INFO LIKE ? AND ID <> CONNECTION_ID()',
          [tagLikePattern(this.planId, id)],
        );
        if (!rows.length) break;
        if (this.expired()) {
          this.outOfTime = true;
          return 'running';
        }
        if (!waited || Date.now() - lastNote > 30000) {
          const o = objs.find((x) => x.step?.id === id)!;
          this.emit({
            type: 'waiting',
            stage,
            database: o.database,
            table: o.table,
            stepId: id,
            message: `statement ${id} from an earlier call is still running (thread ${str(rows[0], 'id')}, ${str(rows[0], 'state') || 'running'}, ${str(rows[0], 'secs')}s): waiting for it`,
          });
          lastNote = Date.now();
        }
        waited = true;
        await sleep(Math.min(this.pollMs, this.deadline === undefined ? this.pollMs : Math.max(10, this.deadline - Date.now())));
      }
      for (const o of objs) {
        if (o.step?.id !== id) continue;
        if (o.step.action === (this.action === 'apply' ? 'create' : 'drop')) this.byEarlierCall.add(o);
        delete o.step;
        o.state = 'pending';
      }
      if (waited) this.emit({ type: 'info', stage, message: `statement ${id} from an earlier call has ended` });
    }
    if (steps.length) await this.persist();
    return 'clear';
  }

  /** Scans tagged by an earlier, interrupted call of this plan are killed (they change nothing). */
  private async killLeftoverScans(): Promise<void> {
    const rows = await queryRows(
      this.control,
      'SELECT ID AS id, INFO AS info FROM information_schema.PROCESSLIST WHERE INFO LIKE ? AND ID <> CONNECTION_ID()',
      [tagLikePattern(this.planId)],
    );
    for (const r of rows) {
      const tag = parseTag(str(r, 'info'));
      if (!tag || !tag.stepId.startsWith('q')) continue;
      try {
        await execute(this.control, `KILL QUERY ${Math.trunc(num(r, 'id'))}`);
      } catch {
        // gone already
      }
    }
  }

  // --- object state --------------------------------------------------------------------------

  /** Objects whose statement, issued by an earlier call, ended meanwhile: not "already in place". */
  private readonly byEarlierCall = new Set<PlanObject>();

  private presentAs(o: PlanObject, diff: string | undefined, state: 'restored'): void {
    if (diff) this.fail(o, 'different-definition', `exists with a different definition, left as is: ${diff}`);
    else this.settle(o, state, !this.byEarlierCall.has(o));
  }

  private settle(o: PlanObject, state: 'restored' | 'dropped', skipped = false): void {
    o.state = state;
    delete o.failure;
    if (skipped) o.skipped = true;
    else delete o.skipped;
    o.updatedAt = new Date().toISOString();
  }

  private fail(o: PlanObject, reason: FailureReason, message: string, count?: number, sample?: SampleRow[]): void {
    const failure: Failure = {
      action: this.action,
      run: this.runRecord.number,
      reason,
      message,
      ...(count !== undefined ? { count } : {}),
      ...(sample !== undefined ? { sample } : {}),
      at: new Date().toISOString(),
    };
    o.state = 'failed';
    o.failure = failure;
    delete o.skipped;
    o.updatedAt = failure.at;
    this.emit({ type: 'failed', stage: stageOf(o), database: o.database, table: o.table, message: `${o.kind} ${quoteId(o.name)}: ${reason}: ${message}` });
  }

  // --- plumbing ------------------------------------------------------------------------------

  private expired(): boolean {
    if (this.outOfTime) return true;
    if (this.deadline !== undefined && Date.now() >= this.deadline) this.outOfTime = true;
    return this.outOfTime;
  }

  persist(): Promise<void> {
    const p = this.saveChain.then(() => {
      this.plan.updatedAt = new Date().toISOString();
      return this.opts.store.save(this.plan);
    });
    this.saveChain = p.catch(() => undefined);
    return p;
  }

  private async connection(): Promise<SqlConnection> {
    const c = this.idle.pop();
    if (c) return c;
    const conn = await this.opts.connections.connect();
    await prepareSession(conn);
    this.open.add(conn);
    return conn;
  }

  private release(conn: SqlConnection): void {
    if (this.detached.has(conn) || !this.open.has(conn)) return;
    this.idle.push(conn);
  }

  private async threadId(conn: SqlConnection): Promise<number> {
    const known = this.threadIds.get(conn);
    if (known !== undefined) return known;
    const [r] = await queryRows(conn, 'SELECT CONNECTION_ID() AS id');
    this.threadIds.set(conn, num(r, 'id'));
    return num(r, 'id');
  }

  private async pool<T>(items: T[], fn: (conn: SqlConnection, item: T) => Promise<void>): Promise<void> {
    let next = 0;
    let failure: unknown;
    const worker = async (): Promise<void> => {
      while (failure === undefined && next < items.length && !this.expired()) {
        const item = items[next++];
        const conn = await this.connection();
        await this.threadId(conn);
        try {
          await fn(conn, item);
          this.release(conn);
        } catch (err) {
          failure = err;
          // the connection may be in any state: do not reuse it
          if (this.open.delete(conn)) await closeQuietly(conn);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, items.length) }, () => worker()));
    if (failure !== undefined) throw failure;
  }

  private emit(e: Omit<ProgressEvent, 'action' | 'elapsedMs'> & { action?: ProgressAction }): void {
    if (!this.opts.progress) return;
    try {
      this.opts.progress({ action: this.action, ...e, elapsedMs: Date.now() - this.started });
    } catch {
      // a listener must not break a run
    }
  }

  // --- result --------------------------------------------------------------------------------

  private result(done: boolean): RunResult {
    return buildResult(this.plan, this.action, this.runRecord.number, done, Date.now() - this.started);
  }
}

export function buildResult(plan: Plan, action: 'defer' | 'apply', run: number, done: boolean, elapsedMs: number): RunResult {
  const objs = plan.objects;
  const failedObjs = objs.filter((o) => o.state === 'failed' && !o.step);
  const failed: FailedObject[] = failedObjs.map((o) => ({
    ...ref(o),
    reason: o.failure?.reason ?? 'sql-error',
    message: o.failure?.message ?? '',
    ...(o.failure?.count !== undefined ? { count: o.failure.count } : {}),
    ...(o.failure?.sample !== undefined ? { sample: o.failure.sample } : {}),
  }));
  const running: RunningObject[] = objs.filter((o) => o.step).map((o) => ({ ...ref(o), stepId: o.step!.id, since: o.step!.startedAt }));
  const counts: Counts = {
    total: objs.length,
    restored: objs.filter((o) => o.state === 'restored' && !o.step).length,
    dropped: objs.filter((o) => o.state === 'dropped' && !o.step).length,
    skipped: objs.filter((o) => o.skipped && !o.step).length,
    failed: failed.length,
    pending: objs.filter((o) => !o.step && o.state !== 'failed' && o.state !== (action === 'apply' ? 'restored' : 'dropped')).length,
    running: running.length,
  };
  return {
    action,
    planId: plan.planId,
    run,
    phase: plan.phase,
    done,
    ok: done && failed.length === 0,
    counts,
    failed,
    running,
    orphans: failed.filter((f) => f.reason === 'orphan-rows'),
    elapsedMs,
  };
}

function ref(o: PlanObject): { key: string; kind: PlanObject['kind']; database: string; table: string; name: string } {
  return { key: o.key, kind: o.kind, database: o.database, table: o.table, name: o.name };
}

function stageOf(o: PlanObject): ProgressStage {
  return o.kind === 'index' ? 'indexes' : o.kind === 'foreignKey' ? 'foreignKeys' : 'triggers';
}

function isFulltext(o: IndexObject): boolean {
  return o.indexType.toUpperCase() === 'FULLTEXT';
}

function isSpatial(o: IndexObject): boolean {
  return o.indexType.toUpperCase() === 'SPATIAL';
}

function describeStatement(sql: string): string {
  const oneLine = sql.replace(/\s+/g, ' ');
  return oneLine.length > 160 ? oneLine.slice(0, 157) + '...' : oneLine;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function closeQuietly(conn: SqlConnection): Promise<void> {
  try {
    await conn.end();
  } catch {
    try {
      conn.destroy();
    } catch {
      // nothing left to do
    }
  }
}

export { objectKey };

/** The live object of the same kind and name as `o` on its table, if any. */
function liveObject(live: LiveTable, o: PlanObject): LiveObject | undefined {
  if (o.kind === 'index') return live.indexes.get(o.name);
  if (o.kind === 'foreignKey') return live.foreignKeys.get(o.name);
  return live.triggers.get(o.name);
}
