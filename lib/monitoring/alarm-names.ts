/*
 * Deterministic alarm names, shared by the monitoring constructs and the operator CLI.
 * This file imports nothing (no CDK): the CLI computes the same names from the environment config.
 *
 *   dms/<environment>/instance/<replication instance identifier>/<alarm>
 *   dms/<environment>/task/<replication task identifier>/<alarm>
 *
 * `aws cloudwatch describe-alarms --alarm-name-prefix dms/<environment>/` lists every alarm of
 * one environment.
 */

/** The alarms on every replication instance, in dashboard order. */
export const INSTANCE_ALARM_KEYS = [
  'cpu-utilization',
  'freeable-memory',
  'available-memory',
  'swap-usage',
  'free-storage-space',
  'disk-queue-depth',
] as const;
export type InstanceAlarmKey = (typeof INSTANCE_ALARM_KEYS)[number];

/** The alarms on every replication task. */
export const TASK_ALARM_KEYS = ['cdc-latency-source', 'cdc-latency-target'] as const;
export type TaskAlarmKey = (typeof TASK_ALARM_KEYS)[number];

/** The prefix every alarm name of one environment starts with. */
export function alarmNamePrefix(environmentName: string): string {
  return `dms/${environmentName}/`;
}

/** The name of one alarm of a replication instance (identifier as DMS stores it, lowercase). */
export function instanceAlarmName(environmentName: string, instanceIdentifier: string, key: InstanceAlarmKey): string {
  return `${alarmNamePrefix(environmentName)}instance/${instanceIdentifier}/${key}`;
}

/** The name of one alarm of a replication task (its ReplicationTaskIdentifier, the task's name in DMS). */
export function taskAlarmName(environmentName: string, taskIdentifier: string, key: TaskAlarmKey): string {
  return `${alarmNamePrefix(environmentName)}task/${taskIdentifier}/${key}`;
}

/** Every alarm name of one replication instance, by alarm. */
export function instanceAlarmNames(environmentName: string, instanceIdentifier: string): Record<InstanceAlarmKey, string> {
  const names = {} as Record<InstanceAlarmKey, string>;
  for (const key of INSTANCE_ALARM_KEYS) names[key] = instanceAlarmName(environmentName, instanceIdentifier, key);
  return names;
}

/** Every alarm name of one replication task, by alarm. */
export function taskAlarmNames(environmentName: string, taskIdentifier: string): Record<TaskAlarmKey, string> {
  const names = {} as Record<TaskAlarmKey, string>;
  for (const key of TASK_ALARM_KEYS) names[key] = taskAlarmName(environmentName, taskIdentifier, key);
  return names;
}

/** The name of the environment's CloudWatch dashboard. */
export function dashboardName(environmentName: string): string {
  return `dms-migration-${environmentName}`;
}

/** The name of the environment's alarm topic. */
export function alarmTopicName(environmentName: string): string {
  return `dms-migration-${environmentName}-alarms`;
}
