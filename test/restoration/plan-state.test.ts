/** The plan state and the result, without a database. */
import { MemoryPlanStore, ObjectKind, applyChange, apply, buildResult, stagesOf, verify } from '../../lib/restoration';
import { PlanState, isSettled } from '../../lib/restoration/plan-state';
import { widePlan } from './plan-fixtures';

let tick = 0;
const clock = (): string => new Date(Date.UTC(2024, 0, 1, 0, 0, tick++)).toISOString();

describe('plan state', () => {
  it('a change carries the header and only the objects that changed, whatever the size of the plan', () => {
    const plan = widePlan(2500);
    const state = new PlanState(plan, clock);
    const run = state.startRun('defer', ['index', 'foreignKey', 'trigger']);
    expect(state.take().objects).toHaveLength(10000);

    const [a, b] = plan.objects;
    const { id, previous } = state.beginStep([a, b], 'drop', 'ALTER TABLE `app`.`t0` DROP INDEX `ix_0_a`, DROP INDEX `uq_0_b`');
    const change = state.take();
    expect(id).toBe('s1');
    expect(change.header).toMatchObject({ phase: 'deferring', lastStep: 1, runs: [{ number: 1, action: 'defer', calls: 0 }] });
    expect(change.objects.map((o) => [o.key, o.state, o.step?.id])).toEqual([
      [a.key, 'dropping', 's1'],
      [b.key, 'dropping', 's1'],
    ]);
    expect(JSON.stringify(change).length).toBeLessThan(2000);

    state.endStep([a, b], previous);
    state.settle(a, 'dropped');
    state.settle(b, 'dropped');
    state.settle(a, 'dropped');
    const after = state.take();
    expect(after.objects.map((o) => [o.key, o.state, o.step])).toEqual([
      [a.key, 'dropped', undefined],
      [b.key, 'dropped', undefined],
    ]);
    expect(state.changed).toBe(false);
    expect(run.number).toBe(1);
  });

  it('changes are absolute: applied twice, or over the plan they were taken from, they give the same plan', () => {
    const plan = widePlan(3);
    const state = new PlanState(plan, clock);
    state.startRun('apply', ['index']);
    const o = plan.objects[0];
    state.beginStep([o], 'create', 'ALTER TABLE x ADD KEY y (a)');
    const c1 = state.take();
    state.fail(o, 'apply', 1, { reason: 'sql-error', message: '1064: boom' });
    const c2 = state.take();

    const copy = structuredClone(widePlan(3));
    for (const c of [c1, c2, c1, c2]) applyChange(copy, c);
    expect(copy).toEqual(plan);
    applyChange(plan, c2);
    expect(copy).toEqual(plan);
  });

  it('a run over some kinds leaves the others as they are, and the result says what is still deferred per kind', () => {
    const plan = widePlan(4);
    const state = new PlanState(plan, clock);
    const defer = state.startRun('defer', ['index', 'foreignKey', 'trigger']);
    for (const o of plan.objects) state.settle(o, 'dropped');
    state.finishCall(defer, true);
    expect(plan.phase).toBe('deferred');

    const post = state.startRun('apply', ['foreignKey', 'index']);
    expect(post.kinds).toEqual(['index', 'foreignKey']);
    expect(plan.objects.filter((o) => o.state === 'pending').map((o) => o.kind).sort()).toEqual([...Array(8).fill('index'), ...Array(4).fill('foreignKey')].sort());
    expect(state.openRun('apply', ['index', 'foreignKey'])).toBe(post);
    expect(state.openRun('apply', ['trigger'])).toBeUndefined();
    for (const o of plan.objects) if (o.kind !== 'trigger') state.settle(o, 'restored');
    state.finishCall(post, true);
    expect(plan.phase).toBe('deferred');

    const r = buildResult(plan, 'apply', post.number, true, 0, ['index', 'foreignKey']);
    expect(r).toMatchObject({ ok: true, kinds: ['index', 'foreignKey'], counts: { total: 12, restored: 12, pending: 0 } });
    expect(r.byKind.trigger).toMatchObject({ total: 4, deferred: 4, restored: 0 });
    expect(r.byKind.index).toMatchObject({ total: 8, deferred: 0, restored: 8 });

    const cutover = state.startRun('apply', ['trigger']);
    for (const o of plan.objects) if (o.kind === 'trigger') state.settle(o, 'restored');
    state.finishCall(cutover, true);
    expect(plan.phase).toBe('applied');
    expect(buildResult(plan, 'apply', cutover.number, true, 0).byKind.trigger).toMatchObject({ deferred: 0, restored: 4 });
  });

  it('a new run tries failed objects again and keeps a statement still recorded for its table', () => {
    const plan = widePlan(1);
    const state = new PlanState(plan, clock);
    const [ix, uq] = plan.objects;
    const first = state.startRun('apply', ['index']);
    state.fail(uq, 'apply', first.number, { reason: 'duplicate-keys', message: 'x', count: 1 });
    state.beginStep([ix], 'create', 'ALTER ...');
    expect(isSettled(uq, 'apply')).toBe(true);
    expect(isSettled(ix, 'apply')).toBe(false);
    state.finishCall(first, false);
    expect(plan.phase).toBe('applying');
    expect(state.openRun('apply', ['index'])).toBe(first);

    const second = state.startRun('apply', ['index']);
    expect(second.number).toBe(2);
    expect(uq).toMatchObject({ state: 'pending' });
    expect(uq.failure).toBeUndefined();
    expect(ix).toMatchObject({ state: 'restoring', step: { id: 's1' } });
    state.clearStep(ix);
    expect(ix.state).toBe('pending');
  });

  it('orders the stages: defer drops triggers, then keys and indexes together; apply restores kind by kind', () => {
    expect(stagesOf('defer', ['index', 'foreignKey', 'trigger'])).toEqual([['trigger'], ['index', 'foreignKey']]);
    expect(stagesOf('defer', ['trigger', 'foreignKey'])).toEqual([['trigger'], ['foreignKey']]);
    expect(stagesOf('apply', ['trigger', 'index'])).toEqual([['index'], ['trigger']]);
    expect(stagesOf('apply', [])).toEqual([['index'], ['foreignKey'], ['trigger']]);
  });

  it('refuses an empty or unknown list of kinds before connecting', async () => {
    const connections = { connect: () => Promise.reject(new Error('must not connect')) };
    const store = new MemoryPlanStore(widePlan(1));
    await expect(apply({ connections, store, kinds: [] })).rejects.toThrow('kinds is empty: give some of index, foreignKey, trigger, or leave it out for all');
    await expect(verify({ connections, store, kinds: ['triggers' as ObjectKind] })).rejects.toThrow('unknown object kind "triggers" (kinds are index, foreignKey, trigger)');
  });
});
