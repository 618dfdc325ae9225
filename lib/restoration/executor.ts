/**
 * How the engine talks to the server during a run: the deadline, tagged statements recorded
 * durably before they are sent, read-only scans that are killed when time is up, statements of
 * earlier calls found in the processlist and waited for, and the checkpoint that records what
 * changed in the plan.
 */
import { randomBytes } from 'node:crypto';
import { SqlConnection, execute, num, queryRows, str } from './connection';
import { statementFailedLine } from './failures';
import { PlanState } from './plan-state';
import { ConnectionPool } from './pool';
import { ProgressAction, ProgressEvent, ProgressListener, ProgressStage } from './progress';
import { parseTag, quoteId, statementTag, tagLikePattern } from './sql';
import { PlanStore } from './store';
import { ObjectKind, ObjectState, PlanObject } from './types';

export type Stage = 'indexes' | 'foreignKeys' | 'triggers';

export const STAGE_OF: Record<ObjectKind, Stage> = { index: 'indexes', foreignKey: 'foreignKeys', trigger: 'triggers' };

export type StepOutcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'error'; readonly error: unknown }
  /** Not issued: the call is out of time. */
  | { readonly kind: 'deadline' }
  /** Issued, still running when the call ran out of time: left running on the server. */
  | { readonly kind: 'detached' };

export type Rows = Record<string, unknown>[];

/** A statement a stage is about to send for `objects`. */
export interface Statement {
  readonly objects: readonly PlanObject[];
  readonly action: 'drop' | 'create';
  readonly sql: string;
}

interface Announced {
  readonly objects: readonly PlanObject[];
  readonly previous: ObjectState[];
}

export interface ExecutorOptions {
  readonly planId: string;
  readonly action: 'defer' | 'apply';
  readonly store: PlanStore;
  readonly state: PlanState;
  readonly pool: ConnectionPool;
  /** The run's own connection (locks, processlist, KILL QUERY). */
  readonly control: SqlConnection;
  readonly deadline?: number;
  readonly pollMs: number;
  readonly progress?: ProgressListener;
  readonly started: number;
}

type Raced<T> = { kind: 'ok'; value: T } | { kind: 'error'; error: unknown } | { kind: 'deadline' };

export class Executor {
  private readonly callId = randomBytes(3).toString('hex');
  private scanCounter = 0;
  private outOfTime = false;
  private chain: Promise<void> = Promise.resolve();
  private next: Promise<void> | undefined;
  /** Objects whose statement, issued by an earlier call, ended meanwhile: not "already in place". */
  readonly byEarlierCall = new Set<PlanObject>();
  private readonly announced = new Map<string, Announced>();

  constructor(private readonly o: ExecutorOptions) {}

  get pool(): ConnectionPool {
    return this.o.pool;
  }

  expired(): boolean {
    if (this.outOfTime) return true;
    if (this.o.deadline !== undefined && Date.now() >= this.o.deadline) this.outOfTime = true;
    return this.outOfTime;
  }

  /**
   * Makes what changed in the plan durable. Callers that arrive while a record is being written
   * share the next one (group commit): one write for the changes of every worker.
   */
  flush(): Promise<void> {
    if (this.next) return this.next;
    const p = this.chain.then(async () => {
      this.next = undefined;
      if (!this.o.state.changed) return;
      const change = this.o.state.take();
      try {
        await this.o.store.record(change);
      } catch (err) {
        this.o.state.retake(change);
        throw err;
      }
    });
    this.next = p;
    this.chain = p.catch(() => undefined);
    return p;
  }

  /** Waits for the records under way (their errors were reported to whoever awaited them). */
  async drain(): Promise<void> {
    await this.chain;
  }

  /**
   * Records statements that are about to be sent, table by table, in one durable write (instead
   * of one per statement). A statement recorded and never sent is harmless: a later call finds it
   * absent from the processlist and reads the server, as for one that failed at once; those this
   * call does not send are withdrawn at its end ({@link withdraw}).
   */
  async announce(statements: readonly Statement[]): Promise<void> {
    if (!statements.length || this.expired()) return;
    for (const st of statements) {
      const { id, previous } = this.o.state.beginStep(st.objects, st.action, st.sql);
      this.announced.set(id, { objects: st.objects, previous });
    }
    await this.flush();
  }

  /** Statements announced and not sent: their objects go back to the state they had. */
  withdraw(): void {
    for (const [id, a] of this.announced) this.retract(id, a);
    this.announced.clear();
  }

  private retract(id: string, a: Announced): void {
    const still = a.objects.filter((o) => o.step?.id === id);
    this.o.state.endStep(
      still,
      still.map((o) => a.previous[a.objects.indexOf(o)]),
    );
  }

  /** The announced step that is exactly this statement, if any; an announcement it does not match is withdrawn. */
  private announcedAs(objects: readonly PlanObject[], action: 'drop' | 'create', sql: string): { id: string; previous: ObjectState[] } | undefined {
    for (const o of objects) {
      const id = o.step?.id;
      const a = id !== undefined ? this.announced.get(id) : undefined;
      if (!a || id === undefined) continue;
      this.announced.delete(id);
      const same = a.objects.length === objects.length && a.objects.every((x, i) => x === objects[i]) && o.step!.sql === sql && o.step!.action === action;
      if (same) return { id, previous: a.previous };
      this.retract(id, a);
    }
    return undefined;
  }

  /**
   * Issues one DDL statement for `objects`: records it in the plan (durably) before sending it,
   * unless it was announced, tagged so a later call can find it in the processlist; races it
   * against the deadline.
   */
  async step(conn: SqlConnection, objects: readonly PlanObject[], action: 'drop' | 'create', stage: Stage, sql: string): Promise<StepOutcome> {
    if (this.expired()) return { kind: 'deadline' };
    let recorded = this.announcedAs(objects, action, sql);
    if (!recorded) {
      recorded = this.o.state.beginStep(objects, action, sql);
      await this.flush();
    }
    const { id, previous } = recorded;
    const { database, table } = objects[0];
    const t0 = Date.now();
    this.emit({ type: 'statement', stage, database, table, stepId: id, sql, message: `${describeStatement(sql)} [${id}]` });
    const pending = conn.query(statementTag(this.o.planId, id) + sql);
    const raced = await this.race(pending);
    if (raced.kind === 'deadline') {
      this.o.pool.detach(conn, pending);
      this.emit({ type: 'deadline', stage, database, table, stepId: id, message: `statement ${id} still running; left running on the server` });
      return { kind: 'detached' };
    }
    this.o.state.endStep(objects, previous);
    if (raced.kind === 'error') {
      this.emit({ type: 'done', stage, database, table, stepId: id, message: statementFailedLine(id, raced.error), durationMs: Date.now() - t0 });
      return { kind: 'error', error: raced.error };
    }
    this.emit({ type: 'done', stage, database, table, stepId: id, message: `statement ${id} done`, durationMs: Date.now() - t0 });
    return { kind: 'ok' };
  }

  /** A read-only scan, tagged; killed (not left running) when the call runs out of time. */
  async scan(conn: SqlConnection, o: PlanObject, sql: string, what: 'count' | 'sample'): Promise<Rows | 'deadline'> {
    if (this.expired()) return 'deadline';
    const id = `q${this.callId}-${++this.scanCounter}`;
    const subject = o.kind === 'index' ? 'duplicate keys' : 'orphan rows';
    this.emit({
      type: 'scan',
      stage: STAGE_OF[o.kind],
      database: o.database,
      table: o.table,
      sql,
      message: `${what === 'count' ? 'counting' : 'sampling'} ${subject} of ${quoteId(o.name)}`,
    });
    const pending = queryRows(conn, statementTag(this.o.planId, id) + sql);
    const raced = await this.race(pending);
    if (raced.kind === 'deadline') {
      const thread = this.o.pool.threadId(conn);
      if (thread !== undefined) {
        try {
          await execute(this.o.control, `KILL QUERY ${Math.trunc(thread)}`);
        } catch {
          // already finished
        }
      }
      await pending.catch(() => undefined);
      return 'deadline';
    }
    if (raced.kind === 'error') throw raced.error;
    return raced.value as Rows;
  }

  private async race<T>(p: Promise<T>): Promise<Raced<T>> {
    const settled = p.then(
      (value) => ({ kind: 'ok' as const, value }),
      (error: unknown) => ({ kind: 'error' as const, error }),
    );
    const deadline = this.o.deadline;
    if (deadline === undefined) return settled;
    let timer: NodeJS.Timeout | undefined;
    const expiry = new Promise<{ kind: 'deadline' }>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'deadline' }), Math.max(0, deadline - Date.now()));
    });
    try {
      const r = await Promise.race([settled, expiry]);
      if (r.kind === 'deadline') this.outOfTime = true;
      return r;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Statements recorded by earlier calls that no longer run (one processlist query for all): their
   * objects are resolved at once, before a stage reads the catalog, which then shows what those
   * statements did. Those still running are left to {@link resolveInflight}, table by table.
   */
  async resolveEnded(objects: readonly PlanObject[]): Promise<void> {
    const recorded = objects.filter((o) => o.step);
    if (!recorded.length) return;
    const rows = await queryRows(this.o.control, 'SELECT INFO AS info FROM information_schema.PROCESSLIST WHERE INFO LIKE ? AND ID <> CONNECTION_ID()', [
      tagLikePattern(this.o.planId),
    ]);
    const running = new Set(rows.map((r) => parseTag(str(r, 'info'))?.stepId));
    const mine = this.o.action === 'apply' ? 'create' : 'drop';
    for (const o of recorded) {
      if (running.has(o.step!.id)) continue;
      if (o.step!.action === mine) this.byEarlierCall.add(o);
      this.o.state.clearStep(o);
    }
  }

  /**
   * Objects whose statement was recorded by an earlier call: wait while that statement still
   * runs on the server (never issue it twice), then let the live schema say what happened.
   */
  async resolveInflight(conn: SqlConnection, stage: Stage, objs: readonly PlanObject[]): Promise<'clear' | 'running'> {
    const steps = [...new Set(objs.filter((o) => o.step).map((o) => o.step!.id))];
    const mine = this.o.action === 'apply' ? 'create' : 'drop';
    for (const id of steps) {
      let waited = false;
      let lastNote = 0;
      for (;;) {
        const rows = await queryRows(
          conn,
          'SELECT ID AS id, TIME AS secs, STATE AS state FROM information_schema.PROCESSLIST WHERE INFO LIKE ? AND ID <> CONNECTION_ID()',
          [tagLikePattern(this.o.planId, id)],
        );
        if (!rows.length) break;
        if (this.expired()) return 'running';
        if (!waited || Date.now() - lastNote > 30000) {
          const o = objs.find((x) => x.step?.id === id)!;
          this.emit({
            type: 'waiting',
            stage,
            database: o.database,
            table: o.table,
            stepId: id,
            message: `statement ${id} from an earlier call is still running (thread ${str(rows[0], 'id')}, ${str(rows[0], 'state') || 'running'}, ${str(rows[0], 'secs')}s): waiting for it`,
          });
          lastNote = Date.now();
        }
        waited = true;
        const left = this.o.deadline === undefined ? this.o.pollMs : Math.max(10, this.o.deadline - Date.now());
        await sleep(Math.min(this.o.pollMs, left));
      }
      for (const o of objs) {
        if (o.step?.id !== id) continue;
        if (o.step.action === mine) this.byEarlierCall.add(o);
        this.o.state.clearStep(o);
      }
      if (waited) this.emit({ type: 'info', stage, message: `statement ${id} from an earlier call has ended` });
    }
    return 'clear';
  }

  /** Scans tagged by an earlier, interrupted call of this plan are killed (they change nothing). */
  async killLeftoverScans(): Promise<void> {
    const rows = await queryRows(
      this.o.control,
      'SELECT ID AS id, INFO AS info FROM information_schema.PROCESSLIST WHERE INFO LIKE ? AND ID <> CONNECTION_ID()',
      [tagLikePattern(this.o.planId)],
    );
    for (const r of rows) {
      const tag = parseTag(str(r, 'info'));
      if (!tag || !tag.stepId.startsWith('q')) continue;
      try {
        await execute(this.o.control, `KILL QUERY ${Math.trunc(num(r, 'id'))}`);
      } catch {
        // gone already
      }
    }
  }

  emit(e: Omit<ProgressEvent, 'action' | 'elapsedMs'> & { action?: ProgressAction; stage?: ProgressStage }): void {
    if (!this.o.progress) return;
    try {
      this.o.progress({ action: this.o.action, ...e, elapsedMs: Date.now() - this.o.started });
    } catch {
      // a listener must not break a run
    }
  }
}

function describeStatement(sql: string): string {
  const oneLine = sql.replace(/\s+/g, ' ');
  return oneLine.length > 160 ? oneLine.slice(0, 157) + '...' : oneLine;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
