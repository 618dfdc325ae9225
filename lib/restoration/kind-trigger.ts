/**
 * Triggers: re-created from their original statement, in the session context they were created
 * in (sql_mode, character set), in their planned order among the triggers of the same table,
 * timing and event; dropped one statement each.
 */
import { execute } from './connection';
import { dropTriggerSql } from './ddl';
import { sqlFailure } from './failures';
import { KindModule, eachTable } from './kind';
import { ENGINE_SQL_MODE } from './server';
import { quoteId, withTriggerOrder } from './sql';
import { creationOrder, groupOf, placed, placement } from './trigger-order';
import { TriggerObject } from './types';

export const triggers: KindModule<TriggerObject> = {
  kind: 'trigger',
  stage: 'triggers',
  noun: 'trigger(s)',
  dropsBy: 'statement',
  dropSql: (o) => dropTriggerSql(o),
  async restore(run, units) {
    await eachTable(run, 'triggers', 'trigger(s)', units, async (conn, create, live) => {
      const { database, table } = create[0];
      // Live firing order per timing/event, kept up to date as triggers are created.
      const liveOrder = new Map<string, string[]>();
      for (const t of [...(live?.triggers.values() ?? [])].sort((a, b) => a.order - b.order)) {
        liveOrder.set(groupOf(t), [...(liveOrder.get(groupOf(t)) ?? []), t.name]);
      }
      const planned = run.state.tableObjects('trigger', database, table) as TriggerObject[];
      try {
        for (const o of creationOrder(create)) {
          if (run.exec.expired()) return;
          const current = liveOrder.get(groupOf(o)) ?? [];
          const where = placement(o, planned.filter((p) => groupOf(p) === groupOf(o)), current);
          const ordered = where === 'last' ? undefined : withTriggerOrder(o.statement, o.body, where);
          const statement = ordered ?? o.statement;
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
            liveOrder.set(groupOf(o), placed(current, o.name, ordered === undefined ? 'last' : where));
          } else {
            run.fail(o, sqlFailure(out.error));
          }
        }
      } finally {
        if (run.pool.usable(conn)) await execute(conn, 'SET NAMES utf8mb4');
      }
    });
  },
};
