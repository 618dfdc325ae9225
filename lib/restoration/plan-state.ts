/**
 * The state of a plan's objects during a run, and what changed since the store last recorded it.
 *
 * Pure: no database, no I/O, the clock is given. The engine changes objects only through
 * {@link PlanState}, so every change is tracked and a store records what changed (a few objects
 * and the small header), never the whole plan, whatever its size.
 */
import {
  Failure,
  FailureReason,
  OBJECT_KINDS,
  ObjectKind,
  ObjectState,
  Plan,
  PlanObject,
  PlanPhase,
  PlanRun,
  StepRecord,
  tableKey,
} from './types';

/** The mutable part of a plan object: what a run changes, and what a store records. */
export interface ObjectStateRecord {
  readonly key: string;
  readonly state: ObjectState;
  readonly step?: StepRecord;
  readonly failure?: Failure;
  readonly skipped?: boolean;
  readonly updatedAt?: string;
}

/** The mutable part of the plan document outside its objects. */
export interface PlanHeaderState {
  readonly updatedAt: string;
  readonly phase: PlanPhase;
  readonly lastStep: number;
  readonly runs: readonly PlanRun[];
}

/** What changed since the last record: the header (always) and the objects that changed. */
export interface PlanChange {
  readonly planId: string;
  readonly header: PlanHeaderState;
  readonly objects: readonly ObjectStateRecord[];
}

const STATE_FIELDS = ['state', 'step', 'failure', 'skipped', 'updatedAt'] as const;

export function stateRecord(o: PlanObject): ObjectStateRecord {
  return {
    key: o.key,
    state: o.state,
    ...(o.step !== undefined ? { step: o.step } : {}),
    ...(o.failure !== undefined ? { failure: o.failure } : {}),
    ...(o.skipped !== undefined ? { skipped: o.skipped } : {}),
    ...(o.updatedAt !== undefined ? { updatedAt: o.updatedAt } : {}),
  };
}

/** The object without its state: what capture wrote, never changed by a run. */
export function definitionOf(o: PlanObject): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...o };
  for (const f of STATE_FIELDS) delete copy[f];
  return copy;
}

export function headerState(plan: Plan): PlanHeaderState {
  return { updatedAt: plan.updatedAt, phase: plan.phase, lastStep: plan.lastStep, runs: plan.runs };
}

/** Sets the state fields of `o` to those of `record` (absent optional fields are removed). */
export function assignState(o: PlanObject, record: ObjectStateRecord): void {
  const target = o as unknown as Record<string, unknown>;
  for (const f of STATE_FIELDS) {
    if (record[f] === undefined) delete target[f];
    else target[f] = record[f];
  }
}

/**
 * Applies a recorded change to a loaded plan. Every value in a change is absolute (no
 * increments), so applying a change twice, or a journal already folded into the plan, gives the
 * same plan. Throws on an object key the plan does not have.
 */
export function applyChange(plan: Plan, change: PlanChange, byKey: Map<string, PlanObject> = indexByKey(plan)): void {
  plan.updatedAt = change.header.updatedAt;
  plan.phase = change.header.phase;
  plan.lastStep = change.header.lastStep;
  plan.runs = change.header.runs.map((r) => ({ ...r }));
  for (const r of change.objects) {
    const o = byKey.get(r.key);
    if (!o) throw new Error(`recorded change for object ${r.key}, which the plan does not have`);
    assignState(o, r);
  }
}

export function indexByKey(plan: Plan): Map<string, PlanObject> {
  return new Map(plan.objects.map((o) => [o.key, o]));
}

export function sameKinds(a: readonly ObjectKind[] | undefined, b: readonly ObjectKind[] | undefined): boolean {
  const x = normalizeKinds(a);
  const y = normalizeKinds(b);
  return x.length === y.length && x.every((k, i) => k === y[i]);
}

/** Kinds in the canonical order, each once; undefined or empty means every kind. */
export function normalizeKinds(kinds: readonly ObjectKind[] | undefined): ObjectKind[] {
  if (!kinds || !kinds.length) return [...OBJECT_KINDS];
  return OBJECT_KINDS.filter((k) => kinds.includes(k));
}

/** The object is done for this action: in the wanted state, or failed (reported, not retried in this run). */
export function isSettled(o: PlanObject, action: 'defer' | 'apply'): boolean {
  if (o.step) return false;
  if (o.state === 'failed') return true;
  return action === 'apply' ? o.state === 'restored' : o.state === 'dropped';
}

/** What a failure says; the run, action and time are added by {@link PlanState.fail}. */
export interface FailureDetail {
  readonly reason: FailureReason;
  readonly message: string;
  readonly count?: number;
  readonly sample?: Failure['sample'];
}

export type Clock = () => string;

export class PlanState {
  private readonly dirty = new Set<PlanObject>();
  private readonly tables = new Map<string, Map<ObjectKind, PlanObject[]>>();
  private readonly byKey: Map<string, PlanObject>;

  constructor(
    readonly plan: Plan,
    private readonly now: Clock = () => new Date().toISOString(),
  ) {
    this.byKey = indexByKey(plan);
    for (const o of plan.objects) {
      const k = tableKey(o.database, o.table);
      let t = this.tables.get(k);
      if (!t) this.tables.set(k, (t = new Map()));
      const list = t.get(o.kind);
      if (list) list.push(o);
      else t.set(o.kind, [o]);
    }
  }

  /** The planned objects of one kind on one table (plan order). */
  tableObjects(kind: ObjectKind, database: string, table: string): readonly PlanObject[] {
    return this.tables.get(tableKey(database, table))?.get(kind) ?? [];
  }

  /** The run to continue: the last one, unfinished, of the same action and kinds. */
  openRun(action: 'defer' | 'apply', kinds: readonly ObjectKind[]): PlanRun | undefined {
    const last = this.plan.runs[this.plan.runs.length - 1];
    const busy: PlanPhase = action === 'defer' ? 'deferring' : 'applying';
    if (!last || this.plan.phase !== busy || last.action !== action || last.finishedAt || !sameKinds(last.kinds, kinds)) return undefined;
    return last;
  }

  /**
   * A new run over `kinds`: their objects become pending (failures of earlier runs are tried
   * again); an object whose statement is still recorded keeps it until its table is reached.
   */
  startRun(action: 'defer' | 'apply', kinds: readonly ObjectKind[]): PlanRun {
    const selected = normalizeKinds(kinds);
    const run: PlanRun = {
      number: this.plan.runs.length + 1,
      action,
      ...(selected.length === OBJECT_KINDS.length ? {} : { kinds: selected }),
      startedAt: this.now(),
      calls: 0,
    };
    this.plan.runs.push(run);
    this.plan.phase = action === 'defer' ? 'deferring' : 'applying';
    for (const o of this.plan.objects) {
      if (o.step || !selected.includes(o.kind)) continue;
      if (o.state === 'pending' && o.failure === undefined && o.skipped === undefined) continue;
      o.state = 'pending';
      delete o.failure;
      delete o.skipped;
      this.dirty.add(o);
    }
    return run;
  }

  /** Ends a call: when the run is complete, it is finished and the phase says what holds now. */
  finishCall(run: PlanRun, complete: boolean): void {
    if (!complete) return;
    run.finishedAt = this.now();
    if (run.action === 'defer') {
      this.plan.phase = 'deferred';
      return;
    }
    const absent = this.plan.objects.some((o) => o.state === 'dropped' || o.state === 'dropping' || o.state === 'restoring' || o.state === 'pending');
    this.plan.phase = absent ? 'deferred' : 'applied';
  }

  /** Records the statement on the objects before it is sent; returns its step id. */
  beginStep(objects: readonly PlanObject[], action: 'drop' | 'create', sql: string): { id: string; previous: ObjectState[] } {
    const id = `s${++this.plan.lastStep}`;
    const step: StepRecord = { id, action, sql, startedAt: this.now() };
    const previous = objects.map((o) => o.state);
    for (const o of objects) {
      o.step = step;
      o.state = action === 'create' ? 'restoring' : 'dropping';
      this.dirty.add(o);
    }
    return { id, previous };
  }

  /** The statement ended (either way): the objects are back to their state before it. */
  endStep(objects: readonly PlanObject[], previous: readonly ObjectState[]): void {
    objects.forEach((o, i) => {
      delete o.step;
      o.state = previous[i];
      this.dirty.add(o);
    });
  }

  /** A statement of an earlier call has ended: the live schema will say what it did. */
  clearStep(o: PlanObject): void {
    delete o.step;
    o.state = 'pending';
    this.dirty.add(o);
  }

  settle(o: PlanObject, state: 'restored' | 'dropped', skipped = false): void {
    o.state = state;
    delete o.failure;
    if (skipped) o.skipped = true;
    else delete o.skipped;
    o.updatedAt = this.now();
    this.dirty.add(o);
  }

  fail(o: PlanObject, action: 'defer' | 'apply', run: number, detail: FailureDetail): Failure {
    const failure: Failure = {
      action,
      run,
      reason: detail.reason,
      message: detail.message,
      ...(detail.count !== undefined ? { count: detail.count } : {}),
      ...(detail.sample !== undefined ? { sample: detail.sample } : {}),
      at: this.now(),
    };
    o.state = 'failed';
    o.failure = failure;
    delete o.skipped;
    o.updatedAt = failure.at;
    this.dirty.add(o);
    return failure;
  }

  /** Whether anything changed since the last {@link take}. */
  get changed(): boolean {
    return this.dirty.size > 0;
  }

  /** The change since the last take (the header and the objects that changed), and forgets it. */
  take(): PlanChange {
    this.plan.updatedAt = this.now();
    const objects = [...this.dirty].map(stateRecord);
    this.dirty.clear();
    return { planId: this.plan.planId, header: { ...headerState(this.plan), runs: this.plan.runs.map((r) => ({ ...r })) }, objects };
  }

  /** A change that could not be recorded: its objects are changed again (sent with the next one). */
  retake(change: PlanChange): void {
    for (const r of change.objects) {
      const o = this.byKey.get(r.key);
      if (o) this.dirty.add(o);
    }
  }

  /** The whole plan is about to be saved: nothing is left to record. */
  markSaved(): void {
    this.plan.updatedAt = this.now();
    this.dirty.clear();
  }
}
