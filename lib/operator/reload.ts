import { createHash } from 'node:crypto';
import type { ReplicationTask } from '@aws-sdk/client-database-migration-service';
import { describeStopReason } from '../orchestration/dms-task-state';
import { hasEverRun, targetTablePrepMode } from '../orchestration/task-control';
import type { TableStatus } from './model';

/*
 * What `run start --reload-target` shows before it starts anything: per task, what DMS will
 * empty and load again, and a token that the second call (`--confirm TOKEN`) must repeat. The
 * token is a digest of the plan itself, so it stops matching as soon as the task or its tables
 * change (another run, a restart, a deploy): the operator confirms exactly what was shown.
 */

export interface ReloadPlan {
  readonly task: string;
  readonly identifier: string;
  readonly arn: string;
  readonly status: string;
  readonly stopReason: string | null;
  /** ReplicationTaskStats.StopDate: a task started and stopped again since the plan has another. */
  readonly stoppedAt: string | null;
  /** TargetTablePrepMode as DMS holds it now. */
  readonly prepMode: string;
  /** Tables DMS knows in the task (DescribeTableStatistics) with the rows its last full load wrote. */
  readonly tables: ReadonlyArray<{ readonly name: string; readonly rowsLoaded: number }>;
  /** Why this task cannot be reloaded now; undefined when it can. */
  readonly refusal?: string;
}

export function reloadPlan(task: string, dms: ReplicationTask, tables: readonly TableStatus[]): ReloadPlan {
  const status = dms.Status ?? 'unknown';
  const prepMode = targetTablePrepMode(dms) ?? 'unknown';
  const plan = {
    task,
    identifier: dms.ReplicationTaskIdentifier ?? '',
    arn: dms.ReplicationTaskArn ?? '',
    status,
    stopReason: dms.StopReason ?? null,
    stoppedAt: dms.ReplicationTaskStats?.StopDate ? new Date(dms.ReplicationTaskStats.StopDate).toISOString() : null,
    prepMode,
    tables: tables.map((t) => ({ name: `${t.schema}.${t.table}`, rowsLoaded: t.fullLoadRows })),
  };
  return { ...plan, refusal: refusal(dms, status, prepMode) };
}

function refusal(dms: ReplicationTask, status: string, prepMode: string): string | undefined {
  if (dms.MigrationType === 'cdc') return 'a CDC-only task has no full load to reload';
  if (!hasEverRun(dms)) return 'the task never ran: `run start` loads it';
  if (status === 'running' || status === 'starting') {
    return `the task is ${status}: stop it first (aws dms stop-replication-task); the runbook never stops a task, and DMS changes TargetTablePrepMode only while a task is stopped`;
  }
  if (status !== 'stopped' && status !== 'failed') return `the task is ${status}: wait until it is stopped or failed`;
  if (describeStopReason(dms.StopReason)?.outcome === 'transient') return `DMS is about to restart the task (${dms.StopReason}): wait for it, then stop it`;
  if (prepMode === 'unknown') return 'DMS does not report the TargetTablePrepMode of the task: refusing to reload without knowing whether it empties the tables';
  return undefined;
}

/** The token the second call repeats: a digest of every plan, in order. */
export function reloadToken(environment: string, plans: readonly ReloadPlan[]): string {
  return createHash('sha256').update(JSON.stringify([environment, plans])).digest('hex').slice(0, 12);
}

/** What DMS does to the tables at the start of the reload, in the plan's words. */
function emptying(plan: ReloadPlan): string {
  switch (plan.prepMode) {
    case 'DO_NOTHING':
      return 'TargetTablePrepMode DO_NOTHING -> TRUNCATE_BEFORE_LOAD for the reload (set back after it): DMS EMPTIES these tables, then loads them again';
    case 'TRUNCATE_BEFORE_LOAD':
      return 'TargetTablePrepMode TRUNCATE_BEFORE_LOAD: DMS EMPTIES these tables, then loads them again';
    case 'DROP_AND_CREATE':
      return 'TargetTablePrepMode DROP_AND_CREATE: DMS DROPS these tables and creates them again without their secondary objects';
    default:
      return `TargetTablePrepMode ${plan.prepMode}`;
  }
}

export function renderReloadPlan(environment: string, plans: readonly ReloadPlan[], token: string): string {
  const lines = [`reload-target plan for environment ${environment}:`];
  for (const plan of plans) {
    const stopped = plan.stoppedAt ? `, stopped ${plan.stoppedAt}` : '';
    lines.push('', `${plan.task} (${plan.identifier}): status ${plan.status}${plan.stopReason ? ` (${plan.stopReason})` : ''}${stopped}`);
    if (plan.refusal) {
      lines.push(`  cannot reload: ${plan.refusal}`);
      continue;
    }
    lines.push(`  ${emptying(plan)}`);
    lines.push('  then: defer secondary indexes, foreign keys and triggers again, reload every table from the source, restore, verify, resume CDC');
    lines.push(`  tables (${plan.tables.length}, with the rows the last full load wrote; any other table the mapping selects is emptied too):`);
    for (const t of plan.tables) lines.push(`    ${t.name}  ${t.rowsLoaded.toLocaleString('en-US')} rows`);
  }
  lines.push('');
  if (plans.some((p) => p.refusal)) {
    lines.push('nothing started: fix what is named above, then ask for the plan again');
  } else {
    lines.push(`nothing started. To reload exactly this, run the same command with --confirm ${token}`);
  }
  return lines.join('\n') + '\n';
}
