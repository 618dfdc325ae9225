import { formatZodIssue } from '../config/load';
import { MonitoringSettings, MonitoringSettingsInput, monitoringSchema } from '../config/monitoring';
import { BYTES_PER_GIB, instanceClassMemoryBytes } from './instance-classes';

/** The thresholds of an instance's alarms, in the metrics' own units. */
export interface InstanceThresholds {
  /** CPUUtilization, percent. */
  readonly cpuUtilizationPercent: number;
  /** FreeableMemory, bytes. */
  readonly freeableMemoryBytes: number;
  /** SwapUsage, bytes. */
  readonly swapUsageBytes: number;
  /** FreeStorageSpace, bytes. */
  readonly freeStorageSpaceBytes: number;
  /** DiskQueueDepth, requests. */
  readonly diskQueueDepth: number;
}

/** The thresholds of a task's alarms, in seconds. */
export interface TaskThresholds {
  readonly cdcLatencySourceSeconds: number;
  readonly cdcLatencyTargetSeconds: number;
}

/** Thrown for monitoring settings that cannot produce working alarms; the message names the field. */
export class MonitoringConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MonitoringConfigError';
  }
}

/**
 * Validates monitoring settings (as written in cdk.json, or already parsed) and applies the
 * defaults. `where` prefixes errors, e.g. `cdk.json: environment "dev"`.
 */
export function parseMonitoringSettings(settings: MonitoringSettingsInput | undefined, where: string): MonitoringSettings {
  const result = monitoringSchema.safeParse(settings ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => formatZodIssue(where, issue, settings ?? {}, ['monitoring']));
  throw new MonitoringConfigError(problems.join('\n'));
}

export interface InstanceThresholdContext {
  /** For example `dms.r6i.large`. */
  readonly instanceClass: string;
  readonly allocatedStorageGiB: number;
  /** Error prefix naming the config source and environment, e.g. `cdk.json: environment "dev"`. */
  readonly where: string;
}

/**
 * The instance thresholds: FreeableMemory from the explicit byte value or from the instance
 * class's memory, FreeStorageSpace from the allocated storage.
 */
export function resolveInstanceThresholds(settings: MonitoringSettings, context: InstanceThresholdContext): InstanceThresholds {
  const memory = instanceClassMemoryBytes(context.instanceClass);
  let freeableMemoryBytes: number;
  if (settings.freeableMemoryBytes !== undefined) {
    if (memory !== undefined && settings.freeableMemoryBytes >= memory) {
      throw new MonitoringConfigError(
        `${context.where}: monitoring.freeableMemoryBytes: ${settings.freeableMemoryBytes} is not less than the ${memory} bytes of instance class "${context.instanceClass}": the alarm would always fire`,
      );
    }
    freeableMemoryBytes = settings.freeableMemoryBytes;
  } else {
    if (memory === undefined) {
      throw new MonitoringConfigError(
        `${context.where}: monitoring.freeableMemoryBytes: instance class "${context.instanceClass}" is not in the table of DMS instance classes: set monitoring.freeableMemoryBytes explicitly`,
      );
    }
    freeableMemoryBytes = Math.floor((memory * settings.freeableMemoryPercent) / 100);
  }
  if (!Number.isFinite(context.allocatedStorageGiB) || context.allocatedStorageGiB <= 0) {
    throw new MonitoringConfigError(`${context.where}: allocatedStorageGiB ${context.allocatedStorageGiB} must be a positive number of GiB`);
  }
  return {
    cpuUtilizationPercent: settings.cpuUtilizationPercent,
    freeableMemoryBytes,
    swapUsageBytes: settings.swapUsageBytes,
    freeStorageSpaceBytes: Math.floor((context.allocatedStorageGiB * BYTES_PER_GIB * settings.freeStorageSpacePercent) / 100),
    diskQueueDepth: settings.diskQueueDepth,
  };
}

export function resolveTaskThresholds(settings: MonitoringSettings): TaskThresholds {
  return {
    cdcLatencySourceSeconds: settings.cdcLatencySourceSeconds,
    cdcLatencyTargetSeconds: settings.cdcLatencyTargetSeconds,
  };
}
