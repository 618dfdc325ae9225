import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { EnvironmentConfig } from '../config';
import { CliError, CliIo } from '../operator/io';

/*
 * AWS access shared by every operator command (status, cutover-check, run, ...).
 *
 *   const aws = await connectEnvironment(environment, io);   // region, clients, verified account
 *   const dms = aws.client(DatabaseMigrationServiceClient);    // one client per class, cached
 *   const out = await awsCall('dms:DescribeReplicationTasks', taskId, () => dms.send(...));
 *
 * Credentials come from the SDK's standard chain (AWS_PROFILE, AWS_ACCESS_KEY_ID/..., SSO,
 * instance/container roles); the region from the environment's config (`region` in cdk.json),
 * else AWS_REGION / AWS_DEFAULT_REGION. Throttled calls are retried by the SDK's standard retry
 * strategy (exponential backoff with jitter) up to `maxAttempts` (AWS_MAX_ATTEMPTS, default 5);
 * what still fails becomes a one-line CliError (exit 2) through describeAwsError.
 *
 * This module imports only the STS client; commands import the client classes they use.
 */

/** Attempts per AWS call (first try + retries) unless AWS_MAX_ATTEMPTS says otherwise. */
export const DEFAULT_MAX_ATTEMPTS = 5;

/** The message for a credential chain that found nothing. */
export const NO_CREDENTIALS_MESSAGE =
  'no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (standard credential chain)';

/** What every client is created with. */
export interface AwsClientConfig {
  readonly region: string;
  readonly maxAttempts: number;
}

/** An AWS SDK v3 client class, e.g. DatabaseMigrationServiceClient. */
export type AwsClientClass<T> = new (config: AwsClientConfig) => T;

/**
 * Creates one client. The default is `new clientClass(config)` (standard credential chain);
 * tests pass a factory that returns pre-built or mocked clients, or adds a fake request handler.
 */
export type AwsClientFactory = <T>(clientClass: AwsClientClass<T>, config: AwsClientConfig) => T;

export const defaultClientFactory: AwsClientFactory = (clientClass, config) => new clientClass(config);

/** An environment's AWS access: region, the verified caller, and its clients. */
export interface AwsEnvironment {
  readonly environment: EnvironmentConfig;
  readonly region: string;
  /** The caller's account (equal to the environment's `account` when that is set). */
  readonly account: string;
  /** From the caller's ARN: aws, aws-cn, aws-us-gov. */
  readonly partition: string;
  readonly callerArn: string;
  readonly maxAttempts: number;
  /** The client of this class for the environment's region; created once, then reused. */
  client<T>(clientClass: AwsClientClass<T>): T;
}

export interface ConnectOptions {
  /** @default defaultClientFactory */
  readonly clientFactory?: AwsClientFactory;
  /** @default AWS_MAX_ATTEMPTS from io.env, else DEFAULT_MAX_ATTEMPTS */
  readonly maxAttempts?: number;
}

/**
 * Resolves the region, creates the clients and checks with STS GetCallerIdentity that the
 * credentials work and belong to the environment's account (when cdk.json sets one).
 */
export async function connectEnvironment(
  environment: EnvironmentConfig,
  io: Pick<CliIo, 'env'>,
  options: ConnectOptions = {},
): Promise<AwsEnvironment> {
  const region = resolveRegion(environment, io.env);
  const maxAttempts = options.maxAttempts ?? resolveMaxAttempts(io.env);
  const factory = options.clientFactory ?? defaultClientFactory;
  const clients = new Map<AwsClientClass<unknown>, unknown>();
  const client = <T>(clientClass: AwsClientClass<T>): T => {
    if (!clients.has(clientClass)) clients.set(clientClass, factory(clientClass, { region, maxAttempts }));
    return clients.get(clientClass) as T;
  };
  const identity = await getCallerIdentity(client(STSClient));
  verifyAccount(environment, identity);
  return {
    environment,
    region,
    account: identity.account,
    partition: identity.partition,
    callerArn: identity.arn,
    maxAttempts,
    client,
  };
}

/** The region of an environment: cdk.json `region`, else AWS_REGION, else AWS_DEFAULT_REGION. */
export function resolveRegion(
  environment: Pick<EnvironmentConfig, 'name' | 'region' | 'configFile'>,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const region = environment.region ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION);
  if (!region) {
    throw new CliError(
      `environment "${environment.name}" has no region in ${environment.configFile} and AWS_REGION is not set: add "region" to the environment or export AWS_REGION`,
    );
  }
  return region;
}

/** AWS_MAX_ATTEMPTS (a positive integer), else DEFAULT_MAX_ATTEMPTS. */
export function resolveMaxAttempts(env: Readonly<Record<string, string | undefined>>): number {
  const raw = nonEmpty(env.AWS_MAX_ATTEMPTS);
  if (raw === undefined) return DEFAULT_MAX_ATTEMPTS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new CliError(`AWS_MAX_ATTEMPTS must be a positive integer (got "${raw}")`);
  }
  return value;
}

export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
  readonly partition: string;
}

/** STS GetCallerIdentity (needs no IAM permission): proves the credentials work. */
export async function getCallerIdentity(sts: STSClient): Promise<CallerIdentity> {
  const out = await awsCall('sts:GetCallerIdentity', '*', () => sts.send(new GetCallerIdentityCommand({})));
  if (!out.Account || !out.Arn) throw new CliError('sts:GetCallerIdentity returned no account: check the credentials');
  return { account: out.Account, arn: out.Arn, partition: out.Arn.split(':')[1] || 'aws' };
}

/** Fails, naming both accounts, when the credentials belong to another account than the environment's. */
export function verifyAccount(environment: Pick<EnvironmentConfig, 'name' | 'account' | 'configFile'>, identity: CallerIdentity): void {
  if (environment.account && environment.account !== identity.account) {
    throw new CliError(
      `wrong AWS account: the credentials are for account ${identity.account} (${identity.arn}) but environment "${environment.name}" is in account ${environment.account} (${environment.configFile}): use credentials for ${environment.account}, e.g. another AWS_PROFILE`,
    );
  }
}

/** Runs one AWS call; any error becomes describeAwsError(err, action, resource). */
export async function awsCall<T>(action: string, resource: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw describeAwsError(err, action, resource);
  }
}

/** The SDK error name (e.g. "ThrottlingException", "ResourceNotFoundFault"), or undefined. */
export function awsErrorName(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const record = err as { name?: unknown; Code?: unknown; code?: unknown };
  if (typeof record.name === 'string' && record.name !== 'Error') return record.name;
  if (typeof record.Code === 'string') return record.Code;
  if (typeof record.code === 'string') return record.code;
  return typeof record.name === 'string' ? record.name : undefined;
}

const NO_CREDENTIALS = new Set(['CredentialsProviderError']);
const SSO_TOKEN = new Set(['TokenProviderError']);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired']);
const REJECTED = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
  'AuthFailure',
  'MissingAuthenticationToken',
]);
const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'AccessDeniedFault',
  'UnauthorizedOperation',
  'NotAuthorized',
  'AuthorizationError',
]);
const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'BandwidthLimitExceeded',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'TimeoutError',
  'RequestTimeout',
  'NetworkingError',
]);

/**
 * Maps an AWS SDK error to a one-line CliError that says what to do.
 * `action` is the IAM action of the call (e.g. "dms:DescribeTableStatistics"), `resource` what
 * it was called on (an ARN or identifier; "*" when none).
 */
export function describeAwsError(err: unknown, action: string, resource = '*'): CliError {
  if (err instanceof CliError) return err;
  const name = awsErrorName(err) ?? '';
  const message = firstLine(err instanceof Error ? err.message : String(err));
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;

  if (NO_CREDENTIALS.has(name) || /could not load credentials/i.test(message)) {
    return new CliError(NO_CREDENTIALS_MESSAGE);
  }
  if (SSO_TOKEN.has(name) || /sso session.*expired|token.*sso/i.test(message)) {
    return new CliError(`the AWS SSO session is missing or expired (${message}): run aws sso login (standard credential chain)`);
  }
  if (EXPIRED.has(name)) {
    return new CliError(
      `the AWS credentials have expired (${name}): refresh them (aws sso login, or new temporary credentials) and retry`,
    );
  }
  if (REJECTED.has(name)) {
    return new CliError(
      `the AWS credentials were rejected (${name}: ${message}): check AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY`,
    );
  }
  if (ACCESS_DENIED.has(name)) {
    return new CliError(`access denied: ${action} on ${resource} (grant ${action} to your principal)`);
  }
  if (THROTTLING.has(name) || isThrottlingError(err)) {
    const attempts = attemptsOf(err);
    const tried = attempts ? ` after ${attempts} attempt${attempts === 1 ? '' : 's'} with backoff` : '';
    return new CliError(
      `AWS throttled ${action} on ${resource}${tried} (${name || 'throttling'}): retry later, or raise AWS_MAX_ATTEMPTS`,
    );
  }
  if (NETWORK_CODES.has(name) || (typeof code === 'string' && NETWORK_CODES.has(code))) {
    return new CliError(`cannot reach AWS for ${action} (${message}): check the network, proxy and region`);
  }
  return new CliError(`${action} on ${resource} failed: ${name ? `${name}: ` : ''}${message}`);
}

function isThrottlingError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const retryable = (err as { $retryable?: { throttling?: boolean } }).$retryable;
  return retryable?.throttling === true;
}

function attemptsOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const attempts = (err as { $metadata?: { attempts?: unknown } }).$metadata?.attempts;
  return typeof attempts === 'number' ? attempts : undefined;
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
