import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { JsonPathSegment, JsonSyntaxError, parseJson } from './json-parser';
import { MappingProblem, RuleRef, TableMappingDocument, TableMappings } from './model';
import { deriveTargetSchemas } from './targets';
import { idLabel, problemOrder, ruleRefOf, sortProblems, validateTableMappings } from './validate';

/**
 * A table mapping that cannot be used. The message has one line per problem, each in the form
 * `FILE: rule <rule-id> "<rule-name>": <problem>` (or `FILE: <problem>`), so a failed synth
 * names the file, the rule and what is wrong with it.
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

/** The outcome of checking one mapping: the mapping when it is valid, every problem otherwise. */
export type MappingCheck =
  | { readonly ok: true; readonly mappings: TableMappings; readonly problems: readonly [] }
  | { readonly ok: false; readonly problems: readonly MappingProblem[] };

/** `FILE: rule <rule-id> "<rule-name>": <problem>`, or `FILE: <problem>` for the whole document. */
export function formatProblem(problem: MappingProblem): string {
  return problem.rule ? `${problem.file}: ${ruleLabel(problem.rule)}: ${problem.message}` : `${problem.file}: ${problem.message}`;
}

/** `rule 3 "rename-sales"`; a rule without a usable rule-id is named by position, `rules[2]`. */
export function ruleLabel(ref: RuleRef): string {
  return idLabel(ref);
}

/**
 * Reads, parses and validates a table-mapping file (the `{"rules": [...]}` JSON that AWS SCT and
 * the DMS console export). `file` is the path to read; `displayName` (default: `file`) is how
 * messages and the result name it, normally the path as written in the configuration.
 * Throws TableMappingError listing every problem.
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
    return failed({ file: displayName, code: 'unreadable-file', message: `cannot read the file: ${describeFsError(err)}` });
  }
  const text = decode(bytes);
  if (text === undefined) {
    return failed({ file: displayName, code: 'invalid-encoding', message: 'the file is not UTF-8 text: save it as UTF-8' });
  }
  return checkTableMappings(text, displayName);
}

/** parseTableMappings without the throw. */
export function checkTableMappings(text: string, file: string): MappingCheck {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let parsed;
  try {
    parsed = parseJson(source);
  } catch (err) {
    if (err instanceof JsonSyntaxError) return failed({ file, code: 'invalid-json', message: err.message });
    throw err;
  }
  const document = parsed.value;
  const rules = typeof document === 'object' && document !== null && !Array.isArray(document) ? document.rules : undefined;
  const refAt = (path: readonly JsonPathSegment[]): { rule?: RuleRef; rest: readonly JsonPathSegment[] } =>
    path[0] === 'rules' && typeof path[1] === 'number' && Array.isArray(rules)
      ? { rule: ruleRefOf(rules[path[1]], path[1]), rest: path.slice(2) }
      : { rest: path };

  const parseProblems: MappingProblem[] = [];
  for (const dup of parsed.duplicateKeys) {
    const { rule, rest } = refAt(dup.path);
    const key = pathText([...rest, dup.key]);
    parseProblems.push({
      file,
      code: 'duplicate-key',
      ...(rule ? { rule } : {}),
      path: key,
      message: `"${key}" appears twice in one object (line ${dup.line} column ${dup.column}): JSON keeps only the last one, so the file does not mean what it shows`,
    });
  }
  for (const num of parsed.unsafeNumbers) {
    const { rule, rest } = refAt(num.path);
    // The validator explains a rule-id that is too large in its own terms.
    if (rule && rest.length === 1 && rest[0] === 'rule-id') continue;
    const where = pathText(rest);
    parseProblems.push({
      file,
      code: 'unsafe-number',
      ...(rule ? { rule } : {}),
      path: where,
      message: `${where ? `"${where}" ` : ''}${num.text} (line ${num.line} column ${num.column}) is too large for a JSON number to keep exactly: write it as a string`,
    });
  }

  const problems = validateTableMappings(document, file, { textBytes: Buffer.byteLength(source, 'utf8') });
  if (parseProblems.length > 0 || problems.length > 0) {
    const all = [...parseProblems, ...problems].map((problem) => ({ order: problemOrder(problem), problem }));
    return { ok: false, problems: sortProblems(all) };
  }
  return { ok: true, mappings: buildMappings(file, document as unknown as TableMappingDocument), problems: [] };
}

function buildMappings(file: string, document: TableMappingDocument): TableMappings {
  const json = JSON.stringify(document);
  return {
    file,
    document,
    rules: document.rules,
    json,
    sizeBytes: Buffer.byteLength(json, 'utf8'),
    generation: mappingGeneration(json),
    targetSchemas: deriveTargetSchemas(document),
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
