import { MySqlPlanStore } from '../../lib/orchestration/mysql-plan-store';
import { ConnectionFactory, SqlConnection, mysqlConnectionFactory, serializePlan } from '../../lib/restoration';
import { PlanState } from '../../lib/restoration/plan-state';
import { adminConnection, createTestUser, dropTestDatabases, testServer, uniqueName } from '../support/mariadb';
import { widePlan } from '../restoration/plan-fixtures';

/**
 * The restoration Lambda's plan store on the real MariaDB, as a user holding exactly the
 * documented grant on the control database (CREATE, SELECT, INSERT, UPDATE).
 */

let controlDb: string;
let factory: ConnectionFactory & { statements: { sql: string; values: unknown[] }[] };

beforeAll(async () => {
  controlDb = uniqueName('dms_restoration');
  const user = await createTestUser((account) => [`GRANT CREATE, SELECT, INSERT, UPDATE ON \`${controlDb}\`.* TO ${account}`]);
  const server = testServer();
  const inner = mysqlConnectionFactory({ host: server.host, port: server.port, user: user.user, password: user.password });
  const statements: { sql: string; values: unknown[] }[] = [];
  factory = {
    statements,
    async connect(): Promise<SqlConnection> {
      const c = await inner.connect();
      return {
        query: (sql: string, values?: unknown[]) => {
          statements.push({ sql, values: values ?? [] });
          return c.query(sql, values);
        },
        end: () => c.end(),
        destroy: () => c.destroy(),
      };
    },
  };
});

afterAll(async () => {
  await dropTestDatabases([controlDb]);
});

test('one row per object: a record updates the header and the rows that changed, whatever the size of the plan', async () => {
  const store = new MySqlPlanStore(factory, controlDb, 'dev-wide');
  try {
    const plan = widePlan(1000);
    await store.save(plan);
    const state = new PlanState(plan);
    state.beginStep([plan.objects[5]], 'create', 'ALTER TABLE `app`.`t1` ADD KEY `ix_1_a` (`a`)');
    factory.statements.length = 0;
    await store.record(state.take());
    expect(factory.statements.map((s) => s.sql.replace(/`[^`]+`\./, ''))).toEqual([
      'UPDATE `plans` SET document = ?, revision = revision + 1 WHERE name = ?',
      'UPDATE `plan_objects` SET state = CASE seq WHEN ? THEN ? END WHERE name = ? AND seq IN (?)',
    ]);
    // 4,000 objects (about 2 MB): the record sends about a kilobyte.
    expect(JSON.stringify(factory.statements.map((s) => s.values)).length).toBeLessThan(3000);

    const fresh = new MySqlPlanStore(factory, controlDb, 'dev-wide');
    try {
      const loaded = await fresh.load();
      expect(loaded).toEqual(plan);
      expect(loaded!.objects[5]).toMatchObject({ state: 'restoring', step: { id: 's1' } });
      // A save of the plan it loaded writes the header and the objects that differ (none here).
      factory.statements.length = 0;
      await fresh.save(loaded!);
      expect(factory.statements.map((s) => s.sql.split(' ')[0])).toEqual(['START', 'UPDATE', 'COMMIT']);
    } finally {
      await fresh.close();
    }
  } finally {
    await store.close();
  }
});

test('a plan replacing a larger one of the same name loads alone (rows are overwritten, never deleted)', async () => {
  const store = new MySqlPlanStore(factory, controlDb, 'dev-replaced');
  try {
    await store.save(widePlan(5));
    const smaller = { ...widePlan(2), planId: 'fedcba9876' };
    await store.save(smaller);
    expect(await new MySqlPlanStore(factory, controlDb, 'dev-replaced').load()).toEqual(smaller);
  } finally {
    await store.close();
  }
});

test('a plan row of the earlier one-row format loads as it is and moves to rows at the next save', async () => {
  const store = new MySqlPlanStore(factory, controlDb, 'dev-legacy');
  try {
    await store.load(); // creates the tables
    const plan = widePlan(3);
    const admin = await adminConnection();
    try {
      await admin.query(`INSERT INTO \`${controlDb}\`.plans (name, document) VALUES (?, ?)`, ['dev-legacy', serializePlan(plan)]);
    } finally {
      await admin.end();
    }
    const loaded = await store.load();
    expect(loaded).toEqual(plan);
    const state = new PlanState(loaded!);
    state.settle(loaded!.objects[0], 'dropped');
    await store.save(loaded!);
    const again = await new MySqlPlanStore(factory, controlDb, 'dev-legacy').load();
    expect(again!.objects[0].state).toBe('dropped');
    expect(again).toEqual(loaded);
  } finally {
    await store.close();
  }
});
