import * as path from 'node:path';
import { CfnResource, CustomResource, Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as dms from 'aws-cdk-lib/aws-dms';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { DESCRIBE_REPLICATION_TASKS_ACTION, ReplicationTask } from '../dms/replication-task';
import { GUARDED_REFERENCE, GuardedResource, GuardProperties, REPLACEMENT_GUARD_TYPE, REPLACEMENT_PROPERTIES } from './replacement-guard';
import { bundledFunction, waitingProvider } from './runbook';
import { ResumeProperties, StopProperties, TASK_CHANGE_WAIT_SECONDS, TASK_RESUME_TYPE, TASK_STOP_TYPE } from './task-change';

/** How long the stopper waits for DMS to stop a task, and the resumer for it to run again. */
export const TASK_CHANGE_WAIT = Duration.seconds(TASK_CHANGE_WAIT_SECONDS);
/** The Provider's own bound: past the handlers' deadline, within CloudFormation's hour for a custom resource. */
const PROVIDER_TOTAL_TIMEOUT = Duration.minutes(50);

export interface DeployControlProps {
  readonly environmentName: string;
  /** The config marks the environment as migrating: the guard refuses any replacement. */
  readonly migrating: boolean;
  /**
   * How long a stop or a resume may take before the deploy fails with the reason.
   * @default TASK_CHANGE_WAIT (40 minutes)
   */
  readonly wait?: Duration;
}

/** The custom resources that bracket one task. */
export interface TaskBracket {
  /** Custom::DmsTaskStop: the task depends on it. */
  readonly stopper: CustomResource;
  /** Custom::DmsTaskResume: depends on the task. */
  readonly resumer: CustomResource;
}

/**
 * The deploy-time control of a stack's DMS resources, on one custom-resource provider:
 * a replacement guard that every DMS resource depends on, and per task a stopper before it and a
 * resumer after it (see task-change.ts and replacement-guard.ts for what they decide).
 */
export class DeployControl extends Construct {
  public readonly provider: cr.Provider;
  public readonly onEventFunction: nodejs.NodejsFunction;
  public readonly isCompleteFunction: nodejs.NodejsFunction;
  public readonly frameworkRole: iam.Role;
  public readonly waiterRole: iam.Role;
  private readonly wait: Duration;
  private readonly props: DeployControlProps;
  private guardResource?: CustomResource;
  private readonly guarded: Array<{ key: string; resource: CfnResource; name: string }> = [];

  constructor(scope: Construct, id: string, props: DeployControlProps) {
    super(scope, id);
    this.props = props;
    this.wait = props.wait ?? TASK_CHANGE_WAIT;
    if (this.wait.toSeconds() < 60 || this.wait.toMinutes() > PROVIDER_TOTAL_TIMEOUT.toMinutes() - 5) {
      throw new Error(`${this.node.path}: wait ${this.wait.toMinutes()} min must be 1-${PROVIDER_TOTAL_TIMEOUT.toMinutes() - 5} min: CloudFormation waits at most one hour for a custom resource`);
    }
    const entry = path.join(__dirname, 'handlers', 'deploy-control.ts');
    this.onEventFunction = bundledFunction(this, 'OnEvent', {
      entry,
      handler: 'onEventHandler',
      description: 'Deploy-time control of DMS resources: replacement guard, stop a task before a change',
      timeout: Duration.minutes(1),
    });
    this.isCompleteFunction = bundledFunction(this, 'IsComplete', {
      entry,
      handler: 'isCompleteHandler',
      description: 'Waits for a DMS task to stop before a change, and resumes it after',
      timeout: Duration.minutes(1),
    });
    for (const fn of [this.onEventFunction, this.isCompleteFunction]) {
      // DescribeReplicationTasks has no resource-level permission; the calls filter by task ARN.
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: [DESCRIBE_REPLICATION_TASKS_ACTION], resources: ['*'] }));
    }
    ({ provider: this.provider, frameworkRole: this.frameworkRole, waiterRole: this.waiterRole } = waitingProvider(this, {
      onEventHandler: this.onEventFunction,
      isCompleteHandler: this.isCompleteFunction,
      roleDescriptions: {
        framework: 'Custom resource framework of the DMS deploy control',
        waiter: 'Custom resource framework: waits for DMS tasks to stop and resume',
      },
      queryInterval: Duration.seconds(30),
      totalTimeout: PROVIDER_TOTAL_TIMEOUT,
    }));
  }

  /**
   * Brackets a task: a stopper it depends on (whose DefinitionKey changes exactly when what
   * ModifyReplicationTask changes does) and a resumer that depends on it. The task's ARN comes
   * from its resource identifier, known at synth: a Ref would make the stopper depend on the task.
   */
  public bracketTask(task: ReplicationTask, definitionKey: string): TaskBracket {
    const arn = ReplicationTask.arnFromResourceIdentifier(this, task.resourceIdentifier);
    const target = { ReplicationArn: arn, ReplicationName: task.replicationTaskIdentifier, TimeoutSeconds: String(this.wait.toSeconds()) };
    for (const fn of [this.onEventFunction, this.isCompleteFunction]) {
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['dms:StopReplicationTask', 'dms:StartReplicationTask'], resources: [arn] }));
    }
    const stopProperties: StopProperties = { ...target, DefinitionKey: definitionKey };
    const stopper = new CustomResource(this, `Stop-${task.node.id}`, {
      serviceToken: this.provider.serviceToken,
      resourceType: TASK_STOP_TYPE,
      properties: { ...stopProperties },
    });
    task.node.addDependency(stopper);
    if (this.guardResource) stopper.node.addDependency(this.guardResource);
    const resumeProperties: ResumeProperties = { ...target, StopRecord: stopper.getAttString('StopRecord') };
    const resumer = new CustomResource(this, `Resume-${task.node.id}`, {
      serviceToken: this.provider.serviceToken,
      resourceType: TASK_RESUME_TYPE,
      properties: { ...resumeProperties },
    });
    resumer.node.addDependency(task);
    return { stopper, resumer };
  }

  /**
   * The replacement guard, which the given DMS resources (and the task stoppers) depend on. Call
   * it before bracketTask. `name` is the identifier DMS knows each resource by.
   */
  public guardReplacements(resources: ReadonlyArray<{ readonly key: string; readonly resource: CfnResource; readonly name: string }>): CustomResource {
    if (this.guardResource) throw new Error(`${this.node.path}: guardReplacements is called once`);
    this.guarded.push(...resources);
    const props: Omit<GuardProperties, 'Resources'> = { Environment: this.props.environmentName, Migrating: String(this.props.migrating) };
    this.guardResource = new CustomResource(this, 'ReplacementGuard', {
      serviceToken: this.provider.serviceToken,
      resourceType: REPLACEMENT_GUARD_TYPE,
      properties: { ...props, Resources: Lazy.any({ produce: () => this.guardedResources() }) },
    });
    for (const { resource } of resources) resource.node.addDependency(this.guardResource);
    return this.guardResource;
  }

  /** Each guarded resource's replacement properties, a Ref to another guarded resource written as its key. */
  private guardedResources(): Record<string, GuardedResource> {
    const stack = Stack.of(this);
    const keyByLogicalId = new Map(this.guarded.map((g) => [stack.resolve(g.resource.logicalId) as string, g.key]));
    const out: Record<string, GuardedResource> = {};
    for (const { key, resource, name } of this.guarded) {
      const createOnly: Record<string, unknown> = {};
      for (const property of REPLACEMENT_PROPERTIES[resource.cfnResourceType] ?? []) {
        const value = replacementValue(resource, property);
        if (value === undefined) continue;
        const resolved = stack.resolve(value) as unknown;
        const ref = isRef(resolved) ? keyByLogicalId.get(resolved.Ref) : undefined;
        createOnly[property] = ref !== undefined ? `${GUARDED_REFERENCE}${ref}` : Token.isUnresolved(value) ? resolved : String(resolved);
      }
      out[key] = { Type: resource.cfnResourceType, Name: name, LogicalId: stack.resolve(resource.logicalId) as string, CreateOnly: createOnly as Record<string, string> };
    }
    return out;
  }
}

/** The value of a replacement property on the L1 resource, through its typed attributes. */
function replacementValue(resource: IConstruct, property: string): unknown {
  if (resource instanceof dms.CfnReplicationTask) {
    return {
      ResourceIdentifier: resource.resourceIdentifier,
      ReplicationInstanceArn: resource.replicationInstanceArn,
      SourceEndpointArn: resource.sourceEndpointArn,
      TargetEndpointArn: resource.targetEndpointArn,
    }[property];
  }
  if (resource instanceof dms.CfnReplicationInstance) {
    return {
      ResourceIdentifier: resource.resourceIdentifier,
      KmsKeyId: resource.kmsKeyId,
      ReplicationSubnetGroupIdentifier: resource.replicationSubnetGroupIdentifier,
      PubliclyAccessible: resource.publiclyAccessible,
      DnsNameServers: resource.dnsNameServers,
    }[property];
  }
  if (resource instanceof dms.CfnEndpoint) {
    return { ResourceIdentifier: resource.resourceIdentifier, KmsKeyId: resource.kmsKeyId }[property];
  }
  throw new Error(`${resource.node.path}: not a guarded DMS resource type`);
}

function isRef(value: unknown): value is { Ref: string } {
  return typeof value === 'object' && value !== null && typeof (value as { Ref?: unknown }).Ref === 'string' && Object.keys(value).length === 1;
}
