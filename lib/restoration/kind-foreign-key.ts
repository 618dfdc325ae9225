/**
 * Foreign keys, in three passes over a stage: which keys are missing (from the stage's reading
 * of the catalog), then what FK checks would have refused (a missing referenced table, orphan
 * rows: one scan per key, so the scans of one large table run side by side), then one ALTER
 * TABLE per table with FK checks off (added in place, no table copy). Running every scan before
 * any ALTER keeps the ALTERs from waiting for the metadata locks of scans.
 */
import { runAlter } from './alter-policy';
import { existingTables } from './catalog';
import { SqlConnection, execute, num, renderValue } from './connection';
import { AlterMode, ONLINE, addForeignKeysSql, orphanCountSql, orphanExistsSql, orphanSampleSql } from './ddl';
import { Rows } from './executor';
import { missingReferencedTable, orphanRows, orphanScanFailed } from './failures';
import { KindModule, StageRun, eachTable, tableSummary } from './kind';
import { quoteId } from './sql';
import { ForeignKeyObject, LiveForeignKey, SampleRow, tableKey } from './types';

export interface OrphanScan {
  readonly count: number;
  readonly sample: SampleRow[];
}

/**
 * Counts the rows of the key's table that reference no row of its referenced table (and samples
 * a few) with `query`: a tagged scan that is killed at the deadline in apply, a plain query in
 * verify.
 */
export async function scanOrphans(
  query: (sql: string, what: 'count' | 'sample') => Promise<Rows | 'deadline'>,
  fk: LiveForeignKey,
  sampleSize: number,
): Promise<OrphanScan | 'deadline'> {
  const any = await query(orphanExistsSql(fk), 'count');
  if (any === 'deadline') return 'deadline';
  if (!any.length) return { count: 0, sample: [] };
  const counted = await query(orphanCountSql(fk), 'count');
  if (counted === 'deadline') return 'deadline';
  const count = num(counted[0] ?? {}, 'n');
  if (count <= 0) return { count: 0, sample: [] };
  const sampled = await query(orphanSampleSql(fk, sampleSize), 'sample');
  if (sampled === 'deadline') return 'deadline';
  return {
    count,
    sample: sampled.map((r) => ({ values: Object.fromEntries(fk.columns.map((c) => [c, renderValue(r[c])])), rows: num(r, 'n') })),
  };
}

/** What FK checks would have refused; true when the key can be added (else it is failed). */
async function check(run: StageRun, conn: SqlConnection, fk: ForeignKeyObject, referenced: Set<string>): Promise<boolean> {
  if (!referenced.has(tableKey(fk.referencedDatabase, fk.referencedTable))) {
    run.fail(fk, missingReferencedTable(fk));
    return false;
  }
  let scanned: OrphanScan | 'deadline';
  try {
    scanned = await scanOrphans((sql, what) => run.exec.scan(conn, fk, sql, what), fk, run.sampleSize);
  } catch (err) {
    run.fail(fk, orphanScanFailed(err));
    return false;
  }
  if (scanned === 'deadline') return false;
  if (scanned.count > 0) {
    run.fail(fk, orphanRows(fk, scanned.count, scanned.sample));
    return false;
  }
  return true;
}

const addSql = (group: readonly ForeignKeyObject[], m: AlterMode): string => addForeignKeysSql(group[0].database, group[0].table, group, m);

/** Adds the checked keys of one table in one ALTER TABLE, FK checks off (in place). */
async function add(run: StageRun, conn: SqlConnection, fks: readonly ForeignKeyObject[]): Promise<void> {
  await execute(conn, 'SET SESSION foreign_key_checks = 0');
  try {
    await runAlter(run, conn, fks, { action: 'create', stage: 'foreignKeys', mode: ONLINE, sql: addSql });
  } finally {
    if (run.pool.usable(conn)) await execute(conn, 'SET SESSION foreign_key_checks = 1');
  }
}

export const foreignKeys: KindModule<ForeignKeyObject> = {
  kind: 'foreignKey',
  stage: 'foreignKeys',
  dropsBy: 'alter',
  dropSql: (o) => `DROP FOREIGN KEY ${quoteId(o.name)}`,
  async restore(run, units) {
    const candidates: ForeignKeyObject[][] = [];
    await eachTable(run, 'foreignKeys', 'foreign key(s)', units, async (_conn, create) => void candidates.push(create), { summary: false });
    const checks = candidates.flat();
    if (!checks.length || run.exec.expired()) return;
    const referenced = await existingTables(run.control, [...new Set(checks.map((f) => f.referencedDatabase))]);
    const passed = new Set<ForeignKeyObject>();
    await run.pool.forEach(
      checks,
      async (conn, fk) => {
        if (await check(run, conn, fk, referenced)) passed.add(fk);
      },
      () => run.exec.expired(),
    );
    const groups = candidates.map((list) => list.filter((fk) => passed.has(fk))).filter((list) => list.length > 0);
    await run.exec.announce(groups.map((fks) => ({ objects: fks, action: 'create', sql: addSql(fks, ONLINE) })));
    await run.pool.forEach(
      groups,
      async (conn, fks) => {
        const t0 = Date.now();
        await add(run, conn, fks);
        const { database, table } = fks[0];
        run.exec.emit({ type: 'done', stage: 'foreignKeys', database, table, message: tableSummary('apply', run.state.tableObjects('foreignKey', database, table)), durationMs: Date.now() - t0 });
      },
      () => run.exec.expired(),
    );
  },
};
