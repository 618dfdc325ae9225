import { MemoryPlanStore, apply, capture, defer, verify } from '../../lib/restoration';
import { adminExec, createTestDatabases, dropTestDatabases } from '../support/mariadb';
import { collectProgress, dataChecksums, ddlOf, engineUser, objectCounts, recordingFactory, schemaSnapshot } from './helpers';
import { richSchema } from './schemas';

describe('restoration round trip on a schema with every kind of object', () => {
  let dbs: string[];

  beforeAll(async () => {
    dbs = await createTestDatabases(['rt_app', 'rt_ref']);
    await adminExec(richSchema(dbs[0], dbs[1]));
  });

  afterAll(async () => {
    await dropTestDatabases(dbs);
  });

  it('captures, defers and applies back to identical SHOW CREATE TABLE / TRIGGER output, as the least-privileged user', async () => {
    const before = await schemaSnapshot(dbs);
    const data = await dataChecksums(dbs);
    const initial = await objectCounts(dbs);
    expect(initial).toEqual({ indexes: 16, foreignKeys: 5, triggers: 5 });

    const user = await engineUser(dbs);
    const factory = recordingFactory(user);
    const store = new MemoryPlanStore();

    const plan = await capture({ connections: factory, store, databases: dbs });
    expect(plan.version).toBe(1);
    expect(plan.server.flavor).toBe('mariadb');
    expect(plan.objects).toHaveLength(26);
    const ft = plan.objects.find((o) => o.name === 'ft_bio_notes');
    expect(ft).toMatchObject({ kind: 'index', indexType: 'FULLTEXT', definition: 'FULLTEXT KEY `ft_bio_notes` (`bio`,`notes`)' });
    const desc = plan.objects.find((o) => o.name === 'ix_score_desc');
    expect(desc).toMatchObject({ columns: [{ name: 'score', order: 'DESC', subPart: null }, { name: 'created', order: 'ASC' }] });
    const fk = plan.objects.find((o) => o.name === 'fk_line_product');
    expect(fk).toMatchObject({ kind: 'foreignKey', columns: ['sku', 'region'], referencedDatabase: dbs[1], referencedTable: 'product', referencedColumns: ['sku', 'region'] });
    const ordered = plan.objects.filter((o) => o.kind === 'trigger' && o.table === 'customer' && o.timing === 'BEFORE');
    expect(ordered.map((o) => [o.name, o.kind === 'trigger' ? o.order : 0])).toEqual([
      ['trg_customer_bi_lower', 1],
      ['trg_customer_bi_trim', 2],
    ]);
    expect((await verify({ connections: factory, store })).ok).toBe(true);

    const { events, listener } = collectProgress();
    const deferred = await defer({ connections: factory, store, progress: listener });
    expect(deferred).toMatchObject({ action: 'defer', done: true, ok: true, phase: 'deferred' });
    expect(deferred.counts).toMatchObject({ total: 26, dropped: 26, failed: 0, pending: 0, running: 0 });
    expect(await objectCounts(dbs)).toEqual({ indexes: 0, foreignKeys: 0, triggers: 0 });
    // Triggers first, then one ALTER TABLE per table for its foreign keys and indexes (keys
    // first); product's unique key, which order_line's key references, waits for a second pass.
    const statements = events.filter((e) => e.type === 'statement').map((e) => e.sql!);
    expect(statements.slice(0, 5).every((s) => s.startsWith('DROP TRIGGER'))).toBe(true);
    const alters = statements.slice(5);
    expect(alters.every((s) => /^ALTER TABLE /.test(s) && !/DROP INDEX.*DROP FOREIGN KEY/.test(s))).toBe(true);
    expect(alters.map((s) => /^ALTER TABLE `[^`]+`\.`([^`]+)`/.exec(s)![1]).sort()).toEqual(['country', 'customer', 'order', 'order_line', 'product', 'product']);
    expect(alters[alters.length - 1]).toMatch(/`product` DROP INDEX `uq_sku_region`, ALGORITHM=INPLACE, LOCK=NONE$/);

    const missing = await verify({ connections: factory, store });
    expect(missing.ok).toBe(false);
    expect(missing.counts.missing).toBe(26);

    const applied = await apply({ connections: factory, store, concurrency: 3 });
    expect(applied).toMatchObject({ action: 'apply', done: true, ok: true, phase: 'applied' });
    expect(applied.counts).toMatchObject({ total: 26, restored: 26, skipped: 0, failed: 0 });

    expect(await schemaSnapshot(dbs)).toEqual(before);
    expect(await dataChecksums(dbs)).toEqual(data);
    const checked = await verify({ connections: factory, store });
    expect(checked.problems).toEqual([]);
    expect(checked.ok).toBe(true);
  });

  it('is idempotent: a second apply issues no DDL, a second defer only what is still there', async () => {
    const user = await engineUser(dbs);
    const factory = recordingFactory(user);
    const store = new MemoryPlanStore();
    await capture({ connections: factory, store, databases: dbs });

    // Applying a plan whose objects are all present changes nothing.
    factory.statements.length = 0;
    const first = await apply({ connections: factory, store });
    expect(first).toMatchObject({ done: true, ok: true });
    expect(first.counts).toMatchObject({ restored: 26, skipped: 26 });
    expect(ddlOf(factory.statements)).toEqual([]);

    await defer({ connections: factory, store });
    await apply({ connections: factory, store });
    factory.statements.length = 0;
    const again = await apply({ connections: factory, store });
    expect(again).toMatchObject({ done: true, ok: true });
    expect(again.counts.skipped).toBe(26);
    expect(ddlOf(factory.statements)).toEqual([]);

    await defer({ connections: factory, store });
    factory.statements.length = 0;
    const deferAgain = await defer({ connections: factory, store });
    expect(deferAgain).toMatchObject({ done: true, ok: true });
    expect(deferAgain.counts).toMatchObject({ dropped: 26, skipped: 26 });
    expect(ddlOf(factory.statements)).toEqual([]);
    await apply({ connections: factory, store });
    expect((await verify({ connections: factory, store })).ok).toBe(true);
  });
});
