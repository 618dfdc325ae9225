import { z } from 'zod';

/*
 * `environments.<name>.monitoring` in cdk.json: alarm thresholds and notification targets.
 *
 * Every field is optional. The defaults, their evaluation windows and where they come from are
 * documented on each field and in README.md ("Monitoring", "Alarms"). Evaluation windows are fixed by
 * the alarm definitions in lib/monitoring/alarm-definitions.ts; only thresholds are configured here.
 */

/** Default CPUUtilization threshold, percent. */
export const DEFAULT_CPU_UTILIZATION_PERCENT = 90;
/** Default FreeableMemory threshold, percent of the instance class's memory. */
export const DEFAULT_FREEABLE_MEMORY_PERCENT = 10;
/** Default AvailableMemory threshold, percent of the instance class's memory. */
export const DEFAULT_AVAILABLE_MEMORY_PERCENT = 10;
/** Default DiskQueueDepth threshold, outstanding I/O requests. */
export const DEFAULT_DISK_QUEUE_DEPTH = 10;
/** Default FreeStorageSpace threshold, percent of the allocated storage. */
export const DEFAULT_FREE_STORAGE_SPACE_PERCENT = 10;
/** Default SwapUsage threshold, bytes (256 MiB). */
export const DEFAULT_SWAP_USAGE_BYTES = 256 * 1024 * 1024;
/** Default CDCLatencySource / CDCLatencyTarget threshold, seconds. */
export const DEFAULT_CDC_LATENCY_SECONDS = 300;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function isHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname.length > 0;
  } catch {
    return false;
  }
}

/** Where alarm and event notifications go: one SNS topic per environment, these subscriptions on it. */
export const notificationsSchema = z
  .strictObject({
    /** Email addresses subscribed to the alarm topic (each confirms the subscription once). */
    emails: z.array(z.string().regex(EMAIL, { message: 'must be an email address' })).default([]),
    /** HTTPS endpoints subscribed to the alarm topic (for example a chat or paging webhook). */
    httpsUrls: z.array(z.string().refine(isHttpsUrl, { message: 'must be an https:// URL' })).default([]),
  })
  .superRefine((value, ctx) => {
    const duplicates = (list: readonly string[], field: string, normalise: (s: string) => string) => {
      const seen = new Map<string, number>();
      list.forEach((item, index) => {
        const key = normalise(item);
        const first = seen.get(key);
        if (first !== undefined) {
          ctx.addIssue({ code: 'custom', path: [field, index], message: `duplicates ${field}[${first}]` });
        } else {
          seen.set(key, index);
        }
      });
    };
    duplicates(value.emails, 'emails', (s) => s.toLowerCase());
    duplicates(value.httpsUrls, 'httpsUrls', (s) => s);
  })
  .prefault({});

export const monitoringSchema = z
  .strictObject({
    /**
     * CPUUtilization alarm: above this percent for 15 minutes (3 of 3 five-minute periods).
     * Default 90. Source: the monitoring issue ("CPU above 90% for 15 minutes"); sustained CPU near
     * 100% is the DMS user guide's sign of an under-sized instance ("Choosing the optimum size for a
     * replication instance").
     */
    cpuUtilizationPercent: z.number().min(1).max(100).default(DEFAULT_CPU_UTILIZATION_PERCENT),
    /**
     * FreeableMemory alarm: below this percent of the instance class's memory for 15 minutes.
     * Default 10. The class's memory comes from the instance-class table in lib/config/dms-catalog.ts
     * (AWS DMS user guide, "Choosing the right AWS DMS replication instance for your migration").
     * Source: project choice; DMS caches changes in memory and spills them to disk when memory
     * runs out, which is when CDC latency climbs. AWS: FreeableMemory "is not a indication of the
     * actual free memory available" (buffers and cache): the availableMemory alarm is the one to trust.
     */
    freeableMemoryPercent: z.number().min(1).max(100).default(DEFAULT_FREEABLE_MEMORY_PERCENT),
    /**
     * FreeableMemory alarm threshold in bytes; overrides freeableMemoryPercent. Required when the
     * instance class is not in the DMS instance-class table.
     */
    freeableMemoryBytes: z.number().int().min(1).optional(),
    /**
     * AvailableMemory alarm: below this percent of the instance class's memory for 15 minutes.
     * Default 10. AvailableMemory is "An estimate of how much memory is available for starting new
     * applications, without swapping" ("AWS DMS metrics"), the metric AWS recommends watching.
     * Source of the default: project choice, as freeableMemoryPercent.
     */
    availableMemoryPercent: z.number().min(1).max(100).default(DEFAULT_AVAILABLE_MEMORY_PERCENT),
    /** AvailableMemory alarm threshold in bytes; overrides availableMemoryPercent. Required as freeableMemoryBytes. */
    availableMemoryBytes: z.number().int().min(1).optional(),
    /**
     * DiskQueueDepth alarm: above this many outstanding I/O requests for 15 minutes. Default 10.
     * Source: project choice; a queue that stays long means the instance's storage cannot keep up
     * with swapped changes and task logs (raise allocated storage for more gp2 IOPS).
     */
    diskQueueDepth: z.number().min(1).default(DEFAULT_DISK_QUEUE_DEPTH),
    /**
     * FreeStorageSpace alarm: below this percent of the allocated storage (one five-minute
     * period). Default 10. Source: project choice; a full instance disk stops every task on it.
     */
    freeStorageSpacePercent: z.number().min(1).max(99).default(DEFAULT_FREE_STORAGE_SPACE_PERCENT),
    /**
     * SwapUsage alarm: above this many bytes for 15 minutes. Default 268435456 (256 MiB).
     * Source: project choice; swap in use means memory is exhausted (see freeableMemoryPercent).
     */
    swapUsageBytes: z.number().int().min(0).default(DEFAULT_SWAP_USAGE_BYTES),
    /**
     * CDCLatencySource alarm: above this many seconds in 2 of 3 five-minute periods. Default 300.
     * Source: the monitoring issue ("CDC latency above 300 s over 2 of 3 five-minute periods").
     */
    cdcLatencySourceSeconds: z.number().int().min(1).max(86400).default(DEFAULT_CDC_LATENCY_SECONDS),
    /** CDCLatencyTarget alarm: as cdcLatencySourceSeconds. Default 300. */
    cdcLatencyTargetSeconds: z.number().int().min(1).max(86400).default(DEFAULT_CDC_LATENCY_SECONDS),
    /** Subscriptions on the environment's alarm topic. Default: none (subscribe later, outside the stack). */
    notifications: notificationsSchema,
    /** Create the environment's CloudWatch dashboard. Default true. */
    dashboard: z.boolean().default(true),
    /**
     * How DMS events reach the alarm topic: "eventbridge" (default; an EventBridge rule, which the
     * DMS User Guide recommends from engine 3.4.6) or "event-subscriptions" (DMS event
     * subscriptions to SNS, the mechanism of engine 3.4.5 and earlier).
     */
    dmsEvents: z.enum(['eventbridge', 'event-subscriptions']).default('eventbridge'),
  })
  .prefault({});

export type MonitoringSettings = z.output<typeof monitoringSchema>;
export type MonitoringSettingsInput = z.input<typeof monitoringSchema>;
export type NotificationSettings = z.output<typeof notificationsSchema>;
