/** The executor's records, against a scripted connection (no database). */
import { MemoryPlanStore, SqlConnection } from '../../lib/restoration';
import { Executor } from '../../lib/restoration/executor';
import { PlanState } from '../../lib/restoration/plan-state';
import { ConnectionPool } from '../../lib/restoration/pool';
import { widePlan } from './plan-fixtures';

function setup() {
  const plan = widePlan(3);
  const store = new MemoryPlanStore(plan);
  const state = new PlanState(plan);
  const sent: string[] = [];
  const conn: SqlConnection = {
    query: async (sql: string) => {
      sent.push(sql);
      return [[], []];
    },
    end: async () => undefined,
    destroy: () => undefined,
  };
  const pool = new ConnectionPool({ connect: async () => conn }, 1);
  const exec = new Executor({ planId: plan.planId, action: 'apply', store, state, pool, control: conn, pollMs: 10, started: Date.now() });
  const [a, , , , b, , , , c] = plan.objects;
  return { plan, store, state, sent, conn, exec, a, b, c };
}

describe('executor', () => {
  it('records every statement before sending it, one record per statement', async () => {
    const { store, exec, conn, sent, a } = setup();
    expect(await exec.step(conn, [a], 'create', 'indexes', 'ALTER TABLE t0 ADD KEY ix_0_a (a)')).toEqual({ kind: 'ok' });
    expect(store.records).toBe(1);
    expect(sent).toEqual([expect.stringMatching(/^\/\* dms-restore plan=abcdef0123 step=s1 \*\/ ALTER TABLE t0/)]);
    expect(a.step).toBeUndefined();
  });

  it('announces the statements of a stage in one record; those it sends as announced need no other; the rest are withdrawn', async () => {
    const { store, state, exec, conn, sent, a, b, c } = setup();
    state.startRun('apply', ['index']);
    await exec.announce([
      { objects: [a], action: 'create', sql: 'ALTER 1' },
      { objects: [b], action: 'create', sql: 'ALTER 2' },
      { objects: [c], action: 'create', sql: 'ALTER 3' },
    ]);
    expect(store.records).toBe(1);
    expect(store.peek()!.objects.filter((o) => o.step).map((o) => [o.name, o.state, o.step!.id])).toEqual([
      [a.name, 'restoring', 's1'],
      [b.name, 'restoring', 's2'],
      [c.name, 'restoring', 's3'],
    ]);

    await exec.step(conn, [a], 'create', 'indexes', 'ALTER 1');
    expect(store.records).toBe(1);
    // Not the statement announced for b: that announcement goes, this one is recorded first.
    await exec.step(conn, [b], 'create', 'indexes', 'ALTER 2, LOCK=SHARED');
    expect(store.records).toBe(2);
    expect(sent.map((s) => s.replace(/^\/\* dms-restore [^*]*step=(s\d+) \*\/ /, '$1 '))).toEqual(['s1 ALTER 1', 's4 ALTER 2, LOCK=SHARED']);

    exec.withdraw();
    expect([a.step, b.step, c.step]).toEqual([undefined, undefined, undefined]);
    expect(c.state).toBe('pending');
    await exec.flush();
    expect(store.peek()!.objects.some((o) => o.step)).toBe(false);
  });

  it('announces nothing once the call is out of time', async () => {
    const { store, state, a } = setup();
    const conn = {} as SqlConnection;
    const late = new Executor({ planId: 'abcdef0123', action: 'apply', store, state, pool: new ConnectionPool({ connect: async () => conn }, 1), control: conn, deadline: Date.now() - 1, pollMs: 10, started: Date.now() });
    await late.announce([{ objects: [a], action: 'create', sql: 'ALTER 1' }]);
    expect(await late.step(conn, [a], 'create', 'indexes', 'ALTER 1')).toEqual({ kind: 'deadline' });
    expect(store.records).toBe(0);
    expect(a.step).toBeUndefined();
  });
});
