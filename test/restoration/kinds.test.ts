import { MemoryPlanStore, apply, defer, verify } from '../../lib/restoration';
import { adminExec, createTestDatabases, dropTestDatabases } from '../support/mariadb';
import { engineUser, objectCounts, q, recordingFactory, schemaSnapshot } from './helpers';
import { richSchema } from './schemas';

describe('runs over some kinds of object', () => {
  let dbs: string[];

  beforeAll(async () => {
    dbs = await createTestDatabases(['kinds_app', 'kinds_ref']);
    await adminExec(richSchema(dbs[0], dbs[1]));
  });

  afterAll(async () => {
    await dropTestDatabases(dbs);
  });

  it('restores indexes and foreign keys after the load, triggers at cutover, and says per kind what is still deferred', async () => {
    const before = await schemaSnapshot(dbs);
    const user = await engineUser(dbs);
    const factory = recordingFactory(user);
    const store = new MemoryPlanStore();

    // Before the load: triggers and foreign keys only; the indexes stay.
    const deferred = await defer({ connections: factory, store, databases: dbs, kinds: ['trigger', 'foreignKey'] });
    expect(deferred).toMatchObject({ ok: true, kinds: ['foreignKey', 'trigger'], counts: { total: 10, dropped: 10 } });
    expect(deferred.byKind.index).toMatchObject({ total: 16, deferred: 0, dropped: 0 });
    expect(await objectCounts(dbs)).toEqual({ indexes: 16, foreignKeys: 0, triggers: 0 });
    expect((await defer({ connections: factory, store })).counts).toMatchObject({ total: 26, dropped: 26, skipped: 10 });
    expect(await objectCounts(dbs)).toEqual({ indexes: 0, foreignKeys: 0, triggers: 0 });

    // After the load: indexes and foreign keys.
    const postLoad = await apply({ connections: factory, store, kinds: ['index', 'foreignKey'] });
    expect(postLoad).toMatchObject({ done: true, ok: true, phase: 'deferred', counts: { total: 21, restored: 21, pending: 0 } });
    expect(postLoad.byKind.trigger).toMatchObject({ total: 5, deferred: 5, restored: 0 });
    expect(await objectCounts(dbs)).toEqual({ indexes: 16, foreignKeys: 5, triggers: 0 });
    const partial = await verify({ connections: factory, store, kinds: ['index', 'foreignKey'] });
    expect(partial).toMatchObject({ ok: true, kinds: ['index', 'foreignKey'], counts: { total: 21, ok: 21 } });
    expect(partial.byKind.foreignKey).toMatchObject({ total: 5, ok: 5 });
    expect((await verify({ connections: factory, store })).counts).toMatchObject({ missing: 5 });

    // At cutover: the triggers.
    const cutover = await apply({ connections: factory, store, kinds: ['trigger'] });
    expect(cutover).toMatchObject({ done: true, ok: true, phase: 'applied', counts: { total: 5, restored: 5 } });
    expect(cutover.byKind.trigger.deferred).toBe(0);
    expect(await schemaSnapshot(dbs)).toEqual(before);
    expect((await verify({ connections: factory, store })).ok).toBe(true);
  });
});

describe('cost per object', () => {
  const created: string[] = [];

  afterAll(async () => {
    await dropTestDatabases(created);
  });

  /** `tables` tables with two indexes, a foreign key to the table before and a trigger. */
  async function wide(tables: number): Promise<string> {
    const [db] = await createTestDatabases([`wide_${tables}`]);
    created.push(db);
    const D = q(db);
    const statements: string[] = [];
    for (let t = 0; t < tables; t++) {
      const fk = t > 0 ? `, CONSTRAINT fk_${t} FOREIGN KEY (p) REFERENCES ${D}.t${t - 1} (id)` : '';
      statements.push(
        `CREATE TABLE ${D}.t${t} (id INT PRIMARY KEY, p INT, a INT, b INT, KEY ix_${t}_p (p), UNIQUE KEY uq_${t}_a (a), KEY ix_${t}_b (b)${fk}) ENGINE=InnoDB`,
        `CREATE TRIGGER ${D}.trg_${t} BEFORE INSERT ON ${D}.t${t} FOR EACH ROW SET NEW.b = NEW.b + 0`,
      );
    }
    await adminExec(statements);
    return db;
  }

  /** What a defer and an apply send, by kind of statement. */
  async function cycle(db: string): Promise<{ catalog: number; perTable: number; saves: number; records: number; ddl: number }> {
    const user = await engineUser([db]);
    const factory = recordingFactory(user);
    const store = new MemoryPlanStore();
    expect((await defer({ connections: factory, store, databases: [db] })).ok).toBe(true);
    expect((await apply({ connections: factory, store })).ok).toBe(true);
    const s = factory.statements;
    return {
      catalog: s.filter((x) => /information_schema\.(TABLES|STATISTICS|REFERENTIAL_CONSTRAINTS|TRIGGERS)\b/.test(x)).length,
      perTable: s.filter((x) => /^SHOW CREATE TABLE/.test(x)).length,
      saves: store.saves,
      records: store.records,
      ddl: s.filter((x) => /^\/\* dms-restore [^*]*\*\/ (ALTER|CREATE|DROP)\b/.test(x)).length,
    };
  }

  it('reads each catalog table once per stage, records each stage\'s statements at once, and sends one ALTER per table and step', async () => {
    const small = await cycle(await wide(3));
    const large = await cycle(await wide(12));
    // Set-based: as many catalog queries for 12 tables as for 3.
    expect(large.catalog).toBe(small.catalog);
    // The whole plan: capture, then the start and end of each of the two calls. In between, the
    // statements of a stage are recorded together before the first is sent: as many records for
    // 12 tables as for 3 (defer: triggers, keys and indexes; apply: indexes, keys, triggers).
    expect([small.saves, large.saves]).toEqual([5, 5]);
    expect([small.records, large.records]).toEqual([5, 5]);
    // SHOW CREATE TABLE (exact index text): once per table at capture (the defer that captured
    // compares with that reading), never in apply (nothing to compare: the indexes are gone).
    expect(large.perTable).toBe(12);
    // Defer: a trigger, then one ALTER for keys and indexes per table; apply: indexes, key, trigger.
    expect(large.ddl).toBe(12 + 12 + (12 + 11 + 12));
  });
});
