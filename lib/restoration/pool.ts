/**
 * The engine's connections: opened on demand up to the concurrency, each prepared once
 * (session settings) and reused, closed at the end. Shared by defer/apply and verify.
 */
import { ConnectionFactory, SqlConnection, num, queryRows } from './connection';
import { prepareSession } from './server';

export async function closeQuietly(conn: SqlConnection): Promise<void> {
  try {
    await conn.end();
  } catch {
    try {
      conn.destroy();
    } catch {
      // nothing left to do
    }
  }
}

export class ConnectionPool {
  private readonly idle: SqlConnection[] = [];
  private readonly open = new Set<SqlConnection>();
  private readonly detached = new Set<SqlConnection>();
  private readonly threadIds = new Map<SqlConnection, number>();
  readonly concurrency: number;

  constructor(
    private readonly factory: ConnectionFactory,
    concurrency: number | undefined,
  ) {
    this.concurrency = Math.max(1, Math.floor(concurrency ?? 2));
  }

  /** A prepared connection whose thread id is known (a scan on it can be killed from another). */
  async acquire(): Promise<SqlConnection> {
    const c = this.idle.pop();
    if (c) return c;
    const conn = await this.factory.connect();
    try {
      await prepareSession(conn);
      const [r] = await queryRows(conn, 'SELECT CONNECTION_ID() AS id');
      this.threadIds.set(conn, num(r, 'id'));
    } catch (err) {
      await closeQuietly(conn);
      throw err;
    }
    this.open.add(conn);
    return conn;
  }

  release(conn: SqlConnection): void {
    if (this.detached.has(conn) || !this.open.has(conn)) return;
    this.idle.push(conn);
  }

  /** A connection in an unknown state: closed, never reused. */
  async discard(conn: SqlConnection): Promise<void> {
    if (this.open.delete(conn)) await closeQuietly(conn);
  }

  /** Leaves a running statement to the server: its connection is closed once the statement ends. */
  detach(conn: SqlConnection, pending: Promise<unknown>): void {
    this.detached.add(conn);
    this.open.delete(conn);
    const close = (): Promise<void> => closeQuietly(conn);
    pending.then(close, close);
  }

  /** Still ours to use (not detached, not discarded). */
  usable(conn: SqlConnection): boolean {
    return this.open.has(conn) && !this.detached.has(conn);
  }

  threadId(conn: SqlConnection): number | undefined {
    return this.threadIds.get(conn);
  }

  /**
   * Runs `fn` over `items`, at most `concurrency` at once, each on a connection of the pool;
   * stops taking items when `stop()` says so. The first error ends it (after the running ones).
   */
  async forEach<T>(items: readonly T[], fn: (conn: SqlConnection, item: T) => Promise<void>, stop: () => boolean = () => false): Promise<void> {
    let next = 0;
    let failure: { error: unknown } | undefined;
    const worker = async (): Promise<void> => {
      while (!failure && next < items.length && !stop()) {
        const item = items[next++];
        let conn: SqlConnection;
        try {
          conn = await this.acquire();
        } catch (error) {
          failure ??= { error };
          return;
        }
        try {
          await fn(conn, item);
          this.release(conn);
        } catch (error) {
          failure ??= { error };
          await this.discard(conn);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, items.length) }, () => worker()));
    if (failure) throw failure.error;
  }

  /** Closes the idle connections (detached ones close when their statement ends). */
  async close(): Promise<void> {
    const idle = this.idle.splice(0);
    for (const c of idle) {
      this.open.delete(c);
      await closeQuietly(c);
    }
    for (const c of [...this.open]) await this.discard(c);
  }
}
