/**
 * Triggers: re-created from their original statement, in the session context they were created
 * in (sql_mode, character set), in their planned order among the triggers of the same table,
 * timing and event; dropped one statement each.
 */
import { LiveTable } from './catalog';
import { execute } from './connection';
import { dropTriggerSql } from './ddl';
import { sqlFailure } from './failures';
import { KindModule, eachTable } from './kind';
import { ENGINE_SQL_MODE } from './server';
import { quoteId, withTriggerOrder } from './sql';
import { Placement, creationOrder, groupOf, placed, placement } from './trigger-order';
import { TriggerObject, tableKey } from './types';

/** Firing order per timing/event on the server now. */
function liveOrderOf(live: LiveTable | undefined): Map<string, string[]> {
  const order = new Map<string, string[]>();
  for (const t of [...(live?.triggers.values() ?? [])].sort((a, b) => a.order - b.order)) order.set(groupOf(t), [...(order.get(groupOf(t)) ?? []), t.name]);
  return order;
}

/** The statement that creates `o` in its place, and where it goes (last when no clause could be added). */
function creation(o: TriggerObject, planned: readonly TriggerObject[], order: Map<string, string[]>): { statement: string; where: Placement } {
  const where = placement(o, planned.filter((p) => groupOf(p) === groupOf(o)), order.get(groupOf(o)) ?? []);
  const ordered = where === 'last' ? undefined : withTriggerOrder(o.statement, o.body, where);
  return ordered === undefined ? { statement: o.statement, where: 'last' } : { statement: ordered, where };
}

export const triggers: KindModule<TriggerObject> = {
  kind: 'trigger',
  stage: 'triggers',
  dropsBy: 'statement',
  dropSql: (o) => dropTriggerSql(o),
  async restore(run, units) {
    const plannedOf = (o: TriggerObject): TriggerObject[] => run.state.tableObjects('trigger', o.database, o.table) as TriggerObject[];
    /** The statements of one table, in creation order, if each succeeds. */
    const statements = (create: TriggerObject[], live: LiveTable | undefined): { o: TriggerObject; statement: string; where: Placement }[] => {
      const order = liveOrderOf(live);
      return creationOrder(create).map((o) => {
        const c = creation(o, plannedOf(o), order);
        order.set(groupOf(o), placed(order.get(groupOf(o)) ?? [], o.name, c.where));
        return { o, ...c };
      });
    };
    const liveOf = (o: TriggerObject): LiveTable | undefined => run.live.tables.get(tableKey(o.database, o.table));
    await eachTable(
      run,
      'triggers',
      'trigger(s)',
      units,
      async (conn, create, live) => {
        const order = liveOrderOf(live);
        try {
          for (const o of creationOrder(create)) {
            if (run.exec.expired()) return;
            const { statement, where } = creation(o, plannedOf(o), order);
            await execute(conn, `USE ${quoteId(o.database)}`);
            // The statement is sent as utf8mb4; declare its original client character set only when
            // that does not change how its bytes read.
            const utf8 = /^utf8/i.test(o.characterSetClient) || /^[\x00-\x7f]*$/.test(statement);
            await execute(
              conn,
              utf8 ? 'SET SESSION sql_mode = ?, SESSION character_set_client = ?, SESSION collation_connection = ?' : 'SET SESSION sql_mode = ?',
              utf8 ? [o.sqlMode, o.characterSetClient, o.collationConnection] : [o.sqlMode],
            );
            let out;
            try {
              out = await run.exec.step(conn, [o], 'create', 'triggers', statement);
            } finally {
              if (run.pool.usable(conn)) {
                await execute(conn, 'SET NAMES utf8mb4');
                await execute(conn, 'SET SESSION sql_mode = ?', [ENGINE_SQL_MODE]);
              }
            }
            if (out.kind === 'deadline' || out.kind === 'detached') return;
            if (out.kind === 'ok') {
              run.settle(o, 'restored');
              order.set(groupOf(o), placed(order.get(groupOf(o)) ?? [], o.name, where));
            } else {
              run.fail(o, sqlFailure(out.error));
            }
          }
        } finally {
          if (run.pool.usable(conn)) await execute(conn, 'SET NAMES utf8mb4');
        }
      },
      { first: (create) => statements(create, liveOf(create[0])).map(({ o, statement }) => ({ objects: [o], action: 'create', sql: statement })) },
    );
  },
};
