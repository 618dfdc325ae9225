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
