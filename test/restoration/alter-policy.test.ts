/** The ALTER policy shared by create and drop, against a scripted executor (no database). */
import { AlterRun, runAlter } from '../../lib/restoration/alter-policy';
import { ONLINE } from '../../lib/restoration/ddl';
import type { StepOutcome } from '../../lib/restoration/executor';
import { PlanObject } from '../../lib/restoration';
import type { SqlConnection } from '../../lib/restoration';
import { indexObject } from './plan-fixtures';

const conn = {} as SqlConnection;
const serverError = (errno: number, sqlMessage = 'x'): StepOutcome => ({ kind: 'error', error: Object.assign(new Error(sqlMessage), { errno, sqlMessage }) });

/** An executor that answers each statement with the outcome `answer` gives it. */
function scripted(answer: (sql: string) => StepOutcome): { run: AlterRun; sent: string[]; settled: string[]; failed: string[] } {
  const sent: string[] = [];
  const settled: string[] = [];
  const failed: string[] = [];
  const run: AlterRun = {
    exec: {
      expired: () => false,
      step: async (_c, _objects, _action, _stage, sql) => {
        sent.push(sql);
        return answer(sql);
      },
    },
    settle: (o: PlanObject, state) => settled.push(`${o.name}:${state}`),
    fail: (o: PlanObject, d) => failed.push(`${o.name}:${d.reason}:${d.message}`),
  };
  return { run, sent, settled, failed };
}

const sql = (group: readonly PlanObject[], mode: { lock?: string }): string => `${group.map((o) => o.name).join(',')} LOCK=${mode.lock ?? 'DEFAULT'}`;
const group = [indexObject('d', 't', 'a'), indexObject('d', 't', 'b'), indexObject('d', 't', 'c')];

describe('ALTER policy', () => {
  it('relaxes a lock mode the server refuses, then keeps it', async () => {
    const s = scripted((q) => (q.includes('LOCK=NONE') ? serverError(1846) : { kind: 'ok' }));
    expect(await runAlter(s.run, conn, group, { action: 'create', stage: 'indexes', mode: ONLINE, sql })).toBe(true);
    expect(s.sent).toEqual(['a,b,c LOCK=NONE', 'a,b,c LOCK=SHARED']);
    expect(s.settled).toEqual(['a:restored', 'b:restored', 'c:restored']);
  });

  it('retries lock-wait timeouts and deadlocks a few times', async () => {
    let n = 0;
    const s = scripted(() => (n++ < 2 ? serverError(n === 1 ? 1205 : 1213) : { kind: 'ok' }));
    expect(await runAlter(s.run, conn, group, { action: 'drop', stage: 'indexes', mode: ONLINE, sql })).toBe(true);
    expect(s.sent).toHaveLength(3);
    expect(s.settled).toEqual(['a:dropped', 'b:dropped', 'c:dropped']);
  });

  it('splits a batch that fails, so one bad object does not take the others down', async () => {
    const s = scripted((q) => (q.startsWith('b LOCK') || q.includes(',') ? serverError(1553, "Cannot drop index 'b': needed in a foreign key constraint") : { kind: 'ok' }));
    expect(await runAlter(s.run, conn, group, { action: 'drop', stage: 'indexes', mode: ONLINE, sql })).toBe(true);
    expect(s.sent).toEqual(['a,b,c LOCK=NONE', 'a LOCK=NONE', 'b LOCK=NONE', 'c LOCK=NONE']);
    expect(s.settled).toEqual(['a:dropped', 'c:dropped']);
    expect(s.failed).toEqual(["b:sql-error:1553: Cannot drop index 'b': needed in a foreign key constraint"]);
  });

  it('retries the others without the objects the culprit callback names', async () => {
    const s = scripted((q) => (q.includes('a') ? serverError(1062, "Duplicate entry 'x@example.com' for key 'a'") : { kind: 'ok' }));
    const culprits = async (g: readonly PlanObject[]): Promise<PlanObject[]> => g.filter((o) => o.name === 'a');
    expect(await runAlter(s.run, conn, group, { action: 'create', stage: 'indexes', mode: ONLINE, sql, culprits })).toBe(true);
    expect(s.sent).toEqual(['a,b,c LOCK=NONE', 'b,c LOCK=NONE']);
    expect(s.settled).toEqual(['b:restored', 'c:restored']);
  });

  it('stops when the call is out of time, leaving the rest for the next call', async () => {
    const s = scripted(() => ({ kind: 'detached' }));
    expect(await runAlter(s.run, conn, group, { action: 'create', stage: 'indexes', mode: ONLINE, sql })).toBe(false);
    expect(s.settled).toEqual([]);
  });
});
