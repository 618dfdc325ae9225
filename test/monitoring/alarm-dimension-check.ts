/*
 * Reads a synthesized CloudFormation template (plain JSON, no CDK) and matches every AWS/DMS
 * alarm's dimensions to the identifiers of the DMS resources in the same template:
 *
 * - ReplicationInstanceIdentifier must equal an AWS::DMS::ReplicationInstance's
 *   ReplicationInstanceIdentifier (lowercase, as DMS stores it);
 * - ReplicationTaskIdentifier must equal an AWS::DMS::ReplicationTask's ResourceIdentifier (the
 *   last segment of its ARN), and the alarm's instance dimension must be that task's instance.
 *
 * It also reports instances and tasks that lack one of the required alarms, and alarms that do
 * not notify an SNS topic of the template on both ALARM and OK.
 */

type Json = Record<string, unknown>;

export const REQUIRED_INSTANCE_METRICS = ['CPUUtilization', 'FreeableMemory', 'AvailableMemory', 'DiskQueueDepth', 'FreeStorageSpace', 'SwapUsage'] as const;
export const REQUIRED_TASK_METRICS = ['CDCLatencySource', 'CDCLatencyTarget'] as const;

export interface MatchedAlarm {
  readonly logicalId: string;
  readonly alarmName: unknown;
  readonly metricName: string;
  /** Logical id of the watched AWS::DMS::ReplicationInstance. */
  readonly instance: string;
  /** Logical id of the watched AWS::DMS::ReplicationTask, for task alarms. */
  readonly task?: string;
}

export interface DimensionCheck {
  readonly matched: MatchedAlarm[];
  readonly problems: string[];
}

interface Resource {
  readonly Type: string;
  readonly Properties?: Json;
}

export function checkAlarmDimensions(template: Json): DimensionCheck {
  const resources = (template.Resources ?? {}) as Record<string, Resource>;
  const problems: string[] = [];
  const matched: MatchedAlarm[] = [];

  const instances = new Map<string, string>(); // identifier -> logical id
  const instanceIdentifierByLogicalId = new Map<string, string>();
  const tasks = new Map<string, { logicalId: string; instanceIdentifier: string }>(); // resource id -> task
  const topics = new Set<string>();

  for (const [logicalId, resource] of Object.entries(resources)) {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::DMS::ReplicationInstance') {
      const identifier = props.ReplicationInstanceIdentifier;
      if (typeof identifier !== 'string') {
        problems.push(`${logicalId}: ReplicationInstanceIdentifier is not a literal string (${JSON.stringify(identifier)}): alarms cannot be matched at synth`);
        continue;
      }
      if (identifier !== identifier.toLowerCase()) problems.push(`${logicalId}: ReplicationInstanceIdentifier "${identifier}" is not lowercase`);
      instances.set(identifier, logicalId);
      instanceIdentifierByLogicalId.set(logicalId, identifier);
    }
    if (resource.Type === 'AWS::SNS::Topic') topics.add(logicalId);
  }
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::DMS::ReplicationTask') continue;
    const props = resource.Properties ?? {};
    const resourceIdentifier = props.ResourceIdentifier;
    if (typeof resourceIdentifier !== 'string') {
      problems.push(`${logicalId}: ResourceIdentifier is not set to a literal string: the task's ARN (and its metric dimension) is only known after deploy`);
      continue;
    }
    const ref = (props.ReplicationInstanceArn as Json | undefined)?.Ref;
    const instanceIdentifier = typeof ref === 'string' ? instanceIdentifierByLogicalId.get(ref) : undefined;
    if (!instanceIdentifier) {
      problems.push(`${logicalId}: ReplicationInstanceArn does not reference a replication instance of this template`);
      continue;
    }
    tasks.set(resourceIdentifier, { logicalId, instanceIdentifier });
  }

  const covered = new Set<string>(); // `${logicalId}/${metric}`
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::CloudWatch::Alarm') continue;
    const props = resource.Properties ?? {};
    if (props.Namespace !== 'AWS/DMS') continue;
    const metricName = String(props.MetricName);
    const dimensions = new Map<string, unknown>(((props.Dimensions ?? []) as Json[]).map((d) => [String(d.Name), d.Value]));
    const where = `${logicalId} (${String(props.AlarmName)}, ${metricName})`;

    for (const key of ['AlarmActions', 'OKActions']) {
      const actions = (props[key] ?? []) as Json[];
      if (!actions.some((a) => typeof a.Ref === 'string' && topics.has(a.Ref))) problems.push(`${where}: ${key} does not notify an SNS topic of this template`);
    }

    const instanceValue = dimensions.get('ReplicationInstanceIdentifier');
    const taskValue = dimensions.get('ReplicationTaskIdentifier');
    const extra = [...dimensions.keys()].filter((k) => k !== 'ReplicationInstanceIdentifier' && k !== 'ReplicationTaskIdentifier');
    if (extra.length > 0) problems.push(`${where}: unexpected dimensions ${extra.join(', ')} (CloudWatch matches dimension sets exactly)`);
    if (typeof instanceValue !== 'string' || !instances.has(instanceValue)) {
      problems.push(`${where}: ReplicationInstanceIdentifier ${JSON.stringify(instanceValue)} is no replication instance's identifier`);
      continue;
    }
    const instanceLogicalId = instances.get(instanceValue) as string;
    if (taskValue === undefined) {
      matched.push({ logicalId, alarmName: props.AlarmName, metricName, instance: instanceLogicalId });
      covered.add(`${instanceLogicalId}/${metricName}`);
      continue;
    }
    const task = typeof taskValue === 'string' ? tasks.get(taskValue) : undefined;
    if (!task) {
      problems.push(`${where}: ReplicationTaskIdentifier ${JSON.stringify(taskValue)} is no replication task's ResourceIdentifier`);
      continue;
    }
    if (task.instanceIdentifier !== instanceValue) {
      problems.push(`${where}: task ${task.logicalId} runs on "${task.instanceIdentifier}", the alarm says "${instanceValue}"`);
      continue;
    }
    matched.push({ logicalId, alarmName: props.AlarmName, metricName, instance: instanceLogicalId, task: task.logicalId });
    covered.add(`${task.logicalId}/${metricName}`);
  }

  for (const logicalId of instances.values()) {
    for (const metric of REQUIRED_INSTANCE_METRICS) {
      if (!covered.has(`${logicalId}/${metric}`)) problems.push(`${logicalId}: no ${metric} alarm matches this replication instance`);
    }
  }
  for (const task of tasks.values()) {
    for (const metric of REQUIRED_TASK_METRICS) {
      if (!covered.has(`${task.logicalId}/${metric}`)) problems.push(`${task.logicalId}: no ${metric} alarm matches this replication task`);
    }
  }
  return { matched, problems };
}
