import { SqlConnection, execute, queryRows, str } from './connection';
import { ServerInfo } from './types';

/**
 * Session settings every engine connection runs with: a known sql_mode (so the server prints and
 * parses DDL the same way each time: no ANSI_QUOTES, no NO_BACKSLASH_ESCAPES), quoted identifiers
 * in SHOW CREATE output, utf8mb4.
 */
export const ENGINE_SQL_MODE = 'NO_ENGINE_SUBSTITUTION';

export async function prepareSession(conn: SqlConnection): Promise<void> {
  await execute(conn, 'SET NAMES utf8mb4');
  await execute(conn, 'SET SESSION sql_mode = ?, SESSION sql_quote_show_create = 1, SESSION foreign_key_checks = 1', [ENGINE_SQL_MODE]);
}

/** Detects the server flavour, version and the index features its information_schema exposes. */
export async function detectServer(conn: SqlConnection): Promise<ServerInfo> {
  const [row] = await queryRows(conn, 'SELECT VERSION() AS v, @@version_comment AS c');
  const version = str(row, 'v');
  const comment = str(row, 'c');
  const flavor = /mariadb/i.test(version) || /mariadb/i.test(comment) ? 'mariadb' : 'mysql';
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  const versionNumber: [number, number, number] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
  let aurora: string | null = null;
  if (flavor === 'mysql') {
    try {
      const [a] = await queryRows(conn, 'SELECT AURORA_VERSION() AS a');
      aurora = str(a, 'a') || null;
    } catch {
      aurora = null;
    }
  }
  const cols = await queryRows(
    conn,
    `SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'information_schema' AND TABLE_NAME = 'STATISTICS'`,
  );
  const names = new Set(cols.map((r) => str(r, 'c').toUpperCase()));
  return {
    flavor,
    version,
    versionNumber,
    aurora,
    features: {
      ignoredIndexes: names.has('IGNORED'),
      invisibleIndexes: names.has('IS_VISIBLE'),
      functionalIndexes: names.has('EXPRESSION'),
    },
  };
}

export function describeServer(server: ServerInfo): string {
  if (server.aurora) return `Aurora MySQL ${server.aurora} (MySQL ${server.version})`;
  return `${server.flavor === 'mariadb' ? 'MariaDB' : 'MySQL'} ${server.version}`;
}
