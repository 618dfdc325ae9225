import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FilePlanStore, MemoryPlanStore, RunResult, apply, defer, parsePlan, verify } from '../../lib/restoration';
import { adminConnection, adminExec, createTestDatabases, dropTestDatabases } from '../support/mariadb';
import { collectProgress, ddlOf, engineUser, q, recordingFactory, rows, schemaSnapshot, targetUrl, withAdmin } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..');

/** Tagged statements of the engine running on the server now. */
async function taggedStatements(): Promise<{ id: number; info: string; state: string }[]> {
  return withAdmin(async (c) => {
    const r = await rows(c, "SELECT ID AS id, INFO AS info, STATE AS state FROM information_schema.PROCESSLIST WHERE INFO LIKE '/* dms-restore %' AND ID <> CONNECTION_ID()");
    return r.map((x) => ({ id: Number(x.id), info: String(x.info), state: String(x.state ?? '') }));
  });
}

function bigTableSchema(db: string, rowsCount: number): string[] {
  const D = q(db);
  return [
    `CREATE TABLE ${D}.parent (id INT PRIMARY KEY, code VARCHAR(20) NOT NULL, UNIQUE KEY uq_code (code)) ENGINE=InnoDB`,
    `INSERT INTO ${D}.parent SELECT seq, CONCAT('p', seq) FROM seq_1_to_1000`,
    `CREATE TABLE ${D}.big (
       id INT PRIMARY KEY, parent_id INT NOT NULL, a VARCHAR(40) NOT NULL, b VARCHAR(40) NOT NULL, c INT NOT NULL, d DATETIME NOT NULL,
       KEY ix_a (a), KEY ix_b_c (b, c), KEY ix_c_d (c, d), UNIQUE KEY uq_a_id (a, id), KEY ix_d (d),
       CONSTRAINT fk_big_parent FOREIGN KEY (parent_id) REFERENCES parent (id)
     ) ENGINE=InnoDB`,
    `INSERT INTO ${D}.big SELECT seq, 1 + seq % 1000, MD5(seq), SHA1(seq), seq % 977, '2024-01-01' + INTERVAL seq SECOND FROM seq_1_to_${rowsCount}`,
    `CREATE TRIGGER ${D}.trg_big_bi BEFORE INSERT ON ${D}.big FOR EACH ROW SET NEW.c = NEW.c + 0`,
  ];
}

describe('interrupted runs converge', () => {
  const dbsToDrop: string[] = [];
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restore-resume-'));
  });

  afterAll(async () => {
    await dropTestDatabases(dbsToDrop);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('waits for a statement still running from an earlier call instead of issuing it again', async () => {
    const [db] = await createTestDatabases(['resume_mdl']);
    dbsToDrop.push(db);
    await adminExec(bigTableSchema(db, 2000), db);
    const before = await schemaSnapshot([db]);
    const user = await engineUser([db]);
    const factory = recordingFactory(user);
    const store = new MemoryPlanStore();
    expect((await defer({ connections: factory, store, databases: [db] })).ok).toBe(true);

    // Another session reads `big` in an open transaction: its metadata lock makes the ALTER wait.
    const holder = await adminConnection();
    try {
      await holder.query('START TRANSACTION');
      await holder.query(`SELECT COUNT(*) FROM ${q(db)}.big`);

      const first = await apply({ connections: factory, store, deadline: Date.now() + 3000, pollIntervalMs: 50 });
      expect(first.done).toBe(false);
      expect(first.running.length).toBeGreaterThan(0);
      const stepIds = [...new Set(first.running.map((r) => r.stepId))];
      expect(stepIds).toHaveLength(1);
      const blocked = (await taggedStatements()).filter((s) => s.info.includes(`step=${stepIds[0]} `));
      expect(blocked).toHaveLength(1);
      expect(blocked[0].state).toMatch(/metadata lock/i);
      const ddlCount = ddlOf(factory.statements).length;

      // The next call sees the statement in the processlist, waits, runs out of time, issues nothing.
      const { events, listener } = collectProgress();
      const second = await apply({ connections: factory, store, deadline: Date.now() + 2000, pollIntervalMs: 50, progress: listener });
      expect(second.done).toBe(false);
      expect(second.running.map((r) => r.stepId)).toEqual(first.running.map((r) => r.stepId));
      expect(ddlOf(factory.statements)).toHaveLength(ddlCount);
      expect(events.some((e) => e.type === 'waiting' && e.stepId === stepIds[0])).toBe(true);
      const still = (await taggedStatements()).filter((s) => s.info.includes(`step=${stepIds[0]} `));
      expect(still.map((s) => s.id)).toEqual(blocked.map((s) => s.id));
    } finally {
      await holder.query('COMMIT');
      await holder.end();
    }

    // With the lock gone the statement completes; the next call finds it done and carries on.
    const third = await apply({ connections: factory, store, pollIntervalMs: 50 });
    expect(third).toMatchObject({ done: true, ok: true });
    expect(third.counts.skipped).toBe(0);
    const alters = ddlOf(factory.statements).filter((s) => /ALTER TABLE `[^`]+`\.`big` ADD KEY `ix_a`/.test(s) || /ALTER TABLE `[^`]+`\.`big` ADD UNIQUE KEY `uq_a_id`/.test(s));
    expect(alters).toHaveLength(1);
    expect(await schemaSnapshot([db])).toEqual(before);
  });

  it('finishes in bounded slices: every call persists its progress and returns where it stands', async () => {
    const [db] = await createTestDatabases(['resume_slices']);
    dbsToDrop.push(db);
    await adminExec(bigTableSchema(db, 20000), db);
    const before = await schemaSnapshot([db]);
    const user = await engineUser([db]);
    const factory = recordingFactory(user);
    const store = new MemoryPlanStore();
    const deferCalls: RunResult[] = [];
    for (let i = 0; i < 200; i++) {
      const r = await defer({ connections: factory, store, databases: [db], deadline: Date.now() + 400, pollIntervalMs: 20, concurrency: 1 });
      deferCalls.push(r);
      if (r.done) break;
    }
    expect(deferCalls[deferCalls.length - 1]).toMatchObject({ done: true, ok: true, phase: 'deferred' });
    const results: RunResult[] = [];
    for (let i = 0; i < 200; i++) {
      const r = await apply({ connections: factory, store, deadline: Date.now() + 400, pollIntervalMs: 20, concurrency: 1 });
      results.push(r);
      const saved = store.peek()!;
      expect(saved.phase).toBe(r.done ? 'applied' : 'applying');
      if (r.done) break;
    }
    const last = results[results.length - 1];
    expect(last).toMatchObject({ done: true, ok: true });
    expect(new Set(results.map((r) => r.run)).size).toBe(1);
    expect(await schemaSnapshot([db])).toEqual(before);
    expect((await verify({ connections: factory, store })).ok).toBe(true);
  });

  it('survives SIGKILL of the CLI in the middle of an ALTER TABLE and converges when run again', async () => {
    const [db] = await createTestDatabases(['resume_kill']);
    dbsToDrop.push(db);
    await adminExec(bigTableSchema(db, 300000), db);
    const before = await schemaSnapshot([db]);
    const user = await engineUser([db]);
    const plan = path.join(dir, 'kill-plan.json');
    const store = new FilePlanStore(plan);
    const factory = recordingFactory(user);
    expect((await defer({ connections: factory, store, databases: [db] })).ok).toBe(true);

    const args = ['--import', 'tsx', path.join(ROOT, 'bin', 'cli.ts'), 'restore', 'apply', '--target', targetUrl(user), '--plan', plan, '--concurrency', '1'];
    const env = { ...process.env, MYSQL_PWD: user.password };
    const child: ChildProcess = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Kill it as soon as its ALTER TABLE on `big` runs.
    let seen = false;
    for (let i = 0; i < 600 && !seen; i++) {
      seen = (await taggedStatements()).some((s) => /ALTER TABLE `[^`]+`\.`big` ADD/.test(s.info));
      if (!seen) await new Promise((r) => setTimeout(r, 25));
    }
    expect(seen).toBe(true);
    child.kill('SIGKILL');
    expect(await exited).toBeNull();

    // The plan on disk is a complete document; the journal beside it has the ALTER recorded as started.
    expect(parsePlan(fs.readFileSync(plan, 'utf8')).objects.some((o) => o.step)).toBe(false);
    expect(fs.readFileSync(`${plan}.journal`, 'utf8')).toMatch(/"state":"restoring","step":\{"id":"s\d+","action":"create","sql":"ALTER TABLE `[^`]+`\.`big` ADD/);
    const saved = (await new FilePlanStore(plan).load())!;
    expect(saved.objects.some((o) => o.table === 'big' && o.state === 'restoring' && o.step)).toBe(true);

    // While the second run works, never two tagged ALTERs on `big` at once.
    let maxConcurrent = 0;
    let monitoring = true;
    const monitor = (async () => {
      while (monitoring) {
        const n = (await taggedStatements()).filter((s) => /ALTER TABLE `[^`]+`\.`big` ADD/.test(s.info)).length;
        maxConcurrent = Math.max(maxConcurrent, n);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const second = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    second.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    second.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => second.on('exit', (c) => resolve(c)));
    monitoring = false;
    await monitor;
    expect({ code, out }).toMatchObject({ code: 0, out: expect.stringMatching(/^apply OK/) });
    expect(err).not.toContain('error');
    if (process.env.DEBUG_RESUME) process.stderr.write(err);
    expect(maxConcurrent).toBeLessThanOrEqual(1);
    expect(await schemaSnapshot([db])).toEqual(before);
    // Folded into the plan at the end of the run: no journal left.
    expect(fs.existsSync(`${plan}.journal`)).toBe(false);
    const final = parsePlan(fs.readFileSync(plan, 'utf8'));
    expect(final.phase).toBe('applied');
    expect(final.objects.every((o) => o.state === 'restored' && !o.step)).toBe(true);
  }, 180_000);
});
