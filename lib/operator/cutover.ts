import {
  EnvironmentStatus,
  LatencySeries,
  TableStatus,
  tableHasValidationMismatch,
  tableIsErrored,
  TaskStatus,
  TABLE_STATE,
} from './model';
import { describeDifference } from './drift';
import { formatSeconds, formatTime, paint, PLAIN, RenderOptions } from './render';

/*
 * The cutover decision: pure, from the status document (read with per-minute Maximum CDC
 * latency over the --for window) to go / no-go with one reason per check.
 */

/** Default bound on CDCLatencySource and CDCLatencyTarget (seconds, every minute of the window). */
export const DEFAULT_MAX_LATENCY_SECONDS = 60;
/** Default window the latency must stay under the bound (minutes). */
export const DEFAULT_WINDOW_MINUTES = 15;
/**
 * DMS publishes CDC latency every minute while CDC runs. Allowed slack (seconds) for the
 * newest datapoint's age (CloudWatch delay), the first datapoint after the window start, and
 * any gap between datapoints; more than that means CDC did not run for the whole window.
 */
export const METRIC_SLACK_SECONDS = 300;

export type CheckId =
  | 'full-load'
  | 'tables'
  | 'validation'
  | 'restoration'
  | 'cdc-running'
  | 'cdc-latency-source'
  | 'cdc-latency-target'
  | 'alarms';

export interface CutoverCheck {
  /** Task name, or null for environment-wide checks (alarms). */
  readonly task: string | null;
  readonly check: CheckId;
  readonly ok: boolean;
  readonly detail: string;
}

export interface CutoverResult {
  readonly version: 1;
  readonly environment: string;
  readonly account: string;
  readonly region: string;
  readonly generatedAt: string;
  readonly go: boolean;
  readonly maxLatencySeconds: number;
  readonly windowMinutes: number;
  readonly checks: readonly CutoverCheck[];
  /** Worth knowing, not blocking (validation off, alarms not found, suspended records). */
  readonly warnings: readonly string[];
}

export interface CutoverOptions {
  readonly maxLatencySeconds: number;
  readonly windowMinutes: number;
}

export function evaluateCutover(status: EnvironmentStatus, options: CutoverOptions): CutoverResult {
  const now = Date.parse(status.generatedAt);
  const checks: CutoverCheck[] = [];
  const warnings: string[] = [];
  for (const task of status.tasks) {
    const add = (check: CheckId, ok: boolean, detail: string) => checks.push({ task: task.name, check, ok, detail });
    const hasFullLoad = task.migrationType !== 'cdc';
    const hasCdc = task.migrationType !== 'full-load';
    if (hasFullLoad) add('full-load', ...fullLoadCheck(task));
    add('tables', ...tablesCheck(task));
    add('validation', ...validationCheck(task, warnings));
    warnings.push(...driftWarnings(task));
    if (hasFullLoad) add('restoration', ...restorationCheck(task));
    if (hasCdc) {
      add('cdc-running', ...cdcRunningCheck(task));
      add('cdc-latency-source', ...latencyCheck('source', task.cdcLatency.source, options, now));
      add('cdc-latency-target', ...latencyCheck('target', task.cdcLatency.target, options, now));
    }
  }
  const alarms = status.alarms.items;
  const firing = alarms.filter((a) => a.state === 'ALARM');
  const missing = alarms.filter((a) => a.state === 'NOT_FOUND');
  if (missing.length > 0) {
    warnings.push(`${missing.length} expected alarm(s) not found (monitoring not deployed?): ${missing.map((a) => a.name).join(', ')}`);
  }
  const insufficient = alarms.filter((a) => a.state === 'INSUFFICIENT_DATA');
  if (insufficient.length > 0) {
    warnings.push(
      `${insufficient.length} alarm(s) in INSUFFICIENT_DATA (no datapoints: wrong dimensions, or the resource publishes nothing): ${insufficient.map((a) => a.name).join(', ')}`,
    );
  }
  const present = alarms.length - missing.length;
  checks.push(
    firing.length > 0
      ? { task: null, check: 'alarms', ok: false, detail: `${firing.length} alarm(s) in ALARM: ${firing.map((a) => a.name).join(', ')}` }
      : { task: null, check: 'alarms', ok: true, detail: `no alarm in ALARM (${present} alarm(s) under ${status.alarms.namePrefix})` },
  );
  return {
    version: 1,
    environment: status.environment,
    account: status.account,
    region: status.region,
    generatedAt: status.generatedAt,
    go: checks.every((c) => c.ok),
    maxLatencySeconds: options.maxLatencySeconds,
    windowMinutes: options.windowMinutes,
    checks,
    warnings,
  };
}

type Outcome = [ok: boolean, detail: string];

/** Drift is a warning: the task runs, but not with what was reviewed and deployed. */
function driftWarnings(task: TaskStatus): string[] {
  const drift = task.drift;
  if (!drift.checked) return [`${task.name}: drift not checked: ${drift.reason}`];
  const all = [...drift.settings.map((d) => `settings ${describeDifference(d)}`), ...drift.tableMappings.map((d) => `table mapping ${describeDifference(d)}`)];
  if (all.length === 0) return [];
  return [`${task.name}: the live task differs from what the stack deploys (${all.length}): ${all.slice(0, 5).join('; ')}${all.length > 5 ? `; and ${all.length - 5} more (status --json)` : ''}`];
}

function taskFailure(task: TaskStatus): string | null {
  if (task.phase !== 'failed') return null;
  const why = task.lastFailureMessage ?? task.stopReason;
  return `task failed (status ${task.status})${why ? `: ${firstLine(why)}` : ''}`;
}

function fullLoadCheck(task: TaskStatus): Outcome {
  const f = task.fullLoad;
  const failure = taskFailure(task);
  if (failure) return [false, failure];
  if (task.phase === 'not-started') return [false, `full load not started (status ${task.status})`];
  if (!f.finished) {
    return [
      false,
      `full load not finished: ${f.percent ?? 0}%, ${f.tablesLoaded} loaded, ${f.tablesLoading} loading, ${f.tablesQueued} queued, ${f.tablesErrored} errored`,
    ];
  }
  const when = f.finishedAt ? `, finished ${formatTime(f.finishedAt)}` : '';
  return [true, `full load finished: ${f.tablesLoaded} tables loaded (${f.percent ?? 100}%)${when}`];
}

function tablesCheck(task: TaskStatus): Outcome {
  const bad = task.tables.filter((t) => tableIsErrored(t) || t.state === TABLE_STATE.CANCELLED || t.state === TABLE_STATE.NOT_EXIST);
  if (bad.length > 0) {
    return [false, `${bad.length} table(s) in error: ${list(bad, (t) => `${tableName(t)} (${tableProblem(t)})`)}`];
  }
  if (task.fullLoad.tablesErrored > 0) return [false, `DMS reports ${task.fullLoad.tablesErrored} table(s) errored`];
  return [true, `no table in error (${task.tables.length} table(s))`];
}

function tableProblem(t: TableStatus): string {
  if (t.fullLoadErrorRows > 0 && t.state !== TABLE_STATE.ERROR) return `${t.state}, ${t.fullLoadErrorRows} rows failed to load`;
  return t.state;
}

function validationCheck(task: TaskStatus, warnings: string[]): Outcome {
  const mismatched = task.tables.filter(tableHasValidationMismatch);
  const suspended = task.tables.filter((t) => t.validationSuspendedRecords > 0);
  if (suspended.length > 0) {
    warnings.push(`${task.name}: ${suspended.length} table(s) with records DMS could not validate: ${list(suspended, tableName)}`);
  }
  const enabled = task.tables.filter((t) => t.validationState && t.validationState !== 'Not enabled');
  if (task.tables.length > 0 && enabled.length === 0) {
    warnings.push(`${task.name}: data validation is not enabled: no row-by-row comparison of source and target was made`);
  }
  if (mismatched.length > 0) {
    return [
      false,
      `${mismatched.length} table(s) with validation mismatches: ${list(
        mismatched,
        (t) => `${tableName(t)} (${t.validationState ?? 'unknown'}, ${t.validationFailedRecords} failed record(s))`,
      )}`,
    ];
  }
  const validated = task.tables.filter((t) => t.validationState === 'Validated').length;
  return [true, `no validation mismatches (${validated} of ${task.tables.length} table(s) validated)`];
}

function restorationCheck(task: TaskStatus): Outcome {
  const r = task.restoration;
  switch (r.state) {
    case 'NOT_DEPLOYED':
      return [false, `restoration not deployed: state machine ${r.stateMachine} does not exist`];
    case 'NOT_STARTED':
      return [false, `restoration has not run: ${r.stateMachine} has no execution`];
    case 'RUNNING':
      return [false, `restoration still running (since ${formatTime(r.startedAt)})`];
    case 'SUCCEEDED':
      break;
    default: {
      const why = r.report?.failures.length
        ? r.report.failures.slice(0, 3).map((f) => `${f.object}: ${f.reason}`).join('; ')
        : [r.error, r.cause && !r.report ? firstLine(r.cause) : null].filter(Boolean).join(': ');
      return [false, `restoration ${r.state}${why ? `: ${why}` : ''}`];
    }
  }
  const report = r.report;
  if (!report) return [false, 'restoration SUCCEEDED but its output is not a run report: cannot tell whether it was verified'];
  const c = report.counts;
  if (!report.restorationVerified) return [false, `restoration not verified (step ${report.step})`];
  if (c.orphans > 0) return [false, `restoration found ${c.orphans} orphan row(s) for foreign keys`];
  if (c.failed > 0) return [false, `restoration failed for ${c.failed} object(s)`];
  if (report.outcome !== 'SUCCEEDED') return [false, `restoration outcome ${report.outcome}`];
  return [true, `restoration applied and verified: ${c.restored} restored, ${c.skipped} skipped, 0 failed, 0 orphans`];
}

function cdcRunningCheck(task: TaskStatus): Outcome {
  const failure = taskFailure(task);
  if (failure) return [false, failure];
  if (task.status === 'running' && task.phase === 'cdc') return [true, 'CDC running'];
  if (task.status === 'running') return [false, 'CDC not running yet: the full load is still in progress'];
  const reason = task.stopReason ? ` (${task.stopReason})` : '';
  return [false, `CDC not running: status ${task.status}${reason}`];
}

function latencyCheck(which: 'source' | 'target', s: LatencySeries, options: CutoverOptions, now: number): Outcome {
  const name = `${which} CDC latency`;
  const window = `the last ${options.windowMinutes} min`;
  if (s.datapoints === 0 || s.maxSeconds === null || s.latestAt === null || s.oldestAt === null) {
    const dims = Object.entries(s.dimensions).map(([k, v]) => `${k}=${v}`).join(', ');
    return [false, `${name}: no data in ${window} (${s.metricName}, ${dims})`];
  }
  if (s.maxSeconds > options.maxLatencySeconds) {
    return [
      false,
      `${name} up to ${formatSeconds(s.maxSeconds)} in ${window}, above ${formatSeconds(options.maxLatencySeconds)} (latest ${formatSeconds(s.latestSeconds ?? 0)})`,
    ];
  }
  const latestAge = (now - Date.parse(s.latestAt)) / 1000;
  if (latestAge > METRIC_SLACK_SECONDS) {
    return [false, `${name}: the latest datapoint is ${formatSeconds(latestAge)} old (${formatTime(s.latestAt)}): CDC stopped publishing`];
  }
  const start = now - options.windowMinutes * 60_000;
  const lateStart = (Date.parse(s.oldestAt) - start) / 1000;
  if (lateStart > METRIC_SLACK_SECONDS) {
    const covered = Math.round((now - Date.parse(s.oldestAt)) / 60_000);
    return [false, `${name}: data covers only the last ${covered} of ${options.windowMinutes} min`];
  }
  if ((s.largestGapSeconds ?? 0) > METRIC_SLACK_SECONDS) {
    return [false, `${name}: no data for ${formatSeconds(s.largestGapSeconds ?? 0)} within ${window}`];
  }
  return [
    true,
    `${name} at most ${formatSeconds(s.maxSeconds)} (bound ${formatSeconds(options.maxLatencySeconds)}) over ${window}, latest ${formatSeconds(s.latestSeconds ?? 0)}`,
  ];
}

export function renderCutover(result: CutoverResult, options: RenderOptions = PLAIN): string {
  const lines: string[] = [];
  lines.push(
    `cutover check: environment ${result.environment} (account ${result.account}, ${result.region}) at ${formatTime(result.generatedAt)}, ` +
      `CDC latency bound ${formatSeconds(result.maxLatencySeconds)} for ${result.windowMinutes} min`,
  );
  const scopeWidth = Math.max(...result.checks.map((c) => (c.task ?? '(environment)').length));
  const checkWidth = Math.max(...result.checks.map((c) => c.check.length));
  for (const c of result.checks) {
    const mark = c.ok ? paint(options, 'green', 'ok  ') : paint(options, 'red', 'FAIL');
    lines.push(`  ${mark}  ${(c.task ?? '(environment)').padEnd(scopeWidth)}  ${c.check.padEnd(checkWidth)}  ${c.detail}`);
  }
  for (const w of result.warnings) lines.push(`  ${paint(options, 'yellow', 'warn')}  ${w}`);
  const failed = result.checks.filter((c) => !c.ok);
  lines.push(
    result.go
      ? paint(options, 'green', `GO: all ${result.checks.length} checks passed`)
      : paint(options, 'red', `NO-GO: ${failed.length} of ${result.checks.length} checks failed (${failed.map((c) => (c.task ? `${c.task} ${c.check}` : c.check)).join(', ')})`),
  );
  return lines.join('\n') + '\n';
}

function tableName(t: TableStatus): string {
  return `${t.schema}.${t.table}`;
}

function list<T>(items: readonly T[], show: (item: T) => string, max = 5): string {
  const shown = items.slice(0, max).map(show).join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}
