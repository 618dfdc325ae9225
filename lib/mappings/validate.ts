import {
  BEFORE_IMAGE_COLUMN_FILTERS,
  DMS_DATA_TYPES,
  FILTER_OPERATORS,
  FilterOperator,
  LOB_MODES,
  MappingProblem,
  MappingProblemCode,
  MappingSeverity,
  MAX_LOAD_ORDER,
  MAX_PARALLEL_LOAD_COLUMNS,
  MAX_TABLE_MAPPINGS_BYTES,
  NEGATIVE_FILTER_OPERATORS,
  OBJECT_MAPPING_ACTIONS,
  PARALLEL_LOAD_TYPES,
  POST_PROCESSING_ACTIONS,
  PRIMARY_KEY_ORIGINS,
  RULE_TYPES,
  RuleRef,
  SELECTION_ACTIONS,
  TABLE_TYPES,
  TRANSFORMATION_ACTIONS,
  TRANSFORMATION_TARGETS,
  TransformationAction,
  TransformationRule,
  TransformationTarget,
} from './model';
import { isPattern, patternProblem, patternsOverlap } from './patterns';

export interface ValidateOptions {
  /**
   * UTF-8 size of the text the document was parsed from. A file over 2 MB whose compact JSON
   * (what the task receives) is within the limit gets a warning: pasted as written into the
   * console or the CLI, DMS would refuse it.
   */
  readonly textBytes?: number;
  /**
   * UTF-8 size of the JSON the replication task receives, checked against the 2 MB limit.
   * @default - the size of JSON.stringify(document)
   */
  readonly jsonBytes?: number;
}

type JsonObject = Record<string, unknown>;

const RULE_KEYS = [
  'rule-type',
  'rule-id',
  'rule-name',
  'rule-action',
  'rule-target',
  'object-locator',
  'filters',
  'load-order',
  'value',
  'old-value',
  'expression',
  'data-type',
  'primary-key-def',
  'before-image-def',
  'parallel-load',
  'lob-settings',
  'target-table-name',
  'mapping-parameters',
  'tag-set',
  'isAutoSegmentationChecked',
];
const LOCATOR_KEYS = [
  'schema-name',
  'table-name',
  'table-type',
  'column-name',
  'table-tablespace-name',
  'index-tablespace-name',
  'data-type',
];
const LOCATOR_NAME_KEYS = ['schema-name', 'table-name', 'column-name', 'table-tablespace-name', 'index-tablespace-name'];
const FILTER_KEYS = ['filter-type', 'column-name', 'filter-conditions'];
const CONDITION_KEYS = ['filter-operator', 'value', 'start-value', 'end-value'];
const PARALLEL_LOAD_KEYS = [
  'type',
  'partitions',
  'subpartitions',
  'columns',
  'boundaries',
  'number-of-partitions',
  'collection-count-from-metadata',
  'max-records-skip-per-page',
  'batch-size',
];
const LOB_KEYS = ['mode', 'bulk-max-size'];
const DATA_TYPE_KEYS = ['type', 'precision', 'scale', 'length'];
const PRIMARY_KEY_DEF_KEYS = ['name', 'origin', 'columns'];
const BEFORE_IMAGE_DEF_KEYS = ['column-prefix', 'column-suffix', 'column-filter'];

const NAME_ACTION_TARGETS: readonly TransformationTarget[] = TRANSFORMATION_TARGETS;
/**
 * Which rule-target each transformation action is documented with (User Guide, "Transformation
 * rules and actions": change-data-type and the data-masking actions "are only available for
 * column rule targets"; primary-key-def applies "when the rule-action is set to
 * define-primary-key and the rule-target is set to table"). Another target is a warning: DMS ran
 * define-primary-key with rule-target column in production mappings.
 */
const ACTION_TARGETS: Record<TransformationAction, readonly TransformationTarget[]> = {
  rename: NAME_ACTION_TARGETS,
  'convert-lowercase': NAME_ACTION_TARGETS,
  'convert-uppercase': NAME_ACTION_TARGETS,
  'add-prefix': NAME_ACTION_TARGETS,
  'remove-prefix': NAME_ACTION_TARGETS,
  'replace-prefix': NAME_ACTION_TARGETS,
  'add-suffix': NAME_ACTION_TARGETS,
  'remove-suffix': NAME_ACTION_TARGETS,
  'replace-suffix': NAME_ACTION_TARGETS,
  'add-column': ['column'],
  'include-column': ['column'],
  'remove-column': ['column'],
  'change-data-type': ['column'],
  'add-before-image-columns': ['column'],
  'data-masking-digits-mask': ['column'],
  'data-masking-digits-randomize': ['column'],
  'data-masking-hash-mask': ['column'],
  'define-primary-key': ['table', 'primary-key'],
};
const DATA_MASKING_ACTIONS: readonly TransformationAction[] = ['data-masking-digits-mask', 'data-masking-digits-randomize', 'data-masking-hash-mask'];
/** Actions whose `value` is a prefix or suffix: an empty one changes nothing. */
const AFFIX_ACTIONS: readonly TransformationAction[] = ['add-prefix', 'remove-prefix', 'replace-prefix', 'add-suffix', 'remove-suffix', 'replace-suffix'];

/** Object-locator fields each rule-target needs. */
const TARGET_LOCATOR_FIELDS: Record<TransformationTarget, readonly string[]> = {
  schema: ['schema-name'],
  table: ['schema-name', 'table-name'],
  'primary-key': ['schema-name', 'table-name'],
  column: ['schema-name', 'table-name', 'column-name'],
  'table-tablespace': ['schema-name', 'table-name', 'table-tablespace-name'],
  'index-tablespace': ['schema-name', 'table-name', 'index-tablespace-name'],
};
/** Column actions that act on a table's columns as a whole, not on a named column. */
const TABLE_WIDE_COLUMN_ACTIONS: readonly TransformationAction[] = ['add-column', 'add-before-image-columns'];
/** define-primary-key acts on a table whatever rule-target it is written with. */
const TABLE_ACTIONS: readonly TransformationAction[] = ['define-primary-key'];

/**
 * Fields an action cannot do without, with what each one means for the action: without them the
 * rule is incomplete (an error). add-before-image-columns is not here: every field of
 * before-image-def has a documented default.
 */
const ACTION_FIELDS: Partial<Record<TransformationAction, readonly (readonly [field: string, meaning: string])[]>> = {
  rename: [['value', 'the new name']],
  'add-prefix': [['value', 'the prefix to add']],
  'remove-prefix': [['value', 'the prefix to remove']],
  'replace-prefix': [
    ['old-value', 'the prefix to replace'],
    ['value', 'the new prefix'],
  ],
  'add-suffix': [['value', 'the suffix to add']],
  'remove-suffix': [['value', 'the suffix to remove']],
  'replace-suffix': [
    ['old-value', 'the suffix to replace'],
    ['value', 'the new suffix'],
  ],
  'add-column': [
    ['value', "the new column's name"],
    ['data-type', "the new column's type"],
  ],
  'change-data-type': [['data-type', 'the new type']],
  'define-primary-key': [['primary-key-def', 'the key name and columns']],
};

interface Collected {
  readonly order: number;
  readonly problem: MappingProblem;
}

/** What a transformation rule acts on, for finding two rules that act on the same object. */
interface TransformationObject {
  /** schema, table, column, new column (add-column), tablespaces, before-image columns. */
  readonly kind: 'schema' | 'table' | 'column' | 'new column' | 'table tablespace' | 'index tablespace' | 'before-image columns';
  /** The locator names (patterns allowed) or, for a new column, the exact names and the column's. */
  readonly names: readonly string[];
  /** The existing data type a column rule is restricted to (object-locator.data-type). */
  readonly dataType?: string;
  readonly masking: boolean;
  /** Every name is exact (no pattern): the object is known, not just possible. */
  readonly exact: boolean;
}

/** Order of document-level problems: before every rule, or after all of them. */
const BEFORE_RULES = -1;
const AFTER_RULES = Number.MAX_SAFE_INTEGER;

/**
 * Every finding of a parsed table-mapping document, in file order, each with its severity.
 * Errors: what DMS refuses, and rules that are incomplete or unreadable (unknown rule types,
 * actions, targets and data types, missing fields an action needs, wrong JSON types, the 2 MB
 * limit). Warnings: what DMS accepts but the guide advises against, and what DMS silently
 * ignores or overrides (repeated rule-names and rule-ids, misspelt field names, filters on an
 * exclude rule, two transformation rules on one object, transformations of column names the
 * guide says they cannot handle). No error means the task can be created with this mapping.
 */
export function validateTableMappings(document: unknown, file: string, options: ValidateOptions = {}): MappingProblem[] {
  return new DocumentValidator(file).run(document, options);
}

class DocumentValidator {
  private readonly collected: Collected[] = [];

  constructor(private readonly file: string) {}

  run(document: unknown, options: ValidateOptions): MappingProblem[] {
    this.checkSize(document, options);
    if (!isObject(document)) {
      this.documentProblem('error', 'not-an-object', `the table mapping must be a JSON object with a "rules" array, found ${describe(document)}`);
      return this.result();
    }
    for (const key of Object.keys(document)) {
      if (key === 'rules') continue;
      const hint = nearMiss(key, ['rules']) ? ': did you mean "rules"?' : ': the guide documents only "rules" at the top level';
      this.documentProblem('warning', 'unknown-top-level-key', `unknown top-level key ${JSON.stringify(key)}${hint}`, key);
    }
    const rules = document.rules;
    if (rules === undefined || rules === null) {
      this.documentProblem('error', 'missing-rules', 'missing "rules": the table mapping must be {"rules": [...]}');
      return this.result();
    }
    if (!Array.isArray(rules)) {
      this.documentProblem('error', 'missing-rules', `"rules" must be an array, found ${describe(rules)}`, 'rules');
      return this.result();
    }

    const checked = rules.map((rule: unknown, index) => {
      const checker = new RuleChecker(this.file, index, rule);
      checker.check();
      return checker;
    });
    for (const checker of checked) for (const problem of checker.problems) this.add(checker.index, problem);

    this.checkUniqueness(checked);
    this.checkConflicts(checked);
    this.checkSelection(checked);
    return this.result();
  }

  /** "AWS DMS can only process table mapping JSON files up to 2 MB in size" (the JSON rules page). */
  private checkSize(document: unknown, options: ValidateOptions): void {
    let jsonBytes = options.jsonBytes;
    if (jsonBytes === undefined) {
      try {
        jsonBytes = Buffer.byteLength(JSON.stringify(document) ?? '', 'utf8');
      } catch {
        // Not serialisable (only possible for in-memory documents); the structure checks report it.
        jsonBytes = 0;
      }
    }
    const textBytes = options.textBytes ?? 0;
    if (jsonBytes > MAX_TABLE_MAPPINGS_BYTES) {
      this.documentProblem(
        'error',
        'too-large',
        `the table mapping is ${jsonBytes} bytes of JSON; DMS accepts at most 2 MB (${MAX_TABLE_MAPPINGS_BYTES} bytes): split the tables across several tasks`,
      );
    } else if (textBytes > MAX_TABLE_MAPPINGS_BYTES) {
      this.documentProblem(
        'warning',
        'too-large',
        `the file is ${textBytes} bytes, over the 2 MB (${MAX_TABLE_MAPPINGS_BYTES} bytes) DMS accepts; the task receives it compacted to ${jsonBytes} bytes, but pasted as written into the console or the AWS CLI it would be refused`,
      );
    }
  }

  private checkUniqueness(checked: readonly RuleChecker[]): void {
    const ids = new Map<string, RuleChecker>();
    const names = new Map<string, RuleChecker>();
    for (const checker of checked) {
      if (checker.numericId !== undefined) {
        const first = ids.get(checker.numericId);
        if (first) {
          this.add(checker.index, {
            file: this.file,
            severity: 'warning',
            code: 'duplicate-rule-id',
            rule: checker.ref,
            path: 'rule-id',
            message: `rule-id ${checker.ref.id} is also used by ${indexLabel(first.ref)}: the guide asks for a unique rule-id, and DMS picks between transformation rules on one object by it`,
          });
        } else ids.set(checker.numericId, checker);
      }
      const name = checker.ref.name;
      if (name !== undefined && name !== '') {
        const first = names.get(name);
        if (first) {
          this.add(checker.index, {
            file: this.file,
            severity: 'warning',
            code: 'duplicate-rule-name',
            rule: checker.ref,
            path: 'rule-name',
            message: `rule-name ${JSON.stringify(name)} is also used by ${idLabel(first.ref)}: the guide asks for a unique name (DMS does not enforce it)`,
          });
        } else names.set(name, checker);
      }
    }
  }

  /**
   * Two transformation rules that can act on the same object. "You cannot apply more than one
   * transformation rule action against the same object (schema, table, column, table-tablespace,
   * or index-tablespace)", except that a data-masking rule may share its column with another
   * transformation; of several, "AWS DMS applies the transformation rule with the lower rule-id"
   * ("Transformation rules and actions"). Names are compared with case, as the same page says
   * transformation rules match them; patterns that can match a common name overlap.
   */
  private checkConflicts(checked: readonly RuleChecker[]): void {
    const candidates = checked
      .filter((c): c is RuleChecker & { transformationObject: TransformationObject; numericId: string } => c.transformationObject !== undefined && c.numericId !== undefined)
      .map((c) => ({ checker: c, object: c.transformationObject, id: BigInt(c.numericId), exact: c.transformationObject.exact }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.checker.index - b.checker.index));
    type Candidate = (typeof candidates)[number];
    const exactByKey = new Map<string, Candidate[]>();
    const patterned: Candidate[] = [];
    const all: Candidate[] = [];
    const keyOf = (c: Candidate) => JSON.stringify([c.object.kind, ...c.object.names]);
    const clash = (earlier: Candidate, later: Candidate) =>
      earlier.object.kind === later.object.kind &&
      earlier.object.masking === later.object.masking &&
      (earlier.object.dataType === undefined || later.object.dataType === undefined || earlier.object.dataType === later.object.dataType) &&
      earlier.object.names.every((name, i) => patternsOverlap(name, later.object.names[i]));
    // Candidates are in rule-id order, so the first clash found in each pool is the lowest id.
    const firstClash = (pool: readonly Candidate[], later: Candidate) => pool.find((e) => clash(e, later));
    const lower = (a: Candidate | undefined, b: Candidate | undefined) =>
      !a ? b : !b ? a : a.id < b.id || (a.id === b.id && a.checker.index < b.checker.index) ? a : b;
    for (const later of candidates) {
      const earlier = later.exact
        ? lower(firstClash(exactByKey.get(keyOf(later)) ?? [], later), firstClash(patterned, later))
        : firstClash(all, later);
      if (earlier) {
        const verb = later.exact && earlier.exact ? 'acts on' : 'can act on';
        this.add(later.checker.index, {
          file: this.file,
          severity: 'warning',
          code: 'conflicting-rules',
          rule: later.checker.ref,
          message: `${verb} the same ${later.object.kind} as ${idLabel(earlier.checker.ref)}: DMS applies one transformation rule per object, the one with the lower rule-id, so it skips this rule there`,
        });
      }
      all.push(later);
      if (later.exact) {
        const key = keyOf(later);
        const same = exactByKey.get(key);
        if (same) same.push(later);
        else exactByKey.set(key, [later]);
      } else patterned.push(later);
    }
  }

  /**
   * "Define at least one selection rule when specifying a table mapping" ("Selection rules and
   * actions"): no selection rule at all is an error; selection rules that only exclude are
   * accepted, but the task would migrate nothing.
   */
  private checkSelection(checked: readonly RuleChecker[]): void {
    // A rule whose type or action is unreadable may be the selection the author meant: it has
    // been reported already, and "no selection" on top of it would only repeat the same mistake.
    if (checked.some((c) => c.unclearSelection)) return;
    if (checked.some((c) => c.selects)) return;
    const anySelection = checked.some((c) => c.isSelection);
    this.collected.push({
      order: AFTER_RULES,
      problem: anySelection
        ? {
            file: this.file,
            severity: 'warning',
            code: 'nothing-selected',
            path: 'rules',
            message: 'every selection rule excludes: the task would migrate no table (add a rule with "rule-action": "include" or "explicit")',
          }
        : {
            file: this.file,
            severity: 'error',
            code: 'no-selection',
            path: 'rules',
            message: 'no selection rule: DMS needs at least one rule with "rule-type": "selection" and "rule-action": "include" or "explicit"',
          },
    });
  }

  private documentProblem(severity: MappingSeverity, code: MappingProblemCode, message: string, path?: string): void {
    this.collected.push({ order: BEFORE_RULES, problem: { file: this.file, severity, code, message, ...(path ? { path } : {}) } });
  }

  private add(order: number, problem: MappingProblem): void {
    this.collected.push({ order, problem });
  }

  private result(): MappingProblem[] {
    return sortProblems(this.collected);
  }
}

/** Stable sort by position: document problems first, then rule by rule, "no selection" last. */
export function sortProblems(collected: readonly Collected[]): MappingProblem[] {
  return collected
    .map((c, i) => ({ ...c, i }))
    .sort((a, b) => a.order - b.order || a.i - b.i)
    .map((c) => c.problem);
}

/** Position of a problem for sortProblems. */
export function problemOrder(problem: MappingProblem): number {
  if (problem.rule) return problem.rule.index;
  return problem.code === 'no-selection' || problem.code === 'nothing-selected' ? AFTER_RULES : BEFORE_RULES;
}

export function ruleRefOf(rule: unknown, index: number): RuleRef {
  if (!isObject(rule)) return { index };
  const id = rule['rule-id'];
  const name = rule['rule-name'];
  return {
    index,
    id: typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? String(id) : undefined,
    name: typeof name === 'string' || (typeof name === 'number' && Number.isFinite(name)) ? String(name) : undefined,
  };
}

class RuleChecker {
  readonly problems: MappingProblem[] = [];
  readonly ref: RuleRef;
  /** The rule-id as a canonical whole number, when it is one. */
  numericId?: string;
  /** A rule with rule-type selection. */
  isSelection = false;
  /** A selection rule with rule-action include or explicit. */
  selects = false;
  /** The rule may be a selection rule whose type or action could not be read. */
  unclearSelection = false;
  transformationObject?: TransformationObject;

  constructor(
    private readonly file: string,
    readonly index: number,
    private readonly raw: unknown,
  ) {
    this.ref = ruleRefOf(raw, index);
  }

  check(): void {
    const rule = this.raw;
    if (!isObject(rule)) {
      this.report('rule-not-an-object', `a rule must be a JSON object, found ${describe(rule)}`);
      return;
    }
    this.unknownFields(rule, RULE_KEYS, '');
    const type = this.ruleType(rule);
    this.ruleId(rule);
    this.ruleName(rule);
    const locator = this.objectLocator(rule);
    switch (type) {
      case 'selection':
        this.selection(rule, locator);
        break;
      case 'transformation':
        this.transformation(rule, locator);
        break;
      case 'table-settings':
        this.tableSettings(rule, locator);
        break;
      case 'object-mapping':
        this.ruleAction(rule, OBJECT_MAPPING_ACTIONS, 'an object-mapping rule');
        break;
      case 'post-processing':
        this.ruleAction(rule, POST_PROCESSING_ACTIONS, 'a post-processing rule');
        break;
      case undefined:
        this.unclearSelection = true;
        break;
    }
  }

  // ---- common fields -------------------------------------------------------------------------

  private ruleType(rule: JsonObject): (typeof RULE_TYPES)[number] | undefined {
    return this.enumField(rule, 'rule-type', RULE_TYPES, { required: true, code: 'invalid-rule-type' });
  }

  private ruleId(rule: JsonObject): void {
    const id = rule['rule-id'];
    if (id === undefined || id === null) {
      this.report('missing-field', 'missing "rule-id"', 'rule-id');
      return;
    }
    // Beyond 2^53 the parsed number is rounded: the loader warns and sends it as written, and
    // the duplicate and lower-rule-id checks cannot compare it.
    if (typeof id === 'number' && Number.isInteger(id) && !Number.isSafeInteger(id)) return;
    const n = wholeNumber(id);
    if (n === undefined) {
      this.report('invalid-rule-id', `"rule-id" ${show(id)} is not a whole number: DMS needs a numeric rule-id such as 1 or "1"`, 'rule-id');
      return;
    }
    this.numericId = n.toString();
  }

  /** rule-name only names the rule ("A unique name to identify the rule"): findings are warnings. */
  private ruleName(rule: JsonObject): void {
    const name = rule['rule-name'];
    if (name === undefined || name === null) {
      this.warn('missing-field', 'missing "rule-name": the guide gives every rule one', 'rule-name');
    } else if (typeof name === 'number') {
      if (!Number.isFinite(name)) this.warn('wrong-type', `"rule-name" should be a string, found ${describe(name)}`, 'rule-name');
    } else if (typeof name !== 'string') {
      this.warn('wrong-type', `"rule-name" should be a string, found ${describe(name)}`, 'rule-name');
    } else if (name.trim() === '') {
      this.warn('empty-value', '"rule-name" is empty', 'rule-name');
    }
  }

  private objectLocator(rule: JsonObject): JsonObject | undefined {
    const locator = rule['object-locator'];
    if (locator === undefined || locator === null) {
      this.report('missing-field', 'missing "object-locator"', 'object-locator');
      return undefined;
    }
    if (!isObject(locator)) {
      this.report('wrong-type', `"object-locator" must be an object, found ${describe(locator)}`, 'object-locator');
      return undefined;
    }
    this.unknownFields(locator, LOCATOR_KEYS, 'object-locator');
    for (const key of [...LOCATOR_NAME_KEYS, 'data-type']) {
      const value = locator[key];
      if (value === undefined || value === null) continue;
      const path = `object-locator.${key}`;
      if (typeof value !== 'string') this.report('wrong-type', `"${path}" must be a string, found ${describe(value)}`, path);
      else if (value === '') this.warn('empty-value', `"${path}" is empty: it matches no object`, path);
    }
    return locator;
  }

  private ruleAction<T extends string>(rule: JsonObject, allowed: readonly T[], ruleKind: string): T | undefined {
    return this.enumField(rule, 'rule-action', allowed, { required: true, code: 'invalid-rule-action', context: ` for ${ruleKind}` });
  }

  // ---- selection -----------------------------------------------------------------------------

  private selection(rule: JsonObject, locator: JsonObject | undefined): void {
    this.isSelection = true;
    const action = this.ruleAction(rule, SELECTION_ACTIONS, 'a selection rule');
    if (action === undefined) this.unclearSelection = true;
    if (action === 'include' || action === 'explicit') this.selects = true;

    if (locator) {
      this.requireLocatorFields(locator, ['schema-name', 'table-name']);
      this.enumField(locator, 'table-type', TABLE_TYPES, { path: 'object-locator.table-type' });
      if (action === 'explicit') {
        for (const key of ['schema-name', 'table-name']) {
          const name = stringAt(locator, key);
          if (name?.includes('%')) {
            this.warn(
              'wildcard-not-allowed',
              `an explicit rule selects one table by its exact name, "with no wildcards" (Selection rules and actions): "object-locator.${key}" ${JSON.stringify(name)} contains "%"`,
              `object-locator.${key}`,
            );
          }
        }
      } else if (action !== undefined) {
        this.patterns(locator, ['schema-name', 'table-name']);
      }
    }

    const loadOrder = rule['load-order'];
    if (loadOrder !== undefined && loadOrder !== null) {
      const n = wholeNumber(loadOrder);
      if (n === undefined || n > BigInt(MAX_LOAD_ORDER)) {
        this.report(
          'invalid-value',
          `"load-order" ${show(loadOrder)} is not valid: expected a whole number from 0 to ${MAX_LOAD_ORDER}`,
          'load-order',
        );
      }
    }
    this.filters(rule, action);
  }

  private filters(rule: JsonObject, action: string | undefined): void {
    const filters = rule.filters;
    if (filters === undefined || filters === null) return;
    if (!Array.isArray(filters)) {
      this.report('invalid-filter', `"filters" must be an array, found ${describe(filters)}`, 'filters');
      return;
    }
    if (filters.length === 0) return;
    if (action === 'exclude' || action === 'explicit') {
      this.warn('invalid-filter', `"Filters are only applied when rule-action = 'include'" (Using source filters): DMS ignores them on an ${action} rule`, 'filters');
    }
    filters.forEach((filter: unknown, i) => this.filter(filter, `filters[${i}]`));
  }

  private filter(filter: unknown, path: string): void {
    if (!isObject(filter)) {
      this.report('invalid-filter', `"${path}" must be an object, found ${describe(filter)}`, path);
      return;
    }
    this.unknownFields(filter, FILTER_KEYS, path);
    const type = filter['filter-type'];
    if (type === undefined || type === null) {
      this.report('invalid-filter', `missing "${path}.filter-type" (it must be "source")`, `${path}.filter-type`);
    } else if (type !== 'source') {
      this.report('invalid-filter', `"${path}.filter-type" must be "source", found ${show(type)}`, `${path}.filter-type`);
    }
    this.requiredString(filter, 'column-name', `${path}.column-name`, 'invalid-filter');

    const conditions = filter['filter-conditions'];
    const conditionsPath = `${path}.filter-conditions`;
    if (conditions === undefined || conditions === null) {
      this.report('invalid-filter', `missing "${conditionsPath}"`, conditionsPath);
      return;
    }
    if (!Array.isArray(conditions)) {
      this.report('invalid-filter', `"${conditionsPath}" must be an array, found ${describe(conditions)}`, conditionsPath);
      return;
    }
    if (conditions.length === 0) {
      this.report('invalid-filter', `"${conditionsPath}" is empty: a filter needs at least one condition`, conditionsPath);
      return;
    }
    const operators = conditions.map((condition: unknown, j) => this.condition(condition, `${conditionsPath}[${j}]`));
    const negative = operators.find((op): op is FilterOperator => op !== undefined && NEGATIVE_FILTER_OPERATORS.includes(op));
    if (negative && conditions.length > 1) {
      this.warn(
        'invalid-filter',
        `"${path}" combines the negative operator ${negative} with other conditions: the guide allows "no more than one filter condition within a single filter" with a negative operator (put the others in a separate filter)`,
        path,
      );
    }
  }

  private condition(condition: unknown, path: string): FilterOperator | undefined {
    if (!isObject(condition)) {
      this.report('invalid-filter', `"${path}" must be an object, found ${describe(condition)}`, path);
      return undefined;
    }
    this.unknownFields(condition, CONDITION_KEYS, path);
    const operator = this.enumField(condition, 'filter-operator', FILTER_OPERATORS, {
      required: true,
      code: 'invalid-filter',
      path: `${path}.filter-operator`,
    });
    if (operator === undefined) return undefined;
    const needs: readonly string[] =
      operator === 'between' || operator === 'notbetween' ? ['start-value', 'end-value'] : operator === 'null' || operator === 'notnull' ? [] : ['value'];
    for (const key of needs) {
      const value = condition[key];
      if (value === undefined || value === null) {
        this.report('invalid-filter', `filter-operator ${operator} needs "${path}.${key}"`, `${path}.${key}`);
      } else if (typeof value !== 'string' && typeof value !== 'number') {
        this.report('invalid-filter', `"${path}.${key}" must be a string or a number, found ${describe(value)}`, `${path}.${key}`);
      }
    }
    for (const key of ['value', 'start-value', 'end-value']) {
      const value = condition[key];
      if (!needs.includes(key) && value !== undefined && value !== null) {
        this.warn('invalid-filter', `filter-operator ${operator} takes no "${key}" (Using source filters): remove "${path}.${key}"`, `${path}.${key}`);
      }
    }
    return operator;
  }

  // ---- transformation ------------------------------------------------------------------------

  private transformation(rule: JsonObject, locator: JsonObject | undefined): void {
    const action = this.ruleAction(rule, TRANSFORMATION_ACTIONS, 'a transformation rule');
    const target = this.ruleTarget(rule, locator, action);

    let targetFits = true;
    if (target && action && !ACTION_TARGETS[action].includes(target)) {
      targetFits = false;
      this.warn(
        'action-target-mismatch',
        `rule-action ${action} is documented with rule-target ${orList(ACTION_TARGETS[action].filter((t) => t !== 'primary-key'))}, found ${JSON.stringify(target)}`,
        'rule-target',
      );
    }

    if (locator && target) {
      const needs: readonly string[] =
        action && TABLE_ACTIONS.includes(action)
          ? TARGET_LOCATOR_FIELDS.table
          : TARGET_LOCATOR_FIELDS[target].filter((key) => !(key === 'column-name' && action && TABLE_WIDE_COLUMN_ACTIONS.includes(action)));
      const about = action && TABLE_ACTIONS.includes(action) ? `rule-action ${action}` : `rule-target ${target}`;
      for (const key of needs) {
        const value = locator[key];
        if (value === undefined || value === null) {
          this.report('missing-field', `${about} needs "object-locator.${key}"`, `object-locator.${key}`);
        }
      }
    }
    if (locator) {
      if (isPresent(locator['table-tablespace-name']) && isPresent(locator['index-tablespace-name'])) {
        this.warn(
          'invalid-value',
          '"object-locator" has both "table-tablespace-name" and "index-tablespace-name": the guide allows "either ... in a single rule, but not both"',
          'object-locator',
        );
      }
      this.patterns(locator, LOCATOR_NAME_KEYS);
    }

    for (const key of ['value', 'old-value', 'expression']) {
      const value = rule[key];
      if (value !== undefined && value !== null && typeof value !== 'string') {
        this.report('wrong-type', `"${key}" must be a string, found ${describe(value)}`, key);
      }
    }
    if (action) this.actionFields(rule, action);
    if (action === 'define-primary-key' && locator) {
      for (const key of ['schema-name', 'table-name']) {
        const name = stringAt(locator, key);
        if (name?.includes('%')) {
          this.warn(
            'wildcard-not-allowed',
            `"You can't use a define-primary-key rule when the rule has a wildcard (%) in a schema or table name" (Transformation rules and actions): "object-locator.${key}" ${JSON.stringify(name)} contains "%"`,
            `object-locator.${key}`,
          );
        }
      }
    }
    if (isPresent(rule['data-type'])) this.dataType(rule['data-type']);
    if (isPresent(rule['primary-key-def'])) this.primaryKeyDef(rule['primary-key-def']);
    if (isPresent(rule['before-image-def'])) this.beforeImageDef(rule['before-image-def']);

    if (target && action && locator) {
      if (target === 'column' || (!targetFits && isPresent(locator['column-name']))) this.columnName(locator);
      this.transformationObject = transformationObject(action, target, locator, rule.value);
    }
  }

  /**
   * The rule-target, or the target DMS takes from the object-locator when there is none: DMS ran
   * change-data-type rules whose locator names a column without a rule-target in production.
   */
  private ruleTarget(rule: JsonObject, locator: JsonObject | undefined, action: TransformationAction | undefined): TransformationTarget | undefined {
    if (isPresent(rule['rule-target'])) return this.enumField(rule, 'rule-target', TRANSFORMATION_TARGETS, { code: 'invalid-rule-target' });
    if (!locator) return undefined;
    const target = ruleTargetOf(rule as unknown as TransformationRule);
    const fits = action === undefined || ACTION_TARGETS[action].includes(target);
    this.warn(
      'missing-rule-target',
      `no "rule-target": the guide gives every transformation rule one; checked as rule-target ${target}, from its object-locator` +
        (fits ? '' : ` (add "rule-target": ${JSON.stringify(ACTION_TARGETS[action].find((t) => t !== 'primary-key'))})`),
      'rule-target',
    );
    return fits ? target : undefined;
  }

  /**
   * "Transformations cannot be performed on columns that contain special characters (e.g. #, \,
   * /, -) in their name" and "are not supported for column names with Right-to-Left languages"
   * (Transformation rules and actions). Characters inside a [...] set of a pattern are left out:
   * there `-` is a range.
   */
  private columnName(locator: JsonObject): void {
    const name = stringAt(locator, 'column-name');
    if (name === undefined) return;
    const outsideSets = name.replace(/\[[^\]]*\]/g, '');
    const special = [...outsideSets].find((c) => UNSUPPORTED_COLUMN_NAME_CHARACTERS.includes(c));
    if (special !== undefined) {
      this.warn(
        'unsupported-column-name',
        `"object-locator.column-name" ${JSON.stringify(name)} contains ${JSON.stringify(special)}: the guide says transformations cannot be performed on columns with special characters (e.g. #, \\, /, -) in their name`,
        'object-locator.column-name',
      );
    } else if (RIGHT_TO_LEFT.test(outsideSets)) {
      this.warn(
        'unsupported-column-name',
        `"object-locator.column-name" ${JSON.stringify(name)} is in a right-to-left script: the guide says transformations are not supported for such column names`,
        'object-locator.column-name',
      );
    }
  }

  private actionFields(rule: JsonObject, action: TransformationAction): void {
    for (const [field, meaning] of ACTION_FIELDS[action] ?? []) {
      const value = rule[field];
      // A rename may compute the new name with an expression instead of a fixed value.
      if (action === 'rename' && field === 'value' && typeof rule.expression === 'string' && rule.expression !== '') continue;
      if (value === undefined || value === null) {
        this.report('missing-action-field', `rule-action ${action} needs "${field}" (${meaning})`, field);
      } else if (value !== '') {
        continue;
      } else if (AFFIX_ACTIONS.includes(action)) {
        // Replacing a prefix or suffix with nothing is legal; an empty prefix to add, remove or replace changes nothing.
        if (!(field === 'value' && action.startsWith('replace-'))) this.warn('empty-value', `"${field}" is empty: rule-action ${action} changes nothing`, field);
      } else if (field === 'value') {
        this.report('empty-value', `"value" is empty: rule-action ${action} needs ${meaning}`, field);
      } else {
        this.report('empty-value', `"${field}" is empty`, field);
      }
    }
  }

  private dataType(dataType: unknown): void {
    if (!isObject(dataType)) {
      this.report('wrong-type', `"data-type" must be an object such as {"type": "string", "length": 50}, found ${describe(dataType)}`, 'data-type');
      return;
    }
    this.unknownFields(dataType, DATA_TYPE_KEYS, 'data-type');
    const type = dataType.type;
    if (type === undefined || type === null) {
      this.report('missing-field', 'missing "data-type.type"', 'data-type.type');
    } else if (typeof type !== 'string') {
      this.report('wrong-type', `"data-type.type" must be a string, found ${describe(type)}`, 'data-type.type');
    } else if (!(DMS_DATA_TYPES as readonly string[]).includes(type.toLowerCase())) {
      this.report('invalid-value', `"data-type.type" ${JSON.stringify(type)} is not a DMS data type: expected ${orList(DMS_DATA_TYPES)}`, 'data-type.type');
    }
    for (const key of ['precision', 'length']) {
      const value = dataType[key];
      if (value === undefined || value === null || value === '') continue;
      if (wholeNumber(value) === undefined) {
        this.report('invalid-value', `"data-type.${key}" must be a whole number, found ${show(value)}`, `data-type.${key}`);
      }
    }
    const scale = dataType.scale;
    if (scale !== undefined && scale !== null && typeof scale !== 'string' && typeof scale !== 'number') {
      this.report('wrong-type', `"data-type.scale" must be a number or a string, found ${describe(scale)}`, 'data-type.scale');
    }
  }

  private primaryKeyDef(def: unknown): void {
    if (!isObject(def)) {
      this.report('wrong-type', `"primary-key-def" must be an object, found ${describe(def)}`, 'primary-key-def');
      return;
    }
    this.unknownFields(def, PRIMARY_KEY_DEF_KEYS, 'primary-key-def');
    this.requiredString(def, 'name', 'primary-key-def.name', 'missing-field');
    this.enumField(def, 'origin', PRIMARY_KEY_ORIGINS, { path: 'primary-key-def.origin' });
    this.stringList(def, 'columns', 'primary-key-def.columns', 'invalid-value', true);
  }

  private beforeImageDef(def: unknown): void {
    if (!isObject(def)) {
      this.report('wrong-type', `"before-image-def" must be an object, found ${describe(def)}`, 'before-image-def');
      return;
    }
    this.unknownFields(def, BEFORE_IMAGE_DEF_KEYS, 'before-image-def');
    for (const key of ['column-prefix', 'column-suffix']) {
      const value = def[key];
      if (value !== undefined && value !== null && typeof value !== 'string') {
        this.report('wrong-type', `"before-image-def.${key}" must be a string, found ${describe(value)}`, `before-image-def.${key}`);
      }
    }
    if (def['column-prefix'] === '' && def['column-suffix'] === '') {
      this.warn(
        'invalid-value',
        `"before-image-def" sets both "column-prefix" and "column-suffix" to "" (the guide: "Don't set both column-prefix and column-suffix to empty strings"): the before-image columns would have the names of the columns they copy`,
        'before-image-def',
      );
    }
    this.enumField(def, 'column-filter', BEFORE_IMAGE_COLUMN_FILTERS, { path: 'before-image-def.column-filter' });
  }

  // ---- table-settings ------------------------------------------------------------------------

  private tableSettings(rule: JsonObject, locator: JsonObject | undefined): void {
    if (locator) {
      this.requireLocatorFields(locator, ['schema-name', 'table-name']);
      for (const key of ['schema-name', 'table-name']) {
        const name = stringAt(locator, key);
        if (name?.includes('%')) {
          this.report(
            'wildcard-not-allowed',
            `table-settings need an exact schema and table name: "object-locator.${key}" ${JSON.stringify(name)} contains "%" (DMS rejects it: "Exact schema and table name required when using table settings rule")`,
            `object-locator.${key}`,
          );
        }
      }
    }
    const parallelLoad = rule['parallel-load'];
    if (isPresent(parallelLoad)) this.parallelLoad(parallelLoad);
    const lobSettings = rule['lob-settings'];
    if (isPresent(lobSettings)) this.lobSettings(lobSettings);
  }

  private parallelLoad(pl: unknown): void {
    const code = 'invalid-parallel-load';
    if (!isObject(pl)) {
      this.report(code, `"parallel-load" must be an object such as {"type": "partitions-auto"}, found ${describe(pl)}`, 'parallel-load');
      return;
    }
    this.unknownFields(pl, PARALLEL_LOAD_KEYS, 'parallel-load');
    const type = this.enumField(pl, 'type', PARALLEL_LOAD_TYPES, { required: true, code, path: 'parallel-load.type' });

    const partitions = this.stringList(pl, 'partitions', 'parallel-load.partitions', code, false);
    const subpartitions = this.stringList(pl, 'subpartitions', 'parallel-load.subpartitions', code, false);
    const columns = this.stringList(pl, 'columns', 'parallel-load.columns', code, false);
    if (columns) {
      if (columns.length > MAX_PARALLEL_LOAD_COLUMNS) {
        this.warn(code, `"parallel-load.columns" lists ${columns.length} columns: the guide says "You can specify up to ${MAX_PARALLEL_LOAD_COLUMNS} columns"`, 'parallel-load.columns');
      }
      const twice = columns.find((c, i) => columns.indexOf(c) !== i);
      if (twice !== undefined) this.warn(code, `"parallel-load.columns" lists ${JSON.stringify(twice)} twice`, 'parallel-load.columns');
    }
    const boundaries = pl.boundaries;
    if (isPresent(boundaries)) {
      if (!Array.isArray(boundaries)) {
        this.report(code, `"parallel-load.boundaries" must be an array of value lists such as [["1000"], ["2000"]], found ${describe(boundaries)}`, 'parallel-load.boundaries');
      } else if (boundaries.length === 0) {
        this.warn(code, '"parallel-load.boundaries" is empty: the table loads as one segment', 'parallel-load.boundaries');
      } else {
        boundaries.forEach((boundary: unknown, i) => {
          const path = `parallel-load.boundaries[${i}]`;
          if (!Array.isArray(boundary)) {
            this.report(code, `"${path}" must be a list of column values, found ${describe(boundary)}`, path);
            return;
          }
          if (columns && columns.length > 0 && boundary.length !== columns.length) {
            this.warn(code, `"${path}" has ${plural(boundary.length, 'value')} for ${plural(columns.length, 'column')}: the guide gives each boundary "a value that corresponds to each column"`, path);
          }
          boundary.forEach((value: unknown, j) => {
            if (typeof value !== 'string' && typeof value !== 'number') {
              this.report(code, `"${path}[${j}]" must be a string or a number, found ${describe(value)}`, `${path}[${j}]`);
            }
          });
        });
      }
    }

    if (type === 'ranges') {
      if (!isPresent(pl.columns)) this.report(code, 'parallel-load type ranges needs "parallel-load.columns" (1 to 10 column names)', 'parallel-load.columns');
      if (!isPresent(pl.boundaries)) this.report(code, 'parallel-load type ranges needs "parallel-load.boundaries"', 'parallel-load.boundaries');
    } else if (type !== undefined) {
      for (const key of ['columns', 'boundaries']) {
        if (isPresent(pl[key])) this.warn(code, `"parallel-load.${key}" applies only to type ranges, not ${type}`, `parallel-load.${key}`);
      }
    }
    if (type === 'partitions-list') {
      if (!isPresent(pl.partitions) && !isPresent(pl.subpartitions)) {
        this.report(code, 'parallel-load type partitions-list needs "parallel-load.partitions" or "parallel-load.subpartitions"', 'parallel-load.partitions');
      }
    } else if (type !== undefined) {
      for (const [key, value] of [
        ['partitions', partitions],
        ['subpartitions', subpartitions],
      ] as const) {
        if (value !== undefined) this.warn(code, `"parallel-load.${key}" applies only to type partitions-list, not ${type}`, `parallel-load.${key}`);
      }
    }
    for (const key of ['number-of-partitions', 'max-records-skip-per-page', 'batch-size']) {
      const value = pl[key];
      if (!isPresent(value)) continue;
      const n = wholeNumber(value);
      if (n === undefined) {
        this.report(code, `"parallel-load.${key}" must be a whole number greater than 0, found ${show(value)}`, `parallel-load.${key}`);
      } else if (n === 0n) {
        this.warn(code, `"parallel-load.${key}" is 0: it should be a whole number greater than 0`, `parallel-load.${key}`);
      }
    }
    const fromMetadata = pl['collection-count-from-metadata'];
    if (isPresent(fromMetadata) && typeof fromMetadata !== 'boolean' && fromMetadata !== 'true' && fromMetadata !== 'false') {
      this.report(code, `"parallel-load.collection-count-from-metadata" must be true or false, found ${show(fromMetadata)}`, 'parallel-load.collection-count-from-metadata');
    }
  }

  private lobSettings(lob: unknown): void {
    const code = 'invalid-lob-settings';
    if (!isObject(lob)) {
      this.report(code, `"lob-settings" must be an object such as {"mode": "limited", "bulk-max-size": "32"}, found ${describe(lob)}`, 'lob-settings');
      return;
    }
    this.unknownFields(lob, LOB_KEYS, 'lob-settings');
    const mode = this.enumField(lob, 'mode', LOB_MODES, { code, path: 'lob-settings.mode' });
    const size = lob['bulk-max-size'];
    let kilobytes: bigint | undefined;
    if (isPresent(size)) {
      kilobytes = wholeNumber(size);
      if (kilobytes === undefined) {
        this.report(code, `"lob-settings.bulk-max-size" must be a whole number of kilobytes, found ${show(size)}`, 'lob-settings.bulk-max-size');
        return;
      }
    }
    const modeValid = mode !== undefined || !isPresent(lob.mode);
    if (modeValid && (mode ?? 'limited') === 'limited' && (kilobytes === undefined || kilobytes === 0n)) {
      this.warn(code, 'lob-settings in limited mode has no nonzero "lob-settings.bulk-max-size" (kilobytes): "In limited mode, you must set a nonzero value for this parameter"', 'lob-settings.bulk-max-size');
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private requireLocatorFields(locator: JsonObject, keys: readonly string[]): void {
    for (const key of keys) {
      const value = locator[key];
      if (value === undefined || value === null) this.report('missing-field', `missing "object-locator.${key}"`, `object-locator.${key}`);
    }
  }

  private patterns(locator: JsonObject, keys: readonly string[]): void {
    for (const key of keys) {
      const name = stringAt(locator, key);
      if (name === undefined) continue;
      const problem = patternProblem(name);
      if (problem) {
        this.warn('invalid-pattern', `"object-locator.${key}" ${JSON.stringify(name)} is not a valid pattern: ${problem}`, `object-locator.${key}`);
      }
    }
  }

  private enumField<T extends string>(
    obj: JsonObject,
    key: string,
    allowed: readonly T[],
    options: { required?: boolean; code?: MappingProblemCode; path?: string; context?: string } = {},
  ): T | undefined {
    const path = options.path ?? key;
    const code = options.code ?? 'invalid-value';
    const value = obj[key];
    if (value === undefined || value === null) {
      if (options.required) this.report(code === 'invalid-filter' ? code : 'missing-field', `missing "${path}"`, path);
      return undefined;
    }
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    const hint =
      typeof value === 'string' ? allowed.find((a) => a.toLowerCase() === value.toLowerCase().trim() && a !== value) : undefined;
    this.report(
      code,
      `"${path}" ${show(value)} is not valid${options.context ?? ''}: expected ${orList(allowed)}` +
        (hint ? ` (values are case-sensitive: did you mean ${JSON.stringify(hint)}?)` : ''),
      path,
    );
    return undefined;
  }

  private requiredString(obj: JsonObject, key: string, path: string, missingCode: MappingProblemCode): string | undefined {
    const value = obj[key];
    if (value === undefined || value === null) {
      this.report(missingCode, `missing "${path}"`, path);
      return undefined;
    }
    if (typeof value !== 'string') {
      this.report(missingCode === 'invalid-filter' ? missingCode : 'wrong-type', `"${path}" must be a string, found ${describe(value)}`, path);
      return undefined;
    }
    if (value.trim() === '') {
      this.report(missingCode === 'invalid-filter' ? missingCode : 'empty-value', `"${path}" is empty`, path);
      return undefined;
    }
    return value;
  }

  /** An optional (or, with `required`, mandatory) non-empty list of non-empty names. */
  private stringList(obj: JsonObject, key: string, path: string, code: MappingProblemCode, required: boolean): string[] | undefined {
    const value = obj[key];
    if (value === undefined || value === null) {
      if (required) this.report('missing-field', `missing "${path}"`, path);
      return undefined;
    }
    if (!Array.isArray(value)) {
      this.report(code, `"${path}" must be a list of names, found ${describe(value)}`, path);
      return undefined;
    }
    if (value.length === 0) {
      this.report(code, `"${path}" is empty: list at least one name`, path);
      return undefined;
    }
    const names: string[] = [];
    value.forEach((item: unknown, i) => {
      if (typeof item !== 'string' || item.trim() === '') {
        this.report(code, `"${path}[${i}]" must be a non-empty string, found ${describe(item)}`, `${path}[${i}]`);
      } else names.push(item);
    });
    return names.length === value.length ? names : undefined;
  }

  /** Keys that are almost a known key (rule_id, ruleAction, vaule): DMS would silently ignore them. */
  private unknownFields(obj: JsonObject, known: readonly string[], path: string): void {
    for (const key of Object.keys(obj)) {
      if (known.includes(key)) continue;
      const meant = nearMiss(key, known);
      if (meant === undefined) continue;
      const prefix = path ? `${path}.` : '';
      this.warn('unknown-field', `unknown field "${prefix}${key}": did you mean "${prefix}${meant}"? DMS does not read "${prefix}${key}"`, `${prefix}${key}`);
    }
  }

  /** An error: DMS refuses it, or the rule is incomplete or unreadable. */
  private report(code: MappingProblemCode, message: string, path?: string): void {
    this.add('error', code, message, path);
  }

  /** A warning: DMS accepts it, but it goes against the guide or DMS ignores part of it. */
  private warn(code: MappingProblemCode, message: string, path?: string): void {
    this.add('warning', code, message, path);
  }

  private add(severity: MappingSeverity, code: MappingProblemCode, message: string, path?: string): void {
    this.problems.push({ file: this.file, severity, code, message, rule: this.ref, ...(path ? { path } : {}) });
  }
}

// ---- small pure helpers ------------------------------------------------------------------------

/** "e.g. #, \\, /, -" of the guide's limitation on transformations of column names. */
const UNSUPPORTED_COLUMN_NAME_CHARACTERS: readonly string[] = ['#', '\\', '/', '-'];
/** Hebrew, Arabic, Syriac, Thaana, N'Ko, Samaritan, Mandaic and their presentation forms. */
const RIGHT_TO_LEFT = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe]/u;

/**
 * The rule-target a transformation rule is checked as: its own when it has a valid one,
 * otherwise the most specific object its object-locator names (column, tablespace, table,
 * schema).
 */
export function ruleTargetOf(rule: TransformationRule): TransformationTarget {
  const declared = rule['rule-target'];
  if (typeof declared === 'string' && (TRANSFORMATION_TARGETS as readonly string[]).includes(declared)) return declared;
  const locator: Record<string, unknown> = isObject(rule['object-locator']) ? rule['object-locator'] : {};
  if (isPresent(locator['column-name'])) return 'column';
  if (isPresent(locator['table-tablespace-name'])) return 'table-tablespace';
  if (isPresent(locator['index-tablespace-name'])) return 'index-tablespace';
  if (isPresent(locator['table-name'])) return 'table';
  return 'schema';
}

/** What a readable transformation rule acts on, or undefined when its locator lacks a name. */
function transformationObject(action: TransformationAction, target: TransformationTarget, locator: JsonObject, value: unknown): TransformationObject | undefined {
  const names = (...keys: string[]) => {
    const found = keys.map((k) => locator[k]);
    return found.every((n): n is string => typeof n === 'string') ? found : undefined;
  };
  const masking = DATA_MASKING_ACTIONS.includes(action);
  const make = (kind: TransformationObject['kind'], found: string[] | undefined, dataType?: string): TransformationObject | undefined =>
    found ? { kind, names: found, masking, exact: !found.some(isPattern), ...(dataType !== undefined ? { dataType } : {}) } : undefined;
  if (TABLE_ACTIONS.includes(action)) return make('table', names('schema-name', 'table-name'));
  if (action === 'add-column') {
    const table = names('schema-name', 'table-name');
    if (typeof value !== 'string' || !table) return undefined;
    // The new column's name is exact: escape the wildcard characters it may hold.
    const added = make('new column', [...table, value.replace(/[%_[]/g, '[$&]')]);
    return added && { ...added, exact: !table.some(isPattern) };
  }
  if (action === 'add-before-image-columns') return make('before-image columns', names('schema-name', 'table-name'));
  switch (target) {
    case 'schema':
      return make('schema', names('schema-name'));
    case 'table':
    case 'primary-key':
      return make('table', names('schema-name', 'table-name'));
    case 'column': {
      const dataType = locator['data-type'];
      return make('column', names('schema-name', 'table-name', 'column-name'), typeof dataType === 'string' ? dataType : undefined);
    }
    case 'table-tablespace':
      return make('table tablespace', names('schema-name', 'table-name', 'table-tablespace-name'));
    case 'index-tablespace':
      return make('index tablespace', names('schema-name', 'table-name', 'index-tablespace-name'));
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function stringAt(obj: JsonObject, key: string): string | undefined {
  const value = obj[key];
  return typeof value === 'string' ? value : undefined;
}

/** A whole number written as a JSON number or a string of digits; undefined otherwise. */
export function wholeNumber(value: unknown): bigint | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : undefined;
  if (typeof value === 'string' && /^[0-9]+$/.test(value)) return BigInt(value);
  return undefined;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return value === '' ? 'an empty string' : `a string (${JSON.stringify(value)})`;
    case 'number':
      return `a number (${value})`;
    case 'boolean':
      return `${value}`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

/** A value as it would appear in the JSON file, shortened. */
function show(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function orList(values: readonly string[]): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `rules[1] "name"`: points at a rule by position (used where its id is the subject). */
function indexLabel(ref: RuleRef): string {
  return ref.name !== undefined ? `rules[${ref.index}] ${JSON.stringify(ref.name)}` : `rules[${ref.index}]`;
}

/** `rule 3 "name"`, as in the message prefix. */
export function idLabel(ref: RuleRef): string {
  const head = ref.id !== undefined ? `rule ${ref.id}` : `rules[${ref.index}]`;
  return ref.name !== undefined ? `${head} ${JSON.stringify(ref.name)}` : head;
}

function nearMiss(key: string, known: readonly string[]): string | undefined {
  const normal = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const sameLetters = known.find((k) => normal(k) === normal(key));
  if (sameLetters) return sameLetters;
  if (key.length < 4) return undefined;
  return known.find((k) => editDistanceAtMostOne(key.toLowerCase(), k.toLowerCase()));
}

/** Optimal-string-alignment distance <= 1: one insertion, deletion, substitution or swap. */
function editDistanceAtMostOne(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // swap
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
