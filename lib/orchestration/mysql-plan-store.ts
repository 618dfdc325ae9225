import { ConnectionFactory, Plan, parsePlan, PlanStore, quoteId, serializePlan, SqlConnection } from '../restoration';

/**
 * Keeps restoration plans in a control database on the target itself, one row per plan.
 *
 * Why there and not in S3: the restoration Lambda already reaches the target (no S3 endpoint or
 * NAT route to add to private subnets), each save is one InnoDB commit on Aurora's replicated
 * storage, and the plan travels with the schema it describes: a snapshot restored to retry a
 * load brings back the plan that matches it.
 */
export class MySqlPlanStore implements PlanStore {
  public readonly description: string;
  private connection?: Promise<SqlConnection>;
  private ready = false;

  constructor(
    private readonly connections: ConnectionFactory,
    private readonly controlDatabase: string,
    private readonly planName: string,
  ) {
    this.description = `${quoteId(controlDatabase)}.\`plans\` row "${planName}"`;
  }

  public async load(): Promise<Plan | undefined> {
    const rows = await this.query('SELECT document FROM %DB%.`plans` WHERE name = ?', [this.planName]);
    const row = (rows as Array<{ document: string }>)[0];
    return row ? parsePlan(row.document, this.description) : undefined;
  }

  /** One autocommitted upsert: durable when it returns. */
  public async save(plan: Plan): Promise<void> {
    await this.query(
      'INSERT INTO %DB%.`plans` (name, document) VALUES (?, ?) ON DUPLICATE KEY UPDATE document = VALUES(document), revision = revision + 1',
      [this.planName, serializePlan(plan)],
    );
  }

  public async close(): Promise<void> {
    const pending = this.connection;
    this.connection = undefined;
    if (pending) await (await pending).end().catch(() => undefined);
  }

  private async query(sql: string, values: unknown[]): Promise<unknown> {
    const conn = await this.connect();
    try {
      const [rows] = await conn.query(sql.replace('%DB%', quoteId(this.controlDatabase)), values);
      return rows;
    } catch (err) {
      // A dropped connection is opened again on the next call.
      this.connection = undefined;
      conn.destroy();
      throw err;
    }
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
      this.ready = true;
    }
    return conn;
  }
}
