import { CfnOutput, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DeliveryEnvironment, GITHUB_OIDC_ISSUER } from '../delivery/config';
import { GitHubOidcRoles } from '../delivery/github-roles';

export interface DeliveryStackProps extends StackProps {
  readonly delivery: DeliveryEnvironment;
  /** `aud` of GitHub's tokens (also the provider's client id when the stack creates it). */
  readonly audience: string;
  readonly bootstrapQualifier: string;
}

/**
 * The AWS side of the GitHub workflows for one environment: the account's GitHub OIDC provider
 * (created, or referred to when it exists) and the diff and deploy roles. Deployed once by an
 * administrator, by hand: the workflows can only assume what this stack created.
 */
export class DeliveryStack extends Stack {
  public readonly provider: iam.IOidcProvider;
  public readonly roles: GitHubOidcRoles;

  constructor(scope: Construct, id: string, props: DeliveryStackProps) {
    const delivery = props.delivery;
    super(scope, id, {
      ...props,
      env: { account: delivery.account, region: delivery.region },
      description: `GitHub OIDC roles for diffing and deploying ${delivery.migrationStackName}`,
      tags: { ...props.tags, 'dms-migration:environment': delivery.name },
    });
    const host = new URL(GITHUB_OIDC_ISSUER).host;
    this.provider = delivery.createOidcProvider
      ? new iam.OidcProviderNative(this, 'GitHubOidcProvider', {
          url: GITHUB_OIDC_ISSUER,
          clientIds: [props.audience],
          // IAM verifies GitHub's certificate against its own trusted CAs; a thumbprint is not needed.
          // Account-wide and possibly shared with other repositories' roles: deleting this stack keeps it.
          removalPolicy: RemovalPolicy.RETAIN,
        })
      : iam.OidcProviderNative.fromOidcProviderArn(this, 'GitHubOidcProvider', `arn:${delivery.partition}:iam::${delivery.account}:oidc-provider/${host}`);

    this.roles = new GitHubOidcRoles(this, 'GitHubRoles', {
      provider: this.provider,
      diffSubject: delivery.diffSubject,
      deploySubject: delivery.deploySubject,
      diffRoleName: delivery.diffRoleName,
      deployRoleName: delivery.deployRoleName,
      audience: props.audience,
      bootstrapQualifier: props.bootstrapQualifier,
    });

    new CfnOutput(this, 'DiffRoleArn', { value: this.roles.diffRole.roleArn, description: `role-to-assume of the pull-request diff of ${delivery.name}` });
    new CfnOutput(this, 'DeployRoleArn', { value: this.roles.deployRole.roleArn, description: `role-to-assume of the deploy job of ${delivery.name}` });
    new CfnOutput(this, 'OidcProviderArn', { value: this.provider.oidcProviderArn });
  }
}
