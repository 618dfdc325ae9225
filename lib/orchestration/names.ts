/**
 * Names shared by the stack (which creates the resources) and the operator CLI (which finds
 * them without CloudFormation lookups): both derive them from the environment config.
 */

/** The runbook state machine of one task. */
export function runbookStateMachineName(envName: string, taskName: string): string {
  return `dms-runbook-${envName}-${taskName}`;
}

/** ARN of a state machine from its name, account and region. */
export function stateMachineArn(partition: string, region: string, account: string, name: string): string {
  return `arn:${partition}:states:${region}:${account}:stateMachine:${name}`;
}

/** CloudWatch namespace of the runbook's own metrics (duration, objects restored, failures, orphans). */
export const RUNBOOK_METRIC_NAMESPACE = 'DmsMigration/Restoration';

/**
 * The bucket of an environment's premigration assessment results. Bucket names are global: the
 * account and region make it unique (at most 11 + 12 + 1 + 14 + 1 + 20 = 59 of the 63 characters).
 */
export function assessmentBucketName(account: string, region: string, envName: string): string {
  return `dms-assess-${account}-${region}-${envName}`;
}

/** The role DMS assumes to write assessment results (role names are account-wide: the region keeps two Regions apart). */
export function assessmentRoleName(envName: string, region: string): string {
  return `dms-assessment-${envName}-${region}`;
}

/** The folder (key prefix) every assessment result goes under. */
export const ASSESSMENT_PREFIX = 'assessments/';

/** The results folder of one task (ResultLocationFolder). */
export function assessmentFolder(taskIdentifier: string): string {
  return `${ASSESSMENT_PREFIX}${taskIdentifier}`;
}
