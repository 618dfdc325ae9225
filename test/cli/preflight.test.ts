import * as fs from 'node:fs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../lib/cli/main';
import { fakeIo } from './fixtures/status/aws';

const SOURCE = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:dms/dev/sqlserver-AbCdEf';
const TARGET = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:dms/dev/aurora-GhIjKl';
const sts = mockClient(STSClient);
const secrets = mockClient(SecretsManagerClient);

beforeEach(() => {
  sts.reset();
  secrets.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: '111111111111', Arn: 'arn:aws:iam::111111111111:user/operator' });
  secrets
    .on(GetSecretValueCommand, { SecretId: SOURCE })
    .resolves({ SecretString: JSON.stringify({ username: 'dms', password: 'p1', host: 'sqlserver.dev.example.internal', port: 1433 }) });
});

async function preflight(...args: string[]) {
  const io = fakeIo({ env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
  const code = await main(['preflight', ...args], io.io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

test('secrets in the DMS form pass (exit 0)', async () => {
  secrets
    .on(GetSecretValueCommand, { SecretId: TARGET })
    .resolves({ SecretString: JSON.stringify({ username: 'dms', password: 'p2', host: 'aurora-dev.cluster-abcdefghijkl.eu-west-1.rds.amazonaws.com', port: '3306' }) });
  const { code, stdout } = await preflight('--env', 'dev');
  expect(code).toBe(0);
  expect(stdout).toBe(
    [
      'preflight dev:',
      `  ok       source endpoint secret ${SOURCE}: username, password, host, port`,
      `  ok       target endpoint secret ${TARGET}: username, password, host, port`,
      'nothing missing',
      '',
    ].join('\n'),
  );
});

test('an RDS-managed master secret as the target: says host and port are missing (exit 1), prints no credential', async () => {
  secrets.on(GetSecretValueCommand, { SecretId: TARGET }).resolves({ SecretString: JSON.stringify({ username: 'admin', password: 'hunter2-long' }) });
  const { code, stdout } = await preflight('--env', 'dev');
  expect(code).toBe(1);
  expect(stdout).toContain(
    `  error    target endpoint secret ${TARGET} lacks "host", "port" (a secret that RDS manages for the master user holds only the credentials: store a secret with username, password, host and port for DMS)\n`,
  );
  expect(stdout).toContain('1 problem(s): DMS cannot connect until they are fixed');
  expect(stdout).not.toMatch(/hunter2|admin|p1/);
  // The README shows this very output.
  expect(fs.readFileSync('README.md', 'utf8')).toContain(stdout);
});

test('--json prints one document', async () => {
  secrets.on(GetSecretValueCommand, { SecretId: TARGET }).resolves({ SecretString: 'not json' });
  const { code, stdout } = await preflight('--env', 'dev', '--json');
  expect(code).toBe(1);
  expect(JSON.parse(stdout)).toEqual({
    version: 1,
    environment: 'dev',
    ok: false,
    checked: [`source endpoint secret ${SOURCE}`, `target endpoint secret ${TARGET}`],
    findings: [{ severity: 'error', object: `target endpoint secret ${TARGET}`, reason: 'is not JSON: DMS reads a JSON document with username, password, host, port' }],
  });
});
