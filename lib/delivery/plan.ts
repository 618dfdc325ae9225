import { EnvironmentConfig, stackName } from '../config';
import { DeliveryConfig, DeliveryEnvironment } from './config';

/*
 * What the workflows do per environment, decided in one place (and tested) instead of in
 * workflow expressions: which role to assume where, or why an AWS step is skipped.
 */

export interface RunContext {
  /** `github.repository` of the run. */
  readonly repository: string;
  /** `github.event.pull_request.head.repo.full_name`; empty or undefined outside pull requests. */
  readonly headRepository?: string;
  /** `github.ref` of the run (deploys only). */
  readonly ref?: string;
  /** The GitHub environment the deploy job runs in (deploys only). */
  readonly githubEnvironment?: string;
}

export interface AwsStep {
  readonly environment: string;
  readonly stack: string;
  /** False: skip every AWS step, with `reason` as the notice. */
  readonly run: boolean;
  readonly reason: string;
  readonly account: string;
  readonly region: string;
  readonly roleArn: string;
  readonly audience: string;
}

/** One entry per environment of cdk.json: the pull-request diff of its migration stack. */
export function planDiffs(environments: readonly EnvironmentConfig[], delivery: DeliveryConfig | undefined, context: RunContext): AwsStep[] {
  return environments.map((env) => {
    const target = delivery?.environments.find((d) => d.name === env.name);
    const reason = skipReason(env.name, delivery, target, context) ?? '';
    return step(env, target, delivery, reason, target?.diffRoleArn);
  });
}

/** The deploy of one environment's migration stack. */
export function planDeploy(
  environments: readonly EnvironmentConfig[],
  delivery: DeliveryConfig | undefined,
  envName: string,
  context: RunContext,
): AwsStep {
  const env = environments.find((e) => e.name === envName);
  if (!env) throw new Error(`unknown environment "${envName}" (known: ${environments.map((e) => e.name).join(', ')})`);
  const target = delivery?.environments.find((d) => d.name === envName);
  if (target && context.githubEnvironment !== undefined && context.githubEnvironment !== target.githubEnvironment) {
    // The deploy role trusts one GitHub environment: a job in another one could never assume it.
    throw new Error(
      `environment "${envName}": the deploy job runs in the GitHub environment "${context.githubEnvironment}", but the deploy role trusts "${target.githubEnvironment}" ` +
        `(context.delivery.environments.${envName}.githubEnvironment): pass github-environment: ${target.githubEnvironment} in .github/workflows/deploy.yml`,
    );
  }
  let reason = skipReason(envName, delivery, target, context);
  const branch = delivery?.settings.deployBranch;
  if (!reason && branch && context.ref !== `refs/heads/${branch}`) {
    reason = `deploys run from ${branch} only (context.delivery.deployBranch), not from ${context.ref ?? 'an unknown ref'}`;
  }
  return step(env, target, delivery, reason ?? '', target?.deployRoleArn);
}

function step(
  env: EnvironmentConfig,
  target: DeliveryEnvironment | undefined,
  delivery: DeliveryConfig | undefined,
  reason: string,
  roleArn: string | undefined,
): AwsStep {
  return {
    environment: env.name,
    stack: stackName(env.name),
    run: reason === '',
    reason,
    account: target?.account ?? env.account ?? '',
    region: target?.region ?? env.region ?? '',
    roleArn: reason === '' ? (roleArn ?? '') : '',
    audience: delivery?.settings.audience ?? '',
  };
}

function skipReason(
  envName: string,
  delivery: DeliveryConfig | undefined,
  target: DeliveryEnvironment | undefined,
  context: RunContext,
): string | undefined {
  const head = context.headRepository?.trim();
  if (head && head.toLowerCase() !== context.repository.toLowerCase()) {
    return (
      `the pull request comes from the fork ${head}. GitHub gives workflows of fork pull requests no OIDC token and no secrets, so there are no AWS credentials ` +
      'to diff with; a maintainer can push the branch to this repository to get the diff.'
    );
  }
  if (!delivery) return 'cdk.json has no context.delivery section, so there are no roles to assume (README, "Deploying an environment").';
  if (delivery.settings.github.repository.toLowerCase() !== context.repository.toLowerCase()) {
    return `the roles trust ${delivery.settings.github.repository} (context.delivery.github.repository), not this repository (${context.repository}).`;
  }
  if (!target) return `environment "${envName}" has no delivery roles (add it under context.delivery.environments).`;
  return undefined;
}

/** `key=value` lines for `$GITHUB_OUTPUT` (values are single lines here). */
export function toGitHubOutput(values: Record<string, string | boolean>): string {
  return Object.entries(values)
    .map(([key, value]) => {
      const text = String(value);
      if (/[\r\n]/.test(text)) throw new Error(`output ${key} must be one line`);
      return `${key}=${text}`;
    })
    .join('\n');
}
