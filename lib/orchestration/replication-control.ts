import {
  DatabaseMigrationServiceClient,
  DescribeReplicationsCommand,
  DescribeReplicationTasksCommand,
  StartReplicationCommand,
  StartReplicationTaskCommand,
  StopReplicationCommand,
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

/**
 * DMS Serverless replication statuses as activities. The API Reference types Replication.Status
 * as a plain string without a list; the states here are those of the DMS User Guide, "AWS DMS
 * Serverless components" (Initializing ... Running), compared case- and separator-insensitively
 * because the guide names them in prose ("Replication Starting") and the API's spelling is not
 * listed. Anything else is `unusable`: a deploy stops and says so rather than modify blindly.
 */
export function serverlessActivity(status: string): ReplicationActivity {
  const state = status.toLowerCase().replace(/[\s_-]+/g, ' ').trim();
  switch (state) {
    case 'running':
      return 'running';
    case 'initializing':
    case 'preparing metadata resources':
    case 'testing connection':
    case 'fetching metadata':
    case 'calculating capacity':
    case 'provisioning capacity':
    case 'replication starting':
      return 'starting';
    case 'stopping':
      return 'stopping';
    case 'stopped':
    case 'failed':
      return 'idle';
    default:
      return 'unusable';
  }
}

/**
 * A DMS Serverless replication, by replication-config ARN: DescribeReplications (filter
 * replication-config-arn, API Reference "DescribeReplications"), StopReplication, and
 * StartReplication with resume-processing (API Reference "StartReplication").
 */
export function dmsServerlessControl(dms: DatabaseMigrationServiceClient, replicationConfigArn: string, name: string): ReplicationControl {
  return {
    description: `DMS Serverless replication ${name}`,
    async describe() {
      let out;
      try {
        out = await dms.send(new DescribeReplicationsCommand({ Filters: [{ Name: 'replication-config-arn', Values: [replicationConfigArn] }] }));
      } catch (err) {
        // As for tasks, a filter that matches nothing is answered with ResourceNotFoundFault.
        if ((err as { name?: string }).name === 'ResourceNotFoundFault') return undefined;
        throw err;
      }
      // Never another config's replication: acting on it would stop the wrong migration.
      const replication = out.Replications?.find((r) => r.ReplicationConfigArn === replicationConfigArn);
      if (!replication) return undefined;
      const status = replication.Status ?? 'unknown';
      const stats = replication.ReplicationStats;
      const stop = stats?.StopDate;
      return {
        status,
        activity: serverlessActivity(status),
        stopReason: replication.StopReason,
        lastFailureMessage: replication.FailureMessages?.length ? replication.FailureMessages.join('; ') : undefined,
        // A replication that has started once has a start date (ReplicationStats.StartDate).
        hasRun: stats?.StartDate !== undefined,
        stoppedAt: stop === undefined ? undefined : new Date(stop),
      };
    },
    async stop() {
      await dms.send(new StopReplicationCommand({ ReplicationConfigArn: replicationConfigArn }));
    },
    async resume() {
      await dms.send(new StartReplicationCommand({ ReplicationConfigArn: replicationConfigArn, StartReplicationType: 'resume-processing' }));
    },
  };
}
