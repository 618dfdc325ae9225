import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ASSESSMENT_PREFIX, assessmentBucketName, assessmentRoleName } from './names';

export interface AssessmentResultsProps {
  readonly environmentName: string;
  /** The ARNs of the tasks DMS assesses (known at synth): the role's trust names them. */
  readonly taskArns: readonly string[];
  /** How long an assessment's results are kept. */
  readonly retention: Duration;
}

/**
 * Where DMS writes premigration assessment results, and the role it writes with.
 *
 * The bucket is private (every public access blocked, TLS only), versioned, encrypted with S3
 * managed keys (SSE-S3), and a lifecycle rule expires results after the retention period.
 * SSE-S3 rather than SSE-KMS: the role DMS writes with is the one the DMS User Guide documents
 * ("Storing premigration assessment runs in an S3 bucket"), which has S3 permissions only; a
 * customer managed key would need KMS permissions the guide does not give, and
 * StartReplicationTaskAssessmentRun documents SSE_S3 as a ResultEncryptionMode of its own.
 * Server access logs go to a second bucket.
 */
export class AssessmentResults extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly accessLogsBucket: s3.Bucket;
  /** The ServiceAccessRoleArn of StartReplicationTaskAssessmentRun. */
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: AssessmentResultsProps) {
    super(scope, id);
    // Server access log delivery through a bucket policy (with the source bucket and account as
    // conditions) rather than the log-delivery ACL, which needs object ACLs on.
    this.node.setContext(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    const stack = Stack.of(this);
    const privateBucket = {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Results are the record of what was checked before a migration started.
      removalPolicy: RemovalPolicy.RETAIN,
    };
    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      ...privateBucket,
      versioned: true,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: props.retention, noncurrentVersionExpiration: Duration.days(30) }],
    });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...privateBucket,
      bucketName: assessmentBucketName(stack.account, stack.region, props.environmentName),
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'assessment-results/',
      lifecycleRules: [
        {
          id: 'expire-assessment-results',
          expiration: props.retention,
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });

    // Trust as in the DMS User Guide, "Cross-service confused deputy prevention" (the
    // premigration assessment example): this account, and assessment runs and tasks of it, here
    // narrowed to this environment's tasks.
    const assessmentRuns = stack.formatArn({ service: 'dms', resource: 'assessment-run', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.role = new iam.Role(this, 'Role', {
      roleName: assessmentRoleName(props.environmentName, stack.region),
      description: `DMS writes the premigration assessment results of environment ${props.environmentName} to ${this.bucket.node.path}`,
      assumedBy: new iam.ServicePrincipal('dms.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': [assessmentRuns, ...props.taskArns] },
        },
      }),
    });
    // The permissions of the user guide's policy, on this bucket (objects under the results folder).
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:DeleteObject', 's3:GetObject', 's3:PutObjectTagging'],
        resources: [this.bucket.arnForObjects(`${ASSESSMENT_PREFIX}*`)],
      }),
    );
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket', 's3:GetBucketLocation'], resources: [this.bucket.bucketArn] }));
  }

  /** What the runbook's control Lambda (or an operator) needs to start and read assessment runs of `taskArn`. */
  public grantStartAssessment(grantee: iam.IGrantable, taskArn: string): void {
    const stack = Stack.of(this);
    const assessmentRuns = stack.formatArn({ service: 'dms', resource: 'assessment-run', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    // Resource types from the Service Authorization Reference for AWS DMS.
    iam.Grant.addToPrincipal({ grantee, actions: ['dms:StartReplicationTaskAssessmentRun'], resourceArns: [taskArn] });
    iam.Grant.addToPrincipal({ grantee, actions: ['dms:DescribeApplicableIndividualAssessments'], resourceArns: [taskArn] });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['dms:DescribeReplicationTaskAssessmentRuns', 'dms:DescribeReplicationTaskIndividualAssessments'],
      resourceArns: [taskArn, assessmentRuns],
    });
    // "The role must allow the iam:PassRole action" (StartReplicationTaskAssessmentRun ServiceAccessRoleArn).
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['iam:PassRole'],
      resourceArns: [this.role.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'dms.amazonaws.com' } },
    });
  }
}
