/** Helpers shared by the benchmark modes (not a benchmark). */
import type { Connection } from 'mysql2/promise';

export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function q(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

/** SHOW CREATE TABLE of every table and SHOW CREATE TRIGGER (without its creation time) of every trigger. */
export async function snapshot(c: Connection, databases: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const db of databases) {
    const [tables] = await c.query('SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME', [db]);
    for (const t of tables as { t: string }[]) {
      const [r] = await c.query(`SHOW CREATE TABLE ${q(db)}.${q(t.t)}`);
      out.set(`table ${db}.${t.t}`, String((r as Record<string, unknown>[])[0]['Create Table']));
    }
    const [triggers] = await c.query('SELECT TRIGGER_NAME AS n, ACTION_ORDER AS o FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY TRIGGER_NAME', [db]);
    for (const t of triggers as { n: string; o: number }[]) {
      const [r] = await c.query(`SHOW CREATE TRIGGER ${q(db)}.${q(t.n)}`);
      const { Created: _c, ...rest } = (r as Record<string, unknown>[])[0];
      void _c;
      out.set(`trigger ${db}.${t.n}`, JSON.stringify({ ...rest, order: t.o }));
    }
  }
  return out;
}

/** What differs between two snapshots (empty when identical). */
export function compare(expected: Map<string, string>, actual: Map<string, string>): string[] {
  const diffs: string[] = [];
  for (const [k, v] of expected) if (actual.get(k) !== v) diffs.push(`${k} differs:\n--- expected\n${v}\n--- actual\n${actual.get(k) ?? '(missing)'}`);
  for (const k of actual.keys()) if (!expected.has(k)) diffs.push(`${k} is extra`);
  return diffs;
}

/** Runs `fn` and returns its result with the wall time in seconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return [value, Number(process.hrtime.bigint() - t0) / 1e9];
}

/** Runs `fn` and returns its result with the wall time and this process's CPU time, in seconds. */
export async function timedCpu<T>(fn: () => Promise<T>): Promise<[T, number, number]> {
  const c0 = process.cpuUsage();
  const [value, secs] = await timed(fn);
  const c = process.cpuUsage(c0);
  return [value, secs, (c.user + c.system) / 1e6];
}
