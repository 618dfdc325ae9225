/**
 * A throw-away MariaDB server for tests and benchmarks: a temporary data directory, a free
 * loopback port, an admin account with a random password, no anonymous accounts.
 *
 * jest starts ONE server for the whole run (test/support/global-setup.ts) and publishes its
 * coordinates in a JSON file named by the environment variable DMS_TEST_MARIADB; test files use
 * {@link testServer}, {@link adminConnection}, {@link createTestDatabases} and
 * {@link createTestUser} from here.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Connection, ConnectionOptions } from 'mysql2/promise';

export const SERVER_INFO_ENV = 'DMS_TEST_MARIADB';
const DIR_PREFIX = 'dms-mariadb-';

export interface TestServerInfo {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly socket: string;
  readonly version: string;
  /** Set when the server could not be started: every database test fails with this message. */
  readonly error?: string;
}

export interface MariaDbServer extends TestServerInfo {
  readonly baseDir: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Extra mariadbd options, e.g. { 'innodb-buffer-pool-size': '1G' }. */
  readonly settings?: Readonly<Record<string, string | number>>;
  /** Where progress goes (default: nowhere). */
  readonly log?: (line: string) => void;
  /** Install Debian's mariadb-server with apt-get when mariadbd is missing and we are root (default true). */
  readonly install?: boolean;
}

const SBIN = ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin', '/usr/local/mysql/bin'];

function findBinary(names: readonly string[]): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...SBIN];
  for (const n of names) {
    for (const d of dirs) {
      const p = path.join(d, n);
      try {
        fs.accessSync(p, fs.constants.X_OK);
        return p;
      } catch {
        // next
      }
    }
  }
  return undefined;
}

const INSTALL_HINT = 'install it with `sudo apt-get install mariadb-server` (Debian/Ubuntu), then run the tests again';

/** Makes sure mariadbd and mariadb-install-db exist, installing Debian's package when root. */
export function ensureMariaDbInstalled(opts: { install?: boolean; log?: (line: string) => void } = {}): { mariadbd: string; installDb: string } {
  let mariadbd = findBinary(['mariadbd', 'mysqld']);
  let installDb = findBinary(['mariadb-install-db', 'mysql_install_db']);
  if (mariadbd && installDb) return { mariadbd, installDb };
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (opts.install === false || !isRoot || !findBinary(['apt-get'])) {
    throw new Error(`MariaDB server not found (mariadbd, mariadb-install-db): ${INSTALL_HINT}`);
  }
  opts.log?.('mariadbd not found: installing Debian package mariadb-server with apt-get (once)...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'mariadb-server'], { env, encoding: 'utf8' });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-q'], { env, encoding: 'utf8' });
    r = spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'mariadb-server'], { env, encoding: 'utf8' });
  }
  mariadbd = findBinary(['mariadbd', 'mysqld']);
  installDb = findBinary(['mariadb-install-db', 'mysql_install_db']);
  if (r.status !== 0 || !mariadbd || !installDb) {
    throw new Error(`installing mariadb-server with apt-get failed (${(r.stderr || r.stdout || '').trim().split('\n').slice(-3).join(' / ')}); ${INSTALL_HINT}`);
  }
  return { mariadbd, installDb };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops servers and removes directories left behind by test runs that were killed. */
function cleanStale(log?: (line: string) => void): void {
  const tmp = os.tmpdir();
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(tmp).filter((e) => e.startsWith(DIR_PREFIX));
  } catch {
    return;
  }
  for (const e of entries) {
    const dir = path.join(tmp, e);
    try {
      const owner = Number(fs.readFileSync(path.join(dir, 'owner.pid'), 'utf8'));
      if (owner && alive(owner)) continue;
      // The owner may live in another PID namespace: its heartbeat says whether it is alive.
      const beat = fs.statSync(path.join(dir, 'heartbeat')).mtimeMs;
      if (Date.now() - beat < 5 * HEARTBEAT_MS) continue;
      const serverPid = Number(fs.readFileSync(path.join(dir, 'mariadbd.pid'), 'utf8'));
      if (serverPid && alive(serverPid)) process.kill(serverPid, 'SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
      log?.(`removed stale test server directory ${dir}`);
    } catch {
      // not ours or half-made: leave it
    }
  }
}

const HEARTBEAT_MS = 10000;

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/** Starts a private MariaDB server. Takes about two seconds once the package is installed. */
export async function startMariaDb(opts: StartOptions = {}): Promise<MariaDbServer> {
  const { mariadbd, installDb } = ensureMariaDbInstalled({ install: opts.install, log: opts.log });
  cleanStale(opts.log);
  const baseDir = fs.mkdtempSync(path.join(os.tmpdir(), DIR_PREFIX));
  fs.writeFileSync(path.join(baseDir, 'heartbeat'), '');
  fs.writeFileSync(path.join(baseDir, 'owner.pid'), String(process.pid));
  const heartbeat = setInterval(() => {
    try {
      const now = new Date();
      fs.utimesSync(path.join(baseDir, 'heartbeat'), now, now);
    } catch {
      // directory gone
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  const datadir = path.join(baseDir, 'data');
  const socket = path.join(baseDir, 'mariadb.sock');
  const user = 'dms_admin';
  const password = randomBytes(12).toString('hex');
  const init = path.join(baseDir, 'init.sql');
  fs.writeFileSync(
    init,
    [
      // Bootstrap runs without grant tables; loading them makes CREATE USER / GRANT work.
      'FLUSH PRIVILEGES;',
      // Anonymous accounts would shadow user@'%' for TCP logins from 127.0.0.1.
      "DELETE FROM mysql.global_priv WHERE User = '';",
      "DELETE FROM mysql.proxies_priv WHERE User = '';",
      `CREATE USER '${user}'@'%' IDENTIFIED BY '${password}';`,
      `GRANT ALL PRIVILEGES ON *.* TO '${user}'@'%' WITH GRANT OPTION;`,
      'DROP DATABASE IF EXISTS test;',
      'FLUSH PRIVILEGES;',
      '',
    ].join('\n'),
  );
  const asRoot = isRoot() ? ['--user=root'] : [];
  const common = ['--no-defaults'];
  const r = spawnSync(
    installDb,
    [...common, `--datadir=${datadir}`, ...asRoot, '--auth-root-authentication-method=normal', '--skip-test-db', '--skip-name-resolve', `--extra-file=${init}`, '--innodb-log-file-size=48M'],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) {
    clearInterval(heartbeat);
    fs.rmSync(baseDir, { recursive: true, force: true });
    throw new Error(`mariadb-install-db failed: ${(r.stderr || r.stdout || '').trim().split('\n').slice(-5).join(' / ')}`);
  }
  const settings: Record<string, string | number> = {
    'innodb-buffer-pool-size': '256M',
    'innodb-log-file-size': '48M',
    'innodb-flush-log-at-trx-commit': 2,
    'innodb-doublewrite': 0,
    'character-set-server': 'utf8mb4',
    'collation-server': 'utf8mb4_general_ci',
    'max-connections': 300,
    'performance-schema': 'OFF',
    'skip-log-bin': '',
    ...opts.settings,
  };
  const settingArgs = Object.entries(settings).map(([k, v]) => (v === '' ? `--${k}` : `--${k}=${v}`));
  let lastError = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const errLog = path.join(baseDir, 'error.log');
    const child: ChildProcess = spawn(
      mariadbd,
      [
        ...common,
        `--datadir=${datadir}`,
        ...asRoot,
        '--bind-address=127.0.0.1',
        `--port=${port}`,
        `--socket=${socket}`,
        `--pid-file=${path.join(baseDir, 'mariadbd.pid')}`,
        `--log-error=${errLog}`,
        '--skip-name-resolve',
        ...settingArgs,
      ],
      { stdio: 'ignore', detached: false },
    );
    child.unref();
    let exited = false;
    child.on('exit', () => {
      exited = true;
    });
    const ok = await waitReady(port, user, password, () => exited, 60000);
    if (ok) {
      fs.writeFileSync(path.join(baseDir, 'mariadbd.pid'), String(child.pid));
      const version = await serverVersion(port, user, password);
      opts.log?.(`MariaDB ${version} on 127.0.0.1:${port} (${baseDir})`);
      const info: MariaDbServer = {
        host: '127.0.0.1',
        port,
        user,
        password,
        socket,
        version,
        baseDir,
        pid: child.pid ?? 0,
        stop: async () => {
          clearInterval(heartbeat);
          await stopServer(child, () => exited);
          fs.rmSync(baseDir, { recursive: true, force: true });
        },
      };
      return info;
    }
    lastError = readTail(errLog);
    if (!exited) await stopServer(child, () => exited);
  }
  clearInterval(heartbeat);
  fs.rmSync(baseDir, { recursive: true, force: true });
  throw new Error(`mariadbd did not start: ${lastError}`);
}

function readTail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-5).join(' / ');
  } catch {
    return '(no error log)';
  }
}

async function waitReady(port: number, user: string, password: string, exited: () => boolean, timeoutMs: number): Promise<boolean> {
  const mysql = await import('mysql2/promise');
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (exited()) return false;
    try {
      const c = await mysql.createConnection({ host: '127.0.0.1', port, user, password, connectTimeout: 1000 });
      await c.end();
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return false;
}

async function serverVersion(port: number, user: string, password: string): Promise<string> {
  const mysql = await import('mysql2/promise');
  const c = await mysql.createConnection({ host: '127.0.0.1', port, user, password });
  try {
    const [rows] = await c.query('SELECT VERSION() AS v');
    return String((rows as { v: string }[])[0].v);
  } finally {
    await c.end();
  }
}

async function stopServer(child: ChildProcess, exited: () => boolean): Promise<void> {
  if (exited()) return;
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (!exited()) child.kill('SIGKILL');
  }, 10000);
  await done;
  clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------
// Helpers for test files

/** The server started by jest's global setup. Throws (with the reason) when there is none. */
export function testServer(): TestServerInfo {
  const file = process.env[SERVER_INFO_ENV];
  if (!file) throw new Error(`${SERVER_INFO_ENV} is not set: run the tests through jest (npm test), whose global setup starts MariaDB`);
  const info = JSON.parse(fs.readFileSync(file, 'utf8')) as TestServerInfo;
  if (info.error) throw new Error(`the test MariaDB server did not start: ${info.error}`);
  return info;
}

/** Connection options for the admin account of the test server. */
export function adminOptions(extra: ConnectionOptions = {}): ConnectionOptions {
  const s = testServer();
  return { host: s.host, port: s.port, user: s.user, password: s.password, charset: 'UTF8MB4_GENERAL_CI', ...extra };
}

export async function adminConnection(extra: ConnectionOptions = {}): Promise<Connection> {
  const mysql = await import('mysql2/promise');
  return mysql.createConnection(adminOptions(extra));
}

/** A name that no other test (or earlier run) uses: prefix + random suffix. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

/** Creates fresh databases (names given are made unique unless `exact`). Returns their names. */
export async function createTestDatabases(names: readonly string[], opts: { exact?: boolean } = {}): Promise<string[]> {
  const c = await adminConnection();
  try {
    const made: string[] = [];
    for (const n of names) {
      const name = opts.exact ? n : uniqueName(n);
      await c.query(`CREATE DATABASE \`${name.replace(/`/g, '``')}\``);
      made.push(name);
    }
    return made;
  } finally {
    await c.end();
  }
}

export async function dropTestDatabases(names: readonly string[]): Promise<void> {
  const c = await adminConnection();
  try {
    for (const n of names) await c.query(`DROP DATABASE IF EXISTS \`${n.replace(/`/g, '``')}\``);
  } finally {
    await c.end();
  }
}

export interface TestUser {
  readonly user: string;
  readonly password: string;
  readonly host: string;
  readonly port: number;
  /** mysql://user:pass@host:port */
  readonly url: string;
  readonly options: ConnectionOptions;
}

/**
 * Creates a user with a random name and password that holds exactly the given GRANTs. The
 * statements use the placeholder `{user}` for the account, e.g.
 * "GRANT SELECT ON `db`.* TO {user}".
 */
export async function createTestUser(grants: readonly string[] | ((account: string) => readonly string[])): Promise<TestUser> {
  const s = testServer();
  const user = uniqueName('u');
  const password = randomBytes(10).toString('hex');
  const account = `'${user}'@'%'`;
  const statements = typeof grants === 'function' ? grants(account) : grants.map((g) => g.split('{user}').join(account));
  const c = await adminConnection();
  try {
    await c.query(`CREATE USER ${account} IDENTIFIED BY '${password}'`);
    for (const g of statements) await c.query(g);
  } finally {
    await c.end();
  }
  return {
    user,
    password,
    host: s.host,
    port: s.port,
    url: `mysql://${user}:${password}@${s.host}:${s.port}`,
    options: { host: s.host, port: s.port, user, password, charset: 'UTF8MB4_GENERAL_CI' },
  };
}

/** Runs SQL statements (one per array entry) as the admin user. */
export async function adminExec(statements: readonly string[], database?: string): Promise<void> {
  const c = await adminConnection(database ? { database } : {});
  try {
    for (const s of statements) await c.query(s);
  } finally {
    await c.end();
  }
}
