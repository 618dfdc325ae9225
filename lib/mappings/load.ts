import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { JsonPathSegment, JsonSyntaxError, ParsedJson, parseJson } from './json-parser';
import { MappingProblem, RuleRef, TableMappingDocument, TableMappings } from './model';
import { deriveTargetSchemas } from './targets';
import { idLabel, problemOrder, ruleRefOf, sortProblems, validateTableMappings } from './validate';

/**
 * A table mapping DMS would refuse (at least one error). The message has one line per finding,
 * errors and warnings, each as formatProblem writes it, so a failed synth names the file, the
 * rule, what is wrong and where.
 */
export class TableMappingError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly MappingProblem[],
  ) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'TableMappingError';
  }
}

/**
 * The outcome of checking one mapping: `ok` when it has no error (DMS accepts it), with the
 * mapping and its warnings; otherwise every finding, errors and warnings, in file order.
 */
export type MappingCheck =
  | { readonly ok: true; readonly mappings: TableMappings; readonly problems: readonly MappingProblem[] }
  | { readonly ok: false; readonly problems: readonly MappingProblem[] };

/**
 * One line per finding:
 *
 *   FILE: rule <rule-id> "<rule-name>": <problem> (line L column C)
 *   FILE: rule <rule-id> "<rule-name>": warning: <problem> (line L column C)
 *   FILE: <problem> (line L column C)          (the document as a whole)
 */
export function formatProblem(problem: MappingProblem): string {
  const where = problem.rule ? `${problem.file}: ${ruleLabel(problem.rule)}` : problem.file;
  const severity = problem.severity === 'warning' ? 'warning: ' : '';
  const position = problem.line !== undefined ? ` (line ${problem.line} column ${problem.column ?? 1})` : '';
  return `${where}: ${severity}${problem.message}${position}`;
}

/**
 * The id of the CDK warning a finding becomes at synth (`Annotations.addWarningV2`): one per
 * class of finding, stable across releases, so `Annotations.of(task).acknowledgeWarning(id)`
 * can accept a known one.
 */
export function mappingWarningId(problem: MappingProblem): string {
  return `@dms-migration/table-mappings:${problem.code}`;
}

/** `rule 3 "rename-sales"`; a rule without a usable rule-id is named by position, `rules[2]`. */
export function ruleLabel(ref: RuleRef): string {
  return idLabel(ref);
}

/**
 * Reads, parses and validates a table-mapping file (the `{"rules": [...]}` JSON that AWS SCT and
 * the DMS console export). `file` is the path to read; `displayName` (default: `file`) is how
 * messages and the result name it, normally the path as written in the configuration.
 * Throws TableMappingError when there is an error; warnings are in the result's `warnings`.
 */
export function loadTableMappings(file: string, displayName: string = file): TableMappings {
  const result = checkTableMappingsFile(file, displayName);
  if (!result.ok) throw new TableMappingError(displayName, result.problems);
  return result.mappings;
}

/** Parses and validates mapping JSON held in memory. Throws TableMappingError. */
export function parseTableMappings(text: string, file: string): TableMappings {
  const result = checkTableMappings(text, file);
  if (!result.ok) throw new TableMappingError(file, result.problems);
  return result.mappings;
}

/** loadTableMappings without the throw: for the CLI, which reports every file. */
export function checkTableMappingsFile(file: string, displayName: string = file): MappingCheck {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    return failed({ file: displayName, severity: 'error', code: 'unreadable-file', message: `cannot read the file: ${describeFsError(err)}` });
  }
  const text = decode(bytes);
  if (text === undefined) {
    return failed({ file: displayName, severity: 'error', code: 'invalid-encoding', message: 'the file is not UTF-8 text: save it as UTF-8' });
  }
  return checkTableMappings(text, displayName);
}

/** parseTableMappings without the throw. */
export function checkTableMappings(text: string, file: string): MappingCheck {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let parsed: ParsedJson;
  try {
    parsed = parseJson(source);
  } catch (err) {
    if (err instanceof JsonSyntaxError) {
      return failed({ file, severity: 'error', code: 'invalid-json', message: `invalid JSON: ${err.reason}`, line: err.line, column: err.column });
    }
    throw err;
  }
  const document = parsed.value;
  const rules = typeof document === 'object' && document !== null && !Array.isArray(document) ? document.rules : undefined;
  const refAt = (path: readonly JsonPathSegment[]): { rule?: RuleRef; rest: readonly JsonPathSegment[] } =>
    path[0] === 'rules' && typeof path[1] === 'number' && Array.isArray(rules)
      ? { rule: ruleRefOf(rules[path[1]], path[1]), rest: path.slice(2) }
      : { rest: path };

  // Both are accepted by DMS, which receives the compact JSON (mappings.json): one value per key,
  // large integers as written.
  const parseProblems: MappingProblem[] = [];
  for (const dup of parsed.duplicateKeys) {
    const { rule, rest } = refAt(dup.path);
    const key = pathText([...rest, dup.key]);
    parseProblems.push({
      file,
      severity: 'warning',
      code: 'duplicate-key',
      ...(rule ? { rule } : {}),
      path: key,
      line: dup.line,
      column: dup.column,
      message: `"${key}" appears twice in one object: only this last one is kept and sent to DMS, so the file does not mean what it shows`,
    });
  }
  for (const num of parsed.unsafeNumbers) {
    const { rule, rest } = refAt(num.path);
    const where = pathText(rest);
    parseProblems.push({
      file,
      severity: 'warning',
      code: 'unsafe-number',
      ...(rule ? { rule } : {}),
      path: where,
      line: num.line,
      column: num.column,
      message: `${where ? `"${where}" ` : ''}${num.text} is beyond 2^53: it is sent to DMS as written, but tools that read JSON numbers as doubles (this validator too) see ${String(Number(num.text))}: write it as a string`,
    });
  }

  const json = parsed.stringify();
  const found = validateTableMappings(document, file, { textBytes: Buffer.byteLength(source, 'utf8'), jsonBytes: Buffer.byteLength(json, 'utf8') });
  const located = found.map((problem) => locateProblem(problem, parsed));
  const problems = sortProblems([...parseProblems, ...located].map((problem) => ({ order: problemOrder(problem), problem })));
  if (problems.some((p) => p.severity === 'error')) return { ok: false, problems };
  return { ok: true, mappings: buildMappings(file, document as unknown as TableMappingDocument, json, problems), problems };
}

/** The finding with the line and column of what it is about (its nearest enclosing key for a missing one). */
function locateProblem(problem: MappingProblem, parsed: ParsedJson): MappingProblem {
  const inRule: JsonPathSegment[] = problem.rule ? ['rules', problem.rule.index] : [];
  const { line, column } = parsed.locate([...inRule, ...pathSegments(problem.path ?? '')]);
  return { ...problem, line, column };
}

/** `filters[0].column-name` -> ['filters', 0, 'column-name']. */
function pathSegments(path: string): JsonPathSegment[] {
  return [...path.matchAll(/\[(\d+)\]|([^.[\]]+)/g)].map((m) => (m[1] !== undefined ? Number(m[1]) : m[2]));
}

function buildMappings(file: string, document: TableMappingDocument, json: string, warnings: readonly MappingProblem[]): TableMappings {
  return {
    file,
    document,
    rules: document.rules,
    json,
    sizeBytes: Buffer.byteLength(json, 'utf8'),
    generation: mappingGeneration(json),
    targetSchemas: deriveTargetSchemas(document),
    warnings,
  };
}

/** The first 12 hex digits of the SHA-256 of the canonical JSON. */
export function mappingGeneration(json: string): string {
  return createHash('sha256').update(json, 'utf8').digest('hex').slice(0, 12);
}

function failed(problem: MappingProblem): MappingCheck {
  return { ok: false, problems: [problem] };
}

/** UTF-8 (with or without BOM) or BOM-marked UTF-16, as Windows tools write; undefined if neither. */
function decode(bytes: Buffer): string | undefined {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    if (bytes.length % 2 !== 0) return undefined;
    const swapped = Buffer.from(bytes.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return undefined;
  }
}

function describeFsError(err: unknown): string {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

/** `object-locator.table-name`, `filters[0].column-name`. */
function pathText(path: readonly JsonPathSegment[]): string {
  return path.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : i === 0 ? seg : `.${seg}`)).join('');
}
