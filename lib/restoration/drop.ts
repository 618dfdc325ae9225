/**
 * Defer's stages: drops, table by table. Objects dropped by a statement of their own (triggers)
 * go one by one; the others of a table (its foreign keys, then its indexes) go in one ALTER
 * TABLE, under the same ALTER policy as creates.
 *
 * InnoDB refuses to drop the index a foreign key references while the key exists, even when the
 * key is dropped in the same statement (measured on MariaDB 10.11: error 1553 for a
 * self-referencing key). Such indexes (one whose leading columns are the referenced columns of a
 * planned key being dropped) are dropped in a second pass, once every table's keys are gone.
 */
import { runAlter } from './alter-policy';
import { AlterMode, ONLINE, alterTableSql } from './ddl';
import { STAGE_OF, Stage, Statement } from './executor';
import { sqlFailure } from './failures';
import { KindModule, StageRun, bySize, byTable, eachTable } from './kind';
import { ForeignKeyObject, IndexObject, ObjectKind, PlanObject, tableKey } from './types';

/** Indexes that a key of `fks` may need on its referenced table. */
export function referencedIndexes(indexes: readonly IndexObject[], fks: readonly ForeignKeyObject[]): Set<IndexObject> {
  const byParent = new Map<string, ForeignKeyObject[]>();
  for (const f of fks) {
    const k = tableKey(f.referencedDatabase, f.referencedTable);
    byParent.set(k, [...(byParent.get(k) ?? []), f]);
  }
  const needed = new Set<IndexObject>();
  for (const i of indexes) {
    const refs = byParent.get(tableKey(i.database, i.table));
    if (!refs) continue;
    const cols = i.columns.map((c) => c.name);
    if (refs.some((f) => f.referencedColumns.length <= cols.length && f.referencedColumns.every((c, n) => cols[n] === c))) needed.add(i);
  }
  return needed;
}

/** The progress stage of a defer stage over `kinds`. */
export function dropStageName(kinds: readonly ObjectKind[]): Stage {
  return kinds.includes('foreignKey') ? 'foreignKeys' : STAGE_OF[kinds[0]];
}

export async function dropStage(run: StageRun, modules: ReadonlyMap<ObjectKind, KindModule>, objects: readonly PlanObject[]): Promise<void> {
  const stage = dropStageName([...new Set(objects.map((o) => o.kind))]);
  const fks = objects.filter((o): o is ForeignKeyObject => o.kind === 'foreignKey');
  const later = referencedIndexes(
    objects.filter((o): o is IndexObject => o.kind === 'index'),
    fks,
  );
  const mod = (o: PlanObject): KindModule => modules.get(o.kind)!;
  // Foreign keys before indexes in the statement (an index may serve a key of the table).
  const order: ObjectKind[] = ['foreignKey', 'index'];
  const alterOf = (drop: readonly PlanObject[]): PlanObject[] =>
    drop.filter((x) => mod(x).dropsBy === 'alter').sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  const alterSql = (group: readonly PlanObject[], m: AlterMode): string => alterTableSql(group[0].database, group[0].table, group.map((o) => mod(o).dropSql(o)), m);
  /** What a table sends first: a statement per statement-dropped object, one ALTER for the others. */
  const first = (drop: PlanObject[]): Statement[] => {
    const alter = alterOf(drop);
    return [
      ...drop.filter((x) => mod(x).dropsBy === 'statement').map((o) => ({ objects: [o], action: 'drop' as const, sql: mod(o).dropSql(o) })),
      ...(alter.length ? [{ objects: alter, action: 'drop' as const, sql: alterSql(alter, ONLINE) }] : []),
    ];
  };
  const passes = [objects.filter((o) => !later.has(o as IndexObject)), objects.filter((o) => later.has(o as IndexObject))];
  for (const pass of passes) {
    if (!pass.length || run.exec.expired()) continue;
    await eachTable(
      run,
      stage,
      'object(s)',
      bySize(byTable(pass), run.live),
      async (conn, drop) => {
        for (const o of drop.filter((x) => mod(x).dropsBy === 'statement')) {
          const out = await run.exec.step(conn, [o], 'drop', STAGE_OF[o.kind], mod(o).dropSql(o));
          if (out.kind === 'deadline' || out.kind === 'detached') return;
          if (out.kind === 'ok') run.settle(o, 'dropped');
          else run.fail(o, sqlFailure(out.error));
        }
        const alter = alterOf(drop);
        if (!alter.length) return;
        await runAlter(run, conn, alter, {
          action: 'drop',
          stage: (group) => (group.some((o) => o.kind === 'foreignKey') ? 'foreignKeys' : 'indexes'),
          mode: ONLINE,
          sql: alterSql,
        });
      },
      { first },
    );
  }
}
