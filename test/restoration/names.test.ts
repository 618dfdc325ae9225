import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { adminExec, createTestDatabases, dropTestDatabases } from '../support/mariadb';
import { cli, engineUser, objectCounts, schemaSnapshot, targetUrl, withAdmin } from './helpers';
import { unusualSchema } from './schemas';

describe('unusual names through the CLI', () => {
  let dbs: string[];
  let dir: string;

  beforeAll(async () => {
    // Database names with a space, a backtick and unicode.
    dbs = await createTestDatabases(['names ü`1', 'names sélect 2']);
    await adminExec(unusualSchema(dbs[0], dbs[1]));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restore-names-'));
  });

  afterAll(async () => {
    await dropTestDatabases(dbs);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips spaces, backticks, commas, unicode and reserved words, across databases', async () => {
    const before = await schemaSnapshot(dbs);
    const initial = await objectCounts(dbs);
    expect(initial).toEqual({ indexes: 6, foreignKeys: 2, triggers: 2 });
    const user = await engineUser(dbs);
    const env = { MYSQL_PWD: user.password };
    const plan = path.join(dir, 'plan.json');
    const common = ['--target', targetUrl(user), '--plan', plan];

    const captured = await cli(['restore', 'capture', ...common, '--databases', dbs.join(',')], env);
    expect(captured.code).toBe(0);
    expect(captured.stdout).toContain('captured 6 index(es), 2 foreign key(s), 2 trigger(s)');
    fs.rmSync(plan);

    const deferred = await cli(['restore', 'defer', ...common, '--databases', dbs.join(',')], env);
    expect(deferred.code).toBe(0);
    expect(deferred.stdout).toMatch(/^defer OK: 10 object\(s\): 10 dropped/);
    expect(await objectCounts(dbs)).toEqual({ indexes: 0, foreignKeys: 0, triggers: 0 });

    const applied = await cli(['restore', 'apply', ...common, '--json'], env);
    expect(applied.code).toBe(0);
    const result = JSON.parse(applied.stdout) as { ok: boolean; counts: { restored: number } };
    expect(result.ok).toBe(true);
    expect(result.counts.restored).toBe(10);
    expect(applied.stderr).toMatch(/apply indexes `names ü``1_[0-9a-f]+`\.`tab``le, \(x\)`/);

    expect(await schemaSnapshot(dbs)).toEqual(before);
    const verified = await cli(['restore', 'verify', ...common], env);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^verify OK: 10 object\(s\): 10 as planned/);

    // The plan file names every object exactly.
    const doc = JSON.parse(fs.readFileSync(plan, 'utf8')) as { objects: { name: string }[] };
    expect(doc.objects.map((o) => o.name).sort()).toEqual(
      ['back`tick`s', 'fk to select', 'fk ünï', 'idx, with (comma)', 'key', 'order', 'trg ` ünï', 'uniq ue', 'ключ', 'fk to select'].sort(),
    );
  });

  it('keeps the data untouched', async () => {
    const n = await withAdmin(async (c) => {
      const [r] = await c.query(`SELECT COUNT(*) AS n FROM \`${dbs[0].replace(/`/g, '``')}\`.\`tab\`\`le, (x)\``);
      return Number((r as { n: number }[])[0].n);
    });
    expect(n).toBe(2);
  });
});
