import { quoteId } from './sql';
import { ServerFlavor } from './types';

/**
 * The least privileges the engine needs, as GRANT statements. Checked by the tests on MariaDB
 * 10.11, which run the engine as a user holding exactly these.
 *
 * MariaDB: ALTER TABLE ... ADD/DROP INDEX and ADD/DROP FOREIGN KEY need ALTER on the table;
 * CREATE/DROP TRIGGER and SHOW CREATE TRIGGER need TRIGGER; capture, SHOW CREATE TABLE and the
 * duplicate and orphan scans need SELECT (also on referenced tables outside the plan).
 * MySQL 8 / Aurora MySQL 3 additionally document CREATE and INSERT for ALTER TABLE and
 * REFERENCES on the parent table of a foreign key (8.0.22+).
 * Re-creating a trigger whose DEFINER is another account needs SET USER (MariaDB 10.5.2+),
 * SET_USER_ID (MySQL 8.0) or SET_ANY_DEFINER (MySQL 8.2+).
 * Nothing else: the engine sees its own threads in PROCESSLIST without PROCESS, kills only its
 * own scans, and takes a named lock (GET_LOCK) that needs no privilege.
 */
export interface PrivilegeOptions {
  readonly flavor: ServerFlavor;
  /** The plan's databases. */
  readonly databases: readonly string[];
  /** Databases outside the plan that its foreign keys reference. */
  readonly referencedDatabases?: readonly string[];
  /** Triggers have a DEFINER other than the engine's own account. */
  readonly otherDefiners?: boolean;
  /** Server version, to pick the definer privilege (MySQL 8.2+: SET_ANY_DEFINER). */
  readonly versionNumber?: readonly [number, number, number];
}

export function planDatabasePrivileges(flavor: ServerFlavor): string[] {
  return flavor === 'mariadb'
    ? ['SELECT', 'ALTER', 'TRIGGER']
    : ['SELECT', 'INSERT', 'CREATE', 'ALTER', 'REFERENCES', 'TRIGGER'];
}

export function referencedDatabasePrivileges(flavor: ServerFlavor): string[] {
  return flavor === 'mariadb' ? ['SELECT'] : ['SELECT', 'REFERENCES'];
}

export function definerPrivilege(flavor: ServerFlavor, version?: readonly [number, number, number]): string {
  if (flavor === 'mariadb') return version && (version[0] < 10 || (version[0] === 10 && (version[1] < 5 || (version[1] === 5 && version[2] < 2)))) ? 'SUPER' : 'SET USER';
  return version && (version[0] > 8 || (version[0] === 8 && version[1] >= 2)) ? 'SET_ANY_DEFINER' : 'SET_USER_ID';
}

/** `'user'@'host'` with quotes escaped. */
export function quoteAccount(user: string, host: string): string {
  const q = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  return `${q(user)}@${q(host)}`;
}

/** GRANT statements for `account` (already quoted, e.g. from {@link quoteAccount}). */
export function grantStatements(account: string, opts: PrivilegeOptions): string[] {
  const grants = opts.databases.map((d) => `GRANT ${planDatabasePrivileges(opts.flavor).join(', ')} ON ${quoteId(d)}.* TO ${account}`);
  for (const d of opts.referencedDatabases ?? []) {
    if (opts.databases.includes(d)) continue;
    grants.push(`GRANT ${referencedDatabasePrivileges(opts.flavor).join(', ')} ON ${quoteId(d)}.* TO ${account}`);
  }
  if (opts.otherDefiners) grants.push(`GRANT ${definerPrivilege(opts.flavor, opts.versionNumber)} ON *.* TO ${account}`);
  return grants;
}
