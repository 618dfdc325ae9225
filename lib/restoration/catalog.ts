import { Row, SqlConnection, num, numOrNull, queryRows, str, strOrNull } from './connection';
import { parseCreateTable, quoteTable } from './sql';
import {
  IndexColumn,
  LiveForeignKey,
  LiveIndex,
  LiveObject,
  LiveTrigger,
  ObjectKind,
  ReferentialAction,
  ServerInfo,
  objectKey,
  tableKey,
} from './types';

export { objectKey, tableKey };

export interface LiveTable {
  readonly database: string;
  readonly table: string;
  /** Data and index length as information_schema.TABLES estimates it (orders the work: largest first). */
  readonly bytes: number;
  readonly indexes: Map<string, LiveIndex>;
  readonly foreignKeys: Map<string, LiveForeignKey>;
  readonly triggers: Map<string, LiveTrigger>;
}

export interface LiveSchema {
  /** Tables that exist, by tableKey. */
  readonly tables: Map<string, LiveTable>;
}

export interface CatalogFilter {
  /** Only this table (of the single database given). */
  readonly table?: string;
  /** Which kinds to read (all by default). */
  readonly kinds?: readonly ObjectKind[];
  /**
   * Fill in the definition of foreign keys (SHOW CREATE TABLE of their tables; default true).
   * Comparing foreign keys needs only their fields: a run reading them to compare passes false.
   */
  readonly foreignKeyDefinitions?: boolean;
}

/**
 * Reads the secondary objects of the given databases: one query per catalog table
 * (information_schema TABLES, STATISTICS, REFERENTIAL_CONSTRAINTS with KEY_COLUMN_USAGE,
 * TRIGGERS) for all the databases at once, then SHOW CREATE TABLE of the tables that have
 * indexes (or keys whose definition is asked for) and SHOW CREATE TRIGGER of each trigger, for
 * the exact text.
 */
export async function readCatalog(
  conn: SqlConnection,
  server: ServerInfo,
  databases: readonly string[],
  filter: CatalogFilter = {},
): Promise<LiveSchema> {
  const tables = new Map<string, LiveTable>();
  if (!databases.length) return { tables };
  if (filter.table !== undefined && databases.length !== 1) throw new Error('readCatalog: a table filter needs exactly one database');
  const kinds = new Set<ObjectKind>(filter.kinds ?? ['index', 'foreignKey', 'trigger']);
  const tableCond = filter.table !== undefined ? ' AND TABLE_NAME = ?' : '';
  const params = (extra: unknown[] = []): unknown[] => (filter.table !== undefined ? [databases, filter.table, ...extra] : [databases, ...extra]);

  const tableRows = await queryRows(
    conn,
    `SELECT TABLE_SCHEMA AS db, TABLE_NAME AS tbl, COALESCE(DATA_LENGTH, 0) + COALESCE(INDEX_LENGTH, 0) AS bytes FROM information_schema.TABLES
      WHERE TABLE_SCHEMA IN (?)${tableCond} AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')
      ORDER BY TABLE_SCHEMA, TABLE_NAME`,
    params(),
  );
  for (const r of tableRows) {
    const database = str(r, 'db');
    const table = str(r, 'tbl');
    tables.set(tableKey(database, table), { database, table, bytes: num(r, 'bytes'), indexes: new Map(), foreignKeys: new Map(), triggers: new Map() });
  }
  if (!tables.size) return { tables };

  const needDdl = new Set<string>();

  if (kinds.has('index')) {
    const f = server.features;
    const extraCols = [
      f.ignoredIndexes ? ', IGNORED AS ignored' : '',
      f.invisibleIndexes ? ', IS_VISIBLE AS visible' : '',
      f.functionalIndexes ? ', EXPRESSION AS expr' : '',
    ].join('');
    const rows = await queryRows(
      conn,
      `SELECT TABLE_SCHEMA AS db, TABLE_NAME AS tbl, INDEX_NAME AS idx, NON_UNIQUE AS non_unique, SEQ_IN_INDEX AS seq,
              COLUMN_NAME AS col, COLLATION AS coll, SUB_PART AS sub_part, INDEX_TYPE AS index_type,
              INDEX_COMMENT AS index_comment${extraCols}
         FROM information_schema.STATISTICS
        WHERE TABLE_SCHEMA IN (?)${tableCond} AND INDEX_NAME <> 'PRIMARY'
        ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
      params(),
    );
    const grouped = groupBy(rows, (r) => JSON.stringify([str(r, 'db'), str(r, 'tbl'), str(r, 'idx')]));
    for (const parts of grouped.values()) {
      const r0 = parts[0];
      const database = str(r0, 'db');
      const table = str(r0, 'tbl');
      const t = tables.get(tableKey(database, table));
      if (!t) continue;
      const name = str(r0, 'idx');
      const columns: IndexColumn[] = parts.map((r) => {
        const coll = strOrNull(r, 'coll');
        return {
          name: strOrNull(r, 'col'),
          expression: f.functionalIndexes ? strOrNull(r, 'expr') : null,
          subPart: numOrNull(r, 'sub_part'),
          order: coll === 'D' ? 'DESC' : coll === 'A' ? 'ASC' : null,
        };
      });
      t.indexes.set(name, {
        key: objectKey('index', database, table, name),
        kind: 'index',
        database,
        table,
        name,
        unique: num(r0, 'non_unique') === 0,
        indexType: str(r0, 'index_type'),
        columns,
        comment: str(r0, 'index_comment'),
        visible: f.invisibleIndexes ? str(r0, 'visible').toUpperCase() === 'YES' : null,
        ignored: f.ignoredIndexes ? str(r0, 'ignored').toUpperCase() === 'YES' : null,
        definition: '',
      });
      needDdl.add(tableKey(database, table));
    }
  }

  if (kinds.has('foreignKey')) {
    const rows = await queryRows(
      conn,
      `SELECT rc.CONSTRAINT_SCHEMA AS db, rc.TABLE_NAME AS tbl, rc.CONSTRAINT_NAME AS fk,
              rc.UPDATE_RULE AS update_rule, rc.DELETE_RULE AS delete_rule,
              k.ORDINAL_POSITION AS pos, k.COLUMN_NAME AS col,
              k.REFERENCED_TABLE_SCHEMA AS ref_db, k.REFERENCED_TABLE_NAME AS ref_tbl, k.REFERENCED_COLUMN_NAME AS ref_col
         FROM information_schema.REFERENTIAL_CONSTRAINTS rc
         JOIN information_schema.KEY_COLUMN_USAGE k
           ON k.CONSTRAINT_SCHEMA = rc.CONSTRAINT_SCHEMA AND k.TABLE_NAME = rc.TABLE_NAME
          AND k.CONSTRAINT_NAME = rc.CONSTRAINT_NAME AND k.REFERENCED_TABLE_NAME IS NOT NULL
        WHERE rc.CONSTRAINT_SCHEMA IN (?)${filter.table !== undefined ? ' AND rc.TABLE_NAME = ?' : ''}
        ORDER BY rc.CONSTRAINT_SCHEMA, rc.TABLE_NAME, rc.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
      params(),
    );
    const grouped = groupBy(rows, (r) => JSON.stringify([str(r, 'db'), str(r, 'tbl'), str(r, 'fk')]));
    for (const parts of grouped.values()) {
      const r0 = parts[0];
      const database = str(r0, 'db');
      const table = str(r0, 'tbl');
      const t = tables.get(tableKey(database, table));
      if (!t) continue;
      const name = str(r0, 'fk');
      t.foreignKeys.set(name, {
        key: objectKey('foreignKey', database, table, name),
        kind: 'foreignKey',
        database,
        table,
        name,
        columns: parts.map((r) => str(r, 'col')),
        referencedDatabase: str(r0, 'ref_db'),
        referencedTable: str(r0, 'ref_tbl'),
        referencedColumns: parts.map((r) => str(r, 'ref_col')),
        onDelete: rule(str(r0, 'delete_rule')),
        onUpdate: rule(str(r0, 'update_rule')),
        definition: '',
      });
      if (filter.foreignKeyDefinitions !== false) needDdl.add(tableKey(database, table));
    }
  }

  for (const key of needDdl) {
    const t = tables.get(key);
    if (!t) continue;
    const ddl = await showCreateTable(conn, t.database, t.table);
    if (ddl === undefined) {
      tables.delete(key);
      continue;
    }
    const elements = parseCreateTable(ddl);
    const byName = new Map<string, string>();
    const fkByName = new Map<string, string>();
    for (const e of elements) {
      if (e.kind === 'index' && e.name !== undefined) byName.set(e.name, e.text);
      if (e.kind === 'foreignKey' && e.name !== undefined) fkByName.set(e.name, e.text);
    }
    for (const [name, idx] of t.indexes) {
      const def = byName.get(name);
      if (def === undefined) throw new Error(`index ${name} of ${quoteTable(t.database, t.table)} is in information_schema but not in SHOW CREATE TABLE`);
      t.indexes.set(name, { ...idx, definition: def });
    }
    // Keep the order in which the server prints the indexes.
    const order = [...byName.keys()];
    const sorted = [...t.indexes.values()].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
    t.indexes.clear();
    for (const i of sorted) t.indexes.set(i.name, i);
    for (const [name, fk] of t.foreignKeys) {
      t.foreignKeys.set(name, { ...fk, definition: fkByName.get(name) ?? '' });
    }
  }

  if (kinds.has('trigger')) {
    const rows = await queryRows(
      conn,
      `SELECT TRIGGER_SCHEMA AS db, TRIGGER_NAME AS name, EVENT_OBJECT_TABLE AS tbl, EVENT_MANIPULATION AS event,
              ACTION_TIMING AS timing, ACTION_ORDER AS action_order, ACTION_STATEMENT AS body, DEFINER AS definer,
              SQL_MODE AS sql_mode, CHARACTER_SET_CLIENT AS cs_client, COLLATION_CONNECTION AS coll_conn,
              DATABASE_COLLATION AS db_coll
         FROM information_schema.TRIGGERS
        WHERE TRIGGER_SCHEMA IN (?)${filter.table !== undefined ? ' AND EVENT_OBJECT_TABLE = ?' : ''}
        ORDER BY TRIGGER_SCHEMA, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER`,
      params(),
    );
    for (const r of rows) {
      const database = str(r, 'db');
      const table = str(r, 'tbl');
      const t = tables.get(tableKey(database, table));
      if (!t) continue;
      const name = str(r, 'name');
      const shown = await showCreateTrigger(conn, database, name);
      if (!shown) continue; // dropped meanwhile
      const trigger: LiveTrigger = {
        key: objectKey('trigger', database, table, name),
        kind: 'trigger',
        database,
        table,
        name,
        timing: str(r, 'timing').toUpperCase() === 'AFTER' ? 'AFTER' : 'BEFORE',
        event: eventOf(str(r, 'event')),
        order: num(r, 'action_order'),
        definer: str(r, 'definer'),
        sqlMode: shown.sqlMode,
        characterSetClient: shown.characterSetClient,
        collationConnection: shown.collationConnection,
        databaseCollation: shown.databaseCollation || str(r, 'db_coll'),
        statement: shown.statement,
        body: str(r, 'body'),
      };
      t.triggers.set(name, trigger);
    }
  }
  return { tables };
}

export async function showCreateTable(conn: SqlConnection, database: string, table: string): Promise<string | undefined> {
  try {
    const rows = await queryRows(conn, `SHOW CREATE TABLE ${quoteTable(database, table)}`);
    return rows.length ? str(rows[0], 'Create Table') : undefined;
  } catch (err) {
    if ((err as { errno?: number }).errno === 1146) return undefined;
    throw err;
  }
}

export interface ShownTrigger {
  readonly sqlMode: string;
  readonly statement: string;
  readonly characterSetClient: string;
  readonly collationConnection: string;
  readonly databaseCollation: string;
}

export async function showCreateTrigger(conn: SqlConnection, database: string, name: string): Promise<ShownTrigger | undefined> {
  let rows: Row[];
  try {
    rows = await queryRows(conn, `SHOW CREATE TRIGGER ${quoteTable(database, name)}`);
  } catch (err) {
    if ((err as { errno?: number }).errno === 1360) return undefined; // ER_TRG_DOES_NOT_EXIST
    throw err;
  }
  if (!rows.length) return undefined;
  const r = rows[0];
  return {
    sqlMode: str(r, 'sql_mode'),
    statement: str(r, 'SQL Original Statement'),
    characterSetClient: str(r, 'character_set_client'),
    collationConnection: str(r, 'collation_connection'),
    databaseCollation: str(r, 'Database Collation'),
  };
}

/** The live object of the same kind and name as `o` on its table, if any. */
export function liveObject(live: LiveTable, o: { readonly kind: ObjectKind; readonly name: string }): LiveObject | undefined {
  if (o.kind === 'index') return live.indexes.get(o.name);
  if (o.kind === 'foreignKey') return live.foreignKeys.get(o.name);
  return live.triggers.get(o.name);
}

/** The tables (tableKey) of the databases, one query; a database the user cannot see has none. */
export async function existingTables(conn: SqlConnection, databases: readonly string[]): Promise<Set<string>> {
  if (!databases.length) return new Set();
  const rows = await queryRows(conn, 'SELECT TABLE_SCHEMA AS db, TABLE_NAME AS tbl FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?)', [[...databases]]);
  return new Set(rows.map((r) => tableKey(str(r, 'db'), str(r, 'tbl'))));
}

export function* liveObjects(schema: LiveSchema): Generator<LiveObject> {
  for (const t of schema.tables.values()) {
    yield* t.indexes.values();
    yield* t.foreignKeys.values();
    yield* t.triggers.values();
  }
}

function rule(value: string): ReferentialAction {
  const v = value.toUpperCase();
  if (v === 'CASCADE' || v === 'SET NULL' || v === 'SET DEFAULT' || v === 'NO ACTION' || v === 'RESTRICT') return v;
  return 'RESTRICT';
}

function eventOf(value: string): 'INSERT' | 'UPDATE' | 'DELETE' {
  const v = value.toUpperCase();
  return v === 'UPDATE' || v === 'DELETE' ? v : 'INSERT';
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}
