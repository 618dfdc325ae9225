import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FailedObject, RunResult } from '../../lib/restoration';
import { adminExec, createTestDatabases, dropTestDatabases } from '../support/mariadb';
import { cli, dataChecksums, engineUser, q, schemaSnapshot, targetUrl } from './helpers';

describe('dirty data: reported per object, never touched', () => {
  let dbs: string[];
  let dir: string;

  beforeAll(async () => {
    dbs = await createTestDatabases(['dirty_app', 'dirty_ref']);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restore-dirty-'));
    const [A, B] = dbs.map(q);
    await adminExec([
      `CREATE TABLE ${B}.gone (id INT PRIMARY KEY, label VARCHAR(20), KEY ix_gone_label (label)) ENGINE=InnoDB`,
      `CREATE TABLE ${A}.people (
         id INT PRIMARY KEY, email VARCHAR(100), badge INT, name VARCHAR(50),
         UNIQUE KEY uq_email (email), UNIQUE KEY uq_badge (badge), KEY ix_name (name)
       ) ENGINE=InnoDB`,
      `CREATE TABLE ${A}.orders (
         id INT PRIMARY KEY, person_id INT, gone_id INT, amount INT,
         KEY ix_amount (amount),
         CONSTRAINT fk_orders_person FOREIGN KEY (person_id) REFERENCES people (id),
         CONSTRAINT fk_orders_gone FOREIGN KEY (gone_id) REFERENCES ${B}.gone (id)
       ) ENGINE=InnoDB`,
      `CREATE TABLE ${A}.notes (id INT PRIMARY KEY, person_id INT, CONSTRAINT fk_notes_person FOREIGN KEY (person_id) REFERENCES people (id) ON DELETE CASCADE) ENGINE=InnoDB`,
      `INSERT INTO ${A}.people VALUES (1, 'a@x', 1, 'Ann'), (2, 'b@x', 2, 'Bob'), (3, NULL, NULL, 'Cy')`,
      `INSERT INTO ${B}.gone VALUES (1, 'one')`,
      `INSERT INTO ${A}.orders VALUES (1, 1, 1, 10), (2, 2, NULL, 20)`,
      `INSERT INTO ${A}.notes VALUES (1, 1), (2, NULL)`,
    ]);
  });

  afterAll(async () => {
    await dropTestDatabases(dbs);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('restores everything else, reports duplicates, orphans and a missing table with counts and samples, exits 1', async () => {
    const [A, B] = dbs.map(q);
    const user = await engineUser(dbs);
    const env = { MYSQL_PWD: user.password };
    const plan = path.join(dir, 'plan.json');
    const common = ['--target', targetUrl(user), '--plan', plan];
    const clean = await schemaSnapshot(dbs);

    const deferred = await cli(['restore', 'defer', ...common, '--databases', dbs.join(',')], env);
    expect(deferred.code).toBe(0);

    // The load brings dirty data: duplicate e-mails (NULLs do not count), orphan orders, and
    // the referenced table of another database is gone.
    await adminExec([
      `INSERT INTO ${A}.people VALUES (4, 'a@x', 4, 'Ann again'), (5, 'a@x', 5, 'Ann thrice'), (6, 'b@x', 6, 'Bob again'), (7, NULL, 7, 'Null mail')`,
      `INSERT INTO ${A}.orders VALUES (3, 99, NULL, 30), (4, 98, NULL, 40), (5, 99, NULL, 50)`,
      `DROP TABLE ${B}.gone`,
    ]);
    const data = await dataChecksums(dbs);

    const run = await cli(['restore', 'apply', ...common, '--json'], env);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as RunResult;
    expect(result).toMatchObject({ done: true, ok: false });
    const byName = new Map<string, FailedObject>(result.failed.map((f) => [f.name, f]));
    expect([...byName.keys()].sort()).toEqual(['fk_orders_gone', 'fk_orders_person', 'ix_gone_label', 'uq_email']);

    expect(byName.get('uq_email')).toMatchObject({ kind: 'index', reason: 'duplicate-keys', count: 2 });
    expect(byName.get('uq_email')!.sample).toEqual(
      expect.arrayContaining([
        { values: { email: 'a@x' }, rows: 3 },
        { values: { email: 'b@x' }, rows: 2 },
      ]),
    );
    expect(byName.get('fk_orders_person')).toMatchObject({ kind: 'foreignKey', reason: 'orphan-rows', count: 3 });
    expect(byName.get('fk_orders_person')!.sample).toEqual(
      expect.arrayContaining([
        { values: { person_id: '99' }, rows: 2 },
        { values: { person_id: '98' }, rows: 1 },
      ]),
    );
    expect(result.orphans.map((o) => o.name)).toEqual(['fk_orders_person']);
    expect(byName.get('fk_orders_gone')).toMatchObject({ reason: 'missing-referenced-table' });
    expect(byName.get('ix_gone_label')).toMatchObject({ reason: 'missing-table' });
    // Everything else is back, including the indexes built in the same statement as uq_email.
    expect(result.counts).toMatchObject({ failed: 4, restored: result.counts.total - 4, pending: 0, running: 0 });

    // Not a row changed.
    expect(await dataChecksums(dbs)).toEqual(data);
    const now = await schemaSnapshot(dbs);
    expect(now[`table ${dbs[0]}.people`]).toContain('UNIQUE KEY `uq_badge` (`badge`)');
    expect(now[`table ${dbs[0]}.people`]).toContain('KEY `ix_name` (`name`)');
    expect(now[`table ${dbs[0]}.people`]).not.toContain('uq_email');
    expect(now[`table ${dbs[0]}.orders`]).not.toContain('CONSTRAINT `fk_orders_person`');
    expect(now[`table ${dbs[0]}.orders`]).toContain('KEY `fk_orders_person` (`person_id`)');
    expect(now[`table ${dbs[0]}.notes`]).toBe(clean[`table ${dbs[0]}.notes`]);

    // The human report names each object, the reason, the count and a sample.
    const human = await cli(['restore', 'apply', ...common], env);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/^apply FAILED: /);
    expect(human.stdout).toContain(`index \`${dbs[0]}\`.\`people\` \`uq_email\`: duplicate-keys (2)`);
    expect(human.stdout).toContain('sample: email="a@x" (3 rows)');
    expect(human.stdout).toContain(`foreign key \`${dbs[0]}\`.\`orders\` \`fk_orders_person\`: orphan-rows (3)`);
    expect(human.stdout).toContain('sample: person_id="99" (2 rows)');
    expect(human.stdout).toContain('missing-referenced-table');

    const verified = await cli(['restore', 'verify', ...common], env);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain('missing');

    // Once the data is fixed (by the user), apply finishes the job.
    await adminExec([
      `DELETE FROM ${A}.people WHERE id IN (4, 5, 6)`,
      `DELETE FROM ${A}.orders WHERE id IN (3, 4, 5)`,
      `CREATE TABLE ${B}.gone (id INT PRIMARY KEY, label VARCHAR(20)) ENGINE=InnoDB`,
      `INSERT INTO ${B}.gone VALUES (1, 'one')`,
    ]);
    const fixed = await cli(['restore', 'apply', ...common], env);
    expect(fixed.stdout).toMatch(/^apply OK/);
    expect(fixed.code).toBe(0);
    const finalSchema = await schemaSnapshot(dbs);
    // uq_email was built after uq_badge this time, and the server lists unique keys in creation
    // order: same lines, another order.
    const lines = (s: string): string[] => s.split('\n').map((l) => l.replace(/,$/, '')).sort();
    expect(lines(finalSchema[`table ${dbs[0]}.people`])).toEqual(lines(clean[`table ${dbs[0]}.people`]));
    expect((await cli(['restore', 'verify', ...common], env)).code).toBe(0);
    expect(finalSchema[`table ${dbs[0]}.orders`]).toBe(clean[`table ${dbs[0]}.orders`]);
    expect(finalSchema[`table ${dbs[1]}.gone`]).toBe(clean[`table ${dbs[1]}.gone`]);
  });
});
