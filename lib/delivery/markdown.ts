import { stripAnsi } from './diff-parse';
import { DiffWarning, Severity, StackReport } from './diff-report';

/*
 * What the workflows write where a reviewer reads it: the pull-request comment and the job
 * summary (GitHub Markdown), and the workflow-command annotations of the run.
 */

/** GitHub refuses comments over 65,536 characters: the whole comment stays under this. */
export const COMMENT_LIMIT = 60_000;
/** The diff's share when the warnings and the table leave room for it. */
export const DEFAULT_MAX_DIFF_CHARS = 45_000;
/** Rows of the resource table; the diff below has the rest. */
const MAX_TABLE_ROWS = 60;
/** A changed table mapping is one line of several KB; the job log keeps the whole line. */
const MAX_LINE_CHARS = 400;

const ALERT: Record<Severity, string> = { caution: 'CAUTION', warning: 'WARNING', note: 'NOTE' };

export interface DiffCommentOptions {
  readonly environment: string;
  readonly report: StackReport;
  /** The raw `cdk diff` output. */
  readonly diffText: string;
  /** @default DEFAULT_MAX_DIFF_CHARS */
  readonly maxDiffChars?: number;
  /** Link to the workflow run, for the full diff. */
  readonly runUrl?: string;
}

export function renderDiffComment(options: DiffCommentOptions): string {
  const { environment, report } = options;
  const lines = [`### cdk diff: \`${environment}\` (${report.stackName})`, ''];
  if (!report.changed) {
    lines.push(`No changes against the deployed ${report.stackName}.`);
    return `${lines.join('\n')}\n`;
  }
  const counts = countBySeverity(report.warnings);
  lines.push(
    counts.caution + counts.warning === 0
      ? `${report.resources.length} resource change(s); nothing that replaces or deletes a DMS resource, stops a task or restarts a runbook.`
      : `${report.resources.length} resource change(s): **${counts.caution} caution, ${counts.warning} warning(s)** for the migration.`,
    '',
  );
  for (const warning of report.warnings) lines.push(...renderWarning(warning), '');
  if (report.resources.length > 0) {
    lines.push('| Change | Type | Resource | Impact |', '| --- | --- | --- | --- |');
    for (const r of report.resources.slice(0, MAX_TABLE_ROWS)) {
      lines.push(`| ${r.kind} | ${r.resourceType} | ${escapeCell(r.path ?? r.logicalId)} | ${r.impact === 'none' ? '' : r.impact} |`);
    }
    if (report.resources.length > MAX_TABLE_ROWS) lines.push(`| … | ${report.resources.length - MAX_TABLE_ROWS} more | | |`);
    lines.push('');
  }
  const room = COMMENT_LIMIT - lines.join('\n').length - 500;
  const diff = truncateDiff(options.diffText, Math.max(1_000, Math.min(options.maxDiffChars ?? DEFAULT_MAX_DIFF_CHARS, room)));
  const where = options.runUrl ? ` (the whole diff is in the [job log](${options.runUrl}))` : '';
  lines.push(
    '<details><summary>cdk diff output</summary>',
    '',
    diff.truncated ? `Shortened${where}.` : '',
    '',
    '````text',
    diff.text,
    '````',
    '',
    '</details>',
  );
  return `${lines.join('\n')}\n`;
}

/** The section for an environment whose diff did not run (fork, unconfigured repository, ...). */
export function renderSkipped(environment: string, stackName: string, reason: string): string {
  return `### cdk diff: \`${environment}\` (${stackName})\n\n> [!NOTE]\n> Skipped: ${reason}\n`;
}

function renderWarning(warning: DiffWarning): string[] {
  const text = warning.detail ? `**${warning.title}.** ${warning.detail}` : `**${warning.title}.**`;
  return [`> [!${ALERT[warning.severity]}]`, `> ${text}`];
}

export function countBySeverity(warnings: readonly DiffWarning[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { caution: 0, warning: 0, note: 0 };
  for (const w of warnings) counts[w.severity] += 1;
  return counts;
}

/**
 * GitHub workflow commands (`::warning title=...::message`): they show on the run and on the
 * pull request's checks. Notes are left out.
 */
export function renderAnnotations(environment: string, report: StackReport): string {
  return report.warnings
    .filter((w) => w.severity !== 'note')
    .map((w) => `::${w.severity === 'caution' ? 'error' : 'warning'} title=${escapeProperty(`${environment}: ${w.title}`)}::${escapeData(w.detail || w.title)}`)
    .join('\n');
}

export function truncateDiff(text: string, maxChars: number): { text: string; truncated: boolean } {
  let truncated = false;
  const lines = stripAnsi(text)
    .replace(/\s+$/, '')
    .split(/\r?\n/)
    .map((line) => {
      if (line.length <= MAX_LINE_CHARS) return line;
      truncated = true;
      return `${line.slice(0, MAX_LINE_CHARS)} … (${line.length - MAX_LINE_CHARS} more characters)`;
    });
  const out: string[] = [];
  let size = 0;
  for (const line of lines) {
    if (size + line.length + 1 > maxChars) {
      out.push(`… ${lines.length - out.length} more lines`);
      return { text: out.join('\n').replace(/````/g, '` ` ` `'), truncated: true };
    }
    out.push(line);
    size += line.length + 1;
  }
  // A fence inside the diff would end the code block early.
  return { text: out.join('\n').replace(/````/g, '` ` ` `'), truncated };
}

/** Stack outputs (`cdk deploy --outputs-file`) as a Markdown table for the job summary. */
export function renderOutputs(environment: string, outputs: Record<string, Record<string, string>>): string {
  const lines = [`### Deployed \`${environment}\``, ''];
  const stacks = Object.entries(outputs);
  if (stacks.length === 0) return `${lines.join('\n')}\nNo stack outputs were written.\n`;
  for (const [stack, values] of stacks) {
    lines.push(`**${stack}**`, '', '| Output | Value |', '| --- | --- |');
    for (const [key, value] of Object.entries(values)) lines.push(`| ${escapeCell(key)} | \`${escapeCell(value)}\` |`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

// Workflow-command escaping (actions/toolkit, command.ts).
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
