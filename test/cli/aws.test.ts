import { DatabaseMigrationServiceClient, DescribeReplicationTasksCommand } from '@aws-sdk/client-database-migration-service';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { Readable } from 'node:stream';
import {
  AwsClientFactory,
  awsCall,
  awsErrorName,
  connectEnvironment,
  DEFAULT_MAX_ATTEMPTS,
  describeAwsError,
  NO_CREDENTIALS_MESSAGE,
  resolveMaxAttempts,
  resolveRegion,
  verifyAccount,
} from '../../lib/aws';
import { CliError } from '../../lib/operator/io';
import { loadEnvironmentsFromFile, selectEnvironment } from '../../lib/config';
import { awsError } from './fixtures/status/aws';

const dev = selectEnvironment(loadEnvironmentsFromFile('cdk.json'), 'dev');

describe('describeAwsError: one line that says what to do', () => {
  const action = 'dms:DescribeTableStatistics';
  const resource = 'arn:aws:dms:eu-west-1:111111111111:task:dev-adventureworks';
  test.each<[string, unknown, string]>([
    ['missing credentials', awsError('CredentialsProviderError', 'Could not load credentials from any providers'), NO_CREDENTIALS_MESSAGE],
    [
      'missing credentials (message only)',
      new Error('Could not load credentials from any providers'),
      'no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (standard credential chain)',
    ],
    [
      'SSO token',
      awsError('TokenProviderError', 'The SSO session associated with this profile has expired or is otherwise invalid.'),
      'the AWS SSO session is missing or expired (The SSO session associated with this profile has expired or is otherwise invalid.): run aws sso login (standard credential chain)',
    ],
    [
      'expired token (STS)',
      awsError('ExpiredToken', 'The security token included in the request is expired'),
      'the AWS credentials have expired (ExpiredToken): refresh them (aws sso login, or new temporary credentials) and retry',
    ],
    [
      'expired token (JSON services)',
      awsError('ExpiredTokenException', 'The security token included in the request is expired'),
      'the AWS credentials have expired (ExpiredTokenException): refresh them (aws sso login, or new temporary credentials) and retry',
    ],
    [
      'rejected key',
      awsError('UnrecognizedClientException', 'The security token included in the request is invalid.'),
      'the AWS credentials were rejected (UnrecognizedClientException: The security token included in the request is invalid.): check AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
    ],
    [
      'AccessDeniedException (DMS, Step Functions)',
      awsError('AccessDeniedException', 'User: x is not authorized to perform: dms:DescribeTableStatistics'),
      `access denied: dms:DescribeTableStatistics on ${resource} (grant dms:DescribeTableStatistics to your principal)`,
    ],
    [
      'AccessDenied (CloudWatch, STS)',
      awsError('AccessDenied', 'not authorized'),
      `access denied: dms:DescribeTableStatistics on ${resource} (grant dms:DescribeTableStatistics to your principal)`,
    ],
    [
      'AccessDeniedFault (DMS modeled)',
      awsError('AccessDeniedFault', 'not authorized'),
      `access denied: dms:DescribeTableStatistics on ${resource} (grant dms:DescribeTableStatistics to your principal)`,
    ],
    [
      'ThrottlingException after retries',
      awsError('ThrottlingException', 'Rate exceeded', { $metadata: { attempts: 5 } }),
      `AWS throttled dms:DescribeTableStatistics on ${resource} after 5 attempts with backoff (ThrottlingException): retry later, or raise AWS_MAX_ATTEMPTS`,
    ],
    [
      'Throttling (query protocol)',
      awsError('Throttling', 'Rate exceeded', { $metadata: { attempts: 3 } }),
      `AWS throttled dms:DescribeTableStatistics on ${resource} after 3 attempts with backoff (Throttling): retry later, or raise AWS_MAX_ATTEMPTS`,
    ],
    [
      'any error the SDK marks as throttling',
      awsError('SomethingNew', 'slow down', { $retryable: { throttling: true }, $metadata: {} }),
      `AWS throttled dms:DescribeTableStatistics on ${resource} (SomethingNew): retry later, or raise AWS_MAX_ATTEMPTS`,
    ],
    [
      'network: DNS',
      Object.assign(new Error('getaddrinfo ENOTFOUND dms.eu-west-1.amazonaws.com'), { code: 'ENOTFOUND' }),
      'cannot reach AWS for dms:DescribeTableStatistics (getaddrinfo ENOTFOUND dms.eu-west-1.amazonaws.com): check the network, proxy and region',
    ],
    [
      'network: timeout',
      awsError('TimeoutError', 'Connection timed out after 1000 ms'),
      'cannot reach AWS for dms:DescribeTableStatistics (Connection timed out after 1000 ms): check the network, proxy and region',
    ],
    [
      'anything else: action, resource, name, first line',
      awsError('InvalidParameterValueException', 'bad value\nsecond line'),
      `dms:DescribeTableStatistics on ${resource} failed: InvalidParameterValueException: bad value`,
    ],
    ['a string', 'weird', `dms:DescribeTableStatistics on ${resource} failed: weird`],
  ])('%s', (_name, err, message) => {
    const mapped = describeAwsError(err, action, resource);
    expect(mapped).toBeInstanceOf(CliError);
    expect(mapped.message).toBe(message);
    expect(mapped.message).not.toContain('\n');
  });

  test('a CliError passes through unchanged', () => {
    const err = new CliError('already clear');
    expect(describeAwsError(err, action)).toBe(err);
  });

  test('resource defaults to *', () => {
    expect(describeAwsError(awsError('AccessDenied', 'x'), 'cloudwatch:DescribeAlarms').message).toBe(
      'access denied: cloudwatch:DescribeAlarms on * (grant cloudwatch:DescribeAlarms to your principal)',
    );
  });

  test('awsErrorName reads name, Code or code', () => {
    expect(awsErrorName(awsError('ResourceNotFoundFault', 'x'))).toBe('ResourceNotFoundFault');
    expect(awsErrorName(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe('ECONNRESET');
    expect(awsErrorName({ Code: 'Throttling' })).toBe('Throttling');
    expect(awsErrorName(undefined)).toBeUndefined();
  });

  test('awsCall maps what the call throws', async () => {
    await expect(awsCall('states:ListExecutions', 'arn:sm', () => Promise.reject(awsError('AccessDeniedException', 'no')))).rejects.toThrow(
      'access denied: states:ListExecutions on arn:sm (grant states:ListExecutions to your principal)',
    );
    await expect(awsCall('x:Y', '*', () => Promise.resolve(42))).resolves.toBe(42);
  });
});

describe('region and attempts', () => {
  test('region: the environment first, then AWS_REGION, then AWS_DEFAULT_REGION', () => {
    expect(resolveRegion(dev, { AWS_REGION: 'us-east-1' })).toBe('eu-west-1');
    const noRegion = { ...dev, region: undefined };
    expect(resolveRegion(noRegion, { AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-west-2' })).toBe('us-east-1');
    expect(resolveRegion(noRegion, { AWS_DEFAULT_REGION: 'us-west-2' })).toBe('us-west-2');
    expect(() => resolveRegion(noRegion, { AWS_REGION: ' ' })).toThrow(
      'environment "dev" has no region in cdk.json and AWS_REGION is not set: add "region" to the environment or export AWS_REGION',
    );
  });

  test('max attempts: AWS_MAX_ATTEMPTS or the default', () => {
    expect(resolveMaxAttempts({})).toBe(DEFAULT_MAX_ATTEMPTS);
    expect(resolveMaxAttempts({ AWS_MAX_ATTEMPTS: '8' })).toBe(8);
    expect(() => resolveMaxAttempts({ AWS_MAX_ATTEMPTS: 'many' })).toThrow('AWS_MAX_ATTEMPTS must be a positive integer (got "many")');
  });
});

describe('connectEnvironment', () => {
  test('verifies the account with STS and hands out one client per class, from the factory', async () => {
    const sts = mockClient(STSClient);
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111111111111', Arn: 'arn:aws:sts::111111111111:assumed-role/Operator/me' });
    const created: string[] = [];
    const factory: AwsClientFactory = (clientClass, config) => {
      created.push(`${clientClass.name} ${config.region} ${config.maxAttempts}`);
      return new clientClass(config);
    };
    try {
      const aws = await connectEnvironment(dev, { env: {} }, { clientFactory: factory, maxAttempts: 4 });
      expect(aws).toMatchObject({ region: 'eu-west-1', account: '111111111111', partition: 'aws', maxAttempts: 4 });
      expect(aws.client(DatabaseMigrationServiceClient)).toBe(aws.client(DatabaseMigrationServiceClient));
      expect(created).toEqual(['STSClient eu-west-1 4', 'DatabaseMigrationServiceClient eu-west-1 4']);
      expect(await aws.client(DatabaseMigrationServiceClient).config.region()).toBe('eu-west-1');
    } finally {
      sts.restore();
    }
  });

  test('the partition comes from the caller ARN', async () => {
    const sts = mockClient(STSClient);
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111111111111', Arn: 'arn:aws-us-gov:iam::111111111111:user/me' });
    try {
      expect((await connectEnvironment(dev, { env: {} })).partition).toBe('aws-us-gov');
    } finally {
      sts.restore();
    }
  });

  test('no account in the config: any account is accepted', () => {
    expect(() => verifyAccount({ ...dev, account: undefined }, { account: '999999999999', arn: 'arn:aws:iam::999999999999:root', partition: 'aws' })).not.toThrow();
  });

  test('wrong account: names both', () => {
    expect(() => verifyAccount(dev, { account: '222222222222', arn: 'arn:aws:iam::222222222222:user/me', partition: 'aws' })).toThrow(
      'wrong AWS account: the credentials are for account 222222222222 (arn:aws:iam::222222222222:user/me) but environment "dev" is in account 111111111111 (cdk.json): use credentials for 111111111111, e.g. another AWS_PROFILE',
    );
  });
});

describe('throttling is retried by the SDK with backoff (no network: a fake HTTP handler)', () => {
  test('maxAttempts calls, then a clear error', async () => {
    let calls = 0;
    const throttlingHandler = {
      handle: async () => {
        calls += 1;
        return {
          response: {
            statusCode: 400,
            headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `req-${calls}` },
            body: Readable.from([Buffer.from(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }))]),
          },
        };
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
    };
    const client = new DatabaseMigrationServiceClient({
      region: 'eu-west-1',
      maxAttempts: 3,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      requestHandler: throttlingHandler,
    });
    const err = await awsCall('dms:DescribeReplicationTasks', 'dev-adventureworks', () =>
      client.send(new DescribeReplicationTasksCommand({})),
    ).catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect((err as Error).message).toBe(
      'AWS throttled dms:DescribeReplicationTasks on dev-adventureworks after 3 attempts with backoff (ThrottlingException): retry later, or raise AWS_MAX_ATTEMPTS',
    );
  });
});
