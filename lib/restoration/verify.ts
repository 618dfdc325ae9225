import { LiveTable, liveObject, liveObjects, readCatalog } from './catalog';
import { difference } from './compare';
import { queryRows } from './connection';
import { orphanRows, orphanScanFailed } from './failures';
import { scanOrphans } from './kind-foreign-key';
import { EngineOptions, PlanError, checkKinds } from './options';
import { normalizeKinds } from './plan-state';
import { ConnectionPool } from './pool';
import { objectRef } from './result';
import { detectServer } from './server';
import { groupOf } from './trigger-order';
import { ForeignKeyObject, ObjectKind, ObjectRef, PlanObject, TriggerObject, VerifiedObject, VerifyCounts, VerifyResult, tableKey } from './types';

export interface VerifyOptions extends Omit<EngineOptions, 'deadline' | 'pollIntervalMs' | 'lockWaitSeconds'> {
  /** Scan every foreign key present for orphan rows (default true). */
  readonly orphanScan?: boolean;
  /** The kinds to compare with the server (default: all); objects of other kinds are not looked at. */
  readonly kinds?: readonly ObjectKind[];
}

/**
 * Compares the live schema with the plan: every planned object (of the kinds asked) must be
 * present with its planned definition (trigger order included), and no foreign key may have
 * orphan rows. Read-only: one read of the catalog, then the orphan scans, `concurrency` at once.
 */
export async function verify(opts: VerifyOptions): Promise<VerifyResult> {
  const started = Date.now();
  checkKinds(opts.kinds);
  const plan = await opts.store.load();
  if (!plan) throw new PlanError(`no plan in ${opts.store.description}`);
  const kinds = normalizeKinds(opts.kinds);
  const objects = plan.objects.filter((o) => kinds.includes(o.kind));
  const emit = (message: string): void => {
    try {
      opts.progress?.({ type: 'info', action: 'verify', stage: 'verify', message, elapsedMs: Date.now() - started });
    } catch {
      // ignore listener errors
    }
  };
  const pool = new ConnectionPool(opts.connections, opts.concurrency);
  const results = new Map<string, VerifiedObject>();
  let extra: ObjectRef[] = [];
  try {
    const conn = await pool.acquire();
    const server = await detectServer(conn);
    const live = await readCatalog(conn, server, plan.databases, { kinds });
    pool.release(conn);
    emit(`comparing ${objects.length} object(s) with the server`);
    for (const o of objects) results.set(o.key, compareOne(o, live.tables.get(tableKey(o.database, o.table))));
    checkTriggerOrder(objects, live.tables, results);
    const planned = new Set(plan.objects.map((o) => o.key));
    extra = [...liveObjects(live)].filter((l) => !planned.has(l.key)).map(objectRef);

    if (opts.orphanScan !== false) {
      const present = objects.filter((o): o is ForeignKeyObject => o.kind === 'foreignKey' && results.get(o.key)?.status === 'ok');
      emit(`scanning ${present.length} foreign key(s) for orphan rows`);
      const sampleSize = Math.max(1, opts.sampleSize ?? 5);
      await pool.forEach(present, async (c, fk) => {
        const r = results.get(fk.key)!;
        try {
          const scanned = await scanOrphans((sql) => queryRows(c, sql), fk, sampleSize);
          if (scanned !== 'deadline' && scanned.count > 0) {
            const f = orphanRows(fk, scanned.count, scanned.sample);
            results.set(fk.key, { ...r, status: 'orphans', message: f.message, count: f.count, sample: f.sample });
          }
        } catch (err) {
          results.set(fk.key, { ...r, status: 'orphans', message: orphanScanFailed(err).message });
        }
      });
    }
  } finally {
    await pool.close();
  }

  const all = [...results.values()];
  const problems = all.filter((r) => r.status !== 'ok');
  const byKind: Partial<Record<ObjectKind, VerifyCounts>> = {};
  for (const k of kinds) byKind[k] = countsOf(all.filter((r) => r.kind === k));
  return { planId: plan.planId, kinds, ok: problems.length === 0, counts: countsOf(all), byKind, problems, extra, elapsedMs: Date.now() - started };
}

function countsOf(results: readonly VerifiedObject[]): VerifyCounts {
  const count = (s: VerifiedObject['status']): number => results.filter((r) => r.status === s).length;
  return { total: results.length, ok: count('ok'), missing: count('missing'), different: count('different'), orphans: count('orphans'), order: count('order') };
}

function compareOne(o: PlanObject, t: LiveTable | undefined): VerifiedObject {
  const base = objectRef(o);
  if (!t) return { ...base, status: 'missing', message: 'table does not exist' };
  const l = liveObject(t, o);
  if (!l) return { ...base, status: 'missing', message: `${o.kind === 'foreignKey' ? 'foreign key' : o.kind} is missing`, expected: expectedText(o) };
  const diff = difference(o, l);
  if (diff) return { ...base, status: 'different', message: diff, expected: expectedText(o), actual: expectedText(l as PlanObject) };
  return { ...base, status: 'ok' };
}

function expectedText(o: PlanObject): string {
  return o.kind === 'trigger' ? o.statement : o.definition;
}

/** Planned triggers of a table, timing and event must fire in the planned relative order. */
function checkTriggerOrder(objects: readonly PlanObject[], tables: Map<string, LiveTable>, results: Map<string, VerifiedObject>): void {
  const groups = new Map<string, TriggerObject[]>();
  for (const o of objects) {
    if (o.kind !== 'trigger') continue;
    const k = JSON.stringify([o.database, o.table, groupOf(o)]);
    const list = groups.get(k);
    if (list) list.push(o);
    else groups.set(k, [o]);
  }
  for (const group of groups.values()) {
    const t = tables.get(tableKey(group[0].database, group[0].table));
    if (!t) continue;
    const present = group.filter((g) => t.triggers.has(g.name));
    const plannedOrder = [...present].sort((a, b) => a.order - b.order).map((g) => g.name);
    const liveOrder = [...present].sort((a, b) => t.triggers.get(a.name)!.order - t.triggers.get(b.name)!.order).map((g) => g.name);
    if (plannedOrder.join('\u0000') === liveOrder.join('\u0000')) continue;
    for (const g of present) {
      const r = results.get(g.key)!;
      if (r.status === 'ok') results.set(g.key, { ...r, status: 'order', message: `fires in order ${liveOrder.join(', ')}; plan has ${plannedOrder.join(', ')}` });
    }
  }
}
