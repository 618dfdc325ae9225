import { cli } from './helpers';
import { createTestDatabases, dropTestDatabases, testServer } from '../support/mariadb';
import { engineUser, targetUrl } from './helpers';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

describe('restore CLI usage and errors', () => {
  it('lists restore among the commands and prints its usage', async () => {
    const r = await cli(['restore', '--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('restore <capture|defer|apply|verify>');
    expect(r.stderr).toContain('exit status: 0');
  });

  it('warns when TLS is turned off for a host that is not loopback, and is silent on loopback', async () => {
    const plan = path.join(os.tmpdir(), `no-such-plan-${process.pid}.json`);
    const remote = await cli(['restore', 'verify', '--target', 'mysql://u@db.example.internal:3306?ssl=false', '--plan', plan]);
    expect(remote.stderr).toContain('restore: warning: TLS is off for db.example.internal (?ssl=false)');
    const loopback = await cli(['restore', 'verify', '--target', 'mysql://u@127.0.0.1:3306', '--plan', plan]);
    expect(loopback.stderr).not.toContain('TLS is off');
  });

  it.each([
    [['restore'], 'missing subcommand'],
    [['restore', 'frobnicate', '--target', 'mysql://a@h', '--plan', 'p'], 'unknown subcommand "frobnicate"'],
    [['restore', 'apply', '--plan', 'p'], '--target mysql://USER:PASS@HOST:PORT is required'],
    [['restore', 'apply', '--target', 'mysql://a@h'], '--plan FILE is required'],
    [['restore', 'capture', '--target', 'mysql://a@h', '--plan', 'p'], '--databases is required'],
    [['restore', 'apply', '--target', 'mysql://a@h', '--plan', 'p', '--concurrency', '0'], '--concurrency must be a positive integer'],
    [['restore', 'apply', '--target', 'http://a@h', '--plan', 'p'], 'invalid target URL scheme'],
    [['restore', 'apply', '--target', 'mysql://a@h', '--plan', 'p', '--bogus'], "Unknown option '--bogus'"],
  ])('exits 2 with one line for %j', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  it('exits 2 when the server refuses the connection or the login', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restore-cli-'));
    try {
      const plan = path.join(dir, 'p.json');
      const s = testServer();
      const refused = await cli(['restore', 'capture', '--target', 'mysql://x:y@127.0.0.1:1', '--databases', 'd', '--plan', plan]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/^error: restore capture: cannot connect to x@127\.0\.0\.1:1/);
      const denied = await cli(['restore', 'capture', '--target', `mysql://nobody@${s.host}:${s.port}`, '--databases', 'd', '--plan', plan], { MYSQL_PWD: 'wrong' });
      expect(denied.code).toBe(2);
      expect(denied.stderr).toContain('Access denied');
      expect(fs.existsSync(plan)).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 for a missing plan, an unknown database, or databases that do not match the plan', async () => {
    const [db] = await createTestDatabases(['cli_db']);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restore-cli-'));
    try {
      const user = await engineUser([db]);
      const env = { MYSQL_PWD: user.password };
      const plan = path.join(dir, 'p.json');
      const common = ['--target', targetUrl(user), '--plan', plan];
      const noPlan = await cli(['restore', 'apply', ...common], env);
      expect(noPlan.code).toBe(2);
      expect(noPlan.stderr).toContain('no plan in');
      const unknown = await cli(['restore', 'capture', ...common, '--databases', `${db},nope_${db}`], env);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain(`database(s) not found or not visible to this user: nope_${db}`);
      expect((await cli(['restore', 'capture', ...common, '--databases', db], env)).code).toBe(0);
      const again = await cli(['restore', 'capture', ...common, '--databases', db], env);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('a plan already exists');
      const mismatch = await cli(['restore', 'defer', ...common, '--databases', 'other'], env);
      expect(mismatch.code).toBe(2);
      expect(mismatch.stderr).toContain('covers');
    } finally {
      await dropTestDatabases([db]);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
