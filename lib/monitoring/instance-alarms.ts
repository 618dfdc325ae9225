import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { IReplicationInstance } from '../dms';
import { INSTANCE_ALARMS, InstanceAlarmDefinition } from './alarm-definitions';
import { DmsAlarmFactory } from './alarm-factory';
import { instanceAlarmName, InstanceAlarmKey } from './alarm-names';
import { InstanceThresholds } from './thresholds';

export interface DmsInstanceAlarmsProps {
  /** Part of the alarm names. */
  readonly environmentName: string;
  readonly replicationInstance: IReplicationInstance;
  /** Resolved thresholds (see resolveInstanceThresholds). */
  readonly thresholds: InstanceThresholds;
  /** @default - no alarm actions */
  readonly topic?: sns.ITopic;
}

/**
 * CPUUtilization, FreeableMemory, AvailableMemory, SwapUsage, FreeStorageSpace and DiskQueueDepth alarms on one
 * replication instance, with the dimension ReplicationInstanceIdentifier = its identifier.
 */
export class DmsInstanceAlarms extends Construct {
  public readonly replicationInstance: IReplicationInstance;
  /** The alarms by key, in definition order. */
  public readonly alarms: Readonly<Record<InstanceAlarmKey, cloudwatch.Alarm>>;
  public readonly thresholds: InstanceThresholds;

  constructor(scope: Construct, id: string, props: DmsInstanceAlarmsProps) {
    super(scope, id);
    this.replicationInstance = props.replicationInstance;
    this.thresholds = props.thresholds;
    const factory = new DmsAlarmFactory({ topic: props.topic });
    const instance = props.replicationInstance;
    const alarms = {} as Record<InstanceAlarmKey, cloudwatch.Alarm>;
    for (const definition of INSTANCE_ALARMS) {
      alarms[definition.key] = factory.createAlarm(
        this,
        constructId(definition.key),
        definition,
        instanceMetric(instance, definition),
        props.thresholds,
        instanceAlarmName(props.environmentName, instance.replicationInstanceIdentifier, definition.key),
        `DMS replication instance ${instance.replicationInstanceIdentifier} (${props.environmentName})`,
      );
    }
    this.alarms = alarms;
  }

  /** The alarms in definition order. */
  public get alarmList(): cloudwatch.Alarm[] {
    return INSTANCE_ALARMS.map((d) => this.alarms[d.key]);
  }
}

/** The instance's own metric method for each alarm (so dimensions come from lib/dms). */
function instanceMetric(instance: IReplicationInstance, definition: InstanceAlarmDefinition): cloudwatch.Metric {
  switch (definition.key) {
    case 'cpu-utilization':
      return instance.metricCpuUtilization();
    case 'freeable-memory':
      return instance.metricFreeableMemory();
    case 'available-memory':
      return instance.metricAvailableMemory();
    case 'swap-usage':
      return instance.metricSwapUsage();
    case 'free-storage-space':
      return instance.metricFreeStorageSpace();
    case 'disk-queue-depth':
      return instance.metricDiskQueueDepth();
  }
}

/** `cpu-utilization` -> `CpuUtilization`. */
export function constructId(key: string): string {
  return key
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
