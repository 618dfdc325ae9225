import * as path from 'node:path';
import { ArnFormat, CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { grantSecretRead, ReplicationTask } from '../dms';
import type { AssessmentResults } from './assessment-results';
import { transientStopGraceSeconds } from './dms-task-state';
import { handlerBundleOf } from './bundle';
import { runbookStateMachineName, RUNBOOK_METRIC_NAMESPACE } from './names';
import type { AssessmentConfig } from './handlers/control';
import type { SecretExpectation } from './preflight';

/** The Lambda runtime of every function here, set explicitly (the latest Node.js Lambda offers). */
export const RUNBOOK_RUNTIME = lambda.Runtime.NODEJS_24_X;
/** A restoration call may run this long; it stops taking new work a minute before. */
export const RESTORATION_TIMEOUT = Duration.minutes(15);

const HANDLERS = path.join(__dirname, 'handlers');

/**
 * A Lambda function's log group and a role that may write to it and nothing else yet (grants add
 * the rest). Written out instead of AWSLambdaBasicExecutionRole, which allows every log group of
 * the account. Kept when the stack goes: the runbook's record.
 */
export class FunctionLogRole extends Construct {
  public readonly logGroup: logs.LogGroup;
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, description: string) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.SIX_MONTHS, removalPolicy: RemovalPolicy.RETAIN });
    this.role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn, `${this.logGroup.logGroupArn}:*`],
      }),
    );
  }
}

export interface WaitingProviderProps {
  readonly onEventHandler: nodejs.NodejsFunction;
  readonly isCompleteHandler: nodejs.NodejsFunction;
  /** Descriptions of the framework's role and of the waiter's role. */
  readonly roleDescriptions: { readonly framework: string; readonly waiter: string };
  readonly queryInterval: Duration;
  readonly totalTimeout: Duration;
}

/**
 * A custom-resource Provider with an isComplete waiter, on `scope`: roles of its own for the
 * framework and the waiter (sharing one makes a dependency cycle), each with one log group, and
 * the waiter state machine logging ALL.
 */
export function waitingProvider(scope: Construct, props: WaitingProviderProps): { provider: cr.Provider; frameworkRole: iam.Role; waiterRole: iam.Role } {
  const framework = new FunctionLogRole(scope, 'ProviderIdentity', props.roleDescriptions.framework);
  const waiterRole = new FunctionLogRole(scope, 'ProviderWaiterIdentity', props.roleDescriptions.waiter).role;
  const provider = new cr.Provider(scope, 'Provider', {
    onEventHandler: props.onEventHandler,
    isCompleteHandler: props.isCompleteHandler,
    logGroup: framework.logGroup,
    frameworkOnEventRole: framework.role,
    frameworkCompleteAndTimeoutRole: waiterRole,
    queryInterval: props.queryInterval,
    totalTimeout: props.totalTimeout,
    disableWaiterStateMachineLogging: false,
    waiterStateMachineLogOptions: {
      destination: new logs.LogGroup(scope, 'WaiterLogs', { retention: logs.RetentionDays.SIX_MONTHS }),
      level: sfn.LogLevel.ALL,
      includeExecutionData: true,
    },
  });
  return { provider, frameworkRole: framework.role, waiterRole };
}

/**
 * A function running one of the handlers' bundles (lib/orchestration/bundle.ts: built once per
 * synth by the local esbuild, never Docker, and shared by every function and stack that runs it).
 * `entry` is the handler's file, `handler` the name it exports.
 */
export function bundledFunction(
  scope: Construct,
  id: string,
  props: Omit<nodejs.NodejsFunctionProps, 'runtime' | 'bundling' | 'role' | 'logGroup' | 'code' | 'depsLockFilePath' | 'projectRoot'> & {
    entry: string;
    handler: string;
    description: string;
  },
): nodejs.NodejsFunction {
  const { entry, handler, ...functionProps } = props;
  const identity = new FunctionLogRole(scope, `${id}Identity`, props.description);
  return new nodejs.NodejsFunction(scope, id, {
    runtime: RUNBOOK_RUNTIME,
    architecture: lambda.Architecture.ARM_64,
    memorySize: 512,
    logGroup: identity.logGroup,
    role: identity.role,
    environment: { NODE_OPTIONS: '--enable-source-maps' },
    ...functionProps,
    code: lambda.Code.fromAsset(handlerBundleOf(entry).directory),
    handler: `index.${handler}`,
  });
}

export interface RestorationFunctionProps {
  readonly vpc: ec2.IVpc;
  /** Private subnets that can reach the target database and Secrets Manager. */
  readonly subnetIds: readonly string[];
  /** The target database's security group: it gets an ingress rule for this function. */
  readonly targetSecurityGroup: ec2.ISecurityGroup;
  readonly targetHost: string;
  readonly targetPort: number;
  /** Credentials of the engine's user (JSON with username and password). */
  readonly secret: secretsmanager.ISecret;
  /** @default - the secret uses aws/secretsmanager */
  readonly secretEncryptionKey?: kms.IKey;
  /** Database holding the plans. */
  readonly controlDatabase: string;
}

/**
 * The Lambda that runs the restoration engine against the target, in the VPC, over TLS, with
 * credentials from Secrets Manager. One per environment; each call is one bounded slice.
 */
export class RestorationFunction extends Construct {
  public readonly function: nodejs.NodejsFunction;
  public readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: RestorationFunctionProps) {
    super(scope, id);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'DMS restoration Lambda: target database and Secrets Manager only',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'Secrets Manager (HTTPS, through a VPC endpoint or NAT)');
    props.targetSecurityGroup.connections.allowFrom(this.securityGroup, ec2.Port.tcp(props.targetPort), 'DMS restoration Lambda');
    this.securityGroup.addEgressRule(props.targetSecurityGroup, ec2.Port.tcp(props.targetPort), 'Target database');

    this.function = bundledFunction(this, 'Function', {
      entry: path.join(HANDLERS, 'restoration.ts'),
      handler: 'handler',
      description: 'Defers, restores and verifies secondary objects on the DMS target',
      timeout: RESTORATION_TIMEOUT,
      vpc: props.vpc,
      vpcSubnets: { subnets: props.subnetIds.map((subnetId, i) => ec2.Subnet.fromSubnetId(this, `Subnet${i}`, subnetId)) },
      securityGroups: [this.securityGroup],
      // No reserved concurrency: two calls on one plan are serialized by the engine's named lock.
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        RESTORATION_SECRET_ARN: props.secret.secretArn,
        RESTORATION_TARGET_HOST: props.targetHost,
        RESTORATION_TARGET_PORT: String(props.targetPort),
        RESTORATION_CONTROL_DATABASE: props.controlDatabase,
      },
    });
    grantSecretRead(this.function, props.secret, props.secretEncryptionKey);
    grantVpcNetworking(this.function, props.subnetIds, this.securityGroup);
  }
}

/**
 * What Lambda needs to attach a function to a VPC, written out instead of
 * AWSLambdaVPCAccessExecutionRole: interfaces only in these subnets with this security group.
 * DescribeNetworkInterfaces has no resource-level permission.
 */
function grantVpcNetworking(fn: lambda.IFunction, subnetIds: readonly string[], securityGroup: ec2.ISecurityGroup): void {
  const stack = Stack.of(fn);
  const ec2Arn = (resource: string) => stack.formatArn({ service: 'ec2', resource, arnFormat: ArnFormat.SLASH_RESOURCE_NAME, resourceName: '*' });
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ec2:CreateNetworkInterface'],
      resources: [
        ec2Arn('network-interface'),
        ...subnetIds.map((id) => stack.formatArn({ service: 'ec2', resource: 'subnet', resourceName: id, arnFormat: ArnFormat.SLASH_RESOURCE_NAME })),
        stack.formatArn({ service: 'ec2', resource: 'security-group', resourceName: securityGroup.securityGroupId, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }),
      ],
    }),
  );
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
      resources: [ec2Arn('network-interface')],
    }),
  );
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['ec2:DescribeNetworkInterfaces'], resources: ['*'] }));
}

export interface TaskRunbookProps {
  readonly environmentName: string;
  readonly taskName: string;
  readonly task: ReplicationTask;
  readonly restorationFunction: lambda.IFunction;
  readonly alarmTopic: sns.ITopic;
  readonly alarmTopicKey: kms.IKey;
  /** Target databases of this task's secondary objects. */
  readonly databases: readonly string[];
  readonly concurrency: number;
  readonly deferBeforeLoad: boolean;
  readonly maxFullLoadWaitHours: number;
  /**
   * Secrets the run's first step (preflight) reads to check their keys: the endpoints' secrets,
   * which must hold what DMS needs. Only key names leave the function.
   * @default - none checked
   */
  readonly preflightSecrets?: readonly PreflightSecret[];
  /**
   * Run a premigration assessment before the task's first start, with these results and settings.
   * @default - no assessment
   */
  readonly assessment?: TaskAssessment;
}

/** The premigration assessment of one task's runbook. */
export interface TaskAssessment {
  readonly results: AssessmentResults;
  readonly settings: Omit<AssessmentConfig, 'roleArn' | 'bucket'>;
}

/** A secret the preflight step checks, with what it must hold (its id is the secret's ARN). */
export interface PreflightSecret extends Omit<SecretExpectation, 'secretId'> {
  readonly secret: secretsmanager.ISecret;
  /** @default - the secret uses aws/secretsmanager */
  readonly encryptionKey?: kms.IKey;
}

/**
 * One task's runbook: a Step Functions Standard workflow (logging ALL, tracing on) that defers
 * secondary objects (optionally), starts the task, waits for the post-load point, restores in
 * bounded Lambda calls, verifies, resumes CDC and reports.
 */
export class TaskRunbook extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  public readonly controlFunction: nodejs.NodejsFunction;
  /** The run assesses the task before its first start. */
  public readonly assesses: boolean;

  constructor(scope: Construct, id: string, props: TaskRunbookProps) {
    super(scope, id);
    const { task } = props;
    this.assesses = props.assessment !== undefined;
    const fullLoadSettings = task.settings.FullLoadSettings as
      | { StopTaskCachedChangesApplied?: boolean; StopTaskCachedChangesNotApplied?: boolean; TargetTablePrepMode?: string }
      | undefined;
    // Either stop setting makes DMS stop the task after the full load (STOPPED_AFTER_CACHED_EVENTS / STOPPED_AFTER_FULL_LOAD).
    const expectStopAfterLoad =
      task.migrationType === 'full-load' || fullLoadSettings?.StopTaskCachedChangesApplied === true || fullLoadSettings?.StopTaskCachedChangesNotApplied === true;
    const preflightSecrets = props.preflightSecrets ?? [];

    this.controlFunction = bundledFunction(this, 'Control', {
      entry: path.join(HANDLERS, 'control.ts'),
      handler: 'handler',
      description: `Runbook control of DMS task ${task.replicationTaskIdentifier}`,
      timeout: Duration.minutes(1),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        RUNBOOK_ENVIRONMENT: props.environmentName,
        RUNBOOK_TASK: props.taskName,
        RUNBOOK_TASK_ARN: task.replicationTaskArn,
        RUNBOOK_MIGRATION_TYPE: task.migrationType,
        RUNBOOK_EXPECT_STOP_AFTER_LOAD: String(expectStopAfterLoad),
        RUNBOOK_DEFER_BEFORE_LOAD: String(props.deferBeforeLoad),
        RUNBOOK_TOPIC_ARN: props.alarmTopic.topicArn,
        RUNBOOK_MAX_WAIT_HOURS: String(props.maxFullLoadWaitHours),
        RUNBOOK_TRANSIENT_GRACE_SECONDS: String(transientStopGraceSeconds(task.settings.ErrorBehavior as Readonly<Record<string, unknown>> | undefined)),
        RUNBOOK_TARGET_TABLE_PREP_MODE: fullLoadSettings?.TargetTablePrepMode ?? 'DO_NOTHING',
        RUNBOOK_PREFLIGHT_SECRETS: JSON.stringify(
          preflightSecrets.map(({ role, requiredKeys, expectedHost, expectedPort, secret }): SecretExpectation => ({
            role,
            requiredKeys,
            expectedHost,
            expectedPort,
            secretId: secret.secretArn,
          })),
        ),
        ...(props.assessment ? { RUNBOOK_ASSESSMENT: assessmentEnvironment(props.assessment) } : {}),
      },
    });
    if (props.assessment) props.assessment.results.grantStartAssessment(this.controlFunction, task.replicationTaskArn);
    task.grantStart(this.controlFunction);
    // A reload sets TargetTablePrepMode to TRUNCATE_BEFORE_LOAD while the task is stopped, and back after.
    this.controlFunction.addToRolePolicy(new iam.PolicyStatement({ actions: ['dms:ModifyReplicationTask'], resources: [task.replicationTaskArn] }));
    for (const { secret, encryptionKey } of preflightSecrets) grantSecretRead(this.controlFunction, secret, encryptionKey);
    // Publishing to the encrypted topic: a data key to encrypt the message, no more
    // (grantPublish would add kms:GenerateDataKey*).
    this.controlFunction.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [props.alarmTopic.topicArn] }));
    props.alarmTopicKey.grant(this.controlFunction, 'kms:GenerateDataKey', 'kms:Decrypt');
    this.controlFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': RUNBOOK_METRIC_NAMESPACE } },
      }),
    );

    const control = (stepId: string, action: string, resultPath: string) =>
      new tasks.LambdaInvoke(this, stepId, {
        lambdaFunction: this.controlFunction,
        payload: sfn.TaskInput.fromObject({ action, state: sfn.JsonPath.entirePayload }),
        payloadResponseOnly: true,
        resultPath,
        retryOnServiceExceptions: true,
      });
    const restoration = (stepId: string, action: string, resultPath: string) =>
      new tasks.LambdaInvoke(this, stepId, {
        lambdaFunction: props.restorationFunction,
        payload: sfn.TaskInput.fromObject({
          action,
          planId: `${props.environmentName}-${props.taskName}`,
          databases: [...props.databases],
          concurrency: props.concurrency,
          runId: sfn.JsonPath.stringAt('$.runId'),
        }),
        payloadResponseOnly: true,
        resultPath,
        retryOnServiceExceptions: true,
      });

    const runFailed = new sfn.Fail(this, 'RunFailed', {
      error: 'RunFailed',
      causePath: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.report')),
    });
    const reportFailure = control('ReportFailure', 'report', '$.report').next(runFailed);
    const withCatch = <T extends tasks.LambdaInvoke>(step: T): T => {
      step.addCatch(reportFailure, { resultPath: '$.error' });
      return step;
    };

    const preflight = withCatch(control('Preflight', 'preflight', '$.preflight'));
    const prepare = withCatch(control('Prepare', 'prepare', '$.prepare'));
    const assess = withCatch(control('Assess', 'assess', '$.assessment'));
    const waitForAssessment = new sfn.Wait(this, 'WaitForAssessment', { time: sfn.WaitTime.secondsPath('$.assessment.waitSeconds') });
    const deferStep = withCatch(restoration('Defer', 'defer', '$.defer'));
    const startTask = withCatch(control('StartTask', 'start', '$.start'));
    const poll = withCatch(control('PollTask', 'poll', '$.poll'));
    const waitForLoad = new sfn.Wait(this, 'WaitForFullLoad', { time: sfn.WaitTime.secondsPath('$.poll.waitSeconds') });
    const waitBeforePrepare = new sfn.Wait(this, 'WaitForTaskStatus', { time: sfn.WaitTime.duration(Duration.minutes(1)) });
    const applyStep = withCatch(restoration('Apply', 'apply', '$.apply'));
    const applyPause = new sfn.Wait(this, 'WaitForRunningDdl', { time: sfn.WaitTime.secondsPath('$.apply.waitSeconds') });
    const verifyStep = withCatch(restoration('Verify', 'verify', '$.verify'));
    const resume = withCatch(control('ResumeCdc', 'resume', '$.resume'));
    const waitBeforeStart = new sfn.Wait(this, 'WaitForTaskModify', { time: sfn.WaitTime.secondsPath('$.start.waitSeconds') });
    const waitBeforeResume = new sfn.Wait(this, 'WaitBeforeResume', { time: sfn.WaitTime.secondsPath('$.resume.waitSeconds') });
    const report = control('Report', 'report', '$.report');
    const succeeded = new sfn.Succeed(this, 'RunSucceeded', { outputPath: '$.report' });

    report.next(
      new sfn.Choice(this, 'Outcome')
        .when(sfn.Condition.stringEquals('$.report.outcome', 'SUCCEEDED'), succeeded)
        .otherwise(runFailed),
    );
    resume.next(
      new sfn.Choice(this, 'Resumed?')
        .when(sfn.Condition.booleanEquals('$.resume.pending', true), waitBeforeResume.next(resume))
        .otherwise(report),
    );
    verifyStep.next(resume);
    applyStep.next(
      new sfn.Choice(this, 'Restored?').when(sfn.Condition.booleanEquals('$.apply.done', true), verifyStep).otherwise(applyPause.next(applyStep)),
    );
    const restoreOrResume = new sfn.Choice(this, 'Restore?').when(sfn.Condition.booleanEquals('$.prepare.restore', true), applyStep).otherwise(resume);
    poll.next(
      new sfn.Choice(this, 'PostLoad?')
        .when(sfn.Condition.stringEquals('$.poll.phase', 'post-load'), restoreOrResume)
        .when(sfn.Condition.stringEquals('$.poll.phase', 'failed'), report)
        .otherwise(waitForLoad.next(poll)),
    );
    startTask.next(
      new sfn.Choice(this, 'Started?')
        .when(sfn.Condition.booleanEquals('$.start.pending', true), waitBeforeStart.next(startTask))
        .otherwise(poll),
    );
    const startChoice = new sfn.Choice(this, 'Start?')
      .when(sfn.Condition.stringEquals('$.prepare.start.action', 'start'), startTask)
      .when(sfn.Condition.stringEquals('$.prepare.start.action', 'wait'), waitBeforePrepare.next(prepare))
      .otherwise(poll);
    deferStep.next(new sfn.Choice(this, 'Deferred?').when(sfn.Condition.booleanEquals('$.defer.done', true), startChoice).otherwise(deferStep));
    const deferChoice = new sfn.Choice(this, 'Defer?').when(sfn.Condition.booleanEquals('$.prepare.defer', true), deferStep).otherwise(startChoice);
    // The premigration assessment comes first: nothing is deferred or started until DMS's checks pass.
    assess.next(
      new sfn.Choice(this, 'Assessed?')
        .when(sfn.Condition.stringEquals('$.assessment.phase', 'running'), waitForAssessment.next(assess))
        .when(sfn.Condition.stringEquals('$.assessment.phase', 'passed'), deferChoice)
        .otherwise(report),
    );
    prepare.next(
      new sfn.Choice(this, 'Assess?')
        .when(sfn.Condition.stringEquals('$.prepare.start.action', 'leave'), report)
        .when(sfn.Condition.booleanEquals('$.prepare.assess', true), assess)
        .otherwise(deferChoice),
    );
    // Preflight failures are reported like any other: the run ends failed before DMS is touched.
    preflight.next(new sfn.Choice(this, 'Preflight passed?').when(sfn.Condition.booleanEquals('$.preflight.ok', true), prepare).otherwise(report));

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: runbookStateMachineName(props.environmentName, props.taskName),
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(preflight),
      comment: `DMS runbook of task ${task.replicationTaskIdentifier}: preflight, assess, defer, load, restore, verify, resume CDC`,
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
  }
}

/** The control Lambda's RUNBOOK_ASSESSMENT: the handler's AssessmentConfig (role and bucket resolved at deploy). */
function assessmentEnvironment(assessment: TaskAssessment): string {
  const config: AssessmentConfig = { ...assessment.settings, roleArn: assessment.results.role.roleArn, bucket: assessment.results.bucket.bucketName };
  return Stack.of(assessment.results).toJsonString(config);
}

export interface RunbookTriggerProps {
  readonly stateMachines: readonly sfn.StateMachine[];
  /**
   * Wait for each run to finish, at most this long (CloudFormation's hour at most).
   * @default - return once the run has started
   */
  readonly waitForCompletion?: Duration;
}

/**
 * The custom-resource provider that starts runbooks from `cdk deploy` (one per environment,
 * one `Custom::PostLoadRestoration` per task).
 */
export class RunbookTrigger extends Construct {
  public readonly provider: cr.Provider;
  public readonly onEventFunction: nodejs.NodejsFunction;
  public readonly isCompleteFunction?: nodejs.NodejsFunction;
  /** The role of the framework's own functions. */
  public readonly frameworkRole: iam.Role;
  /** The role of the framework's waiter functions, when the deploy waits for the run. */
  public readonly waiterRole?: iam.Role;
  private readonly waitForCompletion?: Duration;

  constructor(scope: Construct, id: string, props: RunbookTriggerProps) {
    super(scope, id);
    const waitMinutes = props.waitForCompletion?.toMinutes();
    if (waitMinutes !== undefined && (waitMinutes < 1 || waitMinutes > 60)) {
      throw new Error(`${this.node.path}: waitForCompletion ${waitMinutes} min must be 1-60: CloudFormation waits at most one hour for a custom resource`);
    }
    this.waitForCompletion = props.waitForCompletion;
    this.onEventFunction = bundledFunction(this, 'OnEvent', {
      entry: path.join(HANDLERS, 'custom-resource.ts'),
      handler: 'onEventHandler',
      description: 'Starts DMS runbooks on deploy (Custom::PostLoadRestoration)',
      timeout: Duration.minutes(1),
    });
    for (const stateMachine of props.stateMachines) stateMachine.grantStartExecution(this.onEventFunction);
    if (props.waitForCompletion) {
      this.isCompleteFunction = bundledFunction(this, 'IsComplete', {
        entry: path.join(HANDLERS, 'custom-resource.ts'),
        handler: 'isCompleteHandler',
        description: 'Reports whether a DMS runbook started on deploy has finished',
        timeout: Duration.minutes(1),
      });
      for (const stateMachine of props.stateMachines) {
        this.isCompleteFunction.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['states:DescribeExecution'],
            resources: [Stack.of(this).formatArn({ service: 'states', resource: 'execution', resourceName: `${stateMachine.stateMachineName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
          }),
        );
      }
    }
    const framework = new FunctionLogRole(this, 'ProviderIdentity', 'Custom resource framework of the runbook trigger');
    this.frameworkRole = framework.role;
    // The waiter's functions get a role of their own: sharing one with onEvent makes a dependency cycle.
    this.waiterRole = props.waitForCompletion
      ? new FunctionLogRole(this, 'ProviderWaiterIdentity', 'Custom resource framework: waits for the runbook').role
      : undefined;
    this.provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.onEventFunction,
      logGroup: framework.logGroup,
      frameworkOnEventRole: framework.role,
      frameworkCompleteAndTimeoutRole: this.waiterRole,
      disableWaiterStateMachineLogging: props.waitForCompletion ? false : undefined,
      waiterStateMachineLogOptions: props.waitForCompletion
        ? { destination: new logs.LogGroup(this, 'WaiterLogs', { retention: logs.RetentionDays.SIX_MONTHS }), level: sfn.LogLevel.ALL, includeExecutionData: true }
        : undefined,
      isCompleteHandler: this.isCompleteFunction,
      queryInterval: props.waitForCompletion ? Duration.minutes(1) : undefined,
      totalTimeout: props.waitForCompletion,
    });
  }

  /**
   * The custom resource that starts `stateMachine` when `runKey` changes. `stopRecord` is the
   * task stopper's StopRecord attribute: a run started by the deploy that stopped the task knows
   * whether the task was running before it (see handlers/custom-resource.ts).
   */
  public addRun(id: string, stateMachine: sfn.IStateMachine, runKey: string, stopRecord?: string): CustomResource {
    return new CustomResource(this, id, {
      serviceToken: this.provider.serviceToken,
      resourceType: 'Custom::PostLoadRestoration',
      serviceTimeout: this.waitForCompletion ? Duration.minutes(Math.min(60, this.waitForCompletion.toMinutes() + 5)) : undefined,
      properties: {
        StateMachineArn: stateMachine.stateMachineArn,
        RunKey: runKey,
        WaitForCompletion: String(Boolean(this.waitForCompletion)),
        ...(stopRecord === undefined ? {} : { TaskStopRecord: stopRecord }),
      },
    });
  }
}

/** What the migration stack builds for the post-load runbook (read by lib/nag to acknowledge its findings). */
export interface MigrationRunbooks {
  readonly restorationFunction: RestorationFunction;
  readonly trigger: RunbookTrigger;
  readonly taskRunbooks: ReadonlyArray<{ readonly name: string; readonly runbook: TaskRunbook; readonly trigger: CustomResource; readonly databases: readonly string[] }>;
}
