import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { handleRestoration, readDatabaseSecret, RestorationEvent, targetOptions } from '../../lib/orchestration/handlers/restoration';
import { MySqlPlanStore } from '../../lib/orchestration/mysql-plan-store';
import { grantStatements, mysqlConnectionFactory } from '../../lib/restoration';
import { adminExec, createTestDatabases, createTestUser, dropTestDatabases, testServer, uniqueName } from '../support/mariadb';
import { dataChecksums, objectCounts, schemaSnapshot } from '../restoration/helpers';
import { richSchema } from '../restoration/schemas';

/**
 * The restoration Lambda's code path end to end on the real MariaDB: credentials from a
 * (mocked) Secrets Manager, plan kept in the control database, work done in bounded slices.
 */

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:dms/dev/aurora-AbCdEf';
const secretsMock = mockClient(SecretsManagerClient);

let dbs: string[];
let controlDb: string;
let user: { user: string; password: string };

beforeAll(async () => {
  dbs = await createTestDatabases(['lam_app', 'lam_ref']);
  controlDb = uniqueName('dms_restoration');
  await adminExec(richSchema(dbs[0], dbs[1]));
  // Exactly the documented privileges: the engine's on the migrated databases, and the plan table's on the control database.
  user = await createTestUser((account) => [
    ...grantStatements(account, { flavor: 'mariadb', databases: dbs, otherDefiners: true }),
    `GRANT CREATE, SELECT, INSERT, UPDATE ON \`${controlDb}\`.* TO ${account}`,
  ]);
});

afterAll(async () => {
  await dropTestDatabases([...dbs, controlDb]);
});

beforeEach(() => {
  secretsMock.reset();
  secretsMock.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({
    SecretString: JSON.stringify({ username: user.user, password: user.password, engine: 'mysql', host: 'ignored', port: 3306 }),
  });
});

/** What the Lambda entry point builds per call, minus TLS (the test server has none). */
async function lambdaDeps(deadline: number) {
  const server = testServer();
  const secret = await readDatabaseSecret(new SecretsManagerClient({ region: 'eu-west-1' }), SECRET_ARN);
  const options = targetOptions({ RESTORATION_TARGET_HOST: server.host, RESTORATION_TARGET_PORT: String(server.port) }, secret);
  const connections = mysqlConnectionFactory({ ...options, ssl: undefined });
  const store = new MySqlPlanStore(connections, controlDb, 'dev-adventureworks');
  return { connections, store, deadline, log: () => undefined };
}

async function call(action: RestorationEvent['action'], deadline = Date.now() + 600_000) {
  const deps = await lambdaDeps(deadline);
  try {
    return await handleRestoration({ action, planId: 'dev-adventureworks', databases: dbs, concurrency: 2 }, deps);
  } finally {
    await deps.store.close();
  }
}

test('defer, apply in slices that end mid-work, verify: the schema comes back identical and no row changes', async () => {
  const before = await schemaSnapshot(dbs);
  const data = await dataChecksums(dbs);

  const deferred = await call('defer');
  expect(deferred).toMatchObject({ done: true, counts: { failed: 0 }, failures: [] });
  expect(await objectCounts(dbs)).toEqual({ indexes: 0, foreignKeys: 0, triggers: 0 });

  // Slices whose time is already up: each does at most a step and says it is not done.
  const slices = [];
  let result = await call('apply', Date.now());
  slices.push(result);
  for (let i = 0; i < 200 && !result.done; i++) {
    result = await call('apply', Date.now() + (i % 3 === 0 ? 0 : 50));
    slices.push(result);
  }
  expect(slices.length).toBeGreaterThan(1);
  expect(slices[0].done).toBe(false);
  expect(result).toMatchObject({ done: true, counts: { failed: 0, orphans: 0 }, failures: [], waitSeconds: 0 });

  const verified = await call('verify');
  expect(verified).toMatchObject({ done: true, verified: true, counts: { failed: 0, orphans: 0 }, failures: [] });
  expect(await schemaSnapshot(dbs)).toEqual(before);
  expect(await dataChecksums(dbs)).toEqual(data);

  // Called again (a retried state machine step): nothing left to do.
  expect(await call('apply')).toMatchObject({ done: true, counts: { failed: 0 } });
});

test('the plan is durable in the control database between calls', async () => {
  const deps = await lambdaDeps(Date.now());
  try {
    const plan = await deps.store.load();
    expect(plan?.databases).toEqual(dbs);
    expect(plan?.objects.length).toBe(26);
  } finally {
    await deps.store.close();
  }
});

test('apply without a deferred plan captures what is there and restores nothing', async () => {
  const [other] = await createTestDatabases(['lam_nodefer']);
  await adminExec([`CREATE TABLE \`${other}\`.t (id INT PRIMARY KEY, v INT, KEY ix_v (v)) ENGINE=InnoDB`]);
  const owner = await createTestUser((account) => [
    ...grantStatements(account, { flavor: 'mariadb', databases: [other] }),
    `GRANT CREATE, SELECT, INSERT, UPDATE ON \`${controlDb}\`.* TO ${account}`,
  ]);
  const server = testServer();
  const connections = mysqlConnectionFactory({ host: server.host, port: server.port, user: owner.user, password: owner.password });
  const store = new MySqlPlanStore(connections, controlDb, 'dev-nodefer');
  try {
    const deps = { connections, store, deadline: Date.now() + 60_000, log: () => undefined };
    const applied = await handleRestoration({ action: 'apply', planId: 'dev-nodefer', databases: [other], concurrency: 1 }, deps);
    expect(applied).toMatchObject({ done: true, counts: { restored: 1, skipped: 1, failed: 0 } });
    const verified = await handleRestoration({ action: 'verify', planId: 'dev-nodefer', databases: [other], concurrency: 1 }, deps);
    expect(verified.verified).toBe(true);
  } finally {
    await store.close();
    await dropTestDatabases([other]);
  }
});

test('dirty data: a duplicate for a unique index is reported per object, rows untouched', async () => {
  const [dirty] = await createTestDatabases(['lam_dirty']);
  await adminExec([
    `CREATE TABLE \`${dirty}\`.person (id INT PRIMARY KEY, email VARCHAR(50), UNIQUE KEY uq_email (email), KEY ix_id_email (id, email)) ENGINE=InnoDB`,
    `INSERT INTO \`${dirty}\`.person VALUES (1, 'a@example.com'), (2, 'b@example.com')`,
  ]);
  const owner = await createTestUser((account) => [
    ...grantStatements(account, { flavor: 'mariadb', databases: [dirty] }),
    `GRANT CREATE, SELECT, INSERT, UPDATE ON \`${controlDb}\`.* TO ${account}`,
  ]);
  const server = testServer();
  const connections = mysqlConnectionFactory({ host: server.host, port: server.port, user: owner.user, password: owner.password });
  const store = new MySqlPlanStore(connections, controlDb, 'dev-dirty');
  const event = { planId: 'dev-dirty', databases: [dirty], concurrency: 1 };
  try {
    const deps = { connections, store, deadline: Date.now() + 60_000, log: () => undefined };
    await handleRestoration({ ...event, action: 'defer' }, deps);
    // DMS loads a duplicate while the unique index is deferred.
    await adminExec([`INSERT INTO \`${dirty}\`.person VALUES (3, 'a@example.com')`]);
    const rows = await dataChecksums([dirty]);
    const applied = await handleRestoration({ ...event, action: 'apply' }, deps);
    expect(applied.done).toBe(true);
    expect(applied.counts.failed).toBe(1);
    expect(applied.failures).toHaveLength(1);
    expect(applied.failures[0].object).toBe(`index ${dirty}.person.uq_email`);
    expect(applied.counts.restored).toBe(1);
    const verified = await handleRestoration({ ...event, action: 'verify' }, deps);
    expect(verified.verified).toBe(false);
    expect(verified.failures.map((f) => f.object)).toEqual([`index ${dirty}.person.uq_email`]);
    expect(await dataChecksums([dirty])).toEqual(rows);
  } finally {
    await store.close();
    await dropTestDatabases([dirty]);
  }
});

test('TLS to the target is verified against the RDS certificate authorities', () => {
  const options = targetOptions({ RESTORATION_TARGET_HOST: 'aurora.cluster-x.eu-west-1.rds.amazonaws.com', RESTORATION_TARGET_PORT: '3306' }, {
    username: 'u',
    password: 'p',
  });
  const ssl = options.ssl as { ca: string[]; rejectUnauthorized: boolean };
  expect(ssl.rejectUnauthorized).toBe(true);
  expect(ssl.ca.length).toBeGreaterThan(10);
  expect(ssl.ca.every((pem) => pem.includes('BEGIN CERTIFICATE'))).toBe(true);
});

test('a secret without username and password is refused with its id', async () => {
  secretsMock.on(GetSecretValueCommand).resolves({ SecretString: '{"user":"x"}' });
  await expect(readDatabaseSecret(new SecretsManagerClient({ region: 'eu-west-1' }), SECRET_ARN)).rejects.toThrow(
    `secret ${SECRET_ARN} has no "username" and "password"`,
  );
});
