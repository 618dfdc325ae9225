import {
  DatabaseMigrationServiceClient,
  DescribeReplicationTasksCommand,
  StartReplicationTaskCommand,
  StopReplicationTaskCommand,
} from '@aws-sdk/client-database-migration-service';
import { DMS_TASK_STATUSES } from './dms-task-state';
import { hasEverRun } from './task-control';

/*
 * "A replication" as a deploy stops and resumes it: a DMS replication task here; a DMS Serverless
 * replication (StopReplication / StartReplication / DescribeReplications) can implement the same
 * interface. What the stopper and resumer decide (task-change.ts) depends only on this.
 */

/**
 * What a replication is doing, as far as a change to it goes:
 * - `running`: replicating; DMS refuses to modify it until it is stopped;
 * - `starting`: about to run;
 * - `stopping`: on its way to stopped;
 * - `idle`: stopped, ready or failed: DMS modifies it;
 * - `busy`: being created, modified, moved or assessed: look again later;
 * - `unusable`: being deleted, or in a state DMS does not document: a deploy cannot go on.
 */
export type ReplicationActivity = 'running' | 'starting' | 'stopping' | 'idle' | 'busy' | 'unusable';

export interface ReplicationSnapshot {
  /** DMS's own status value. */
  readonly status: string;
  readonly activity: ReplicationActivity;
  readonly stopReason?: string;
  readonly lastFailureMessage?: string;
  /** It ran at least once (so resume-processing continues it). */
  readonly hasRun: boolean;
  /** When it last stopped (ReplicationTaskStats.StopDate for a task). */
  readonly stoppedAt?: Date;
}

export interface ReplicationControl {
  /** What messages call it, e.g. "DMS task dev-adventureworks". */
  readonly description: string;
  /** Undefined when DMS does not know it. */
  describe(): Promise<ReplicationSnapshot | undefined>;
  stop(): Promise<void>;
  /** Continues from where it stopped (resume-processing); never a reload. */
  resume(): Promise<void>;
}

/** Task statuses of the DMS API Reference (dms-task-state.ts) as activities. */
export function taskActivity(status: string): ReplicationActivity {
  switch (status) {
    case 'running':
      return 'running';
    case 'starting':
      return 'starting';
    case 'stopping':
      return 'stopping';
    case 'stopped':
    case 'ready':
    case 'failed':
      return 'idle';
    default:
      // creating, modifying, moving, testing (a premigration assessment) move on by themselves.
      return DMS_TASK_STATUSES[status]?.kind === 'transitional' ? 'busy' : 'unusable';
  }
}

/** A DMS replication task, by ARN. */
export function dmsTaskControl(dms: DatabaseMigrationServiceClient, taskArn: string, name: string): ReplicationControl {
  return {
    description: `DMS task ${name}`,
    async describe() {
      let out;
      try {
        out = await dms.send(new DescribeReplicationTasksCommand({ Filters: [{ Name: 'replication-task-arn', Values: [taskArn] }], WithoutSettings: true }));
      } catch (err) {
        // DMS answers a filter that matches nothing with ResourceNotFoundFault.
        if ((err as { name?: string }).name === 'ResourceNotFoundFault') return undefined;
        throw err;
      }
      const task = out.ReplicationTasks?.[0];
      if (!task) return undefined;
      const status = task.Status ?? 'unknown';
      const stop = task.ReplicationTaskStats?.StopDate;
      return {
        status,
        activity: taskActivity(status),
        stopReason: task.StopReason,
        lastFailureMessage: task.LastFailureMessage,
        hasRun: hasEverRun(task),
        stoppedAt: stop === undefined ? undefined : new Date(stop),
      };
    },
    async stop() {
      await dms.send(new StopReplicationTaskCommand({ ReplicationTaskArn: taskArn }));
    },
    async resume() {
      await dms.send(new StartReplicationTaskCommand({ ReplicationTaskArn: taskArn, StartReplicationTaskType: 'resume-processing' }));
    },
  };
}
