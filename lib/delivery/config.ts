import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { ConfigError, EnvironmentConfig, formatZodIssue, loadEnvironmentsFromFile, stackName } from '../config';

/*
 * The delivery section of cdk.json (`context.delivery`): which GitHub repository may diff and
 * deploy which environment, through which roles. Optional: without it the app synthesizes no
 * delivery stack and the workflows skip every AWS step with a notice.
 */

/** GitHub's OIDC issuer (GitHub docs, "Configuring OpenID Connect in Amazon Web Services"). */
export const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com';
/** The audience aws-actions/configure-aws-credentials requests by default. */
export const DEFAULT_AUDIENCE = 'sts.amazonaws.com';
/** The CDK bootstrap qualifier `cdk bootstrap` uses unless told otherwise. */
export const DEFAULT_BOOTSTRAP_QUALIFIER = 'hnb659fds';

const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
const NUMERIC_ID = /^[1-9]\d{0,19}$/;

export const deliveryEnvironmentSchema = z.strictObject({
  /**
   * Create the account's GitHub OIDC provider in this environment's delivery stack. An account
   * has at most one provider per URL: true in exactly one environment per account, false where
   * it exists already (the stack then refers to it by its ARN).
   */
  createOidcProvider: z.boolean(),
  /** The GitHub environment the deploy job runs in; its name is part of the deploy role's trust. Default: the environment's name. */
  githubEnvironment: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[^:*?]+$/, { message: 'must not contain ":", "*" or "?" (it becomes part of the OIDC subject)' })
    .optional(),
});

export const deliverySchema = z.strictObject({
  github: z
    .strictObject({
      /** `owner/name` of the repository whose workflows may assume the roles. */
      repository: z.string().regex(REPOSITORY, { message: 'must be "owner/name" of a GitHub repository' }),
      /**
       * Numeric owner and repository ids, for repositories that emit immutable subject claims
       * (`repo:owner@OWNER_ID/name@REPO_ID:...`; repositories created after 15 July 2026, or opted in).
       */
      ownerId: z.string().regex(NUMERIC_ID, { message: 'must be the numeric owner id' }).optional(),
      repositoryId: z.string().regex(NUMERIC_ID, { message: 'must be the numeric repository id' }).optional(),
    })
    .superRefine((github, ctx) => {
      if ((github.ownerId === undefined) !== (github.repositoryId === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: [github.ownerId === undefined ? 'ownerId' : 'repositoryId'],
          message: 'ownerId and repositoryId go together: an immutable subject claim carries both',
        });
      }
    }),
  /** The only branch deploys run from. */
  deployBranch: z.string().min(1).max(255).default('main'),
  /** Qualifier of the CDK bootstrap stack in the target accounts (`cdk bootstrap --qualifier`). */
  bootstrapQualifier: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,10}$/, { message: 'must be 1-10 letters, digits, "_" or "-", as cdk bootstrap requires' })
    .default(DEFAULT_BOOTSTRAP_QUALIFIER),
  /** The `aud` the roles accept; the workflows request the same. */
  audience: z.string().min(1).max(255).default(DEFAULT_AUDIENCE),
  environments: z.record(z.string(), deliveryEnvironmentSchema),
});

export type DeliverySettings = z.output<typeof deliverySchema>;
export type DeliveryInput = z.input<typeof deliverySchema>;

/** What the delivery of one environment needs: its migration config plus the delivery settings. */
export interface DeliveryEnvironment {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly migrationStackName: string;
  readonly deliveryStackName: string;
  readonly githubEnvironment: string;
  readonly createOidcProvider: boolean;
  readonly diffRoleName: string;
  readonly deployRoleName: string;
  readonly diffRoleArn: string;
  readonly deployRoleArn: string;
  /** `sub` the diff role trusts: pull-request runs of the repository. */
  readonly diffSubject: string;
  /** `sub` the deploy role trusts: jobs that run in the environment's GitHub environment. */
  readonly deploySubject: string;
}

export interface DeliveryConfig {
  readonly settings: DeliverySettings;
  /** The environments with delivery roles, in the order of `context.delivery.environments`. */
  readonly environments: readonly DeliveryEnvironment[];
}

/** The IAM role names of an environment's delivery roles (the stack creates them, the workflows derive their ARNs). */
export function deliveryRoleNames(envName: string): { readonly diff: string; readonly deploy: string } {
  return { diff: `dms-migration-${envName}-github-diff`, deploy: `dms-migration-${envName}-github-deploy` };
}

export function deliveryStackName(envName: string): string {
  return `DmsDelivery-${envName}`;
}

/** The partition of a region: the roles' ARNs need it. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** `repo:owner/name` or, with immutable ids, `repo:owner@id/name@id` (GitHub's OIDC reference). */
export function repositoryClaim(github: DeliverySettings['github']): string {
  const [owner, name] = github.repository.split('/');
  return github.ownerId && github.repositoryId ? `repo:${owner}@${github.ownerId}/${name}@${github.repositoryId}` : `repo:${owner}/${name}`;
}

/**
 * Validates `context.delivery` against the environments of the same file. Returns undefined
 * when there is no delivery section.
 */
export function parseDelivery(raw: unknown, source: string, environments: readonly EnvironmentConfig[]): DeliveryConfig | undefined {
  if (raw === undefined) return undefined;
  const where = `${source}: context.delivery`;
  const result = deliverySchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => formatZodIssue(where, issue, raw)).join('\n'));
  }
  const settings = result.data;
  const problems: string[] = [];
  const resolved: DeliveryEnvironment[] = [];
  const byName = new Map(environments.map((e) => [e.name, e]));
  const providerAccounts = new Map<string, string>();
  for (const [name, delivery] of Object.entries(settings.environments)) {
    const env = byName.get(name);
    const field = `environments.${name}`;
    if (!env) {
      problems.push(`${where}: ${field}: no environment "${name}" in context.environments (known: ${[...byName.keys()].join(', ')})`);
      continue;
    }
    if (!env.account || !env.region) {
      problems.push(`${where}: ${field}: environment "${name}" needs account and region: the roles trust and name that account and region`);
      continue;
    }
    if (delivery.createOidcProvider) {
      const other = providerAccounts.get(env.account);
      if (other) {
        problems.push(
          `${where}: ${field}.createOidcProvider: environment "${other}" already creates the GitHub OIDC provider of account ${env.account} (an account has one provider per URL): set it to false here`,
        );
      }
      providerAccounts.set(env.account, name);
    }
    resolved.push(resolveEnvironment(settings, name, env.account, env.region, delivery));
  }
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  return { settings, environments: resolved };
}

function resolveEnvironment(
  settings: DeliverySettings,
  name: string,
  account: string,
  region: string,
  delivery: DeliverySettings['environments'][string],
): DeliveryEnvironment {
  const partition = partitionOf(region);
  const roles = deliveryRoleNames(name);
  const githubEnvironment = delivery.githubEnvironment ?? name;
  const claim = repositoryClaim(settings.github);
  return {
    name,
    account,
    region,
    partition,
    migrationStackName: stackName(name),
    deliveryStackName: deliveryStackName(name),
    githubEnvironment,
    createOidcProvider: delivery.createOidcProvider,
    diffRoleName: roles.diff,
    deployRoleName: roles.deploy,
    diffRoleArn: `arn:${partition}:iam::${account}:role/${roles.diff}`,
    deployRoleArn: `arn:${partition}:iam::${account}:role/${roles.deploy}`,
    diffSubject: `${claim}:pull_request`,
    deploySubject: `${claim}:environment:${githubEnvironment}`,
  };
}

/** Reads cdk.json (or a file of the same shape): its environments and its delivery section. */
export function loadDeliveryFromFile(file: string): { environments: EnvironmentConfig[]; delivery: DeliveryConfig | undefined } {
  const environments = loadEnvironmentsFromFile(file);
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { context?: { delivery?: unknown } };
  return { environments, delivery: parseDelivery(json.context?.delivery, path.basename(file), environments) };
}
