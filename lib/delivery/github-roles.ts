import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DEFAULT_AUDIENCE, DEFAULT_BOOTSTRAP_QUALIFIER, GITHUB_OIDC_ISSUER } from './config';

/** The prefix of the condition keys IAM derives from the provider's URL: `<host>:aud`, `<host>:sub`. */
const CLAIM_PREFIX = new URL(GITHUB_OIDC_ISSUER).host;

/**
 * The roles `cdk bootstrap` creates (bootstrap template: `cdk-<qualifier>-<kind>-role-<account>-<region>`)
 * that a CDK CLI run assumes. `cdk diff --method template` reads the deployed template through
 * the lookup role (ReadOnlyAccess, kms:Decrypt denied); `cdk deploy` publishes assets through
 * the file-publishing role and runs CloudFormation through the deploy role.
 */
export type BootstrapRoleKind = 'lookup' | 'deploy' | 'file-publishing' | 'image-publishing';

export interface GitHubOidcRolesProps {
  /** The account's IAM OIDC provider for GitHub (created, or imported by ARN). */
  readonly provider: iam.IOidcProvider;
  /** `sub` the diff role trusts, e.g. `repo:owner/name:pull_request`. */
  readonly diffSubject: string;
  /** `sub` the deploy role trusts, e.g. `repo:owner/name:environment:prod`. */
  readonly deploySubject: string;
  readonly diffRoleName: string;
  readonly deployRoleName: string;
  /**
   * `aud` both roles require.
   * @default 'sts.amazonaws.com' (what aws-actions/configure-aws-credentials requests)
   */
  readonly audience?: string;
  /**
   * Qualifier of the CDK bootstrap stack.
   * @default 'hnb659fds'
   */
  readonly bootstrapQualifier?: string;
  /**
   * Let the deploy role assume the image-publishing role too (only needed for Docker image assets).
   * @default false: this app has file assets only
   */
  readonly publishImages?: boolean;
  /**
   * Longest session of the deploy role. A deploy can outlast the default hour: a new replication
   * instance takes a while and `restoration.waitForCompletionMinutes` can hold the deploy for up to an hour.
   * @default Duration.hours(2)
   */
  readonly deploySessionDuration?: Duration;
}

/**
 * Two roles for GitHub Actions through OIDC, for one environment:
 * - diff: trusted by pull-request runs of one repository; may only assume the CDK lookup role,
 *   which is what `cdk diff --method template` reads the deployed stack with;
 * - deploy: trusted by jobs in one GitHub environment of that repository; may only assume the
 *   CDK bootstrap roles that `cdk deploy` uses. What a deploy may change is the bootstrap's
 *   CloudFormation execution role's business, not this role's.
 * Neither role can do anything in the account by itself.
 */
export class GitHubOidcRoles extends Construct {
  public readonly diffRole: iam.Role;
  public readonly deployRole: iam.Role;

  constructor(scope: Construct, id: string, props: GitHubOidcRolesProps) {
    super(scope, id);
    const audience = props.audience ?? DEFAULT_AUDIENCE;
    const qualifier = props.bootstrapQualifier ?? DEFAULT_BOOTSTRAP_QUALIFIER;
    for (const [field, subject] of [['diffSubject', props.diffSubject], ['deploySubject', props.deploySubject]] as const) {
      // A wildcard in a StringEquals condition is literal, but a subject with one was meant for StringLike: refuse the ambiguity.
      if (!/^repo:[^*?]+:[^*?]+$/.test(subject)) {
        throw new Error(`${this.node.path}: ${field} "${subject}" must be one exact GitHub OIDC subject (repo:OWNER/NAME:CONTEXT), without wildcards`);
      }
    }
    const trust = (subject: string) =>
      new iam.WebIdentityPrincipal(props.provider.oidcProviderArn, {
        StringEquals: { [`${CLAIM_PREFIX}:aud`]: audience, [`${CLAIM_PREFIX}:sub`]: subject },
      });

    this.diffRole = new iam.Role(this, 'DiffRole', {
      roleName: props.diffRoleName,
      assumedBy: trust(props.diffSubject),
      description: `cdk diff from pull requests (${props.diffSubject}): may only assume the CDK lookup role`,
      maxSessionDuration: Duration.hours(1),
    });
    this.diffRole.addToPolicy(this.assumeBootstrapRoles('AssumeCdkLookupRole', qualifier, ['lookup']));

    const deployKinds: BootstrapRoleKind[] = ['deploy', 'file-publishing', 'lookup'];
    if (props.publishImages) deployKinds.push('image-publishing');
    this.deployRole = new iam.Role(this, 'DeployRole', {
      roleName: props.deployRoleName,
      assumedBy: trust(props.deploySubject),
      description: `cdk deploy from ${props.deploySubject}: may only assume the CDK bootstrap roles`,
      maxSessionDuration: props.deploySessionDuration ?? Duration.hours(2),
    });
    this.deployRole.addToPolicy(this.assumeBootstrapRoles('AssumeCdkBootstrapRoles', qualifier, deployKinds));
  }

  private assumeBootstrapRoles(sid: string, qualifier: string, kinds: readonly BootstrapRoleKind[]): iam.PolicyStatement {
    const stack = Stack.of(this);
    return new iam.PolicyStatement({
      sid: sid.replace(/[^A-Za-z0-9]/g, ''),
      actions: ['sts:AssumeRole'],
      resources: kinds.map((kind) => bootstrapRoleArn(stack, qualifier, kind)),
    });
  }
}

/** `arn:<partition>:iam::<account>:role/cdk-<qualifier>-<kind>-role-<account>-<region>` of the stack's environment. */
export function bootstrapRoleArn(stack: Stack, qualifier: string, kind: BootstrapRoleKind): string {
  return stack.formatArn({
    service: 'iam',
    region: '',
    resource: 'role',
    resourceName: `cdk-${qualifier}-${kind}-role-${stack.account}-${stack.region}`,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}
