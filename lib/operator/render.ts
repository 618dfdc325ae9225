import { describeStopReason } from '../orchestration/dms-task-state';
import { describeDifference, driftCount } from './drift';
import {
  AlarmStatus,
  EnvironmentStatus,
  LatencySeries,
  RestorationStatus,
  TableStatus,
  tableHasValidationMismatch,
  tableIsErrored,
  tableIsLoading,
  TaskStatus,
  TABLE_STATE,
} from './model';

/*
 * Pure renderers: data in, text out. No terminal access, no clock: the caller passes whether
 * the output is a terminal (progress bar, colors, row limit) and its width.
 */

export interface RenderOptions {
  /** Draw the progress bar and limit the table to `maxTableRows` rows. */
  readonly tty: boolean;
  /** ANSI colors (a terminal without NO_COLOR). */
  readonly color: boolean;
  /** Terminal width; long table names are cut to fit. */
  readonly columns?: number;
  /** Rows of the per-table listing on a terminal (problems first). @default 20 */
  readonly maxTableRows?: number;
}

export const PLAIN: RenderOptions = { tty: false, color: false };

type Color = 'red' | 'green' | 'yellow' | 'dim' | 'bold';
const ANSI: Record<Color, [string, string]> = {
  red: ['\x1b[31m', '\x1b[39m'],
  green: ['\x1b[32m', '\x1b[39m'],
  yellow: ['\x1b[33m', '\x1b[39m'],
  dim: ['\x1b[2m', '\x1b[22m'],
  bold: ['\x1b[1m', '\x1b[22m'],
};

export function paint(options: RenderOptions, color: Color, text: string): string {
  return options.color ? `${ANSI[color][0]}${text}${ANSI[color][1]}` : text;
}

/** The whole status screen of an environment. */
export function renderStatus(status: EnvironmentStatus, options: RenderOptions = PLAIN): string {
  const lines: string[] = [];
  lines.push(
    paint(options, 'bold', `environment ${status.environment}`) +
      ` (account ${status.account}, ${status.region}) at ${formatTime(status.generatedAt)}`,
  );
  const envAlarms = status.alarms.items.filter((a) => a.task === null);
  lines.push(`replication instance ${status.replicationInstance}, alarms: ${renderAlarmSummary(envAlarms, options)}`);
  for (const task of status.tasks) {
    lines.push('');
    lines.push(...renderTask(task, status.alarms.items.filter((a) => a.task === task.name), options));
  }
  return lines.join('\n') + '\n';
}

const LABEL_WIDTH = 13;
const label = (text: string) => `  ${text.padEnd(LABEL_WIDTH)}`;

export function renderTask(task: TaskStatus, alarms: readonly AlarmStatus[], options: RenderOptions = PLAIN): string[] {
  const lines: string[] = [];
  lines.push(paint(options, 'bold', `task ${task.name}`) + ` (${task.identifier}, ${task.migrationType})`);
  lines.push(label('status') + renderTaskState(task, options));
  if (task.migrationType !== 'cdc') lines.push(label('full load') + renderFullLoad(task, options));
  if (task.migrationType !== 'full-load') lines.push(label('CDC latency') + renderLatency(task));
  lines.push(label('alarms') + renderAlarmSummary(alarms, options));
  lines.push(label('restoration') + renderRestoration(task.restoration, options));
  lines.push(...renderDrift(task, options));
  lines.push('');
  lines.push(...renderTables(task.tables, options).map((l) => `  ${l}`));
  return lines;
}

/** Differences shown under the drift line; --json lists all. */
const MAX_DRIFT_LINES = 10;

export function renderDrift(task: TaskStatus, options: RenderOptions = PLAIN): string[] {
  const drift = task.drift;
  if (!drift.checked) return [label('drift') + `not checked: ${drift.reason}`];
  const count = driftCount(drift);
  if (count === 0) return [label('drift') + 'none: settings and table mapping as the stack deploys them'];
  const head = `${count} difference(s) from what the stack deploys (settings ${drift.settings.length}, table mapping ${drift.tableMappings.length}); a deploy sets them back`;
  const all = [...drift.settings.map((d) => `settings ${describeDifference(d)}`), ...drift.tableMappings.map((d) => `table mapping ${describeDifference(d)}`)];
  const shown = all.slice(0, MAX_DRIFT_LINES).map((line) => ' '.repeat(LABEL_WIDTH + 2) + line);
  if (all.length > MAX_DRIFT_LINES) shown.push(' '.repeat(LABEL_WIDTH + 2) + `... ${all.length - MAX_DRIFT_LINES} more (--json lists all)`);
  return [label('drift') + paint(options, 'yellow', head), ...shown];
}

const PHASE_TEXT: Record<TaskStatus['phase'], string> = {
  'not-started': 'not started yet',
  'full-load': 'full load in progress',
  'post-load-stop': 'stopped after the full load: restoration next, then CDC resumes',
  cdc: 'replicating changes (CDC)',
  'full-load-finished': 'full load finished',
  stopped: 'stopped',
  recovering: 'DMS restarts the task by itself',
  failed: 'FAILED',
  transition: 'changing state',
};

export function renderTaskState(task: TaskStatus, options: RenderOptions = PLAIN): string {
  const reason = task.stopReason ? ` (${task.stopReason})` : '';
  // What the stop reason means (the list shared with the runbook), except for failures, which show DMS's own message.
  const meaning = task.phase !== 'failed' && task.status === 'stopped' ? describeStopReason(task.stopReason)?.meaning : undefined;
  const text = `${task.status}${reason}: ${meaning ? `${meaning}; ` : ''}${PHASE_TEXT[task.phase]}`;
  if (task.phase === 'failed') {
    const why = task.lastFailureMessage ? `: ${firstLine(task.lastFailureMessage)}` : '';
    return paint(options, 'red', `${text}${why}`);
  }
  return text;
}

export function renderFullLoad(task: TaskStatus, options: RenderOptions = PLAIN): string {
  const f = task.fullLoad;
  const percent = f.percent ?? 0;
  const counts = `tables ${f.tablesLoaded} loaded, ${f.tablesLoading} loading, ${f.tablesQueued} queued, ${f.tablesErrored} errored`;
  const errored = f.tablesErrored > 0 ? paint(options, 'red', counts) : counts;
  const when = f.finishedAt ? `, finished ${formatTime(f.finishedAt)}` : f.elapsedSeconds !== null && f.percent !== null ? `, ${formatDuration(f.elapsedSeconds)} elapsed` : '';
  const pct = f.percent === null ? 'no statistics yet' : `${percent}%`;
  const bar = options.tty ? `${progressBar(percent, 20)} ` : '';
  return `${bar}${pct}, ${errored}${when}`;
}

/** `[#####.....]` on a terminal, with block characters. */
export function progressBar(percent: number, width: number): string {
  const clamped = Math.max(0, Math.min(100, percent));
  const filled = Math.round((clamped / 100) * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
}

export function renderLatency(task: TaskStatus): string {
  const l = task.cdcLatency;
  const latest = (s: LatencySeries) => (s.latestSeconds === null ? 'no data' : formatSeconds(s.latestSeconds));
  const max = (s: LatencySeries) => (s.maxSeconds === null ? 'no data' : formatSeconds(s.maxSeconds));
  if (l.source.datapoints === 0 && l.target.datapoints === 0) return `source no data, target no data (last ${l.windowMinutes} min)`;
  return `source ${latest(l.source)}, target ${latest(l.target)} (last ${l.windowMinutes} min max: source ${max(l.source)}, target ${max(l.target)})`;
}

export function renderAlarmSummary(alarms: readonly AlarmStatus[], options: RenderOptions = PLAIN): string {
  if (alarms.length === 0) return 'none';
  const order = ['ALARM', 'INSUFFICIENT_DATA', 'NOT_FOUND', 'OK'] as const;
  const parts: string[] = [];
  for (const state of order) {
    const matching = alarms.filter((a) => a.state === state);
    if (matching.length === 0) continue;
    if (state === 'OK') {
      parts.push(paint(options, 'green', `${matching.length} OK`));
      continue;
    }
    const names = matching.map((a) => shortAlarmName(a.name)).join(', ');
    const text = `${matching.length} ${state === 'NOT_FOUND' ? 'not found' : state} (${names})`;
    parts.push(state === 'ALARM' ? paint(options, 'red', text) : paint(options, 'yellow', text));
  }
  return parts.join(', ');
}

/** dms/dev/task/dev-x/cdc-latency-source -> task/dev-x/cdc-latency-source */
function shortAlarmName(name: string): string {
  return name.replace(/^dms\/[^/]+\//, '');
}

export function renderRestoration(r: RestorationStatus, options: RenderOptions = PLAIN): string {
  switch (r.state) {
    case 'NOT_DEPLOYED':
      return `not deployed (no state machine ${r.stateMachine})`;
    case 'NOT_STARTED':
      return `not started (${r.stateMachine} has no execution yet)`;
    case 'RUNNING':
      return `RUNNING since ${formatTime(r.startedAt)}`;
    case 'SUCCEEDED': {
      const report = r.report;
      if (!report) return `SUCCEEDED ${formatTime(r.stoppedAt)} (no run report in the output)`;
      const verified = report.restorationVerified ? 'verified' : paint(options, 'yellow', 'NOT verified');
      const cdc = report.cdcResumed ? ', CDC resumed' : '';
      return `SUCCEEDED ${formatTime(r.stoppedAt)}, ${verified}, ${renderCounts(report.counts, options)}${cdc}`;
    }
    default: {
      const report = r.report;
      const why = report
        ? `${renderCounts(report.counts, options)} at step ${report.step}${report.dmsReason ? `: ${report.dmsReason}` : ''}${
            report.failures.length ? `: ${report.failures.slice(0, 3).map((f) => `${f.object}: ${f.reason}`).join('; ')}` : ''
          }`
        : [r.error, r.cause ? firstLine(r.cause) : null].filter(Boolean).join(': ');
      return paint(options, 'red', `${r.state} ${formatTime(r.stoppedAt)}${why ? `: ${why}` : ''}`);
    }
  }
}

function renderCounts(c: { restored: number; skipped: number; failed: number; orphans: number }, options: RenderOptions): string {
  const text = `${c.restored} restored, ${c.skipped} skipped, ${c.failed} failed, ${c.orphans} orphans`;
  return c.failed > 0 || c.orphans > 0 ? paint(options, 'red', text) : text;
}

/** Problems first: errors, validation mismatches, loading, queued, then the rest by name. */
function tableRank(t: TableStatus): number {
  if (tableIsErrored(t) || t.state === TABLE_STATE.CANCELLED || t.state === TABLE_STATE.NOT_EXIST) return 0;
  if (tableHasValidationMismatch(t)) return 1;
  if (tableIsLoading(t)) return 2;
  if (t.state === TABLE_STATE.BEFORE_LOAD) return 3;
  return 4;
}

export function renderTables(tables: readonly TableStatus[], options: RenderOptions = PLAIN): string[] {
  if (tables.length === 0) return ['no table statistics yet'];
  const sorted = [...tables].sort((a, b) => tableRank(a) - tableRank(b));
  const limit = options.tty ? (options.maxTableRows ?? 20) : Number.POSITIVE_INFINITY;
  const shown = sorted.slice(0, limit);
  const header = ['TABLE', 'STATE', 'ROWS LOADED', 'INSERTS', 'UPDATES', 'DELETES', 'VALIDATION'];
  const rows = shown.map((t) => [
    `${t.schema}.${t.table}`,
    t.state,
    formatCount(t.fullLoadRows) + (t.fullLoadErrorRows > 0 ? ` (${formatCount(t.fullLoadErrorRows)} errors)` : ''),
    formatCount(t.inserts),
    formatCount(t.updates),
    formatCount(t.deletes),
    renderValidation(t),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  if (options.columns) {
    const others = widths.slice(1).reduce((a, b) => a + b + 2, 2);
    widths[0] = Math.max(12, Math.min(widths[0], options.columns - others));
  }
  const numeric = [false, false, true, true, true, true, false];
  const format = (cells: string[]) =>
    cells
      .map((cell, i) => {
        const text = cell.length > widths[i] ? `${cell.slice(0, widths[i] - 1)}~` : cell;
        return numeric[i] ? text.padStart(widths[i]) : text.padEnd(widths[i]);
      })
      .join('  ')
      .trimEnd();
  const out = [format(header)];
  shown.forEach((t, i) => {
    const line = format(rows[i]);
    const rank = tableRank(t);
    out.push(rank === 0 ? paint(options, 'red', line) : rank === 1 ? paint(options, 'yellow', line) : line);
  });
  if (sorted.length > shown.length) {
    out.push(paint(options, 'dim', `... ${sorted.length - shown.length} more tables (--json lists all)`));
  }
  return out;
}

function renderValidation(t: TableStatus): string {
  const state = t.validationState ?? '-';
  const extra: string[] = [];
  if (t.validationFailedRecords > 0) extra.push(`${formatCount(t.validationFailedRecords)} failed`);
  if (t.validationSuspendedRecords > 0) extra.push(`${formatCount(t.validationSuspendedRecords)} suspended`);
  if (t.validationPendingRecords > 0) extra.push(`${formatCount(t.validationPendingRecords)} pending`);
  return extra.length ? `${state} (${extra.join(', ')})` : state;
}

/** 2025-06-01T12:00:00.000Z -> 2025-06-01 12:00:00Z */
export function formatTime(isoTime: string | null): string {
  if (!isoTime) return '-';
  return isoTime.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

export function formatSeconds(seconds: number): string {
  const rounded = Math.round(seconds);
  return rounded < 120 ? `${rounded} s` : formatDuration(rounded);
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h > 0) return `${h} h ${m} min`;
  return rest ? `${m} min ${rest} s` : `${m} min`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}
