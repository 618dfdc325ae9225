import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { isBuiltin } from 'node:module';
import * as path from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { decode, encode } from '@jridgewell/sourcemap-codec';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { BUNDLE_TARGET, buildBundles, HandlerBundle, handlerBundles, handlerEntryFiles, ownCodeSourceMap } from '../../lib/orchestration/bundle';
import { RUNBOOK_RUNTIME } from '../../lib/orchestration/runbook';
import { grantStatements } from '../../lib/restoration';
import { buildTestApp, exampleEnvironments, PROJECT_ROOT } from '../support/app';
import { adminExec, createTestDatabases, createTestUser, dropTestDatabases, testServer, uniqueName } from '../support/mariadb';

/**
 * The Lambda bundles (lib/orchestration/bundle.ts): what they contain and leave out, their size,
 * their source maps, that one bundle per handler serves every function of every environment, and
 * the bundled restoration code path on the real MariaDB server.
 *
 * Bundles are written under the project's .tmp/ so that what they leave to the runtime (the AWS
 * SDK) resolves from the project's node_modules, as it does from the runtime's in Lambda.
 */
const MB = 1_000_000;
const FIXTURES = path.join(__dirname, 'fixtures');
let work: string;
let handlers: Map<string, HandlerBundle>;

beforeAll(() => {
  fs.mkdirSync(path.join(PROJECT_ROOT, '.tmp'), { recursive: true });
  work = fs.mkdtempSync(path.join(PROJECT_ROOT, '.tmp', 'bundle-test-'));
  handlers = buildBundles(handlerEntryFiles(), path.join(work, 'handlers'));
});

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

function load(bundle: HandlerBundle): Record<string, unknown> {
  return require(path.join(bundle.directory, 'index.js')) as Record<string, unknown>;
}

const exportsOf = {
  restoration: ['handler'],
  control: ['handler'],
  'custom-resource': ['onEventHandler', 'isCompleteHandler'],
  'vpc-role-probe': ['onEventHandler', 'isCompleteHandler'],
  'deploy-control': ['onEventHandler', 'isCompleteHandler'],
} as const;

test.each(Object.entries(exportsOf))('the %s bundle loads with the AWS SDK from outside it and exports its handlers', (name, exported) => {
  const module = load(handlers.get(name)!);
  for (const fn of exported) expect(typeof module[fn]).toBe('function');
});

test('every bundle is at most 1 MB on disk, code and source map together', () => {
  for (const bundle of handlers.values()) {
    console.log(`${bundle.name}: ${bundle.bytes} bytes (${bundle.files.map((f) => `${f.name} ${f.bytes}`).join(', ')})`);
    const onDisk = fs.readdirSync(bundle.directory).reduce((sum, f) => sum + fs.statSync(path.join(bundle.directory, f)).size, 0);
    expect(onDisk).toBe(bundle.bytes);
    expect(bundle.bytes).toBeLessThanOrEqual(MB);
  }
});

test('a bundle requires only Node.js built-ins, AWS SDK v3 clients (the runtime has them) and what mysql2 may do without', () => {
  const required = (bundle: HandlerBundle) => {
    const code = fs.readFileSync(path.join(bundle.directory, 'index.js'), 'utf8');
    return [...new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!))].filter((m) => !isBuiltin(m)).sort();
  };
  expect(required(handlers.get('control')!)).toEqual([
    '@aws-sdk/client-cloudwatch',
    '@aws-sdk/client-database-migration-service',
    '@aws-sdk/client-secrets-manager',
    '@aws-sdk/client-sns',
  ]);
  expect(required(handlers.get('custom-resource')!)).toEqual(['@aws-sdk/client-sfn']);
  expect(required(handlers.get('vpc-role-probe')!)).toEqual(['@aws-sdk/client-database-migration-service']);
  expect(required(handlers.get('deploy-control')!)).toEqual(['@aws-sdk/client-database-migration-service']);
  const restoration = required(handlers.get('restoration')!);
  // mysql2 loads cardinal (an optional highlighter for its debug output) in a try; iconv-lite loads its
  // double-byte tables only for a connection that decodes such a character set.
  expect(restoration.filter((m) => !m.startsWith('./tables/'))).toEqual(['@aws-sdk/client-secrets-manager', 'cardinal']);
  expect(restoration.filter((m) => m.startsWith('./tables/')).length).toBeGreaterThan(0);
  expect(fs.readFileSync(path.join(handlers.get('restoration')!.directory, 'index.js'), 'utf8')).toMatch(/try\{[^}]*require\("cardinal"\)/);
});

test('the bundles target the Node.js of the functions\' runtime', () => {
  expect(RUNBOOK_RUNTIME.name).toBe(`nodejs${BUNDLE_TARGET.replace('node', '')}.x`);
});

test('a bundle depends on its code and options only: the same wherever it is written, another when the code changes', () => {
  const shared = handlerBundles();
  for (const [name, bundle] of handlers) {
    expect(shared.get(name as 'control')!.hash).toBe(bundle.hash);
    expect(path.basename(shared.get(name as 'control')!.directory)).toBe(path.basename(bundle.directory));
  }
  const entry = path.join(work, 'entry.ts');
  fs.writeFileSync(entry, 'export const handler = async () => 1;\n');
  const first = buildBundles({ probe: entry }, path.join(work, 'a')).get('probe')!;
  const again = buildBundles({ probe: entry }, path.join(work, 'b')).get('probe')!;
  fs.writeFileSync(entry, 'export const handler = async () => 2;\n');
  const changed = buildBundles({ probe: entry }, path.join(work, 'c')).get('probe')!;
  expect(again.hash).toBe(first.hash);
  expect(changed.hash).not.toBe(first.hash);
});

test('one bundle per handler serves every function of every environment', () => {
  const environments = exampleEnvironments();
  const app = buildTestApp({ ...environments, qa: { ...(environments.dev as object), createAccountRoles: false } });
  // The construct tree is enough (no synth): each function's code location names its asset.
  const codeOf = new Map<string, Set<string>>();
  for (const fn of app.node.findAll().filter((c): c is lambda.Function => c instanceof lambda.Function)) {
    const role = /\/Restoration\/Function$/.test(fn.node.path) ? 'restoration' : /\/Control$/.test(fn.node.path) ? 'control' : /\/RunbookTrigger\/(OnEvent|IsComplete)$/.test(fn.node.path) ? 'trigger' : undefined;
    if (!role) continue;
    const { s3Key } = (fn.node.defaultChild as lambda.CfnFunction).code as lambda.CfnFunction.CodeProperty;
    codeOf.set(role, (codeOf.get(role) ?? new Set<string>()).add(String(s3Key)));
  }
  expect([...codeOf.keys()].sort()).toEqual(['control', 'restoration', 'trigger']);
  for (const keys of codeOf.values()) expect(keys.size).toBe(1);
  expect(new Set([...codeOf.values()].map((keys) => [...keys][0])).size).toBe(3);
  expect(app.node.findAll().filter((c) => c instanceof lambda.Function && /\/Control$/.test(c.node.path))).toHaveLength(3);
});

describe('source maps', () => {
  test('keep the project\'s own sources, relative to the project root, and none of node_modules', () => {
    for (const bundle of handlers.values()) {
      const map = JSON.parse(fs.readFileSync(path.join(bundle.directory, 'index.js.map'), 'utf8')) as { sources: string[]; sourcesContent?: unknown };
      expect(map.sources.length).toBeGreaterThan(0);
      for (const source of map.sources) expect(source).toMatch(/^lib\/[\w/.-]+\.ts$/);
      expect(map.sourcesContent).toBeUndefined();
    }
  });

  test('mark positions in dependency code unmapped, so no later position falls back to a line of ours', () => {
    // Line 0: ours, then a dependency, then ours again; line 1 starts in the dependency.
    const map = {
      version: 3,
      sources: ['../../lib/a.ts', '../../node_modules/dep/index.js'],
      names: ['mine', 'theirs'],
      // Segments: [generated column, source, original line, original column, name].
      mappings: encode([
        [
          [0, 0, 0, 0, 0],
          [6, 1, 0, 0, 1],
          [12, 0, 1, 0],
        ],
        [
          [0, 1, 0, 0],
          [6, 0, 3, 0],
        ],
      ]),
    };
    const trimmed = JSON.parse(ownCodeSourceMap(JSON.stringify(map), path.join(PROJECT_ROOT, 'cdk.out', 'x'))) as typeof map;
    expect(trimmed.sources).toEqual(['lib/a.ts']);
    expect(trimmed.names).toEqual(['mine']);
    expect(decode(trimmed.mappings)).toEqual([
      [[0, 0, 0, 0, 0], [6], [12, 0, 1, 0]],
      [[0], [6, 0, 3, 0]],
    ]);
  });

  test('a stack trace names our TypeScript line and leaves a frame in a dependency at its bundle position', () => {
    const bundle = buildBundles({ throws: path.join(FIXTURES, 'throws-in-dependency.ts') }, path.join(work, 'throws')).get('throws')!;
    const script = `try { require(${JSON.stringify(path.join(bundle.directory, 'index.js'))}).parsePort(1) } catch (e) { console.log(e.stack) }`;
    const stack = execFileSync(process.execPath, ['--enable-source-maps', '-e', script], { encoding: 'utf8' });
    expect(stack).toMatch(/^Error: refused/);
    const frames = stack.split('\n').filter((line) => /^\s+at /.test(line));
    const fixture = /test\/orchestration\/fixtures\/throws-in-dependency\.ts:(\d+):\d+\)?$/;
    const ours = frames.filter((line) => fixture.test(line));
    // The check that throws (line 8), called by zod, called by parsePort where it calls parse (line 10).
    expect(ours.map((line) => Number(fixture.exec(line)![1]))).toEqual([8, 10]);
    const inZod = frames.slice(frames.indexOf(ours[0]!) + 1, frames.indexOf(ours[1]!));
    expect(inZod.length).toBeGreaterThan(0);
    for (const frame of inZod) expect(frame).toMatch(/\/index\.js:\d+:\d+\)?$/);
  });
});

describe('the bundled restoration code path on the test server', () => {
  const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:dms/dev/aurora-AbCdEf';
  const secrets = mockClient(SecretsManagerClient);
  interface BundledEngine {
    handleRestoration: (event: object, deps: object) => Promise<{ done: boolean; verified?: boolean; counts: object; failures: unknown[] }>;
    readDatabaseSecret: (client: SecretsManagerClient, id: string) => Promise<{ username: string; password: string }>;
    MySqlPlanStore: new (connections: object, database: string, planId: string) => { close(): Promise<void> };
    mysqlConnectionFactory: (target: object) => { connect(): Promise<{ end(): Promise<void> }> };
    queryRows: (conn: object, sql: string) => Promise<Array<Record<string, unknown>>>;
  }
  let engine: BundledEngine;
  let db: string;
  let controlDb: string;
  const names = [
    { id: 1, ja: '山田太郎', zh: '张伟', tw: '陳美玲', ko: '김민준' },
    { id: 2, ja: 'カタカナ', zh: '数据库', tw: '資料庫', ko: '데이터' },
  ];

  beforeAll(async () => {
    const bundle = buildBundles({ engine: path.join(FIXTURES, 'bundled-engine.ts') }, path.join(work, 'engine')).get('engine')!;
    engine = require(path.join(bundle.directory, 'index.js')) as BundledEngine;
    [db] = await createTestDatabases(['bundle_cjk']);
    controlDb = uniqueName('dms_restoration');
    // Columns in Japanese, Chinese and Korean character sets, with comments and a trigger body in them.
    await adminExec([
      `CREATE TABLE \`${db}\`.customer (
         id INT PRIMARY KEY,
         name_ja VARCHAR(40) CHARACTER SET sjis NOT NULL,
         name_zh VARCHAR(40) CHARACTER SET gbk NOT NULL,
         name_tw VARCHAR(40) CHARACTER SET big5 NOT NULL,
         name_ko VARCHAR(40) CHARACTER SET euckr NOT NULL,
         KEY ix_name_ja (name_ja) COMMENT '氏名の索引',
         KEY ix_name_zh (name_zh, name_tw) COMMENT '姓名索引'
       ) ENGINE=InnoDB DEFAULT CHARSET=sjis`,
      `CREATE TABLE \`${db}\`.orders (id INT PRIMARY KEY, customer_id INT NOT NULL, note VARCHAR(40) CHARACTER SET euckr,
         CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customer (id)) ENGINE=InnoDB`,
      `CREATE TRIGGER \`${db}\`.orders_note BEFORE INSERT ON orders FOR EACH ROW SET NEW.note = COALESCE(NEW.note, '주문')`,
      ...names.map((n) => `INSERT INTO \`${db}\`.customer VALUES (${n.id}, '${n.ja}', '${n.zh}', '${n.tw}', '${n.ko}')`),
      `INSERT INTO \`${db}\`.orders (id, customer_id) VALUES (1, 1), (2, 2)`,
    ]);
  });

  afterAll(async () => {
    await dropTestDatabases([db, controlDb]);
  });

  test('reads Japanese, Chinese and Korean text through the engine\'s connections without iconv\'s left-out tables', async () => {
    const server = testServer();
    const conn = await engine.mysqlConnectionFactory({ host: server.host, port: server.port, user: server.user, password: server.password }).connect();
    try {
      const rows = await engine.queryRows(conn, `SELECT id, name_ja AS ja, name_zh AS zh, name_tw AS tw, name_ko AS ko FROM \`${db}\`.customer ORDER BY id`);
      expect(rows).toEqual(names);
      const [note] = await engine.queryRows(conn, `SELECT note FROM \`${db}\`.orders WHERE id = 1`);
      expect(note).toEqual({ note: '주문' });
    } finally {
      await conn.end();
    }
  });

  test('defers, restores and verifies their indexes, foreign key and trigger, with credentials read by the bundled SDK call', async () => {
    const owner = await createTestUser((account) => [
      ...grantStatements(account, { flavor: 'mariadb', databases: [db], otherDefiners: true }),
      `GRANT CREATE, SELECT, INSERT, UPDATE ON \`${controlDb}\`.* TO ${account}`,
    ]);
    secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: JSON.stringify({ username: owner.user, password: owner.password }) });
    const secret = await engine.readDatabaseSecret(new SecretsManagerClient({ region: 'eu-west-1' }), SECRET_ARN);
    const server = testServer();
    const connections = engine.mysqlConnectionFactory({ host: server.host, port: server.port, user: secret.username, password: secret.password });
    const store = new engine.MySqlPlanStore(connections, controlDb, 'dev-cjk');
    const event = { planId: 'dev-cjk', databases: [db], concurrency: 2 };
    const deps = { connections, store, deadline: Date.now() + 60_000, log: () => undefined };
    try {
      expect(await engine.handleRestoration({ ...event, action: 'defer' }, deps)).toMatchObject({ done: true, counts: { failed: 0 }, failures: [] });
      let applied = await engine.handleRestoration({ ...event, action: 'apply' }, deps);
      for (let i = 0; i < 20 && !applied.done; i++) applied = await engine.handleRestoration({ ...event, action: 'apply' }, deps);
      expect(applied).toMatchObject({ done: true, counts: { failed: 0, orphans: 0 }, failures: [] });
      expect(await engine.handleRestoration({ ...event, action: 'verify' }, deps)).toMatchObject({ done: true, verified: true, failures: [] });
    } finally {
      await store.close();
    }
  });
});
