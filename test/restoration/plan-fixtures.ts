/** Plans built in memory for the tests that need no database (not a test file). */
import { ForeignKeyObject, IndexObject, PLAN_VERSION, Plan, TriggerObject, objectKey } from '../../lib/restoration';

export function indexObject(database: string, table: string, name: string, columns: string[] = ['a'], unique = false): IndexObject {
  return {
    key: objectKey('index', database, table, name),
    kind: 'index',
    database,
    table,
    name,
    unique,
    indexType: 'BTREE',
    columns: columns.map((c) => ({ name: c, expression: null, subPart: null, order: 'ASC' })),
    comment: '',
    visible: null,
    ignored: false,
    definition: `${unique ? 'UNIQUE ' : ''}KEY \`${name}\` (${columns.map((c) => `\`${c}\``).join(',')})`,
    state: 'captured',
  };
}

export function foreignKeyObject(database: string, table: string, name: string, referencedTable: string, referencedColumns = ['id']): ForeignKeyObject {
  return {
    key: objectKey('foreignKey', database, table, name),
    kind: 'foreignKey',
    database,
    table,
    name,
    columns: referencedColumns.map((c) => `${referencedTable}_${c}`),
    referencedDatabase: database,
    referencedTable,
    referencedColumns,
    onDelete: 'RESTRICT',
    onUpdate: 'RESTRICT',
    definition: '',
    state: 'captured',
  };
}

export function triggerObject(database: string, table: string, name: string, order = 1, timing: 'BEFORE' | 'AFTER' = 'BEFORE'): TriggerObject {
  return {
    key: objectKey('trigger', database, table, name),
    kind: 'trigger',
    database,
    table,
    name,
    timing,
    event: 'INSERT',
    order,
    definer: 'root@localhost',
    sqlMode: '',
    characterSetClient: 'utf8mb4',
    collationConnection: 'utf8mb4_general_ci',
    databaseCollation: 'utf8mb4_general_ci',
    statement: `CREATE TRIGGER ${name} ${timing} INSERT ON ${table} FOR EACH ROW SET NEW.a = 1`,
    body: 'SET NEW.a = 1',
    state: 'captured',
  };
}

/** A plan of `tables` tables in database `app`, each with two indexes, a foreign key to the first table and a trigger. */
export function widePlan(tables: number): Plan {
  const objects = [];
  for (let t = 0; t < tables; t++) {
    const table = `t${t}`;
    objects.push(indexObject('app', table, `ix_${t}_a`), indexObject('app', table, `uq_${t}_b`, ['b'], true), foreignKeyObject('app', table, `fk_${t}`, 't0'), triggerObject('app', table, `trg_${t}`));
  }
  return {
    format: 'dms-restore-plan',
    version: PLAN_VERSION,
    planId: 'abcdef0123',
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
    server: { flavor: 'mariadb', version: '10.11.6-MariaDB', versionNumber: [10, 11, 6], aurora: null, features: { ignoredIndexes: true, invisibleIndexes: false, functionalIndexes: false } },
    databases: ['app'],
    phase: 'captured',
    lastStep: 0,
    runs: [],
    objects,
  };
}
