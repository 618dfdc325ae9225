/** Capture: reads the secondary objects of the databases into a new plan; the named locks runs take. */
import { createHash, randomBytes } from 'node:crypto';
import { LiveSchema, readCatalog } from './catalog';
import { SqlConnection, num, queryRows, str } from './connection';
import { CaptureOptions, PlanError } from './options';
import { closeQuietly } from './pool';
import { summarize } from './result';
import { detectServer, prepareSession } from './server';
import { PLAN_FORMAT, PLAN_VERSION, Plan, PlanObject, ServerInfo } from './types';

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

export async function buildPlan(conn: SqlConnection, server: ServerInfo, databases: readonly string[]): Promise<Plan> {
  return (await capturePlan(conn, server, databases)).plan;
}

/** The new plan and the catalog it was read from (a defer that just captured compares with it). */
export async function capturePlan(conn: SqlConnection, server: ServerInfo, databases: readonly string[]): Promise<{ plan: Plan; live: LiveSchema }> {
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
  const plan: Plan = {
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
  return { plan, live };
}

export function checkDatabases(databases: readonly string[]): void {
  if (!databases.length) throw new PlanError('no database given');
  for (const d of databases) if (!d) throw new PlanError('empty database name');
  if (new Set(databases).size !== databases.length) throw new PlanError('a database is listed twice');
}


export function planLockName(planId: string): string {
  return `dms-restore:${planId}`;
}

export function captureLockName(databases: readonly string[]): string {
  const digest = createHash('sha1').update(JSON.stringify([...databases].sort())).digest('hex');
  return `dms-restore-capture:${digest}`;
}

/** A named server lock (no privilege needed); released with the connection if not before. */
export async function acquireLock(conn: SqlConnection, name: string, waitSeconds: number): Promise<void> {
  const [r] = await queryRows(conn, 'SELECT GET_LOCK(?, ?) AS l', [name, waitSeconds]);
  if (num(r, 'l') !== 1) {
    throw new PlanError(
      name.startsWith('dms-restore:')
        ? `another run is working on plan ${name.slice('dms-restore:'.length)} (lock ${name} is held)`
        : `another run is capturing these databases (lock ${name} is held)`,
    );
  }
}

export async function releaseLock(conn: SqlConnection, name: string): Promise<void> {
  try {
    await queryRows(conn, 'SELECT RELEASE_LOCK(?) AS r', [name]);
  } catch {
    // the lock goes with the connection anyway
  }
}
