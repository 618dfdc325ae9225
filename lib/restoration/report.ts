import { Plan, RunResult, SampleRow, VerifyResult } from './types';

const KIND: Record<string, string> = { index: 'index', foreignKey: 'foreign key', trigger: 'trigger' };

function q(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

function sampleText(sample: readonly SampleRow[] | undefined): string[] {
  if (!sample || !sample.length) return [];
  return sample.map((s) => {
    const values = Object.entries(s.values)
      .map(([k, v]) => `${k}=${v === null ? 'NULL' : JSON.stringify(v)}`)
      .join(', ');
    return `      sample: ${values}${s.rows !== undefined ? ` (${s.rows} row${s.rows === 1 ? '' : 's'})` : ''}`;
  });
}

/** Human-readable report of a defer or apply call (stdout of the CLI). */
export function formatRunReport(r: RunResult): string {
  const c = r.counts;
  const lines: string[] = [];
  const status = !r.done ? 'NOT DONE' : r.ok ? 'OK' : 'FAILED';
  const main = r.action === 'apply' ? `${c.restored} restored` : `${c.dropped} dropped`;
  lines.push(
    `${r.action} ${status}: ${c.total} object(s): ${main} (${c.skipped} already ${r.action === 'apply' ? 'in place' : 'absent'}), ${c.failed} failed, ${c.pending} pending, ${c.running} running` +
      ` [plan ${r.planId}, run ${r.run}, ${(r.elapsedMs / 1000).toFixed(1)}s]`,
  );
  if (r.failed.length) {
    lines.push('', 'failed:');
    for (const f of r.failed) {
      lines.push(`  ${KIND[f.kind]} ${q(f.database)}.${q(f.table)} ${q(f.name)}: ${f.reason}${f.count !== undefined ? ` (${f.count})` : ''}`);
      lines.push(`      ${f.message}`);
      lines.push(...sampleText(f.sample));
    }
  }
  if (r.running.length) {
    lines.push('', 'still running on the server (run again to continue):');
    for (const o of r.running) lines.push(`  ${KIND[o.kind]} ${q(o.database)}.${q(o.table)} ${q(o.name)}: statement ${o.stepId} since ${o.since}`);
  }
  return lines.join('\n') + '\n';
}

/** Human-readable report of verify. */
export function formatVerifyReport(r: VerifyResult): string {
  const c = r.counts;
  const lines = [
    `verify ${r.ok ? 'OK' : 'FAILED'}: ${c.total} object(s): ${c.ok} as planned, ${c.missing} missing, ${c.different} different, ${c.order} out of order, ${c.orphans} with orphan rows [plan ${r.planId}, ${(r.elapsedMs / 1000).toFixed(1)}s]`,
  ];
  if (r.problems.length) {
    lines.push('', 'problems:');
    for (const p of r.problems) {
      lines.push(`  ${KIND[p.kind]} ${q(p.database)}.${q(p.table)} ${q(p.name)}: ${p.status}${p.count !== undefined ? ` (${p.count})` : ''}`);
      if (p.message) lines.push(`      ${p.message}`);
      lines.push(...sampleText(p.sample));
    }
  }
  if (r.extra.length) {
    lines.push('', `not in the plan (information): ${r.extra.length}`);
    for (const e of r.extra.slice(0, 20)) lines.push(`  ${KIND[e.kind]} ${q(e.database)}.${q(e.table)} ${q(e.name)}`);
    if (r.extra.length > 20) lines.push(`  ... ${r.extra.length - 20} more`);
  }
  return lines.join('\n') + '\n';
}

/** Summary of a captured plan. */
export function formatCaptureReport(plan: Plan, where: string): string {
  const n = (k: string): number => plan.objects.filter((o) => o.kind === k).length;
  const tables = new Set(plan.objects.map((o) => JSON.stringify([o.database, o.table]))).size;
  return (
    `captured ${n('index')} index(es), ${n('foreignKey')} foreign key(s), ${n('trigger')} trigger(s) on ${tables} table(s) ` +
    `of ${plan.databases.map(q).join(', ')} into ${where} [plan ${plan.planId}, format version ${plan.version}]\n`
  );
}
