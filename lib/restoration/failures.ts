/**
 * Every failure the engine records, reports or logs is worded here, and nowhere else: what a
 * report may reveal (row values above all) is decided in this one place.
 *
 * Server error texts go through {@link serverErrorText}. The text of a duplicate-key error
 * (1062 and 1586: "Duplicate entry '<values>' for key ...") carries row values: they are left
 * out, the key name is kept; the duplicate scan reports how many values are duplicated.
 */
import { sqlError } from './connection';
import { FailureDetail } from './plan-state';
import { quoteId, quoteTable } from './sql';
import { ForeignKeyObject, PlanObject, SampleRow } from './types';

const VALUE_IN_TEXT = new Set([1062, 1586]);

/** "errno: text" of a server error, without the row values some texts quote. */
export function serverErrorText(err: unknown): string {
  const e = sqlError(err);
  let text = e.sqlMessage ?? e.message;
  if (e.errno !== undefined && VALUE_IN_TEXT.has(e.errno)) text = text.replace(/^Duplicate entry '.*' for key/s, 'Duplicate entry for key');
  return e.errno ? `${e.errno}: ${text}` : text;
}

export function sqlFailure(err: unknown): FailureDetail {
  return { reason: 'sql-error', message: serverErrorText(err) };
}

export function missingTable(o: PlanObject): FailureDetail {
  return { reason: 'missing-table', message: `table ${quoteTable(o.database, o.table)} does not exist` };
}

export function missingReferencedTable(o: ForeignKeyObject): FailureDetail {
  return {
    reason: 'missing-referenced-table',
    message: `referenced table ${quoteTable(o.referencedDatabase, o.referencedTable)} does not exist (or is not visible to this user)`,
  };
}

export function differentDefinition(diff: string): FailureDetail {
  return { reason: 'different-definition', message: `exists with a different definition, left as is: ${diff}` };
}

export function changedSinceCapture(diff: string): FailureDetail {
  return { reason: 'changed-since-capture', message: `not dropped: it changed since the plan was captured (${diff})` };
}

export function duplicateKeys(values: number, rows: number, sample: SampleRow[]): FailureDetail {
  return {
    reason: 'duplicate-keys',
    message: `${values} duplicated key value(s) over ${rows} rows keep the unique index from being built`,
    count: values,
    sample,
  };
}

export function orphanRows(o: ForeignKeyObject, count: number, sample: SampleRow[]): FailureDetail {
  return {
    reason: 'orphan-rows',
    message: `${count} row(s) of ${quoteTable(o.database, o.table)} reference no row of ${quoteTable(o.referencedDatabase, o.referencedTable)}`,
    count,
    sample,
  };
}

export function orphanScanFailed(err: unknown): FailureDetail {
  return { reason: 'sql-error', message: `orphan scan failed: ${serverErrorText(err)}` };
}

/** The progress line of a failed object. */
export function failedLine(o: PlanObject, detail: FailureDetail): string {
  return `${o.kind} ${quoteId(o.name)}: ${detail.reason}: ${detail.message}`;
}

/** The progress line of a statement that failed. */
export function statementFailedLine(stepId: string, err: unknown): string {
  return `statement ${stepId} failed: ${serverErrorText(err)}`;
}
