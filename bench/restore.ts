/**
 * Benchmark of the restoration engine (npm run bench:restore).
 *
 * Starts a private MariaDB server, builds a dataset of about 1.6M rows over five tables in two
 * databases (several secondary indexes per table, FKs including one across databases, triggers),
 * defers the secondary objects, loads the rows, then times on the same server and data:
 *
 *   (a) baseline: what a user runs from the script saved from AWS SCT, one statement at a time
 *       with FK checks on: CREATE INDEX ..., ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY,
 *       CREATE TRIGGER ...;
 *   (b) the engine's apply (one ALTER TABLE per table online, FKs added with checks off after an
 *       orphan scan, triggers, two tables at a time);
 *
 * in rounds (each: defer, baseline, defer, engine), and prints the times, the ratios b/a and
 * whether every restore ends with the schema captured before.
 *
 * `--wide` runs the wide mode instead (bench/wide.ts: many databases and tables, few rows).
 *
 * Options: --rounds N (default 2); environment BENCH_SCALE (default 1: 1.62M rows),
 * BENCH_CONCURRENCY (default 2), BENCH_TRACE=1 (print the engine's timeline).
 */
import { parseArgs } from 'node:util';
import { MemoryPlanStore, apply, capture, defer, grantStatements, mysqlConnectionFactory } from '../lib/restoration';
import { startMariaDb } from '../test/support/mariadb';
import { compare, log, snapshot } from './common';
import { runWide, wideShape } from './wide';

const SCALE = Number(process.env.BENCH_SCALE ?? '1');
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? '2');
/** Rounds of baseline + engine on the same data (--rounds N, default 2): the spread on a shared machine. */
let ROUNDS = 2;
const N = {
  product: Math.round(20000 * SCALE),
  customer: Math.round(200000 * SCALE),
  orders: Math.round(400000 * SCALE),
  orderLine: Math.round(800000 * SCALE),
};

const SALES = 'bench_sales';
const CATALOG = 'bench_catalog';

/** The target schema as SCT would create it (tables with every secondary object). */
const FULL_SCHEMA = [
  `CREATE DATABASE ${CATALOG}`,
  `CREATE DATABASE ${SALES}`,
  `CREATE TABLE ${CATALOG}.product (
     id INT NOT NULL PRIMARY KEY,
     sku VARCHAR(32) NOT NULL,
     category_id INT NOT NULL,
     name VARCHAR(100) NOT NULL,
     price DECIMAL(10,2) NOT NULL,
     UNIQUE KEY uq_product_sku (sku),
     KEY ix_product_category (category_id, price),
     KEY ix_product_name (name)
   ) ENGINE=InnoDB`,
  `CREATE TABLE ${SALES}.customer (
     id INT NOT NULL PRIMARY KEY,
     email VARCHAR(120) NOT NULL,
     first_name VARCHAR(50) NOT NULL,
     last_name VARCHAR(50) NOT NULL,
     country CHAR(2) NOT NULL,
     created DATETIME NOT NULL,
     UNIQUE KEY uq_customer_email (email),
     KEY ix_customer_name (last_name, first_name),
     KEY ix_customer_country (country, created),
     KEY ix_customer_created (created)
   ) ENGINE=InnoDB`,
  `CREATE TABLE ${SALES}.orders (
     id INT NOT NULL PRIMARY KEY,
     customer_id INT NOT NULL,
     status VARCHAR(16) NOT NULL,
     created DATETIME NOT NULL,
     total DECIMAL(12,2) NOT NULL,
     KEY ix_orders_customer (customer_id, created),
     KEY ix_orders_status (status, created),
     KEY ix_orders_created (created),
     CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES ${SALES}.customer (id)
   ) ENGINE=InnoDB`,
  `CREATE TABLE ${SALES}.order_line (
     order_id INT NOT NULL,
     line_no SMALLINT NOT NULL,
     product_id INT NOT NULL,
     qty INT NOT NULL,
     amount DECIMAL(12,2) NOT NULL,
     PRIMARY KEY (order_id, line_no),
     KEY ix_line_product (product_id, qty),
     KEY ix_line_amount (amount),
     CONSTRAINT fk_line_order FOREIGN KEY (order_id) REFERENCES ${SALES}.orders (id) ON DELETE CASCADE,
     CONSTRAINT fk_line_product FOREIGN KEY (product_id) REFERENCES ${CATALOG}.product (id)
   ) ENGINE=InnoDB`,
  `CREATE TABLE ${SALES}.payment (
     id INT NOT NULL PRIMARY KEY,
     order_id INT NOT NULL,
     method VARCHAR(10) NOT NULL,
     paid DATETIME NOT NULL,
     KEY ix_payment_order (order_id),
     KEY ix_payment_paid (paid, method),
     CONSTRAINT fk_payment_order FOREIGN KEY (order_id) REFERENCES ${SALES}.orders (id)
   ) ENGINE=InnoDB`,
  `CREATE TABLE ${SALES}.audit (id BIGINT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(100) NOT NULL, at DATETIME NOT NULL) ENGINE=InnoDB`,
  `CREATE TRIGGER ${SALES}.trg_orders_bu BEFORE UPDATE ON ${SALES}.orders FOR EACH ROW SET NEW.total = GREATEST(NEW.total, 0)`,
  `CREATE TRIGGER ${SALES}.trg_orders_au AFTER UPDATE ON ${SALES}.orders FOR EACH ROW INSERT INTO ${SALES}.audit (what, at) VALUES (CONCAT('order ', NEW.id), NOW())`,
  `CREATE TRIGGER ${SALES}.trg_customer_bi BEFORE INSERT ON ${SALES}.customer FOR EACH ROW SET NEW.email = LOWER(NEW.email)`,
];

/** The rows (generated with the sequence engine; every FK holds). */
function loadStatements(): string[] {
  return [
    `INSERT INTO ${CATALOG}.product SELECT seq, CONCAT('SKU-', seq), seq % 150, CONCAT('product ', MD5(seq)), (seq % 1000) / 10 FROM seq_1_to_${N.product}`,
    `INSERT INTO ${SALES}.customer SELECT seq, CONCAT('c', seq, '@example.com'), CONCAT('F', seq % 5000), CONCAT('L', MD5(seq % 70000)),
       ELT(1 + seq % 8, 'FR', 'DE', 'JP', 'US', 'BR', 'IN', 'ES', 'IT'), '2020-01-01' + INTERVAL (seq * 37) % 100000000 SECOND FROM seq_1_to_${N.customer}`,
    `INSERT INTO ${SALES}.orders SELECT seq, 1 + (seq * 7919) % ${N.customer}, ELT(1 + seq % 4, 'open', 'paid', 'shipped', 'closed'),
       '2021-01-01' + INTERVAL (seq * 53) % 90000000 SECOND, (seq % 50000) / 100 FROM seq_1_to_${N.orders}`,
    `INSERT INTO ${SALES}.order_line SELECT 1 + (seq - 1) DIV 2, 1 + (seq - 1) % 2, 1 + (seq * 104729) % ${N.product}, 1 + seq % 9, (seq % 9000) / 10
       FROM seq_1_to_${N.orderLine}`,
    `INSERT INTO ${SALES}.payment SELECT seq, 1 + (seq * 31) % ${N.orders}, ELT(1 + seq % 3, 'card', 'wire', 'cash'), '2022-01-01' + INTERVAL seq MINUTE
       FROM seq_1_to_${Math.round(N.orders / 2)}`,
  ];
}

/** The baseline: the saved SCT script, one statement at a time, FK checks on. */
const BASELINE = [
  `CREATE UNIQUE INDEX uq_product_sku ON ${CATALOG}.product (sku)`,
  `CREATE INDEX ix_product_category ON ${CATALOG}.product (category_id, price)`,
  `CREATE INDEX ix_product_name ON ${CATALOG}.product (name)`,
  `CREATE UNIQUE INDEX uq_customer_email ON ${SALES}.customer (email)`,
  `CREATE INDEX ix_customer_name ON ${SALES}.customer (last_name, first_name)`,
  `CREATE INDEX ix_customer_country ON ${SALES}.customer (country, created)`,
  `CREATE INDEX ix_customer_created ON ${SALES}.customer (created)`,
  `CREATE INDEX ix_orders_customer ON ${SALES}.orders (customer_id, created)`,
  `CREATE INDEX ix_orders_status ON ${SALES}.orders (status, created)`,
  `CREATE INDEX ix_orders_created ON ${SALES}.orders (created)`,
  `CREATE INDEX ix_line_product ON ${SALES}.order_line (product_id, qty)`,
  `CREATE INDEX ix_line_amount ON ${SALES}.order_line (amount)`,
  `CREATE INDEX ix_payment_order ON ${SALES}.payment (order_id)`,
  `CREATE INDEX ix_payment_paid ON ${SALES}.payment (paid, method)`,
  `ALTER TABLE ${SALES}.orders ADD CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES ${SALES}.customer (id)`,
  `ALTER TABLE ${SALES}.order_line ADD CONSTRAINT fk_line_order FOREIGN KEY (order_id) REFERENCES ${SALES}.orders (id) ON DELETE CASCADE`,
  `ALTER TABLE ${SALES}.order_line ADD CONSTRAINT fk_line_product FOREIGN KEY (product_id) REFERENCES ${CATALOG}.product (id)`,
  `ALTER TABLE ${SALES}.payment ADD CONSTRAINT fk_payment_order FOREIGN KEY (order_id) REFERENCES ${SALES}.orders (id)`,
  `CREATE TRIGGER ${SALES}.trg_orders_bu BEFORE UPDATE ON ${SALES}.orders FOR EACH ROW SET NEW.total = GREATEST(NEW.total, 0)`,
  `CREATE TRIGGER ${SALES}.trg_orders_au AFTER UPDATE ON ${SALES}.orders FOR EACH ROW INSERT INTO ${SALES}.audit (what, at) VALUES (CONCAT('order ', NEW.id), NOW())`,
  `CREATE TRIGGER ${SALES}.trg_customer_bi BEFORE INSERT ON ${SALES}.customer FOR EACH ROW SET NEW.email = LOWER(NEW.email)`,
];

async function main(): Promise<void> {
  const started = Date.now();
  log(`starting MariaDB (${CONCURRENCY} table(s) at a time in the engine; scale ${SCALE})...`);
  const server = await startMariaDb({
    log,
    settings: {
      'innodb-buffer-pool-size': '2G',
      'innodb-log-file-size': '1G',
      'innodb-flush-log-at-trx-commit': 2,
      'max-allowed-packet': '64M',
    },
  });
  const mysql = await import('mysql2/promise');
  const admin = await mysql.createConnection({ host: server.host, port: server.port, user: server.user, password: server.password, database: 'mysql' });
  try {
    for (const s of FULL_SCHEMA) await admin.query(s);
    const expected = await snapshot(admin, [CATALOG, SALES]);

    // The engine runs as a least-privileged user.
    const user = 'bench_restore';
    const password = 'bench-' + Date.now();
    await admin.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
    for (const g of grantStatements(`'${user}'@'%'`, { flavor: 'mariadb', databases: [CATALOG, SALES], otherDefiners: true })) await admin.query(g);
    const connections = mysqlConnectionFactory({ host: server.host, port: server.port, user, password });
    const store = new MemoryPlanStore();
    const plan = await capture({ connections, store, databases: [CATALOG, SALES] });
    const objects = plan.objects.length;
    const deferred = await defer({ connections, store });
    if (!deferred.ok) throw new Error(`defer failed: ${JSON.stringify(deferred.failed)}`);

    log('loading rows...');
    const t0 = Date.now();
    for (const s of loadStatements()) await admin.query(s);
    const [counts] = await admin.query(
      `SELECT SUM(TABLE_ROWS) AS approx FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?, ?)`,
      [CATALOG, SALES],
    );
    const exact = N.product + N.customer + N.orders + N.orderLine + Math.round(N.orders / 2);
    log(`loaded ${exact} rows in ${((Date.now() - t0) / 1000).toFixed(1)}s (information_schema estimate ${(counts as { approx: string }[])[0].approx})`);

    const rounds: { baseline: number; engine: number }[] = [];
    const diffs: string[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      if (round > 1) {
        const back = await defer({ connections, store });
        if (!back.ok) throw new Error(`defer failed: ${JSON.stringify(back.failed)}`);
      }
      // (a) baseline
      log(`round ${round}: baseline, ${BASELINE.length} statements one at a time, FK checks on...`);
      await admin.query('SET SESSION foreign_key_checks = 1');
      const a0 = Date.now();
      for (const s of BASELINE) {
        const s0 = Date.now();
        await admin.query(s);
        log(`  ${((Date.now() - s0) / 1000).toFixed(1).padStart(6)}s  ${s.replace(/\s+/g, ' ').slice(0, 110)}`);
      }
      const baseline = (Date.now() - a0) / 1000;
      diffs.push(...compare(expected, await snapshot(admin, [CATALOG, SALES])).map((d) => `after the baseline: ${d}`));

      // Back to the deferred state (the engine drops what the baseline built).
      const again = await defer({ connections, store });
      if (!again.ok) throw new Error(`defer failed: ${JSON.stringify(again.failed)}`);

      // (b) engine
      log(`round ${round}: engine apply (concurrency ${CONCURRENCY})...`);
      const b0 = Date.now();
      const result = await apply({
        connections,
        store,
        concurrency: CONCURRENCY,
        progress: (e) => {
          if (process.env.BENCH_TRACE) log(`  [${(e.elapsedMs / 1000).toFixed(2)}] ${e.type} ${e.stage} ${e.table} ${e.message.slice(0, 60)}`);
          else if (e.type === 'done' && e.durationMs !== undefined && e.stepId) log(`  ${(e.durationMs / 1000).toFixed(1).padStart(6)}s  ${e.stage} ${e.database}.${e.table} ${e.stepId}`);
        },
      });
      const engine = (Date.now() - b0) / 1000;
      if (!result.ok) throw new Error(`apply failed: ${JSON.stringify(result.failed)}`);
      diffs.push(...compare(expected, await snapshot(admin, [CATALOG, SALES])).map((d) => `after the engine: ${d}`));
      rounds.push({ baseline, engine });
      log(`round ${round}: baseline ${baseline.toFixed(1)} s, engine ${engine.toFixed(1)} s, ratio ${(engine / baseline).toFixed(3)}`);
    }

    const ratios = rounds.map((r) => r.engine / r.baseline).sort((a, b) => a - b);
    const median = ratios[Math.floor((ratios.length - 1) / 2)];
    const list = (f: (r: { baseline: number; engine: number }) => number, digits: number): string => rounds.map((r) => f(r).toFixed(digits)).join(' / ');
    const lines = [
      '',
      `dataset:       ${exact} rows, ${objects} objects (${plan.objects.filter((o) => o.kind === 'index').length} indexes, ${plan.objects.filter((o) => o.kind === 'foreignKey').length} foreign keys, ${plan.objects.filter((o) => o.kind === 'trigger').length} triggers), MariaDB ${server.version}, ${ROUNDS} round(s)`,
      `baseline (a):  ${list((r) => r.baseline, 1)} s   one statement at a time, FK checks on`,
      `engine   (b):  ${list((r) => r.engine, 1)} s   batched ALTER per table, FK checks off + orphan scan, concurrency ${CONCURRENCY}`,
      `ratio b/a:     ${list((r) => r.engine / r.baseline, 3)}   (median ${median.toFixed(3)}, min ${ratios[0].toFixed(3)}, max ${ratios[ratios.length - 1].toFixed(3)}; target <= 0.15: ${median <= 0.15 ? 'met' : 'NOT met'} by the median)`,
      `schema identical to the original after every baseline and engine restore: ${diffs.length ? 'NO' : 'yes'}`,
      `total bench time ${((Date.now() - started) / 1000).toFixed(0)} s`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
    for (const d of diffs) log(d);
    if (diffs.length) process.exitCode = 1;
  } finally {
    await admin.end();
    await server.stop();
  }
}

/** `--wide [--objects N | --databases D --tables T] [--rows R] [--rounds N]`, else the deep mode (1.62M rows at BENCH_SCALE=1). */
async function entry(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      wide: { type: 'boolean' },
      objects: { type: 'string' },
      databases: { type: 'string' },
      tables: { type: 'string' },
      rows: { type: 'string' },
      rounds: { type: 'string' },
    },
  });
  const int = (v: string | undefined, name: string, max: number): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`--${name} must be an integer from 1 to ${max}, not "${v}"`);
    return n;
  };
  ROUNDS = int(values.rounds, 'rounds', 10) ?? 2;
  if (!values.wide) return main();
  const objects = int(values.objects, 'objects', 10000) ?? 2000;
  const derived = wideShape(objects);
  process.exitCode = await runWide({
    databases: int(values.databases, 'databases', 64) ?? derived.databases,
    tables: int(values.tables, 'tables', 2000) ?? derived.tables,
    rowsPerTable: int(values.rows, 'rows', 100000) ?? 50,
    rounds: ROUNDS,
    concurrency: CONCURRENCY,
  });
}

entry().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 1;
});
