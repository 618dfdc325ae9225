import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { PlanChange, applyChange, indexByKey } from './plan-state';
import { PLAN_FORMAT, PLAN_VERSION, Plan } from './types';

/**
 * Where the plan lives. A run saves the whole plan once at the start and once at the end of a
 * call, and in between records each change (a few objects and the small header) before the
 * statement it announces is sent: persisting progress costs what changed, not the plan's size.
 */
export interface PlanStore {
  /** The plan with every recorded change applied; undefined when the store has none. Changes nothing. */
  load(): Promise<Plan | undefined>;
  /** Replaces the whole plan (and forgets the changes recorded before); durable when it resolves. */
  save(plan: Plan): Promise<void>;
  /** Records a change of the plan last loaded or saved; durable when it resolves. */
  record(change: PlanChange): Promise<void>;
  /** Shown in messages, e.g. the file path or the control table row. */
  readonly description: string;
}

export class PlanFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanFormatError';
  }
}

/** Serialises a plan (stable, human-readable). */
export function serializePlan(plan: Plan): string {
  return JSON.stringify(plan, null, 2) + '\n';
}

/** Parses and checks a plan document; throws PlanFormatError with a clear message. */
export function parsePlan(text: string, source = 'plan'): Plan {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new PlanFormatError(`${source}: not JSON (${(err as Error).message})`);
  }
  return checkPlan(doc, source);
}

/** Checks a parsed plan document. */
export function checkPlan(doc: unknown, source = 'plan'): Plan {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new PlanFormatError(`${source}: not a plan document`);
  const d = doc as Record<string, unknown>;
  if (d.format !== PLAN_FORMAT) throw new PlanFormatError(`${source}: not a restoration plan (format is ${JSON.stringify(d.format)})`);
  if (d.version !== PLAN_VERSION) {
    throw new PlanFormatError(`${source}: plan format version ${JSON.stringify(d.version)} is not supported (this engine reads version ${PLAN_VERSION})`);
  }
  if (typeof d.planId !== 'string' || !/^[0-9a-z-]+$/i.test(d.planId)) throw new PlanFormatError(`${source}: bad planId`);
  if (!Array.isArray(d.objects)) throw new PlanFormatError(`${source}: objects is not a list`);
  if (!Array.isArray(d.databases) || !d.databases.every((x) => typeof x === 'string')) throw new PlanFormatError(`${source}: databases is not a list of names`);
  if (!Array.isArray(d.runs)) throw new PlanFormatError(`${source}: runs is not a list`);
  if (typeof d.lastStep !== 'number') throw new PlanFormatError(`${source}: lastStep is not a number`);
  for (const o of d.objects as unknown[]) {
    if (typeof o !== 'object' || o === null) throw new PlanFormatError(`${source}: an object entry is not an object`);
    const e = o as Record<string, unknown>;
    if (e.kind !== 'index' && e.kind !== 'foreignKey' && e.kind !== 'trigger') throw new PlanFormatError(`${source}: unknown object kind ${JSON.stringify(e.kind)}`);
    for (const f of ['key', 'database', 'table', 'name', 'state'] as const) {
      if (typeof e[f] !== 'string') throw new PlanFormatError(`${source}: object ${JSON.stringify(e.key)} has no ${f}`);
    }
  }
  return doc as Plan;
}

/** One journal line: a recorded change. */
export function serializeChange(change: PlanChange): string {
  return JSON.stringify({ plan: change.planId, header: change.header, objects: change.objects }) + '\n';
}

/** The digest a fold marker carries: of the plan text that folds the journal. */
function digest(planText: string): string {
  return createHash('sha256').update(planText).digest('hex');
}

/**
 * The changes of a journal that belong to plan `planId`, in order. A last line cut short (the
 * process died while appending it, before its statement was sent) is ignored; any other line
 * that is not a change is an error. A fold marker naming the digest of `planText` means the plan
 * already holds every change before it (the process died after writing the plan, before removing
 * the journal).
 */
export function parseJournal(text: string, source: string, planId: string, planText?: string): PlanChange[] {
  const lines = text.split('\n');
  const changes: PlanChange[] = [];
  lines.forEach((line, i) => {
    if (!line) return;
    if (line.startsWith('{"folded":')) {
      const marker = JSON.parse(line) as { folded: string };
      if (planText !== undefined && marker.folded === digest(planText)) changes.length = 0;
      return;
    }
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      if (i === lines.length - 1) return; // torn last line (no newline after it)
      throw new PlanFormatError(`${source}: line ${i + 1} is not JSON`);
    }
    const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const header = (typeof e.header === 'object' && e.header !== null ? e.header : {}) as Record<string, unknown>;
    if (typeof e.plan !== 'string' || !Array.isArray(e.objects) || !Array.isArray(header.runs) || typeof header.lastStep !== 'number') {
      throw new PlanFormatError(`${source}: line ${i + 1} is not a journal entry`);
    }
    if (e.plan === planId) changes.push({ planId: e.plan, header: header as unknown as PlanChange['header'], objects: e.objects as PlanChange['objects'] });
  });
  return changes;
}

function replay(plan: Plan, changes: readonly PlanChange[], source: string): Plan {
  if (!changes.length) return plan;
  const byKey = indexByKey(plan);
  for (const c of changes) {
    try {
      applyChange(plan, c, byKey);
    } catch (err) {
      throw new PlanFormatError(`${source}: ${(err as Error).message}`);
    }
  }
  return plan;
}

/**
 * A plan kept in a local file, with an append-only journal beside it (`<file>.journal`).
 *
 * Saves are atomic: write a temporary file in the same directory, fsync it, rename it over the
 * plan, fsync the directory, then remove the journal. A record appends one line to the journal
 * and fsyncs it. Loading reads the plan and applies the journal's lines; the next save folds
 * them into the plan. Before the rename, a save appends to the journal a fold marker with the
 * digest of the new plan text: a journal left behind by a process that died between the rename
 * and the removal is then known to be folded already.
 */
export class FilePlanStore implements PlanStore {
  readonly description: string;
  readonly journal: string;
  private journalKnown = false;

  constructor(readonly file: string) {
    this.description = file;
    this.journal = `${file}.journal`;
  }

  async load(): Promise<Plan | undefined> {
    const text = await readIfExists(this.file);
    if (text === undefined) return undefined;
    const plan = parsePlan(text, this.file);
    const journal = await readIfExists(this.journal);
    return journal === undefined ? plan : replay(plan, parseJournal(journal, this.journal, plan.planId, text), this.journal);
  }

  async save(plan: Plan): Promise<void> {
    const dir = path.dirname(path.resolve(this.file));
    const text = serializePlan(plan);
    if (this.journalKnown || (await exists(this.journal))) await this.append(JSON.stringify({ folded: digest(text) }) + '\n');
    const tmp = path.join(dir, `.${path.basename(this.file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const handle = await fs.open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.rename(tmp, this.file);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
    await syncDir(dir);
    await fs.rm(this.journal, { force: true });
    await syncDir(dir);
    this.journalKnown = false;
  }

  async record(change: PlanChange): Promise<void> {
    await this.append(serializeChange(change));
  }

  private async append(line: string): Promise<void> {
    const handle = await fs.open(this.journal, 'a', 0o600);
    try {
      await handle.write(line, null, 'utf8');
      await handle.datasync();
    } finally {
      await handle.close();
    }
    if (!this.journalKnown) {
      // A new journal's directory entry must be durable too.
      await syncDir(path.dirname(path.resolve(this.journal)));
      this.journalKnown = true;
    }
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.stat(file);
    return true;
  } catch {
    return false;
  }
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function syncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  } finally {
    await handle?.close();
  }
}

/** A plan kept in memory (tests, benchmarks): a serialised copy and a journal, like the file store. */
export class MemoryPlanStore implements PlanStore {
  readonly description = 'memory';
  private text: string | undefined;
  private journal: string[] = [];
  saves = 0;
  records = 0;

  constructor(plan?: Plan) {
    if (plan) this.text = serializePlan(plan);
  }

  async load(): Promise<Plan | undefined> {
    return this.peek();
  }

  async save(plan: Plan): Promise<void> {
    this.text = serializePlan(plan);
    this.journal = [];
    this.saves++;
  }

  async record(change: PlanChange): Promise<void> {
    this.journal.push(serializeChange(change));
    this.records++;
  }

  /** The stored plan with its journal applied (a copy). */
  peek(): Plan | undefined {
    if (this.text === undefined) return undefined;
    const plan = parsePlan(this.text, 'memory');
    return replay(plan, parseJournal(this.journal.join(''), 'memory journal', plan.planId), 'memory journal');
  }
}
