import {
  BEFORE_IMAGE_COLUMN_FILTERS,
  DMS_DATA_TYPES,
  FILTER_OPERATORS,
  FilterOperator,
  LOB_MODES,
  MappingProblem,
  MappingProblemCode,
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
  TransformationTarget,
} from './model';
import { patternProblem } from './patterns';

export interface ValidateOptions {
  /**
   * UTF-8 size of the text the document was parsed from. The size limit is checked against the
   * larger of this and the canonical JSON, since DMS documents its limit on the file.
   */
  readonly textBytes?: number;
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
/** Which rule-target each transformation action works on (User Guide, "Transformation rules and actions"). */
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

/** Fields an action cannot do without, with what each one means for the action. */
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
  'add-before-image-columns': [['before-image-def', 'the column prefix, suffix and filter']],
};

interface Collected {
  readonly order: number;
  readonly problem: MappingProblem;
}

/** Order of document-level problems: before every rule, or after all of them. */
const BEFORE_RULES = -1;
const AFTER_RULES = Number.MAX_SAFE_INTEGER;

/**
 * Every problem of a parsed table-mapping document, in file order: DMS's own rules (rule types,
 * ids, names, actions, targets, the fields each action needs, object locators, wildcards,
 * filters, parallel-load and LOB settings, the 2 MB limit) and the mistakes that make DMS
 * silently do something else (misspelt field names, filters on an exclude rule, two rules doing
 * the same thing to one object). An empty list means the document is valid.
 */
export function validateTableMappings(document: unknown, file: string, options: ValidateOptions = {}): MappingProblem[] {
  return new DocumentValidator(file).run(document, options);
}

class DocumentValidator {
  private readonly collected: Collected[] = [];

  constructor(private readonly file: string) {}

  run(document: unknown, options: ValidateOptions): MappingProblem[] {
    this.checkSize(document, options.textBytes ?? 0);
    if (!isObject(document)) {
      this.documentProblem('not-an-object', `the table mapping must be a JSON object with a "rules" array, found ${describe(document)}`);
      return this.result();
    }
    for (const key of Object.keys(document)) {
      if (key === 'rules') continue;
      const hint = nearMiss(key, ['rules']) ? ': did you mean "rules"?' : ': DMS table mappings have only "rules"';
      this.documentProblem('unknown-top-level-key', `unknown top-level key ${JSON.stringify(key)}${hint}`);
    }
    const rules = document.rules;
    if (rules === undefined || rules === null) {
      this.documentProblem('missing-rules', 'missing "rules": the table mapping must be {"rules": [...]}');
      return this.result();
    }
    if (!Array.isArray(rules)) {
      this.documentProblem('missing-rules', `"rules" must be an array, found ${describe(rules)}`);
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

  private checkSize(document: unknown, textBytes: number): void {
    let canonicalBytes = 0;
    try {
      canonicalBytes = Buffer.byteLength(JSON.stringify(document) ?? '', 'utf8');
    } catch {
      // Not serialisable (only possible for in-memory documents); the structure checks report it.
    }
    const size = Math.max(canonicalBytes, textBytes);
    if (size > MAX_TABLE_MAPPINGS_BYTES) {
      this.documentProblem(
        'too-large',
        `the table mapping is ${size} bytes; DMS accepts at most 2 MB (${MAX_TABLE_MAPPINGS_BYTES} bytes): split the tables across several tasks`,
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
            code: 'duplicate-rule-id',
            rule: checker.ref,
            path: 'rule-id',
            message: `rule-id ${checker.ref.id} is also used by ${indexLabel(first.ref)}`,
          });
        } else ids.set(checker.numericId, checker);
      }
      const name = checker.ref.name;
      if (name !== undefined && name !== '') {
        const first = names.get(name);
        if (first) {
          this.add(checker.index, {
            file: this.file,
            code: 'duplicate-rule-name',
            rule: checker.ref,
            path: 'rule-name',
            message: `rule-name ${JSON.stringify(name)} is also used by ${idLabel(first.ref)}`,
          });
        } else names.set(name, checker);
      }
    }
  }

  /** Two transformation rules doing the same action to the same object: DMS runs only one. */
  private checkConflicts(checked: readonly RuleChecker[]): void {
    const seen = new Map<string, RuleChecker>();
    for (const checker of checked) {
      const key = checker.transformationKey;
      if (key === undefined) continue;
      const first = seen.get(key.key);
      if (first) {
        this.add(checker.index, {
          file: this.file,
          code: 'conflicting-rules',
          rule: checker.ref,
          message: `does ${key.action} on the same ${key.target} as ${idLabel(first.ref)}: DMS applies only the rule with the lower rule-id`,
        });
      } else seen.set(key.key, checker);
    }
  }

  private checkSelection(checked: readonly RuleChecker[]): void {
    // A rule whose type or action is unreadable may be the selection the author meant: it has
    // been reported already, and "no selection" on top of it would only repeat the same mistake.
    if (checked.some((c) => c.unclearSelection)) return;
    if (checked.some((c) => c.selects)) return;
    this.collected.push({
      order: AFTER_RULES,
      problem: {
        file: this.file,
        code: 'no-selection',
        message: 'no selection rule includes anything: add a rule with "rule-type": "selection" and "rule-action": "include" or "explicit"',
      },
    });
  }

  private documentProblem(code: MappingProblemCode, message: string): void {
    this.collected.push({ order: BEFORE_RULES, problem: { file: this.file, code, message } });
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
  return problem.code === 'no-selection' ? AFTER_RULES : BEFORE_RULES;
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
  /** A selection rule with rule-action include or explicit. */
  selects = false;
  /** The rule may be a selection rule whose type or action could not be read. */
  unclearSelection = false;
  transformationKey?: { key: string; action: string; target: string };

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
    if (typeof id === 'number' && Number.isInteger(id) && !Number.isSafeInteger(id)) {
      this.report('invalid-rule-id', `"rule-id" ${id} is too large for a JSON number to keep exactly: write it as a string`, 'rule-id');
      return;
    }
    const n = wholeNumber(id);
    if (n === undefined) {
      this.report('invalid-rule-id', `"rule-id" ${show(id)} is not a whole number: DMS needs a numeric rule-id such as 1 or "1"`, 'rule-id');
      return;
    }
    this.numericId = n.toString();
  }

  private ruleName(rule: JsonObject): void {
    const name = rule['rule-name'];
    if (name === undefined || name === null) {
      this.report('missing-field', 'missing "rule-name"', 'rule-name');
    } else if (typeof name === 'number') {
      if (!Number.isFinite(name)) this.report('wrong-type', `"rule-name" must be a string, found ${describe(name)}`, 'rule-name');
    } else if (typeof name !== 'string') {
      this.report('wrong-type', `"rule-name" must be a string, found ${describe(name)}`, 'rule-name');
    } else if (name.trim() === '') {
      this.report('empty-value', '"rule-name" is empty', 'rule-name');
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
      else if (value === '') this.report('empty-value', `"${path}" is empty`, path);
    }
    return locator;
  }

  private ruleAction<T extends string>(rule: JsonObject, allowed: readonly T[], ruleKind: string): T | undefined {
    return this.enumField(rule, 'rule-action', allowed, { required: true, code: 'invalid-rule-action', context: ` for ${ruleKind}` });
  }

  // ---- selection -----------------------------------------------------------------------------

  private selection(rule: JsonObject, locator: JsonObject | undefined): void {
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
            this.report(
              'wildcard-not-allowed',
              `an explicit rule selects one table by its exact name: "object-locator.${key}" ${JSON.stringify(name)} contains "%"`,
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
    this.filters(rule, action, locator);
  }

  private filters(rule: JsonObject, action: string | undefined, locator: JsonObject | undefined): void {
    const filters = rule.filters;
    if (filters === undefined || filters === null) return;
    if (!Array.isArray(filters)) {
      this.report('invalid-filter', `"filters" must be an array, found ${describe(filters)}`, 'filters');
      return;
    }
    if (filters.length === 0) return;
    if (action === 'exclude' || action === 'explicit') {
      this.report('invalid-filter', `filters apply only to include rules: DMS ignores them on an ${action} rule`, 'filters');
    }
    const table = locator ? stringAt(locator, 'table-name') : undefined;
    if (table?.includes('%')) {
      this.report(
        'wildcard-not-allowed',
        `source filters need an exact table: "object-locator.table-name" ${JSON.stringify(table)} contains "%"`,
        'object-locator.table-name',
      );
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
      this.report(
        'invalid-filter',
        `"${path}" combines the negative operator ${negative} with other conditions: DMS allows a negative condition only alone in its filter (put the others in a separate filter)`,
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
        this.report('invalid-filter', `filter-operator ${operator} takes no "${key}": remove "${path}.${key}"`, `${path}.${key}`);
      }
    }
    return operator;
  }

  // ---- transformation ------------------------------------------------------------------------

  private transformation(rule: JsonObject, locator: JsonObject | undefined): void {
    const target = this.enumField(rule, 'rule-target', TRANSFORMATION_TARGETS, { required: true, code: 'invalid-rule-target' });
    const action = this.ruleAction(rule, TRANSFORMATION_ACTIONS, 'a transformation rule');

    let targetFits = true;
    if (target && action && !ACTION_TARGETS[action].includes(target)) {
      targetFits = false;
      this.report(
        'action-target-mismatch',
        `rule-action ${action} needs rule-target ${orList(ACTION_TARGETS[action].filter((t) => t !== 'primary-key'))}, found ${JSON.stringify(target)}`,
        'rule-target',
      );
    }

    if (locator && target) {
      const required = TARGET_LOCATOR_FIELDS[target].filter(
        (key) => !(key === 'column-name' && action && TABLE_WIDE_COLUMN_ACTIONS.includes(action)),
      );
      for (const key of required) {
        const value = locator[key];
        if (value === undefined || value === null) {
          this.report('missing-field', `rule-target ${target} needs "object-locator.${key}"`, `object-locator.${key}`);
        }
      }
    }
    if (locator) {
      if (isPresent(locator['table-tablespace-name']) && isPresent(locator['index-tablespace-name'])) {
        this.report(
          'invalid-value',
          '"object-locator" has both "table-tablespace-name" and "index-tablespace-name": a rule can match only one of them',
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
          this.report(
            'wildcard-not-allowed',
            `define-primary-key needs an exact schema and table name: "object-locator.${key}" ${JSON.stringify(name)} contains "%"`,
            `object-locator.${key}`,
          );
        }
      }
    }
    if (isPresent(rule['data-type'])) this.dataType(rule['data-type']);
    if (isPresent(rule['primary-key-def'])) this.primaryKeyDef(rule['primary-key-def']);
    if (isPresent(rule['before-image-def'])) this.beforeImageDef(rule['before-image-def']);

    if (target && action && targetFits && locator) {
      const names = LOCATOR_KEYS.map((key) => locator[key]);
      if (names.every((n) => n === undefined || n === null || typeof n === 'string')) {
        const extra = action === 'add-column' ? rule.value : undefined;
        this.transformationKey = { key: JSON.stringify([target, action, names, extra ?? null]), action, target };
      }
    }
  }

  private actionFields(rule: JsonObject, action: TransformationAction): void {
    for (const [field, meaning] of ACTION_FIELDS[action] ?? []) {
      const value = rule[field];
      // A rename may compute the new name with an expression instead of a fixed value.
      if (action === 'rename' && field === 'value' && typeof rule.expression === 'string' && rule.expression !== '') continue;
      if (value === undefined || value === null) {
        this.report('missing-action-field', `rule-action ${action} needs "${field}" (${meaning})`, field);
      } else if (value === '' && field !== 'value') {
        this.report('empty-value', `"${field}" is empty`, field);
      } else if (value === '' && !action.startsWith('replace-')) {
        this.report('empty-value', `"value" is empty: rule-action ${action} needs ${meaning}`, field);
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
      this.report(
        'invalid-value',
        '"before-image-def" sets both "column-prefix" and "column-suffix" to "": the before-image columns would have the names of the columns they copy',
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
        this.report(code, `"parallel-load.columns" lists ${columns.length} columns: DMS allows at most ${MAX_PARALLEL_LOAD_COLUMNS}`, 'parallel-load.columns');
      }
      const twice = columns.find((c, i) => columns.indexOf(c) !== i);
      if (twice !== undefined) this.report(code, `"parallel-load.columns" lists ${JSON.stringify(twice)} twice`, 'parallel-load.columns');
    }
    const boundaries = pl.boundaries;
    if (isPresent(boundaries)) {
      if (!Array.isArray(boundaries)) {
        this.report(code, `"parallel-load.boundaries" must be an array of value lists such as [["1000"], ["2000"]], found ${describe(boundaries)}`, 'parallel-load.boundaries');
      } else if (boundaries.length === 0) {
        this.report(code, '"parallel-load.boundaries" is empty: ranges need at least one boundary', 'parallel-load.boundaries');
      } else {
        boundaries.forEach((boundary: unknown, i) => {
          const path = `parallel-load.boundaries[${i}]`;
          if (!Array.isArray(boundary)) {
            this.report(code, `"${path}" must be a list of column values, found ${describe(boundary)}`, path);
            return;
          }
          if (columns && columns.length > 0 && boundary.length !== columns.length) {
            this.report(code, `"${path}" has ${plural(boundary.length, 'value')} for ${plural(columns.length, 'column')}`, path);
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
        if (isPresent(pl[key])) this.report(code, `"parallel-load.${key}" applies only to type ranges, not ${type}`, `parallel-load.${key}`);
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
        if (value !== undefined) this.report(code, `"parallel-load.${key}" applies only to type partitions-list, not ${type}`, `parallel-load.${key}`);
      }
    }
    for (const key of ['number-of-partitions', 'max-records-skip-per-page', 'batch-size']) {
      const value = pl[key];
      if (!isPresent(value)) continue;
      const n = wholeNumber(value);
      if (n === undefined || n === 0n) {
        this.report(code, `"parallel-load.${key}" must be a whole number greater than 0, found ${show(value)}`, `parallel-load.${key}`);
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
      this.report(code, 'lob-settings in limited mode needs a nonzero "lob-settings.bulk-max-size" (kilobytes)', 'lob-settings.bulk-max-size');
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
        this.report('invalid-pattern', `"object-locator.${key}" ${JSON.stringify(name)} is not a valid pattern: ${problem}`, `object-locator.${key}`);
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
      this.report('unknown-field', `unknown field "${prefix}${key}": did you mean "${prefix}${meant}"?`, `${prefix}${key}`);
    }
  }

  private report(code: MappingProblemCode, message: string, path?: string): void {
    this.problems.push({ file: this.file, code, message, rule: this.ref, ...(path ? { path } : {}) });
  }
}

// ---- small pure helpers ------------------------------------------------------------------------

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
