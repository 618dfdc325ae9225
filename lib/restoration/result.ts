/** What a defer or apply call reports (pure: computed from the plan alone). */
import { normalizeKinds } from './plan-state';
import { Counts, FailedObject, KindCounts, OBJECT_KINDS, ObjectKind, ObjectRef, Plan, PlanObject, RunResult, RunningObject } from './types';

export function objectRef(o: ObjectRef): ObjectRef {
  return { key: o.key, kind: o.kind, database: o.database, table: o.table, name: o.name };
}

function countsOf(objs: readonly PlanObject[], action: 'defer' | 'apply'): KindCounts {
  const c = { total: objs.length, restored: 0, dropped: 0, skipped: 0, failed: 0, pending: 0, running: 0, deferred: 0 };
  const wanted = action === 'apply' ? 'restored' : 'dropped';
  for (const o of objs) {
    if (o.state === 'dropped' || o.state === 'dropping') c.deferred++;
    if (o.step) {
      c.running++;
      continue;
    }
    if (o.state === 'restored') c.restored++;
    if (o.state === 'dropped') c.dropped++;
    if (o.skipped) c.skipped++;
    if (o.state === 'failed') c.failed++;
    else if (o.state !== wanted) c.pending++;
  }
  return c;
}

/**
 * The result of a call: counts over the run's kinds, counts per kind over the whole plan (what
 * is still deferred), the failed objects and the statements still running.
 */
export function buildResult(
  plan: Plan,
  action: 'defer' | 'apply',
  run: number,
  done: boolean,
  elapsedMs: number,
  kinds: readonly ObjectKind[] = OBJECT_KINDS,
): RunResult {
  const selected = normalizeKinds(kinds);
  const byKindObjects = new Map<ObjectKind, PlanObject[]>(OBJECT_KINDS.map((k) => [k, []]));
  for (const o of plan.objects) byKindObjects.get(o.kind)!.push(o);
  const objs = selected.flatMap((k) => byKindObjects.get(k)!);
  const failed: FailedObject[] = objs
    .filter((o) => o.state === 'failed' && !o.step)
    .map((o) => ({
      ...objectRef(o),
      reason: o.failure?.reason ?? 'sql-error',
      message: o.failure?.message ?? '',
      ...(o.failure?.count !== undefined ? { count: o.failure.count } : {}),
      ...(o.failure?.sample !== undefined ? { sample: o.failure.sample } : {}),
    }));
  const running: RunningObject[] = objs.filter((o) => o.step).map((o) => ({ ...objectRef(o), stepId: o.step!.id, since: o.step!.startedAt }));
  const { deferred: _deferred, ...counts } = countsOf(objs, action);
  void _deferred;
  const byKind = Object.fromEntries(OBJECT_KINDS.map((k) => [k, countsOf(byKindObjects.get(k)!, action)])) as Record<ObjectKind, KindCounts>;
  return {
    action,
    planId: plan.planId,
    run,
    phase: plan.phase,
    kinds: selected,
    done,
    ok: done && failed.length === 0,
    counts: counts as Counts,
    byKind,
    failed,
    running,
    orphans: failed.filter((f) => f.reason === 'orphan-rows'),
    elapsedMs,
  };
}

/** Summary of a plan's objects: "12 indexes, 3 foreign keys, 2 triggers in 2 database(s)". */
export function summarize(plan: Plan): string {
  const n = (k: ObjectKind): number => plan.objects.filter((o) => o.kind === k).length;
  return `${n('index')} indexes, ${n('foreignKey')} foreign keys, ${n('trigger')} triggers in ${plan.databases.length} database(s)`;
}
