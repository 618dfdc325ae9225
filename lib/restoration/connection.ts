import type { ConnectionOptions } from 'mysql2';

/**
 * The part of a mysql2/promise connection the engine uses. A mysql2 `Connection` from
 * `mysql2/promise` satisfies it as is; the Lambda opens TLS connections with credentials from
 * Secrets Manager and hands them over through a {@link ConnectionFactory}.
 */
export interface SqlConnection {
  query(sql: string, values?: unknown[]): Promise<[unknown, unknown]>;
  end(): Promise<void>;
  destroy(): void;
}

export interface ConnectionFactory {
  /** Opens a new connection. The engine opens at most concurrency + 1 at once and closes them. */
  connect(): Promise<SqlConnection>;
  /** Shown in progress and errors (never contains a password). */
  readonly description?: string;
}

export type Row = Readonly<Record<string, unknown>>;

/** Runs a statement that returns rows. */
export async function queryRows(conn: SqlConnection, sql: string, values?: unknown[]): Promise<Row[]> {
  const [rows] = await conn.query(sql, values);
  if (!Array.isArray(rows)) return [];
  return rows.filter((r): r is Row => typeof r === 'object' && r !== null && !Array.isArray(r));
}

export async function execute(conn: SqlConnection, sql: string, values?: unknown[]): Promise<void> {
  await conn.query(sql, values);
}

/** Reads a column whatever case the server used for its name. */
export function col(row: Row, name: string): unknown {
  if (name in row) return row[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(row)) if (k.toLowerCase() === lower) return row[k];
  return undefined;
}

export function str(row: Row, name: string): string {
  const v = col(row, name);
  if (v === null || v === undefined) return '';
  return Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
}

export function strOrNull(row: Row, name: string): string | null {
  const v = col(row, name);
  if (v === null || v === undefined) return null;
  return Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
}

export function num(row: Row, name: string): number {
  const v = col(row, name);
  return v === null || v === undefined ? 0 : Number(v);
}

export function numOrNull(row: Row, name: string): number | null {
  const v = col(row, name);
  return v === null || v === undefined ? null : Number(v);
}

/** Renders any value a driver returns as a string for reports (binary as 0x hex). */
export function renderValue(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) return '0x' + v.toString('hex');
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/** Error fields set by mysql2 (and most MySQL drivers). */
export interface SqlErrorInfo {
  readonly errno?: number;
  readonly code?: string;
  readonly sqlMessage?: string;
  readonly message: string;
}

export function sqlError(err: unknown): SqlErrorInfo {
  if (typeof err === 'object' && err !== null) {
    const e = err as { errno?: unknown; code?: unknown; sqlMessage?: unknown; message?: unknown };
    return {
      errno: typeof e.errno === 'number' ? e.errno : undefined,
      code: typeof e.code === 'string' ? e.code : undefined,
      sqlMessage: typeof e.sqlMessage === 'string' ? e.sqlMessage : undefined,
      message: typeof e.message === 'string' ? e.message : String(err),
    };
  }
  return { message: String(err) };
}

/** Message of a server error, with its number: "1062: Duplicate entry 'a' for key 'u'". */
export function describeSqlError(err: unknown): string {
  const e = sqlError(err);
  const text = e.sqlMessage ?? e.message;
  return e.errno ? `${e.errno}: ${text}` : text;
}

// ---------------------------------------------------------------------------------------------
// mysql2 factory

export interface TargetOptions {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password?: string;
  /** TLS options passed to mysql2 (`{}` for TLS with the default CA store). */
  readonly ssl?: ConnectionOptions['ssl'];
  readonly connectTimeoutMs?: number;
}

/**
 * TLS options with the server's identity checked as well as its chain: mysql2 verifies the host
 * name only with `verifyIdentity: true`, so a certificate for another host signed by a trusted CA
 * was accepted (issue 11). Neither check can be turned off through this factory.
 */
export function verifiedTls(ssl: ConnectionOptions['ssl']): ConnectionOptions['ssl'] {
  if (ssl === undefined || typeof ssl === 'string') return ssl;
  return { ...ssl, rejectUnauthorized: true, verifyIdentity: true };
}

/** True for a host that never leaves the machine (TLS is optional there). */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** A ConnectionFactory over mysql2/promise. */
export function mysqlConnectionFactory(target: TargetOptions): ConnectionFactory {
  return {
    description: `${target.user}@${target.host}:${target.port}`,
    async connect(): Promise<SqlConnection> {
      const mysql = await import('mysql2/promise');
      return mysql.createConnection({
        host: target.host,
        port: target.port,
        user: target.user,
        password: target.password,
        ssl: verifiedTls(target.ssl),
        charset: 'UTF8MB4_GENERAL_CI',
        connectTimeout: target.connectTimeoutMs ?? 10000,
        supportBigNumbers: true,
        bigNumberStrings: true,
        dateStrings: true,
        multipleStatements: false,
      });
    },
  };
}

/**
 * Parses `mysql://USER:PASS@HOST:PORT` (password optional; `?ssl=true` turns TLS on). The password
 * falls back to `fallbackPassword` (e.g. the MYSQL_PWD environment variable).
 */
export function parseTargetUrl(url: string, fallbackPassword?: string): TargetOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`invalid target URL (expected mysql://USER:PASS@HOST:PORT)`);
  }
  if (u.protocol !== 'mysql:' && u.protocol !== 'mariadb:') {
    throw new Error(`invalid target URL scheme "${u.protocol}" (expected mysql://USER:PASS@HOST:PORT)`);
  }
  if (!u.hostname) throw new Error('invalid target URL: no host');
  if (!u.username) throw new Error('invalid target URL: no user');
  if (u.pathname && u.pathname !== '/') throw new Error('invalid target URL: give databases with --databases, not in the URL path');
  const port = u.port ? Number(u.port) : 3306;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`invalid target URL: bad port "${u.port}"`);
  const password = u.password ? decodeURIComponent(u.password) : fallbackPassword;
  const sslParam = u.searchParams.get('ssl');
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  // TLS by default for any host but loopback; `?ssl=false` turns it off explicitly.
  const sslOff = sslParam === 'false' || sslParam === '0';
  const sslOn = sslParam === 'true' || sslParam === '1' || sslParam === 'required';
  const ssl = sslOn || (!sslOff && !isLoopbackHost(host)) ? {} : undefined;
  return { host, port, user: decodeURIComponent(u.username), password, ssl };
}
