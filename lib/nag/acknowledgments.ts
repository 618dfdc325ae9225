import { CfnElement, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { DmsAccountRoles } from '../dms';
import type { AssessmentResults } from '../orchestration/assessment-results';
import type { DeployControl } from '../orchestration/deploy-control';
import { FunctionLogRole, MigrationRunbooks } from '../orchestration/runbook';
import type { DmsVpcRoleReadiness } from '../orchestration/vpc-role-readiness';

/**
 * The constructs of a migration stack whose findings are acknowledged here. Structural, so that
 * lib/nag does not import lib/stacks (layers point one way); MigrationStack satisfies it.
 */
export interface AcknowledgedStack extends Stack {
  readonly vpc: ec2.IVpc;
  readonly accountRoles?: DmsAccountRoles;
  readonly vpcRoleReadiness?: DmsVpcRoleReadiness;
  readonly runbooks?: MigrationRunbooks;
  readonly deployControl: DeployControl;
  readonly assessmentResults: AssessmentResults;
}

/**
 * Every cdk-nag (and CDK annotation) acknowledgment of the project, in one place. Each is attached
 * to the narrowest construct that has the finding, names the single finding (never a whole
 * rule), and says why it is acceptable there.
 */
export function acknowledgeFindings(stack: AcknowledgedStack): void {
  if (stack.accountRoles) {
    const roles = [
      [stack.accountRoles.vpcRole, 'AmazonDMSVPCManagementRole'],
      [stack.accountRoles.cloudWatchLogsRole, 'AmazonDMSCloudWatchLogsRole'],
    ] as const;
    for (const [role, policy] of roles) {
      acknowledge(
        role,
        `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${policy}]`,
        `DMS looks this fixed-name account role up and documents it with exactly the AWS managed policy ${policy}, which AWS keeps in step with the service`,
      );
    }
  }

  const readiness = stack.vpcRoleReadiness;
  if (readiness) {
    acknowledgeProvider(readiness.provider, [readiness.onEventFunction, readiness.isCompleteFunction], [readiness.frameworkRole, readiness.waiterRole]);
    acknowledge(
      readiness.isCompleteFunction.role!,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:dms:${pseudo(stack.region, 'Region')}:${pseudo(stack.account, 'AccountId')}:subgrp:*]`,
      "DMS names subnet-group ARNs by a generated id, unknown before creation; the probe's only call asks for a one-subnet group, which DMS refuses (two AZs required) once dms-vpc-role works",
    );
  }

  const control = stack.deployControl;
  acknowledgeProvider(control.provider, [control.onEventFunction, control.isCompleteFunction], [control.frameworkRole, control.waiterRole]);
  for (const fn of [control.onEventFunction, control.isCompleteFunction]) {
    acknowledge(fn.role!, 'AwsSolutions-IAM5[Resource::*]', 'dms:DescribeReplicationTasks has no resource-level permission (the calls filter by task ARN)');
  }
  const results = stack.assessmentResults;
  acknowledge(
    results.role,
    `AwsSolutions-IAM5[Resource::<${logicalId(results.bucket)}.Arn>/assessments/*]`,
    "DMS names the result objects (summary.json, one file per individual assessment) under the folder it is given; the statement has the DMS User Guide's actions on this bucket's results folder only",
  );

  // Subnets and the VPC are imported by id: synth makes no lookups.
  acknowledge(
    stack.vpc,
    'Annotation::@aws-cdk/aws-ec2:vpcAttributeIsListTokenavailabilityZones',
    'Synth makes no lookups; every construct that needs subnets gets them by id from the environment config, never from this VPC',
  );
  for (const subnet of stack.node.findAll().filter((c): c is ec2.ISubnet & IConstruct => isImportedSubnet(c))) {
    acknowledge(subnet, 'Annotation::@aws-cdk/aws-ec2:noSubnetRouteTableId', 'The subnet only places the restoration Lambda; its route table is never read');
  }

  for (const identity of stack.node.findAll().filter((c): c is FunctionLogRole => c instanceof FunctionLogRole)) {
    acknowledge(
      identity.role,
      `AwsSolutions-IAM5[Resource::<${logicalId(identity.logGroup)}.Arn>:*]`,
      "Lambda names its log streams at run time; the statement covers only this function's own log group",
    );
  }

  const runbooks = stack.runbooks;
  if (!runbooks) return;
  const restoration = runbooks.restorationFunction.function;
  acknowledge(
    restoration.role!,
    'AwsSolutions-IAM5[Resource::*]',
    'ec2:DescribeNetworkInterfaces (Lambda VPC attachment) has no resource-level permission',
  );
  acknowledge(
    restoration.role!,
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:${pseudo(stack.region, 'Region')}:${pseudo(stack.account, 'AccountId')}:network-interface/*]`,
    'Lambda creates its network interfaces with ids unknown before; creation is limited to the configured subnets and the function security group',
  );
  for (const { runbook } of runbooks.taskRunbooks) {
    acknowledge(
      runbook.controlFunction.role!,
      'AwsSolutions-IAM5[Resource::*]',
      'dms:DescribeReplicationTasks has no resource-level permission (the call filters by task ARN); cloudwatch:PutMetricData has none either and is limited by condition to the runbook namespace',
    );
    if (runbook.assesses) {
      acknowledge(
        runbook.controlFunction.role!,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:dms:${pseudo(stack.region, 'Region')}:${pseudo(stack.account, 'AccountId')}:assessment-run:*]`,
        "DMS makes an assessment run's ARN when StartReplicationTaskAssessmentRun starts it; the statement allows only describing this account and Region's assessment runs, which the calls filter by the run's ARN",
      );
    }
    const stateMachineRole = runbook.stateMachine.role;
    acknowledge(
      stateMachineRole,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray tracing and CloudWatch Logs delivery, required for tracing and logging ALL, have no resource-level permissions',
    );
    for (const fn of [runbook.controlFunction, restoration]) {
      acknowledge(
        stateMachineRole,
        `AwsSolutions-IAM5[Resource::<${logicalId(fn)}.Arn>:*]`,
        'Step Functions LambdaInvoke grants the function and its own versions (ARN:*), nothing beyond this function',
      );
    }
  }
  const trigger = runbooks.trigger;
  const handlers = [trigger.onEventFunction, trigger.isCompleteFunction].filter((fn) => fn !== undefined);
  acknowledgeProvider(trigger.provider, handlers, [trigger.frameworkRole, trigger.waiterRole]);
  if (trigger.isCompleteFunction) {
    for (const { runbook } of runbooks.taskRunbooks) {
      acknowledge(
        trigger.isCompleteFunction.role!,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${pseudo(stack.region, 'Region')}:${pseudo(stack.account, 'AccountId')}:execution:<${logicalId(runbook.stateMachine)}.Name>:*]`,
        'DescribeExecution on the executions of this runbook state machine only; their names are made at deploy time',
      );
    }
  }
}

/** The findings of a custom-resource Provider framework: its roles invoke the handlers, its waiter polls. */
function acknowledgeProvider(provider: cr.Provider, handlers: readonly IConstruct[], roles: ReadonlyArray<iam.IRole | undefined>): void {
  const invokesVersions = 'The custom-resource framework invokes this function and its own versions (ARN:*), nothing beyond it';
  for (const role of roles) {
    if (!role) continue;
    for (const fn of handlers) acknowledge(role, `AwsSolutions-IAM5[Resource::<${logicalId(fn)}.Arn>:*]`, invokesVersions);
  }
  const waiter = provider.node.tryFindChild('waiter-state-machine');
  if (!waiter) return;
  for (const frameworkFunction of ['framework-isComplete', 'framework-onTimeout']) {
    acknowledge(waiter, `AwsSolutions-IAM5[Resource::<${logicalId(provider.node.findChild(frameworkFunction))}.Arn>:*]`, invokesVersions);
  }
  acknowledge(waiter, 'AwsSolutions-IAM5[Resource::*]', 'CloudWatch Logs delivery, required for logging ALL, has no resource-level permissions');
  acknowledge(waiter, 'AwsSolutions-SF2', "The custom-resource framework's waiter state machine offers no tracing option; it only polls isComplete");
}

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

function logicalId(element: IConstruct): string {
  const cfn = (element.node.defaultChild ?? element) as CfnElement;
  return Stack.of(cfn).getLogicalId(cfn);
}

function pseudo(value: string, name: string): string {
  return Token.isUnresolved(value) ? `<AWS::${name}>` : value;
}

function isImportedSubnet(c: IConstruct): boolean {
  return 'subnetId' in c && 'routeTable' in c && c.node.defaultChild === undefined;
}
