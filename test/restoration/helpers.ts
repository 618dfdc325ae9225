/** Shared helpers of the restoration tests (not a test file). */
import type { Connection } from 'mysql2/promise';
import {
  ConnectionFactory,
  MemoryPlanStore,
  ProgressEvent,
  SqlConnection,
  grantStatements,
  mysqlConnectionFactory,
} from '../../lib/restoration';
import { CliIo } from '../../lib/operator/io';
import { main } from '../../lib/cli/main';
import { TestUser, adminConnection, createTestUser, testServer } from '../support/mariadb';

/** A user holding exactly the documented least privileges for these databases. */
export async function engineUser(databases: readonly string[], referenced: readonly string[] = []): Promise<TestUser> {
  return createTestUser((account) => grantStatements(account, { flavor: 'mariadb', databases, referencedDatabases: referenced, otherDefiners: true }));
}

export interface RecordingFactory extends ConnectionFactory {
  /** Every statement sent through connections of this factory, in order. */
  readonly statements: string[];
}

/** A mysql2 factory that records the statements sent. */
export function recordingFactory(user: TestUser): RecordingFactory {
  const inner = mysqlConnectionFactory({ host: user.host, port: user.port, user: user.user, password: user.password });
  const statements: string[] = [];
  return {
    statements,
    description: inner.description,
    async connect(): Promise<SqlConnection> {
      const c = await inner.connect();
      return {
        query: (sql: string, values?: unknown[]) => {
          statements.push(sql);
          return c.query(sql, values);
        },
        end: () => c.end(),
        destroy: () => c.destroy(),
      };
    },
  };
}

/** Statements that change the schema (tagged DDL). */
export function ddlOf(statements: readonly string[]): string[] {
  return statements.filter((s) => /^\/\* dms-restore [^*]*\*\/ (ALTER|CREATE|DROP)\b/i.test(s) || /^(ALTER|CREATE|DROP)\b/i.test(s));
}

export function q(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

export async function withAdmin<T>(fn: (c: Connection) => Promise<T>): Promise<T> {
  const c = await adminConnection({ multipleStatements: false });
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function rows(c: Connection, sql: string, values?: unknown[]): Promise<Record<string, unknown>[]> {
  const [r] = await c.query(sql, values);
  return r as Record<string, unknown>[];
}

/**
 * SHOW CREATE TABLE of every table and SHOW CREATE TRIGGER (without the Created time) of every
 * trigger of the databases: the schema as the server prints it.
 */
export async function schemaSnapshot(databases: readonly string[]): Promise<Record<string, string>> {
  return withAdmin(async (c) => {
    const out: Record<string, string> = {};
    for (const db of databases) {
      const tables = await rows(c, 'SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME', [db]);
      for (const t of tables) {
        const [r] = await rows(c, `SHOW CREATE TABLE ${q(db)}.${q(String(t.t))}`);
        out[`table ${db}.${String(t.t)}`] = String(r['Create Table']);
      }
      const triggers = await rows(c, 'SELECT TRIGGER_NAME AS n, ACTION_ORDER AS o FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY TRIGGER_NAME', [db]);
      for (const t of triggers) {
        const [r] = await rows(c, `SHOW CREATE TRIGGER ${q(db)}.${q(String(t.n))}`);
        const { Created: _created, ...rest } = r;
        void _created;
        out[`trigger ${db}.${String(t.n)}`] = JSON.stringify({ ...rest, action_order: t.o });
      }
    }
    return out;
  });
}

/** Number of secondary indexes, foreign keys and triggers left in the databases. */
export async function objectCounts(databases: readonly string[]): Promise<{ indexes: number; foreignKeys: number; triggers: number }> {
  return withAdmin(async (c) => {
    const [i] = await rows(c, "SELECT COUNT(DISTINCT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME) AS n FROM information_schema.STATISTICS WHERE TABLE_SCHEMA IN (?) AND INDEX_NAME <> 'PRIMARY'", [databases]);
    const [f] = await rows(c, 'SELECT COUNT(*) AS n FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA IN (?)', [databases]);
    const [t] = await rows(c, 'SELECT COUNT(*) AS n FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA IN (?)', [databases]);
    return { indexes: Number(i.n), foreignKeys: Number(f.n), triggers: Number(t.n) };
  });
}

/** CHECKSUM TABLE of every table: proves no row changed. */
export async function dataChecksums(databases: readonly string[]): Promise<Record<string, string>> {
  return withAdmin(async (c) => {
    const out: Record<string, string> = {};
    for (const db of databases) {
      const tables = await rows(c, "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'", [db]);
      for (const t of tables) {
        const [r] = await rows(c, `CHECKSUM TABLE ${q(db)}.${q(String(t.t))} EXTENDED`);
        const [n] = await rows(c, `SELECT COUNT(*) AS n FROM ${q(db)}.${q(String(t.t))}`);
        out[`${db}.${String(t.t)}`] = `${String(r.Checksum)}/${String(n.n)}`;
      }
    }
    return out;
  });
}

export function newStore(): MemoryPlanStore {
  return new MemoryPlanStore();
}

export function collectProgress(): { events: ProgressEvent[]; listener: (e: ProgressEvent) => void } {
  const events: ProgressEvent[] = [];
  return { events, listener: (e) => events.push(e) };
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the operator CLI in-process. */
export async function cli(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env,
    cwd: process.cwd(),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** `mysql://user@host:port` without the password (the tests pass it through MYSQL_PWD). */
export function targetUrl(user: TestUser): string {
  return `mysql://${user.user}@${user.host}:${user.port}`;
}

export function serverVersion(): string {
  return testServer().version;
}
