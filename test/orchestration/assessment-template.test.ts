import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { buildTestApp, exampleEnvironment, stackOf, templateOf } from '../support/app';

/** The premigration assessment's bucket, role and grants as the example environments synthesize them. */

const prod = () => templates.prod;
const templates: Record<string, Template> = {};
beforeAll(() => {
  templates.prod = templateOf('prod', { prod: exampleEnvironment('prod') });
  templates.dev = templateOf('dev', { dev: exampleEnvironment('dev', { assessment: { resultRetentionDays: 90 } }) });
});
const taskArn = (env: string, account: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:dms:eu-west-1:${account}:task:${env}-adventureworks`]] });

test('the results bucket: named for account, Region and environment, SSE-S3, private, TLS only, versioned, expiring, logged', () => {
  prod().hasResource('AWS::S3::Bucket', {
    DeletionPolicy: 'Retain',
    Properties: {
      BucketName: 'dms-assess-222222222222-eu-west-1-prod',
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: [{ Id: 'expire-assessment-results', Status: 'Enabled', ExpirationInDays: 365, NoncurrentVersionExpiration: { NoncurrentDays: 30 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }],
      },
      LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^AssessmentResultsAccessLogs') }, LogFilePrefix: 'assessment-results/' },
    },
  });
  prod().hasResourceProperties('AWS::S3::BucketPolicy', {
    Bucket: { Ref: Match.stringLikeRegexp('^AssessmentResultsBucket') },
    PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
  });
  // Access logs arrive through a bucket policy naming the source bucket and account (no ACLs).
  prod().hasResourceProperties('AWS::S3::BucketPolicy', {
    Bucket: { Ref: Match.stringLikeRegexp('^AssessmentResultsAccessLogs') },
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: 's3:PutObject',
          Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('^AssessmentResultsBucket'), 'Arn'] } }, StringEquals: { 'aws:SourceAccount': '222222222222' } },
        }),
      ]),
    },
  });
  templates.dev.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'dms-assess-111111111111-eu-west-1-dev', LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90 })] } });
});

test('the role DMS assumes: trusted by dms.amazonaws.com for this account\'s assessment runs and this task only, with the documented S3 actions', () => {
  prod().hasResourceProperties('AWS::IAM::Role', {
    RoleName: 'dms-assessment-prod-eu-west-1',
    AssumeRolePolicyDocument: {
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'dms.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: { 'aws:SourceAccount': '222222222222' },
            ArnLike: { 'aws:SourceArn': [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dms:eu-west-1:222222222222:assessment-run:*']] }, taskArn('prod', '222222222222')] },
          },
        },
      ],
    },
  });
  prod().hasResourceProperties('AWS::IAM::Policy', {
    Roles: [{ Ref: Match.stringLikeRegexp('^AssessmentResultsRole') }],
    PolicyDocument: {
      Statement: [
        { Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject', 's3:GetObject', 's3:PutObjectTagging'], Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.anyValue(), 'Arn'] }, '/assessments/*']] } },
        { Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AssessmentResultsBucket'), 'Arn'] } },
      ],
    },
  });
});

test('production assesses before the first start: the control Lambda may start and read runs of its task and pass the role to DMS only', () => {
  prod().hasResourceProperties('AWS::IAM::Policy', {
    Roles: [{ Ref: Match.stringLikeRegexp('^RunbookadventureworksControlIdentityRole') }],
    PolicyDocument: {
      Statement: Match.arrayWith([
        { Effect: 'Allow', Action: 'dms:StartReplicationTaskAssessmentRun', Resource: { Ref: Match.stringLikeRegexp('^Taskadventureworks') } },
        {
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AssessmentResultsRole'), 'Arn'] },
          Condition: { StringEquals: { 'iam:PassedToService': 'dms.amazonaws.com' } },
        },
      ]),
    },
  });
  prod().hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ RUNBOOK_TASK: 'adventureworks', RUNBOOK_ASSESSMENT: Match.anyValue() }) } });
  // dev is not production: no assessment step unless assessment.enabled says so.
  templates.dev.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ RUNBOOK_TASK: 'adventureworks', RUNBOOK_ASSESSMENT: Match.absent() }) } });
  expect(JSON.stringify(templates.dev.toJSON())).not.toContain('StartReplicationTaskAssessmentRun');
});

test('an assessment name not of the documented form is a synth warning naming the field (DMS may know names the guide does not)', () => {
  const app = buildTestApp({ dev: exampleEnvironment('dev', { assessment: { exclude: ['table-with-no-primary-key-or-unique-constraint', 'Unsupported Data Types'] } }) });
  const warnings = Annotations.fromStack(stackOf(app, 'dev')).findWarning('/DmsMigration-dev/AssessmentResults', Match.anyValue());
  expect(warnings.map((w) => String(w.entry.data).replace(/ \[ack: .*\]$/, ''))).toEqual([
    'cdk.json: environment "dev": assessment.exclude[1]: "Unsupported Data Types" is not of the form of DMS\'s individual assessment names (lowercase words joined by hyphens, as in the user guide\'s "Individual assessments" pages); the runbook leaves out a name DMS does not apply to the task',
  ]);
});
