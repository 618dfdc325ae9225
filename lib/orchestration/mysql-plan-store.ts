import {
  ConnectionFactory,
  Plan,
  PlanChange,
  PlanFormatError,
  PlanStore,
  SqlConnection,
  checkPlan,
  definitionOf,
  quoteId,
  stateRecord,
} from '../restoration';

/**
 * Keeps restoration plans in a control database on the target itself: per plan, one row of
 * `plans` (the header: ids, server, databases, phase, runs) and one row of `plan_objects` per
 * object (its definition, written once, and its state, updated as the run goes). A run's record
 * updates the header row and the rows of the objects that changed: a few hundred bytes, whatever
 * the size of the plan.
 *
 * Why there and not in S3: the restoration Lambda already reaches the target (no S3 endpoint or
 * NAT route to add to private subnets), each write is an InnoDB commit on Aurora's replicated
 * storage, and the plan travels with the schema it describes: a snapshot restored to retry a
 * load brings back the plan that matches it.
 *
 * Rows are only inserted and updated (the documented grant is CREATE, SELECT, INSERT, UPDATE):
 * a plan that replaces another of the same name overwrites its rows by position, and rows past
 * its object count are never read. A `plans` row written by an earlier version (the whole plan
 * in `document`) loads as it is and moves to rows at the next save.
 */
export class MySqlPlanStore implements PlanStore {
  public readonly description: string;
  private connection?: Promise<SqlConnection>;
  private ready = false;
  /** What the rows hold now, as this store last read or wrote them. */
  private stored?: { planId: string; header: Record<string, unknown>; seq: Map<string, number>; states: Map<string, string> };

  constructor(
    private readonly connections: ConnectionFactory,
    private readonly controlDatabase: string,
    private readonly planName: string,
  ) {
    this.description = `${quoteId(controlDatabase)}.\`plans\` row "${planName}"`;
  }

  public async load(): Promise<Plan | undefined> {
    this.stored = undefined;
    const rows = (await this.query('SELECT document FROM %DB%.`plans` WHERE name = ?', [this.planName])) as Array<{ document: string }>;
    if (!rows.length) return undefined;
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(rows[0].document) as Record<string, unknown>;
    } catch (err) {
      throw new PlanFormatError(`${this.description}: not JSON (${(err as Error).message})`);
    }
    if (Array.isArray(doc.objects)) return checkPlan(doc, this.description); // a plan of the earlier, one-row format
    const count = doc.objectRows;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) throw new PlanFormatError(`${this.description}: no objects and no objectRows`);
    const objectRows = (await this.query(
      'SELECT seq, plan_id, definition, state FROM %DB%.`plan_objects` WHERE name = ? AND seq < ? ORDER BY seq',
      [this.planName, count],
    )) as Array<{ seq: number; plan_id: string; definition: string; state: string }>;
    if (objectRows.length !== count || objectRows.some((r, i) => Number(r.seq) !== i || r.plan_id !== doc.planId)) {
      throw new PlanFormatError(`${this.description}: ${count} object row(s) expected for plan ${String(doc.planId)}, found ${objectRows.filter((r) => r.plan_id === doc.planId).length}`);
    }
    const { objectRows: _count, ...header } = doc;
    void _count;
    const objects = objectRows.map((r) => ({ ...(JSON.parse(r.definition) as object), ...(JSON.parse(r.state) as object) }));
    const plan = checkPlan({ ...header, objects }, this.description);
    this.stored = {
      planId: plan.planId,
      header: doc,
      seq: new Map(plan.objects.map((o, i) => [o.key, i])),
      states: new Map(objectRows.map((r, i) => [plan.objects[i].key, r.state])),
    };
    return plan;
  }

  /**
   * The whole plan: a new plan (or one loaded from the earlier format) writes every row in one
   * transaction; the plan this store holds writes the header and the objects whose state differs.
   */
  public async save(plan: Plan): Promise<void> {
    const { objects, ...rest } = plan;
    const header = { ...rest, objectRows: objects.length };
    const stored = this.stored;
    if (stored && stored.planId === plan.planId && stored.seq.size === objects.length) {
      const changed = objects.filter((o) => stored.states.get(o.key) !== JSON.stringify(stateRecord(o)));
      await this.transaction(async () => {
        await this.writeHeader(header);
        await this.writeStates(changed.map((o) => stateRecord(o)));
      });
      return;
    }
    const db = quoteId(this.controlDatabase);
    await this.transaction(async (conn) => {
      for (const chunk of chunks(objects.map((o, i) => [this.planName, i, plan.planId, JSON.stringify(definitionOf(o)), JSON.stringify(stateRecord(o))] as const))) {
        await conn.query(
          `INSERT INTO ${db}.\`plan_objects\` (name, seq, plan_id, definition, state) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?)').join(', ')} ` +
            'ON DUPLICATE KEY UPDATE plan_id = VALUES(plan_id), definition = VALUES(definition), state = VALUES(state)',
          chunk.flat(),
        );
      }
      await conn.query(
        `INSERT INTO ${db}.\`plans\` (name, document) VALUES (?, ?) ON DUPLICATE KEY UPDATE document = VALUES(document), revision = revision + 1`,
        [this.planName, JSON.stringify(header)],
      );
    });
    this.stored = {
      planId: plan.planId,
      header,
      seq: new Map(objects.map((o, i) => [o.key, i])),
      states: new Map(objects.map((o) => [o.key, JSON.stringify(stateRecord(o))])),
    };
  }

  /** The header row first: its lastStep must never be behind a step id recorded on an object. */
  public async record(change: PlanChange): Promise<void> {
    const stored = this.stored;
    if (!stored || stored.planId !== change.planId) throw new Error(`${this.description}: record of plan ${change.planId}, which this store has not loaded or saved`);
    await this.writeHeader({ ...stored.header, ...change.header });
    await this.writeStates(change.objects);
  }

  public async close(): Promise<void> {
    const pending = this.connection;
    this.connection = undefined;
    if (pending) await (await pending).end().catch(() => undefined);
  }

  private async writeHeader(header: Record<string, unknown>): Promise<void> {
    await this.query('UPDATE %DB%.`plans` SET document = ?, revision = revision + 1 WHERE name = ?', [JSON.stringify(header), this.planName]);
    this.stored!.header = header;
  }

  private async writeStates(records: readonly ReturnType<typeof stateRecord>[]): Promise<void> {
    const stored = this.stored!;
    const rows = records.map((r) => {
      const seq = stored.seq.get(r.key);
      if (seq === undefined) throw new Error(`${this.description}: no object ${r.key} in plan ${stored.planId}`);
      return [seq, JSON.stringify(r), r.key] as const;
    });
    for (const chunk of chunks(rows)) {
      await this.query(
        `UPDATE %DB%.\`plan_objects\` SET state = CASE seq ${chunk.map(() => 'WHEN ? THEN ?').join(' ')} END WHERE name = ? AND seq IN (?)`,
        [...chunk.flatMap(([seq, state]) => [seq, state]), this.planName, chunk.map(([seq]) => seq)],
      );
      for (const [, state, key] of chunk) stored.states.set(key, state);
    }
  }

  /** Runs `fn` in one transaction on the store's connection; on an error the connection goes (and the transaction with it). */
  private async transaction(fn: (conn: SqlConnection) => Promise<void>): Promise<void> {
    const conn = await this.connect();
    try {
      await conn.query('START TRANSACTION');
      await fn(conn);
      await conn.query('COMMIT');
    } catch (err) {
      this.drop(conn);
      throw err;
    }
  }

  private async query(sql: string, values: unknown[]): Promise<unknown> {
    const conn = await this.connect();
    try {
      const [rows] = await conn.query(sql.replace('%DB%', quoteId(this.controlDatabase)), values);
      return rows;
    } catch (err) {
      this.drop(conn);
      throw err;
    }
  }

  /** A connection that failed is closed (an open transaction rolls back) and opened again on the next call. */
  private drop(conn: SqlConnection): void {
    this.connection = undefined;
    conn.destroy();
  }

  private async connect(): Promise<SqlConnection> {
    this.connection ??= this.connections.connect();
    const conn = await this.connection;
    if (!this.ready) {
      const db = quoteId(this.controlDatabase);
      await conn.query(`CREATE DATABASE IF NOT EXISTS ${db}`);
      await conn.query(
        `CREATE TABLE IF NOT EXISTS ${db}.\`plans\` (` +
          'name VARCHAR(128) NOT NULL PRIMARY KEY, ' +
          'document LONGTEXT NOT NULL, ' +
          'revision INT NOT NULL DEFAULT 1, ' +
          'updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)' +
          ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
      );
      await conn.query(
        `CREATE TABLE IF NOT EXISTS ${db}.\`plan_objects\` (` +
          'name VARCHAR(128) NOT NULL, ' +
          'seq INT NOT NULL, ' +
          'plan_id VARCHAR(64) NOT NULL, ' +
          'definition LONGTEXT NOT NULL, ' +
          'state LONGTEXT NOT NULL, ' +
          'PRIMARY KEY (name, seq)' +
          ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
      );
      this.ready = true;
    }
    return conn;
  }
}

/**
 * Rows in groups of about 1 MB of text: a statement stays far below the servers' default
 * max_allowed_packet (MySQL 8.0: 64 MB, "Packet Too Large" in the MySQL 8.0 Reference Manual;
 * MariaDB: 16 MB).
 */
function chunks<T extends readonly unknown[]>(rows: readonly T[], maxBytes = 1_000_000): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const r of rows) {
    const bytes = r.reduce<number>((n, v) => n + (typeof v === 'string' ? v.length : 8), 0);
    if (current.length && size + bytes > maxBytes) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(r);
    size += bytes;
  }
  if (current.length) out.push(current);
  return out;
}
