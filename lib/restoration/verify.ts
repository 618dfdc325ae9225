import { LiveTable, liveObjects, readCatalog, tableKey } from './catalog';
import { difference } from './compare';
import { SqlConnection, describeSqlError, num, queryRows, renderValue } from './connection';
import { orphanCountSql, orphanSampleSql } from './ddl';
import { EngineOptions, PlanError, closeQuietly } from './engine';
import { detectServer, prepareSession } from './server';
import { ForeignKeyObject, ObjectRef, PlanObject, SampleRow, TriggerObject, VerifiedObject, VerifyResult } from './types';

export interface VerifyOptions extends Omit<EngineOptions, 'deadline' | 'pollIntervalMs' | 'lockWaitSeconds'> {
  /** Scan every foreign key present for orphan rows (default true). */
  readonly orphanScan?: boolean;
}

/**
 * Compares the live schema with the plan: every planned object must be present with its planned
 * definition (trigger order included), and no foreign key may have orphan rows. Read-only.
 */
export async function verify(opts: VerifyOptions): Promise<VerifyResult> {
  const started = Date.now();
  const plan = await opts.store.load();
  if (!plan) throw new PlanError(`no plan in ${opts.store.description}`);
  const emit = (message: string, extra: { database?: string; table?: string } = {}): void => {
    try {
      opts.progress?.({ type: 'info', action: 'verify', stage: 'verify', message, elapsedMs: Date.now() - started, ...extra });
    } catch {
      // ignore listener errors
    }
  };
  const conn = await opts.connections.connect();
  const results: VerifiedObject[] = [];
  let extra: ObjectRef[] = [];
  try {
    await prepareSession(conn);
    const server = await detectServer(conn);
    const live = await readCatalog(conn, server, plan.databases);
    emit(`comparing ${plan.objects.length} object(s) with the server`);
    const planned = new Set(plan.objects.map((o) => o.key));
    for (const o of plan.objects) results.push(compareOne(o, live.tables.get(tableKey(o.database, o.table))));
    checkTriggerOrder(plan.objects, live.tables, results);
    extra = [...liveObjects(live)].filter((l) => !planned.has(l.key)).map((l) => ({ key: l.key, kind: l.kind, database: l.database, table: l.table, name: l.name }));
  } finally {
    await closeQuietly(conn);
  }

  if (opts.orphanScan !== false) {
    const fks = plan.objects.filter((o): o is ForeignKeyObject => o.kind === 'foreignKey');
    const present = fks.filter((f) => results.find((r) => r.key === f.key)?.status === 'ok');
    emit(`scanning ${present.length} foreign key(s) for orphan rows`);
    const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 2));
    let next = 0;
    const worker = async (): Promise<void> => {
      const c = await opts.connections.connect();
      try {
        await prepareSession(c);
        while (next < present.length) {
          const fk = present[next++];
          const r = await orphans(c, fk, opts.sampleSize ?? 5);
          if (r) {
            const i = results.findIndex((x) => x.key === fk.key);
            results[i] = { ...results[i], ...r };
          }
        }
      } finally {
        await closeQuietly(c);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, present.length) }, () => worker()));
  }

  const count = (s: VerifiedObject['status']): number => results.filter((r) => r.status === s).length;
  const problems = results.filter((r) => r.status !== 'ok');
  return {
    planId: plan.planId,
    ok: problems.length === 0,
    counts: {
      total: results.length,
      ok: count('ok'),
      missing: count('missing'),
      different: count('different'),
      orphans: count('orphans'),
      order: count('order'),
    },
    problems,
    extra,
    elapsedMs: Date.now() - started,
  };
}

function compareOne(o: PlanObject, t: LiveTable | undefined): VerifiedObject {
  const base = { key: o.key, kind: o.kind, database: o.database, table: o.table, name: o.name };
  if (!t) return { ...base, status: 'missing', message: 'table does not exist' };
  const l = o.kind === 'index' ? t.indexes.get(o.name) : o.kind === 'foreignKey' ? t.foreignKeys.get(o.name) : t.triggers.get(o.name);
  if (!l) return { ...base, status: 'missing', message: `${o.kind === 'foreignKey' ? 'foreign key' : o.kind} is missing`, expected: expectedText(o) };
  const diff = difference(o, l);
  if (diff) return { ...base, status: 'different', message: diff, expected: expectedText(o), actual: expectedText(l as PlanObject) };
  return { ...base, status: 'ok' };
}

function expectedText(o: PlanObject): string {
  return o.kind === 'trigger' ? o.statement : o.definition;
}

/** Planned triggers of a table, timing and event must fire in the planned relative order. */
function checkTriggerOrder(objects: readonly PlanObject[], tables: Map<string, LiveTable>, results: VerifiedObject[]): void {
  const groups = new Map<string, TriggerObject[]>();
  for (const o of objects) {
    if (o.kind !== 'trigger') continue;
    const k = JSON.stringify([o.database, o.table, o.timing, o.event]);
    groups.set(k, [...(groups.get(k) ?? []), o]);
  }
  for (const group of groups.values()) {
    const t = tables.get(tableKey(group[0].database, group[0].table));
    if (!t) continue;
    const present = group.filter((g) => t.triggers.has(g.name));
    const plannedOrder = [...present].sort((a, b) => a.order - b.order).map((g) => g.name);
    const liveOrder = [...present].sort((a, b) => t.triggers.get(a.name)!.order - t.triggers.get(b.name)!.order).map((g) => g.name);
    if (plannedOrder.join('\u0000') === liveOrder.join('\u0000')) continue;
    for (const g of present) {
      const i = results.findIndex((r) => r.key === g.key);
      if (results[i].status === 'ok') {
        results[i] = { ...results[i], status: 'order', message: `fires in order ${liveOrder.join(', ')}; plan has ${plannedOrder.join(', ')}` };
      }
    }
  }
}

async function orphans(conn: SqlConnection, fk: ForeignKeyObject, sampleSize: number): Promise<Partial<VerifiedObject> | undefined> {
  try {
    const [r] = await queryRows(conn, orphanCountSql(fk));
    const n = num(r ?? {}, 'n');
    if (n <= 0) return undefined;
    const rows = await queryRows(conn, orphanSampleSql(fk, sampleSize));
    const sample: SampleRow[] = rows.map((x) => ({ values: Object.fromEntries(fk.columns.map((c) => [c, renderValue(x[c])])), rows: num(x, 'n') }));
    return { status: 'orphans', message: `${n} row(s) reference no row of ${fk.referencedDatabase}.${fk.referencedTable}`, count: n, sample };
  } catch (err) {
    return { status: 'orphans', message: `orphan scan failed: ${describeSqlError(err)}` };
  }
}
