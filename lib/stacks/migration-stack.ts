import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { Annotations, CfnOutput, CfnResource, CustomResource, Duration, Fn, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ASSESSMENT_NAME, assessmentEnabled, EnvironmentConfig, instanceIdentifier, taskIdentifier, taskResourceIdentifier } from '../config';
import {
  AuroraMySqlTargetEndpoint,
  DmsAccountRoles,
  MySqlSslMode,
  ReplicationInstance,
  ReplicationSubnetGroup,
  ReplicationTask,
  SqlServerSourceEndpoint,
  SqlServerSslMode,
} from '../dms';
import { formatProblem, mappingWarningId, TableMappings } from '../mappings';
import { MigrationMonitoring } from '../monitoring';
import { AssessmentResults } from '../orchestration/assessment-results';
import { DeployControl, TaskBracket } from '../orchestration/deploy-control';
import { assessmentFolder } from '../orchestration/names';
import { endpointSecretExpectations } from '../orchestration/preflight';
import { MigrationRunbooks, PreflightSecret, RestorationFunction, RunbookTrigger, TaskRunbook } from '../orchestration/runbook';
import { taskDefinitionKey } from '../orchestration/task-change';
import { DmsVpcRoleReadiness } from '../orchestration/vpc-role-readiness';
import { acknowledgeFindings } from '../nag/acknowledgments';
import { PRODUCTION_TAG } from '../nag/rules';
import { loadTableMappingsOnce } from './table-mapping-cache';

export interface MigrationStackProps extends StackProps {
  readonly config: EnvironmentConfig;
}

/** One task of the environment, with everything built for it. */
export interface MigrationTask {
  readonly name: string;
  readonly task: ReplicationTask;
  readonly mappings: TableMappings;
  /** The custom resources that stop the task before a change to it and resume it after. */
  readonly bracket: TaskBracket;
}

/**
 * Everything one environment needs to migrate SQL Server to Aurora MySQL with DMS: subnet
 * group, replication instance, endpoints on Secrets Manager, and one task per configured task.
 */
export class MigrationStack extends Stack {
  public readonly config: EnvironmentConfig;
  public readonly vpc: ec2.IVpc;
  public readonly replicationInstance: ReplicationInstance;
  public readonly sourceEndpoint: SqlServerSourceEndpoint;
  public readonly targetEndpoint: AuroraMySqlTargetEndpoint;
  public readonly sourceSecret: secretsmanager.ISecret;
  public readonly sourceSecretKey?: kms.IKey;
  public readonly targetSecret: secretsmanager.ISecret;
  public readonly targetSecretKey?: kms.IKey;
  public readonly targetSecurityGroup: ec2.ISecurityGroup;
  public readonly tasks: readonly MigrationTask[];
  public readonly accountRoles?: DmsAccountRoles;
  /** Waits for dms-vpc-role to be usable by DMS before the subnet group, when this stack creates the role. */
  public readonly vpcRoleReadiness?: DmsVpcRoleReadiness;
  public readonly monitoring: MigrationMonitoring;
  public readonly runbooks?: MigrationRunbooks;
  /** The replacement guard and the stop/resume bracket of every task. */
  public readonly deployControl: DeployControl;
  /** Where DMS writes premigration assessment results, and the role it writes with. */
  public readonly assessmentResults: AssessmentResults;

  constructor(scope: Construct, id: string, props: MigrationStackProps) {
    // Stack-level tags: CloudFormation puts them on every resource, and the nag rules read them at once.
    super(scope, id, {
      ...props,
      tags: { ...props.tags, 'dms-migration:environment': props.config.name, [PRODUCTION_TAG]: String(props.config.production) },
    });
    const config = props.config;
    this.config = config;

    // Every id comes from config: synth makes no lookups and needs no credentials.
    // Only the VPC id matters: every subnet is named explicitly wherever subnets are used.
    this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', { vpcId: config.vpcId, availabilityZones: Fn.getAzs() });

    if (config.createAccountRoles) this.accountRoles = new DmsAccountRoles(this, 'AccountRoles');

    const identifier = instanceIdentifier(config);
    const subnetGroup = new ReplicationSubnetGroup(this, 'SubnetGroup', {
      replicationSubnetGroupIdentifier: `${identifier}-subnets`,
      subnetIds: config.replicationSubnetIds,
    });
    // DMS needs dms-vpc-role before it can create a subnet group, and a dependency on the role
    // is not enough: IAM propagation makes a first deploy fail now and then. The subnet group
    // waits for a probe that completes once DMS can use the role.
    if (this.accountRoles) {
      this.vpcRoleReadiness = new DmsVpcRoleReadiness(this, 'DmsVpcRoleReady', {
        vpcRole: this.accountRoles.vpcRole,
        subnetId: config.replicationSubnetIds[0],
        probeIdentifier: `${identifier}-vpc-role-probe`,
      });
      subnetGroup.node.addDependency(this.accountRoles.vpcRole, this.vpcRoleReadiness);
    }

    const instanceSettings = config.replicationInstance;
    if (!instanceSettings) {
      // The schema admits replication.serverless (lib/config/schema.ts) and lib/dms/replication-config.ts
      // builds one serverless replication, but the runbook, deploy control, assessment and alarms of this
      // stack are built on replication tasks: refuse rather than deploy a migration without them.
      throw new Error(
        `${config.configFile}: environment "${config.name}": replication.serverless: this stack does not build DMS Serverless environments yet (no runbook, deploy control or alarms for a ReplicationConfig); use replicationInstance for now (README "DMS Serverless")`,
      );
    }
    this.replicationInstance = new ReplicationInstance(this, 'ReplicationInstance', {
      vpc: this.vpc,
      subnetGroup,
      replicationInstanceIdentifier: identifier,
      instanceClass: instanceSettings.instanceClass,
      engineVersion: instanceSettings.engineVersion,
      allocatedStorageGiB: instanceSettings.allocatedStorageGiB,
      multiAz: instanceSettings.multiAz ?? config.production,
      encryptionKey: importKey(this, 'InstanceKey', instanceSettings.kmsKeyArn),
      preferredMaintenanceWindow: instanceSettings.preferredMaintenanceWindow,
      autoMinorVersionUpgrade: instanceSettings.autoMinorVersionUpgrade,
      // The schema admits only CloudWatch Logs retention periods, which are RetentionDays' values.
      taskLogRetention: instanceSettings.taskLogRetentionDays as logs.RetentionDays,
    });

    this.sourceSecret = importSecret(this, 'SourceSecret', config.source.secretArn);
    this.sourceSecretKey = importKey(this, 'SourceSecretKey', config.source.secretKmsKeyArn);
    this.targetSecret = importSecret(this, 'TargetSecret', config.target.secretArn);
    this.targetSecretKey = importKey(this, 'TargetSecretKey', config.target.secretKmsKeyArn);

    this.sourceEndpoint = new SqlServerSourceEndpoint(this, 'SourceEndpoint', {
      endpointIdentifier: `${config.name}-sqlserver-source`,
      secret: this.sourceSecret,
      secretEncryptionKey: this.sourceSecretKey,
      databaseName: config.source.databaseName,
      sslMode: config.source.sslMode as SqlServerSslMode,
      certificateArn: config.source.certificateArn,
    });
    this.targetEndpoint = new AuroraMySqlTargetEndpoint(this, 'TargetEndpoint', {
      endpointIdentifier: `${config.name}-aurora-target`,
      secret: this.targetSecret,
      secretEncryptionKey: this.targetSecretKey,
      databaseName: config.target.databaseName,
      sslMode: config.target.sslMode as MySqlSslMode,
      certificateArn: config.target.certificateArn,
      afterConnectScript: config.target.afterConnectScript,
    });

    // The databases' own security groups admit the replication instance on their ports.
    const sourceSecurityGroup = ec2.SecurityGroup.fromSecurityGroupId(this, 'SourceSecurityGroup', config.source.securityGroupId);
    this.targetSecurityGroup = ec2.SecurityGroup.fromSecurityGroupId(this, 'TargetSecurityGroup', config.target.securityGroupId);
    sourceSecurityGroup.connections.allowFrom(
      this.replicationInstance,
      ec2.Port.tcp(config.source.port),
      `DMS ${identifier} reads SQL Server`,
    );
    this.targetSecurityGroup.connections.allowFrom(
      this.replicationInstance,
      ec2.Port.tcp(config.target.port),
      `DMS ${identifier} writes Aurora MySQL`,
    );

    this.deployControl = new DeployControl(this, 'DeployControl', { environmentName: config.name, migrating: config.migrating });
    const tasks = config.tasks.map((taskConfig, index) => {
      const mappings = loadTableMappingsOnce(path.resolve(config.baseDir, taskConfig.mappingFile), taskConfig.mappingFile);
      const task = new ReplicationTask(this, `Task-${taskConfig.name}`, {
        replicationInstance: this.replicationInstance,
        sourceEndpoint: this.sourceEndpoint,
        targetEndpoint: this.targetEndpoint,
        migrationType: taskConfig.migrationType,
        tableMappings: mappings.json,
        replicationTaskIdentifier: taskIdentifier(config.name, taskConfig.name),
        resourceIdentifier: taskResourceIdentifier(config.name, taskConfig),
        settingsOverrides: taskConfig.settings,
        settingsSource: `${config.configFile}: environment "${config.name}": tasks[${index}].settings`,
      });
      // What DMS accepts but its guide advises against: a CDK warning each (`cdk synth --strict` fails on them).
      for (const warning of mappings.warnings) Annotations.of(task).addWarningV2(mappingWarningId(warning), formatProblem(warning));
      // Task logs go through dms-cloudwatch-logs-role.
      if (this.accountRoles) task.node.addDependency(this.accountRoles.cloudWatchLogsRole);
      new CfnOutput(this, `TaskArn-${taskConfig.name}`, { value: task.replicationTaskArn });
      return { name: taskConfig.name, task, mappings };
    });
    // Every DMS resource waits for the replacement guard; each task sits between its stopper and its resumer.
    const l1 = (c: { node: { defaultChild?: unknown } }) => c.node.defaultChild as CfnResource;
    this.deployControl.guardReplacements([
      { key: 'instance', resource: l1(this.replicationInstance), name: identifier },
      { key: 'source-endpoint', resource: l1(this.sourceEndpoint), name: this.sourceEndpoint.endpointIdentifier },
      { key: 'target-endpoint', resource: l1(this.targetEndpoint), name: this.targetEndpoint.endpointIdentifier },
      ...tasks.map(({ name, task }) => ({ key: `task:${name}`, resource: l1(task), name: task.replicationTaskIdentifier })),
    ]);
    this.tasks = tasks.map((t) => ({
      ...t,
      bracket: this.deployControl.bracketTask(t.task, taskDefinitionKey(t.task.migrationType, t.task.settings, t.mappings.json)),
    }));

    this.assessmentResults = new AssessmentResults(this, 'AssessmentResults', {
      environmentName: config.name,
      taskArns: this.tasks.map(({ task }) => ReplicationTask.arnFromResourceIdentifier(this, task.resourceIdentifier)),
      retention: Duration.days(config.assessment.resultRetentionDays),
    });
    this.checkAssessmentNames(config);

    this.monitoring = new MigrationMonitoring(this, 'Monitoring', {
      environmentName: config.name,
      replicationInstance: this.replicationInstance,
      instanceClass: instanceSettings.instanceClass,
      allocatedStorageGiB: instanceSettings.allocatedStorageGiB,
      tasks: this.tasks.map((t) => t.task),
      settings: config.monitoring,
    });

    if (config.restoration.enabled) this.runbooks = this.addRunbooks(config);

    new CfnOutput(this, 'ReplicationInstanceIdentifier', { value: identifier });
    acknowledgeFindings(this);
  }

  /**
   * The custom resource that starts a task's run. A run's first steps reach the target and
   * publish to the topic: it waits for the restoration Lambda, the target's ingress rule and
   * the monitoring, not only for the state machine it names.
   */
  private addRunTrigger(trigger: RunbookTrigger, task: MigrationTask, runbook: TaskRunbook, key: string, restoration: RestorationFunction): CustomResource {
    // The run starts once a task stopped for this deploy runs again, and knows whether it was running.
    const run = trigger.addRun(`Run-${task.name}`, runbook.stateMachine, key, task.bracket.stopper.getAttString('StopRecord'));
    run.node.addDependency(restoration, this.targetSecurityGroup, this.monitoring, task.bracket.resumer);
    return run;
  }

  /** Names DMS cannot know (not of the documented form) are named at synth; DMS's own list is checked at run time. */
  private checkAssessmentNames(config: EnvironmentConfig): void {
    const lists = { exclude: config.assessment.exclude, includeOnly: config.assessment.includeOnly ?? [] };
    for (const [list, names] of Object.entries(lists)) {
      names.forEach((name, index) => {
        if (ASSESSMENT_NAME.test(name)) return;
        Annotations.of(this.assessmentResults).addWarningV2(
          'dms-migration:assessmentName',
          `${config.configFile}: environment "${config.name}": assessment.${list}[${index}]: "${name}" is not of the form of DMS's individual assessment names (lowercase words joined by hyphens, as in the user guide's "Individual assessments" pages); the runbook leaves out a name DMS does not apply to the task`,
        );
      });
    }
  }

  /** The endpoint secrets a run checks first: DMS reads username, password, host and port from them. */
  private preflightSecrets(): PreflightSecret[] {
    const [source, target] = endpointSecretExpectations(this.config);
    return [
      { ...source, secret: this.sourceSecret, encryptionKey: this.sourceSecretKey },
      { ...target, secret: this.targetSecret, encryptionKey: this.targetSecretKey },
    ];
  }

  /** The post-load runbook of every task, and the custom resources that start them on deploy. */
  private addRunbooks(config: EnvironmentConfig): MigrationRunbooks {
    const settings = config.restoration;
    const where = `${config.configFile}: environment "${config.name}"`;
    const restorationFunction = new RestorationFunction(this, 'Restoration', {
      vpc: this.vpc,
      subnetIds: settings.subnetIds ?? config.replicationSubnetIds,
      targetSecurityGroup: this.targetSecurityGroup,
      targetHost: config.target.serverName,
      targetPort: config.target.port,
      secret: settings.secretArn ? importSecret(this, 'RestorationSecret', settings.secretArn) : this.targetSecret,
      secretEncryptionKey: settings.secretArn ? importKey(this, 'RestorationSecretKey', settings.secretKmsKeyArn) : this.targetSecretKey,
      controlDatabase: settings.controlDatabase,
    });
    const runbooks = this.tasks.map((migrationTask, index) => {
      const { name, task, mappings } = migrationTask;
      const databases = settings.databases ?? mappings.targetSchemas.schemas.map((s) => s.target);
      if (!settings.databases && (!mappings.targetSchemas.complete || databases.length === 0)) {
        throw new Error(
          `${where}: restoration.databases: the target databases of task "${name}" cannot be derived from ${mappings.file} (a schema is selected by a pattern): list them explicitly`,
        );
      }
      if (databases.includes(settings.controlDatabase)) {
        throw new Error(`${where}: restoration.controlDatabase "${settings.controlDatabase}" is one of the databases the task migrates: choose another name`);
      }
      const runbook = new TaskRunbook(this, `Runbook-${name}`, {
        environmentName: config.name,
        taskName: name,
        task,
        restorationFunction: restorationFunction.function,
        alarmTopic: this.monitoring.alarmTopic,
        alarmTopicKey: this.monitoring.alarmTopicKey,
        databases,
        concurrency: settings.concurrency,
        deferBeforeLoad: settings.deferBeforeLoad,
        maxFullLoadWaitHours: settings.maxFullLoadWaitHours,
        preflightSecrets: this.preflightSecrets(),
        assessment: assessmentEnabled(config)
          ? {
              results: this.assessmentResults,
              settings: {
                taskIdentifier: task.replicationTaskIdentifier,
                folder: assessmentFolder(task.replicationTaskIdentifier),
                exclude: config.assessment.exclude,
                includeOnly: config.assessment.includeOnly,
                acceptWarnings: config.assessment.acceptWarnings,
                timeoutMinutes: config.assessment.timeoutMinutes,
              },
            }
          : undefined,
      });
      runbook.stateMachine.node.addDependency(task);
      return { name, runbook, databases, runKey: runKey(mappings.generation, task.settings, settings.runId), index, migrationTask };
    });
    const trigger = new RunbookTrigger(this, 'RunbookTrigger', {
      stateMachines: runbooks.map((r) => r.runbook.stateMachine),
      waitForCompletion: settings.waitForCompletionMinutes ? Duration.minutes(settings.waitForCompletionMinutes) : undefined,
    });
    return {
      restorationFunction,
      trigger,
      taskRunbooks: runbooks.map((r) => ({
        name: r.name,
        runbook: r.runbook,
        databases: r.databases,
        trigger: this.addRunTrigger(trigger, r.migrationTask, r.runbook, r.runKey, restorationFunction),
      })),
    };
  }
}

/** Defined in lib/orchestration (so lib/nag can read it without importing the stack); re-exported for existing importers. */
export type { MigrationRunbooks } from '../orchestration/runbook';

/** Imports a secret by ARN; a complete ARN (with the 6-character suffix) is imported exactly. */
function importSecret(scope: Construct, id: string, arn: string): secretsmanager.ISecret {
  const complete = /-[A-Za-z0-9]{6}$/.test(arn);
  return secretsmanager.Secret.fromSecretAttributes(scope, id, complete ? { secretCompleteArn: arn } : { secretPartialArn: arn });
}

function importKey(scope: Construct, id: string, arn: string | undefined): kms.IKey | undefined {
  return arn ? kms.Key.fromKeyArn(scope, id, arn) : undefined;
}

/** Changes exactly when what a run depends on changes: the mapping, the task settings, or the configured run id. */
export function runKey(mappingGeneration: string, settings: unknown, runId: string | undefined): string {
  return createHash('sha256')
    .update(JSON.stringify([mappingGeneration, settings, runId ?? null]))
    .digest('hex')
    .slice(0, 16);
}
