import { MemoryPlanStore, apply, capture, defer, verify } from '../../lib/restoration';
import { adminConnection, adminExec, createTestDatabases, dropTestDatabases } from '../support/mariadb';
import { ddlOf, engineUser, q, recordingFactory, schemaSnapshot } from './helpers';

describe('objects that exist with another definition, trigger order, concurrent runs', () => {
  let db: string;

  beforeEach(async () => {
    [db] = await createTestDatabases(['conflicts']);
    const D = q(db);
    await adminExec([
      `CREATE TABLE ${D}.t (id INT PRIMARY KEY, a INT, b INT, KEY ix_a (a), KEY ix_b (b)) ENGINE=InnoDB`,
      `CREATE TABLE ${D}.log (id INT AUTO_INCREMENT PRIMARY KEY, msg VARCHAR(50)) ENGINE=InnoDB`,
      `CREATE TRIGGER ${D}.t1 BEFORE INSERT ON ${D}.t FOR EACH ROW SET NEW.a = NEW.a + 1`,
      `CREATE TRIGGER ${D}.t2 BEFORE INSERT ON ${D}.t FOR EACH ROW SET NEW.a = NEW.a * 2`,
      `CREATE TRIGGER ${D}.t3 BEFORE INSERT ON ${D}.t FOR EACH ROW SET NEW.a = NEW.a - 3`,
    ]);
  });

  afterEach(async () => {
    await dropTestDatabases([db]);
  });

  it('reports an object that exists with a different definition and does not replace it', async () => {
    const user = await engineUser([db]);
    const factory = recordingFactory(user);
    const store = new MemoryPlanStore();
    await defer({ connections: factory, store, databases: [db] });
    // Someone re-creates ix_a differently while the objects are deferred.
    await adminExec([`ALTER TABLE ${q(db)}.t ADD KEY ix_a (a, b)`]);
    factory.statements.length = 0;
    const r = await apply({ connections: factory, store });
    expect(r).toMatchObject({ done: true, ok: false });
    expect(r.failed).toEqual([
      expect.objectContaining({ name: 'ix_a', reason: 'different-definition', message: expect.stringContaining('KEY `ix_a` (`a`,`b`)') }),
    ]);
    expect((await schemaSnapshot([db]))[`table ${db}.t`]).toContain('KEY `ix_a` (`a`,`b`)');
    expect(ddlOf(factory.statements).filter((s) => /\bDROP\b|`ix_a`/.test(s))).toEqual([]);
    const v = await verify({ connections: factory, store });
    expect(v.problems).toEqual([expect.objectContaining({ name: 'ix_a', status: 'different' })]);
  });

  it('does not drop an object that changed since the plan was captured', async () => {
    const user = await engineUser([db]);
    const factory = recordingFactory(user);
    const store = new MemoryPlanStore();
    await capture({ connections: factory, store, databases: [db] });
    await adminExec([`ALTER TABLE ${q(db)}.t DROP KEY ix_b, ADD KEY ix_b (b, a)`]);
    const r = await defer({ connections: factory, store });
    expect(r.ok).toBe(false);
    expect(r.failed).toEqual([expect.objectContaining({ name: 'ix_b', reason: 'changed-since-capture' })]);
    expect((await schemaSnapshot([db]))[`table ${db}.t`]).toContain('KEY `ix_b` (`b`,`a`)');
  });

  it('puts a trigger back at its place among triggers that were never dropped, with identical text', async () => {
    const before = await schemaSnapshot([db]);
    const user = await engineUser([db]);
    const factory = recordingFactory(user);
    const store = new MemoryPlanStore();
    await capture({ connections: factory, store, databases: [db] });
    await adminExec([`DROP TRIGGER ${q(db)}.t2`, `DROP TRIGGER ${q(db)}.t1`]);
    const r = await apply({ connections: factory, store });
    expect(r).toMatchObject({ done: true, ok: true });
    expect(ddlOf(factory.statements).filter((s) => /PRECEDES `t3`/.test(s))).toHaveLength(1);
    expect(ddlOf(factory.statements).filter((s) => /FOLLOWS `t1`/.test(s))).toHaveLength(1);
    expect(await schemaSnapshot([db])).toEqual(before);
    const c = await adminConnection();
    try {
      await c.query(`INSERT INTO ${q(db)}.t (id, a) VALUES (1, 10)`);
      const [rows] = await c.query(`SELECT a FROM ${q(db)}.t WHERE id = 1`);
      expect((rows as { a: number }[])[0].a).toBe((10 + 1) * 2 - 3);
    } finally {
      await c.end();
    }
  });

  it('refuses a second run on the same plan while one holds it', async () => {
    const user = await engineUser([db]);
    const factory = recordingFactory(user);
    const store = new MemoryPlanStore();
    const plan = await capture({ connections: factory, store, databases: [db] });
    const other = await factory.connect();
    try {
      await other.query('SELECT GET_LOCK(?, 0)', [`dms-restore:${plan.planId}`]);
      await expect(defer({ connections: factory, store, lockWaitSeconds: 0 })).rejects.toThrow(/another run is working on plan/);
    } finally {
      await other.end();
    }
    expect((await defer({ connections: factory, store })).ok).toBe(true);
    expect((await apply({ connections: factory, store })).ok).toBe(true);
  });

  it('two defers started together on an empty store share one plan and lose nothing', async () => {
    const user = await engineUser([db]);
    const factory = recordingFactory(user);
    const store = new MemoryPlanStore();
    const [a, b] = await Promise.all([
      defer({ connections: factory, store, databases: [db] }),
      defer({ connections: factory, store, databases: [db] }),
    ]);
    expect(a.planId).toBe(b.planId);
    expect([a.ok, b.ok]).toEqual([true, true]);
    expect(store.peek()!.objects).toHaveLength(5);
    expect((await apply({ connections: factory, store })).counts).toMatchObject({ restored: 5, skipped: 0 });
  });

  it('refuses to capture over a plan that still has objects to restore', async () => {
    const user = await engineUser([db]);
    const factory = recordingFactory(user);
    const store = new MemoryPlanStore();
    await defer({ connections: factory, store, databases: [db] });
    await expect(capture({ connections: factory, store, databases: [db] })).rejects.toThrow(/already exists/);
    await expect(capture({ connections: factory, store, databases: [db], overwrite: true })).rejects.toThrow(/not restored/);
    await apply({ connections: factory, store });
    const again = await capture({ connections: factory, store, databases: [db], overwrite: true });
    expect(again.objects).toHaveLength(5);
  });
});
