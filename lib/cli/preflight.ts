import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadEnvironment, parseOptions } from '../operator/options';
import { checkSecrets, endpointSecretExpectations, PreflightFinding, SecretExpectation } from '../orchestration/preflight';
import { AwsClientFactory, connectEnvironment } from '../aws';
import { CliIo, Command, EXIT_FAILED, EXIT_OK } from '../operator/io';

/*
 * `preflight --env NAME [--json]`: what DMS needs before a task starts, checked with the
 * operator's credentials: the keys of the endpoint secrets (and of restoration.secretArn). The
 * runbook checks the endpoint secrets the same way as its first step.
 * Needs secretsmanager:GetSecretValue on the secrets (and kms:Decrypt on their keys).
 */

export const PREFLIGHT_USAGE = `usage: npm run --silent cli -- preflight --env NAME [--json] [--config FILE]

Checks what DMS needs before a task starts that synth cannot see:
  - the source and target endpoint secrets hold "username", "password", "host" and "port"
    (DMS reads them from the secret; a secret RDS manages for a master user holds only the
    credentials), the port is the one cdk.json opened, and the host is cdk.json's serverName;
  - restoration.secretArn, when set, holds "username" and "password".
Only key names and host/port values are printed, never a credential.
Not checked here (see README "What must exist before you deploy"): local_infile on the target's
parameter group, the DMS user's grants (awsdms_control included), SQL Server's CDC setup.
Exit 0 when nothing is missing (warnings allowed), 1 when something is, 2 on errors.

options:
  --env NAME     environment in the config (required)
  --json         print the findings as one JSON document
  --config FILE  config file with context.environments (default: cdk.json)
`;

export interface PreflightDependencies {
  readonly clientFactory?: AwsClientFactory;
}

const OPTIONS = {
  env: { type: 'string' },
  json: { type: 'boolean' },
  config: { type: 'string' },
  help: { type: 'boolean' },
} as const;

export function createPreflightCommand(deps: PreflightDependencies = {}): Command {
  return { summary: 'check the endpoint secrets DMS reads before a task starts', run: (args, io) => runPreflight(args, io, deps) };
}

export const command: Command = createPreflightCommand();

async function runPreflight(args: readonly string[], io: CliIo, deps: PreflightDependencies): Promise<number> {
  const options = parseOptions('preflight', args, OPTIONS, PREFLIGHT_USAGE);
  if (options.help) {
    io.stdout.write(PREFLIGHT_USAGE);
    return EXIT_OK;
  }
  const environment = loadEnvironment('preflight', io, options.config, options.env);
  const expectations: SecretExpectation[] = [...endpointSecretExpectations(environment)];
  const restorationSecret = environment.restoration.secretArn;
  if (restorationSecret) expectations.push({ role: 'restoration', secretId: restorationSecret, requiredKeys: ['username', 'password'] });
  const aws = await connectEnvironment(environment, io, { clientFactory: deps.clientFactory });
  const findings = await checkSecrets(aws.client(SecretsManagerClient), expectations);
  const ok = !findings.some((f) => f.severity === 'error');
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ version: 1, environment: environment.name, ok, checked: expectations.map((e) => `${e.role} secret ${e.secretId}`), findings }, null, 2)}\n`);
  } else {
    io.stdout.write(renderPreflight(environment.name, expectations, findings));
  }
  return ok ? EXIT_OK : EXIT_FAILED;
}

export function renderPreflight(environment: string, expectations: readonly SecretExpectation[], findings: readonly PreflightFinding[]): string {
  const lines = [`preflight ${environment}:`];
  for (const e of expectations) {
    const object = `${e.role} secret ${e.secretId}`;
    const own = findings.filter((f) => f.object === object);
    if (own.length === 0) lines.push(`  ok       ${object}: ${e.requiredKeys.join(', ')}`);
    for (const f of own) lines.push(`  ${f.severity === 'error' ? 'error  ' : 'warning'}  ${object} ${f.reason}`);
  }
  const errors = findings.filter((f) => f.severity === 'error').length;
  lines.push(errors === 0 ? 'nothing missing' : `${errors} problem(s): DMS cannot connect until they are fixed`);
  return lines.join('\n') + '\n';
}
