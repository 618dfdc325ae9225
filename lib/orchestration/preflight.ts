import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/*
 * Preflight: what DMS needs before a task can start that the stack cannot check at synth.
 * Run by the runbook (its first step) and by `npm run --silent cli -- preflight --env NAME`.
 *
 * The endpoints' secrets: DMS User Guide, "Using secrets to access AWS Database Migration
 * Service endpoints": the secret holds `username`, `password`, `port` and `host`, "the minimum
 * list of JSON members required to authenticate the endpoint database". A secret that RDS
 * creates for a cluster's master user (ManageMasterUserPassword) holds the credentials only, so
 * DMS cannot connect with it: copy it into a secret of the DMS form.
 *
 * Only key names and the host/port values go into findings; never a password or a user name.
 */

/** The members DMS requires in an endpoint secret. */
export const DMS_SECRET_KEYS = ['username', 'password', 'host', 'port'] as const;

export interface SecretExpectation {
  /** "source endpoint", "target endpoint", "restoration". */
  readonly role: string;
  readonly secretId: string;
  /** Keys that must be present and non-empty. */
  readonly requiredKeys: readonly string[];
  /** The host and port the stack's network rules were made for (cdk.json serverName/port). */
  readonly expectedHost?: string;
  readonly expectedPort?: number;
}

export interface PreflightFinding {
  readonly severity: 'error' | 'warning';
  /** What the finding is about, e.g. `source endpoint secret arn:...`. */
  readonly object: string;
  readonly reason: string;
}

/** The endpoint secrets of an environment and what they must hold (the runbook and the CLI check the same). */
export function endpointSecretExpectations(env: {
  readonly source: { readonly secretArn: string; readonly serverName: string; readonly port: number };
  readonly target: { readonly secretArn: string; readonly serverName: string; readonly port: number };
}): [SecretExpectation, SecretExpectation] {
  const endpoint = (role: string, e: typeof env.source): SecretExpectation => ({
    role,
    secretId: e.secretArn,
    requiredKeys: DMS_SECRET_KEYS,
    expectedHost: e.serverName,
    expectedPort: e.port,
  });
  return [endpoint('source endpoint', env.source), endpoint('target endpoint', env.target)];
}

/** Checks one secret's value (its SecretString) against what DMS and the stack need. */
export function checkSecret(expect: SecretExpectation, secretString: string | undefined): PreflightFinding[] {
  const object = `${expect.role} secret ${expect.secretId}`;
  const error = (reason: string): PreflightFinding => ({ severity: 'error', object, reason });
  if (secretString === undefined) return [error('has no SecretString (a binary secret): DMS reads a JSON document')];
  let value: unknown;
  try {
    value = JSON.parse(secretString);
  } catch {
    return [error(`is not JSON: DMS reads a JSON document with ${DMS_SECRET_KEYS.join(', ')}`)];
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [error('is not a JSON object')];
  const doc = value as Record<string, unknown>;
  const findings: PreflightFinding[] = [];
  const missing = expect.requiredKeys.filter((k) => doc[k] === undefined || doc[k] === null || doc[k] === '');
  if (missing.length) {
    const rdsHint =
      missing.includes('host') || missing.includes('port')
        ? ' (a secret that RDS manages for the master user holds only the credentials: store a secret with username, password, host and port for DMS)'
        : '';
    findings.push(error(`lacks ${missing.map((k) => `"${k}"`).join(', ')}${rdsHint}`));
  }
  const port = doc.port === undefined ? undefined : Number(doc.port);
  if (doc.port !== undefined && (!Number.isInteger(port) || port! < 1 || port! > 65535)) {
    findings.push(error('"port" is not a port number'));
  } else if (port !== undefined && expect.expectedPort !== undefined && port !== expect.expectedPort) {
    findings.push(error(`"port" is ${port} but the stack opened port ${expect.expectedPort} (cdk.json port): DMS connects to the secret's port`));
  }
  if (typeof doc.host === 'string' && expect.expectedHost !== undefined && doc.host.toLowerCase() !== expect.expectedHost.toLowerCase()) {
    findings.push({
      severity: 'warning',
      object,
      reason: `"host" is ${doc.host}, cdk.json serverName is ${expect.expectedHost}: DMS connects to the secret's host, the security-group rules and the restoration Lambda use serverName`,
    });
  }
  return findings;
}

/** Reads each secret and checks it; an unreadable secret is a finding, not an exception. */
export async function checkSecrets(client: SecretsManagerClient, expectations: readonly SecretExpectation[]): Promise<PreflightFinding[]> {
  const findings: PreflightFinding[] = [];
  for (const expect of expectations) {
    try {
      const out = await client.send(new GetSecretValueCommand({ SecretId: expect.secretId }));
      findings.push(...checkSecret(expect, out.SecretString));
    } catch (err) {
      const name = (err as { name?: string }).name ?? 'Error';
      findings.push({ severity: 'error', object: `${expect.role} secret ${expect.secretId}`, reason: `cannot be read: ${name}: ${(err as Error).message}` });
    }
  }
  return findings;
}
