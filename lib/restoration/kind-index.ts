/**
 * Secondary indexes: all the B-tree indexes of a table in one online ALTER TABLE; FULLTEXT and
 * SPATIAL with LOCK=SHARED (they refuse LOCK=NONE), one FULLTEXT per statement as InnoDB builds
 * them. A unique index that fails on duplicates is found by a scan, reported with a count and a
 * sample, and the others of its statement are built without it.
 */
import { runAlter } from './alter-policy';
import { SqlConnection, num, renderValue, sqlError } from './connection';
import { AlterMode, INPLACE_SHARED, ONLINE, addIndexesSql, duplicateCountSql, duplicateSampleSql } from './ddl';
import { duplicateKeys } from './failures';
import { KindModule, StageRun, eachTable } from './kind';
import { quoteId } from './sql';
import { IndexObject, SampleRow } from './types';

const DUPLICATE = new Set([1062, 1586, 1169]);

export function isFulltext(o: IndexObject): boolean {
  return o.indexType.toUpperCase() === 'FULLTEXT';
}

export function isSpatial(o: IndexObject): boolean {
  return o.indexType.toUpperCase() === 'SPATIAL';
}

/** The statements that build `create` (indexes of one table), each with its starting lock mode. */
export function indexBatches(create: readonly IndexObject[]): [IndexObject[], AlterMode][] {
  const plain = create.filter((o) => !isFulltext(o) && !isSpatial(o));
  const spatial = create.filter(isSpatial);
  const fulltext = create.filter(isFulltext);
  const batches: [IndexObject[], AlterMode][] = [];
  if (plain.length) batches.push([plain, ONLINE]);
  if (spatial.length || fulltext.length) batches.push([[...spatial, ...fulltext.slice(0, 1)], INPLACE_SHARED]);
  for (const f of fulltext.slice(1)) batches.push([[f], INPLACE_SHARED]);
  return batches;
}

/**
 * After a duplicate-key error: scans the unique indexes of the statement (the one the message
 * names first) and fails those with duplicate values, with a count and a sample.
 */
async function findDuplicates(run: StageRun, conn: SqlConnection, group: readonly IndexObject[], error: unknown): Promise<IndexObject[] | 'deadline'> {
  const e = sqlError(error);
  if (e.errno === undefined || !DUPLICATE.has(e.errno)) return [];
  const message = e.sqlMessage ?? e.message;
  const uniques = group.filter((o) => o.unique && !isFulltext(o) && !isSpatial(o));
  const named = uniques.filter((o) => message.includes(`'${o.name}'`) || message.includes(`.${o.name}'`));
  const order = [...named, ...uniques.filter((o) => !named.includes(o))];
  const culprits: IndexObject[] = [];
  for (const o of order) {
    const counted = await run.exec.scan(conn, o, duplicateCountSql(o), 'count');
    if (counted === 'deadline') return 'deadline';
    const values = num(counted[0] ?? {}, 'dup_values');
    if (values <= 0) continue;
    const rows = num(counted[0] ?? {}, 'dup_rows');
    const sampled = await run.exec.scan(conn, o, duplicateSampleSql(o, run.sampleSize), 'sample');
    if (sampled === 'deadline') return 'deadline';
    const sample: SampleRow[] = sampled.map((r) => ({
      values: Object.fromEntries(o.columns.map((c, i) => [c.name ?? c.expression ?? `part${i + 1}`, renderValue(r[`v${i}`])])),
      rows: num(r, 'n'),
    }));
    run.fail(o, duplicateKeys(values, rows, sample));
    culprits.push(o);
    if (named.includes(o)) break; // retry the others without it
  }
  return culprits;
}

export const indexes: KindModule<IndexObject> = {
  kind: 'index',
  stage: 'indexes',
  dropsBy: 'alter',
  dropSql: (o) => `DROP INDEX ${quoteId(o.name)}`,
  async restore(run, units) {
    const sql = (group: readonly IndexObject[], m: AlterMode): string => addIndexesSql(group[0].database, group[0].table, group, m);
    await eachTable(
      run,
      'indexes',
      'index(es)',
      units,
      async (conn, create) => {
        for (const [batch, mode] of indexBatches(create)) {
          const done = await runAlter(run, conn, batch, { action: 'create', stage: 'indexes', mode, sql, culprits: (group, error) => findDuplicates(run, conn, group, error) });
          if (!done) return;
        }
      },
      { first: (create) => indexBatches(create).map(([batch, mode]) => ({ objects: batch, action: 'create', sql: sql(batch, mode) })) },
    );
  },
};
