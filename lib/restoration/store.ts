import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { PLAN_FORMAT, PLAN_VERSION, Plan } from './types';

/**
 * Where the plan lives. Saving is always a whole-document put (the Lambda keeps it in S3), and
 * `save` must not resolve before the document is durable.
 */
export interface PlanStore {
  load(): Promise<Plan | undefined>;
  save(plan: Plan): Promise<void>;
  /** Shown in messages, e.g. the file path or the S3 URI. */
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

/**
 * A plan kept in a local file. Saves are atomic: write a temporary file in the same directory,
 * fsync it, rename it over the plan, fsync the directory.
 */
export class FilePlanStore implements PlanStore {
  readonly description: string;

  constructor(readonly file: string) {
    this.description = file;
  }

  async load(): Promise<Plan | undefined> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    return parsePlan(text, this.file);
  }

  async save(plan: Plan): Promise<void> {
    const dir = path.dirname(path.resolve(this.file));
    const tmp = path.join(dir, `.${path.basename(this.file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const handle = await fs.open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(serializePlan(plan), 'utf8');
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

/** A plan kept in memory (tests). Stores a serialised copy, like a remote store would. */
export class MemoryPlanStore implements PlanStore {
  readonly description = 'memory';
  private text: string | undefined;
  saves = 0;

  constructor(plan?: Plan) {
    if (plan) this.text = serializePlan(plan);
  }

  async load(): Promise<Plan | undefined> {
    return this.text === undefined ? undefined : parsePlan(this.text, 'memory');
  }

  async save(plan: Plan): Promise<void> {
    this.text = serializePlan(plan);
    this.saves++;
  }

  /** The stored document, parsed (a copy). */
  peek(): Plan | undefined {
    return this.text === undefined ? undefined : parsePlan(this.text, 'memory');
  }
}
