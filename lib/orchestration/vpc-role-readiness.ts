import * as path from 'node:path';
import { ArnFormat, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { bundledFunction, waitingProvider } from './runbook';

export interface DmsVpcRoleReadinessProps {
  /** The `dms-vpc-role` this stack creates: the probe starts only once it exists. */
  readonly vpcRole: iam.IRole;
  /** One of the replication subnets (the probe names it alone, which DMS refuses once the role works). */
  readonly subnetId: string;
  /** The identifier the probe asks for; DMS never creates it (one subnet covers one AZ). */
  readonly probeIdentifier: string;
  /**
   * How long to wait for IAM to make the role usable to DMS.
   * @default Duration.minutes(10)
   */
  readonly timeout?: Duration;
}

/**
 * Waits until DMS can use `dms-vpc-role` (see handlers/vpc-role-probe.ts): depend on it and the
 * replication subnet group is created only then, not merely after the role. Created only by the
 * stack that creates the account roles; on later deploys it does nothing.
 */
export class DmsVpcRoleReadiness extends Construct {
  public readonly resource: CustomResource;
  public readonly provider: cr.Provider;
  public readonly onEventFunction: nodejs.NodejsFunction;
  public readonly isCompleteFunction: nodejs.NodejsFunction;
  public readonly frameworkRole: iam.Role;
  public readonly waiterRole: iam.Role;

  constructor(scope: Construct, id: string, props: DmsVpcRoleReadinessProps) {
    super(scope, id);
    const entry = path.join(__dirname, 'handlers', 'vpc-role-probe.ts');
    this.onEventFunction = bundledFunction(this, 'OnEvent', { entry, handler: 'onEventHandler', description: 'Custom::DmsVpcRoleReady (no work on events)', timeout: Duration.seconds(30) });
    this.isCompleteFunction = bundledFunction(this, 'IsComplete', {
      entry,
      handler: 'isCompleteHandler',
      description: 'Probes whether DMS can use dms-vpc-role yet',
      timeout: Duration.seconds(30),
    });
    // DMS names subnet-group ARNs by a generated id, so the create cannot be limited to the
    // probe's identifier; the probe's one-subnet request is refused by DMS once the role works.
    this.isCompleteFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dms:CreateReplicationSubnetGroup'],
        resources: [Stack.of(this).formatArn({ service: 'dms', resource: 'subgrp', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      }),
    );
    ({ provider: this.provider, frameworkRole: this.frameworkRole, waiterRole: this.waiterRole } = waitingProvider(this, {
      onEventHandler: this.onEventFunction,
      isCompleteHandler: this.isCompleteFunction,
      roleDescriptions: { framework: 'Custom resource framework of the dms-vpc-role probe', waiter: 'Custom resource framework: waits for dms-vpc-role' },
      queryInterval: Duration.seconds(15),
      totalTimeout: props.timeout ?? Duration.minutes(10),
    }));
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.provider.serviceToken,
      resourceType: 'Custom::DmsVpcRoleReady',
      properties: { SubnetId: props.subnetId, ProbeIdentifier: props.probeIdentifier, RoleArn: props.vpcRole.roleArn },
    });
  }
}
