import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * The two account-wide roles DMS looks up by fixed name: `dms-vpc-role` (to place replication
 * instances in a VPC) and `dms-cloudwatch-logs-role` (to write task logs). They exist once per
 * account, so only one stack per account may create them; the others must not, or their
 * deployment fails with "already exists".
 *
 * A new dms-vpc-role is not usable by DMS the moment CloudFormation has created it (IAM
 * propagates it): a subnet group created right after fails now and then with "The IAM Role
 * ... dms-vpc-role is not configured properly". The stack that creates the roles therefore
 * orders its subnet group after DmsVpcRoleReadiness (lib/orchestration/vpc-role-readiness.ts),
 * which waits until DMS accepts the role.
 */
export class DmsAccountRoles extends Construct {
  public readonly vpcRole: iam.Role;
  public readonly cloudWatchLogsRole: iam.Role;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const dmsPrincipal = new iam.ServicePrincipal('dms.amazonaws.com');
    this.vpcRole = new iam.Role(this, 'VpcRole', {
      roleName: 'dms-vpc-role',
      assumedBy: dmsPrincipal,
      description: 'Lets DMS manage the network interfaces of replication instances',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonDMSVPCManagementRole')],
    });
    this.cloudWatchLogsRole = new iam.Role(this, 'CloudWatchLogsRole', {
      roleName: 'dms-cloudwatch-logs-role',
      assumedBy: dmsPrincipal,
      description: 'Lets DMS write replication task logs to CloudWatch Logs',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonDMSCloudWatchLogsRole')],
    });
    // Shared by every DMS workload of the account: deleting this stack must not break the others.
    // README: delete them by hand (aws iam delete-role) once no DMS resource of the account is left.
    this.vpcRole.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.cloudWatchLogsRole.applyRemovalPolicy(RemovalPolicy.RETAIN);
  }
}
