import { formatZodIssue } from '../config/load';
import { MonitoringSettings, MonitoringSettingsInput, monitoringSchema } from '../config/monitoring';
import { BYTES_PER_GIB, checkInstanceClass } from '../config/dms-catalog';

/** The thresholds of an instance's alarms, in the metrics' own units. */
export interface InstanceThresholds {
  /** CPUUtilization, percent. */
  readonly cpuUtilizationPercent: number;
  /** FreeableMemory, bytes. */
  readonly freeableMemoryBytes: number;
  /** AvailableMemory, bytes. */
  readonly availableMemoryBytes: number;
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
 * The instance thresholds: FreeableMemory and AvailableMemory from their explicit byte values or
 * from the instance class's memory (lib/config/dms-catalog.ts), FreeStorageSpace from the allocated storage.
 */
export function resolveInstanceThresholds(settings: MonitoringSettings, context: InstanceThresholdContext): InstanceThresholds {
  if (!Number.isFinite(context.allocatedStorageGiB) || context.allocatedStorageGiB <= 0) {
    throw new MonitoringConfigError(`${context.where}: allocatedStorageGiB ${context.allocatedStorageGiB} must be a positive number of GiB`);
  }
  return {
    cpuUtilizationPercent: settings.cpuUtilizationPercent,
    freeableMemoryBytes: memoryThreshold('freeableMemory', settings.freeableMemoryBytes, settings.freeableMemoryPercent, context),
    availableMemoryBytes: memoryThreshold('availableMemory', settings.availableMemoryBytes, settings.availableMemoryPercent, context),
    swapUsageBytes: settings.swapUsageBytes,
    freeStorageSpaceBytes: Math.floor((context.allocatedStorageGiB * BYTES_PER_GIB * settings.freeStorageSpacePercent) / 100),
    diskQueueDepth: settings.diskQueueDepth,
  };
}

/** A memory alarm's threshold: the explicit bytes (below the class's memory), or a percent of it. */
function memoryThreshold(
  field: 'freeableMemory' | 'availableMemory',
  bytes: number | undefined,
  percent: number,
  context: InstanceThresholdContext,
): number {
  const check = checkInstanceClass(context.instanceClass);
  if (check.kind === 'invalid') {
    throw new MonitoringConfigError(`${context.where}: replicationInstance.instanceClass: ${check.message}`);
  }
  const memory = check.kind === 'documented' ? check.memoryBytes : undefined;
  if (bytes !== undefined) {
    if (memory !== undefined && bytes >= memory) {
      throw new MonitoringConfigError(
        `${context.where}: monitoring.${field}Bytes: ${bytes} is not less than the ${memory} bytes of instance class "${context.instanceClass}": the alarm would always fire`,
      );
    }
    return bytes;
  }
  if (memory === undefined) {
    throw new MonitoringConfigError(
      `${context.where}: monitoring.${field}Bytes: instance class "${context.instanceClass}" is not in the DMS instance-class table (lib/config/dms-catalog.ts), so its memory is unknown: set monitoring.${field}Bytes explicitly`,
    );
  }
  return Math.floor((memory * percent) / 100);
}

export function resolveTaskThresholds(settings: MonitoringSettings): TaskThresholds {
  return {
    cdcLatencySourceSeconds: settings.cdcLatencySourceSeconds,
    cdcLatencyTargetSeconds: settings.cdcLatencyTargetSeconds,
  };
}
