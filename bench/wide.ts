/**
 * Wide mode of the restoration benchmark (npm run bench:restore -- --wide): the shape of a
 * converted estate, many databases and tables with few rows, where the cost is per object and
 * not per row. Every table has 4 secondary indexes (one unique) and a foreign key to the table
 * before it; every tenth table has a trigger; 50 rows a table.
 *
 * Times on the same server, in the same run:
 *   - the baseline: a script of one statement per object, run one statement at a time (what a
 *     user runs from the saved SCT script): DROP TRIGGER / ALTER TABLE ... DROP FOREIGN KEY /
 *     DROP INDEX to defer, CREATE INDEX / ALTER TABLE ... ADD CONSTRAINT (FK checks on) /
 *     CREATE TRIGGER to restore;
 *   - the engine's defer (capture included, as `restore defer` runs it), apply and verify, with
 *     the plan in a file as the CLI keeps it;
 * and prints the times, the ratios engine/baseline and the cost per object.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConnectionFactory, FilePlanStore, ProgressEvent, SqlConnection, apply, defer, grantStatements, mysqlConnectionFactory, verify } from '../lib/restoration';
import { startMariaDb } from '../test/support/mariadb';
import { compare, log, snapshot, timed, timedCpu } from './common';

export interface WideOptions {
  readonly databases: number;
  readonly tables: number;
  readonly concurrency: number;
  readonly rowsPerTable: number;
  /** Times the cycle defer, baseline restore, baseline drop, apply, verify is run (for the spread). */
  readonly rounds: number;
}

/** Databases and tables for about `objects` objects (5.1 objects a table). */
export function wideShape(objects: number): { databases: number; tables: number } {
  const databases = Math.max(2, Math.ceil(objects / 2500));
  return { databases, tables: Math.max(2, Math.round((objects / databases + 1) / 5.1)) };
}

const dbName = (d: number): string => `wide_${String(d + 1).padStart(2, '0')}`;
const tableName = (t: number): string => `t${String(t + 1).padStart(4, '0')}`;

interface Shape {
  readonly databases: string[];
  readonly create: string[];
  /** The one-statement-per-object scripts. */
  readonly restoreScript: string[];
  readonly dropScript: string[];
  readonly objects: number;
}

function shape(o: WideOptions): Shape {
  const databases = Array.from({ length: o.databases }, (_, d) => dbName(d));
  const create: string[] = [];
  const indexes: string[] = [];
  const foreignKeys: string[] = [];
  const triggers: string[] = [];
  const dropTriggers: string[] = [];
  const dropForeignKeys: string[] = [];
  const dropIndexes: string[] = [];
  for (const db of databases) {
    create.push(`CREATE DATABASE ${db}`);
    for (let t = 0; t < o.tables; t++) {
      const n = tableName(t);
      const T = `${db}.${n}`;
      const fk = t > 0 ? `fk_${n}_parent` : undefined;
      const fkClause = fk ? `CONSTRAINT ${fk} FOREIGN KEY (parent_id) REFERENCES ${db}.${tableName(t - 1)} (id)` : undefined;
      create.push(
        `CREATE TABLE ${T} (
           id INT NOT NULL PRIMARY KEY, parent_id INT NULL, code VARCHAR(20) NOT NULL, name VARCHAR(40) NOT NULL,
           amount DECIMAL(10,2) NOT NULL, created DATETIME NOT NULL,
           UNIQUE KEY uq_${n}_code (code), KEY ix_${n}_name (name, created), KEY ix_${n}_amount (amount), KEY ix_${n}_parent (parent_id)
           ${fkClause ? `, ${fkClause}` : ''}
         ) ENGINE=InnoDB`,
        `INSERT INTO ${T} SELECT seq, ${t > 0 ? `1 + seq % ${o.rowsPerTable}` : 'NULL'}, CONCAT('c', seq), CONCAT('name ', seq % 7), seq / 4, '2024-01-01' + INTERVAL seq HOUR FROM seq_1_to_${o.rowsPerTable}`,
      );
      indexes.push(
        `CREATE UNIQUE INDEX uq_${n}_code ON ${T} (code)`,
        `CREATE INDEX ix_${n}_name ON ${T} (name, created)`,
        `CREATE INDEX ix_${n}_amount ON ${T} (amount)`,
        `CREATE INDEX ix_${n}_parent ON ${T} (parent_id)`,
      );
      dropIndexes.push(...[`uq_${n}_code`, `ix_${n}_name`, `ix_${n}_amount`, `ix_${n}_parent`].map((i) => `DROP INDEX ${i} ON ${T}`));
      if (fk) {
        foreignKeys.push(`ALTER TABLE ${T} ADD ${fkClause}`);
        dropForeignKeys.push(`ALTER TABLE ${T} DROP FOREIGN KEY ${fk}`);
      }
      if (t % 10 === 9) {
        const trg = `trg_${n}_bi`;
        const statement = `CREATE TRIGGER ${db}.${trg} BEFORE INSERT ON ${T} FOR EACH ROW SET NEW.name = TRIM(NEW.name)`;
        create.push(statement);
        triggers.push(statement);
        dropTriggers.push(`DROP TRIGGER ${db}.${trg}`);
      }
    }
  }
  return {
    databases,
    create,
    restoreScript: [...indexes, ...foreignKeys, ...triggers],
    dropScript: [...dropTriggers, ...dropForeignKeys, ...dropIndexes],
    objects: indexes.length + foreignKeys.length + triggers.length,
  };
}

/** Counts the statements an engine call sends. */
function counting(inner: ConnectionFactory): ConnectionFactory & { count: number } {
  const f = {
    count: 0,
    description: inner.description,
    async connect(): Promise<SqlConnection> {
      const c = await inner.connect();
      return {
        query: (sql: string, values?: unknown[]) => {
          f.count++;
          return c.query(sql, values);
        },
        end: () => c.end(),
        destroy: () => c.destroy(),
      };
    },
  };
  return f;
}

export async function runWide(o: WideOptions): Promise<number> {
  const s = shape(o);
  log(`wide: ${o.databases} database(s) x ${o.tables} table(s), ${s.objects} objects, ${o.rowsPerTable} rows a table; starting MariaDB...`);
  const server = await startMariaDb({ log, settings: { 'innodb-buffer-pool-size': '1G', 'max-allowed-packet': '64M' } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-wide-'));
  const mysql = await import('mysql2/promise');
  const admin = await mysql.createConnection({ host: server.host, port: server.port, user: server.user, password: server.password, database: 'mysql' });
  try {
    const [, buildSecs] = await timed(async () => {
      for (const stmt of s.create) await admin.query(stmt);
    });
    log(`built the schema in ${buildSecs.toFixed(1)} s`);
    const expected = await snapshot(admin, s.databases);
    const user = 'bench_restore';
    const password = 'bench-' + Date.now();
    await admin.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
    for (const g of grantStatements(`'${user}'@'%'`, { flavor: 'mariadb', databases: s.databases, otherDefiners: true })) await admin.query(g);
    const connections = counting(mysqlConnectionFactory({ host: server.host, port: server.port, user, password }));
    const store = new FilePlanStore(path.join(dir, 'wide.plan.json'));
    // BENCH_TRACE=1: the engine's stages and catalog reads, with their elapsed time.
    const progress = process.env.BENCH_TRACE
      ? (e: ProgressEvent): void => {
          if (e.type === 'info' || e.type === 'deadline') log(`  [${e.action} ${(e.elapsedMs / 1000).toFixed(2)} s] ${e.stage ?? ''} ${e.message}`);
        }
      : undefined;
    const common = { connections, store, concurrency: o.concurrency, progress };

    type Round = { defer: number; drop: number; restore: number; apply: number; verify: number; deferCpu: number; applyCpu: number; deferStatements: number; applyStatements: number };
    const rounds: Round[] = [];
    const diffs: string[] = [];
    for (let round = 1; round <= o.rounds; round++) {
      log(`round ${round}: engine defer${round === 1 ? ' (capture included)' : ''}...`);
      connections.count = 0;
      const [deferred, deferSecs, deferCpu] = await timedCpu(() => defer({ ...common, databases: s.databases }));
      if (!deferred.ok) throw new Error(`defer failed: ${JSON.stringify(deferred.failed.slice(0, 5))}`);
      const deferStatements = connections.count;

      log(`round ${round}: baseline restore, ${s.restoreScript.length} statements one at a time, FK checks on...`);
      await admin.query('SET SESSION foreign_key_checks = 1');
      const [, restoreSecs] = await timed(async () => {
        for (const stmt of s.restoreScript) await admin.query(stmt);
      });
      diffs.push(...compare(expected, await snapshot(admin, s.databases)).map((d) => `after the baseline: ${d}`));

      log(`round ${round}: baseline drop, ${s.dropScript.length} statements one at a time...`);
      const [, dropSecs] = await timed(async () => {
        for (const stmt of s.dropScript) await admin.query(stmt);
      });

      log(`round ${round}: engine apply...`);
      connections.count = 0;
      const [applied, applySecs, applyCpu] = await timedCpu(() => apply(common));
      if (!applied.ok) throw new Error(`apply failed: ${JSON.stringify(applied.failed.slice(0, 5))}`);
      const applyStatements = connections.count;
      diffs.push(...compare(expected, await snapshot(admin, s.databases)).map((d) => `after the engine: ${d}`));

      log(`round ${round}: engine verify...`);
      const [verified, verifySecs] = await timed(() => verify(common));
      if (!verified.ok) throw new Error(`verify failed: ${JSON.stringify(verified.problems.slice(0, 5))}`);
      const r = { defer: deferSecs, drop: dropSecs, restore: restoreSecs, apply: applySecs, verify: verifySecs, deferCpu, applyCpu, deferStatements, applyStatements };
      rounds.push(r);
      log(`round ${round}: defer ${r.defer.toFixed(1)} s, baseline drop ${r.drop.toFixed(1)} s, baseline restore ${r.restore.toFixed(1)} s, apply ${r.apply.toFixed(1)} s, verify ${r.verify.toFixed(1)} s`);
    }

    const planBytes = fs.statSync(store.file).size;
    const perObject = (secs: number): string => `${((secs * 1000) / s.objects).toFixed(2)} ms/object`;
    /** Per round, in round order, then min and max. */
    const spread = (f: (r: Round) => number, digits = 1): string => {
      const v = rounds.map(f);
      return v.length === 1 ? v[0].toFixed(digits) : `${v.map((x) => x.toFixed(digits)).join(' / ')} (min ${Math.min(...v).toFixed(digits)}, max ${Math.max(...v).toFixed(digits)})`;
    };
    const first = rounds[0];
    const worst = (f: (r: Round) => number): number => Math.max(...rounds.map(f));
    const lines = [
      '',
      `wide dataset:     ${o.databases} databases x ${o.tables} tables, ${s.objects} objects (${s.restoreScript.length} statements), ${o.rowsPerTable} rows a table, MariaDB ${server.version}, concurrency ${o.concurrency}, ${o.rounds} round(s)`,
      `baseline drop:    ${spread((r) => r.drop)} s   first round ${perObject(first.drop)}   one statement per object`,
      `baseline restore: ${spread((r) => r.restore)} s   first round ${perObject(first.restore)}   one statement per object, FK checks on`,
      `engine defer:     ${spread((r) => r.defer)} s   first round ${perObject(first.defer)}   round 1 includes the capture; ${first.deferStatements} statements sent`,
      `engine apply:     ${spread((r) => r.apply)} s   first round ${perObject(first.apply)}   ${first.applyStatements} statements sent`,
      `engine verify:    ${spread((r) => r.verify)} s   first round ${perObject(first.verify)}`,
      `engine cost per object (defer + apply): ${spread((r) => ((r.defer + r.apply) * 1000) / s.objects, 2)} ms`,
      `engine process CPU per object (defer + apply): ${spread((r) => ((r.deferCpu + r.applyCpu) * 1000) / s.objects, 2)} ms`,
      `ratio defer/baseline drop:     ${spread((r) => r.defer / r.drop, 3)}`,
      `ratio defer/baseline restore:  ${spread((r) => r.defer / r.restore, 3)}   (target <= 0.5: ${worst((r) => r.defer / r.restore) <= 0.5 ? 'met' : 'NOT met'} in every round)`,
      `ratio apply/baseline restore:  ${spread((r) => r.apply / r.restore, 3)}   (target <= 0.5: ${worst((r) => r.apply / r.restore) <= 0.5 ? 'met' : 'NOT met'} in every round)`,
      `plan file:        ${(planBytes / 1e6).toFixed(1)} MB`,
      `schema identical to the original after every baseline and engine restore: ${diffs.length ? 'NO' : 'yes'}`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
    for (const d of diffs.slice(0, 5)) log(d);
    return diffs.length ? 1 : 0;
  } finally {
    await admin.end();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
