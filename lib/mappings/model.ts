/**
 * The AWS DMS table-mapping format (`{"rules": [...]}`), as AWS SCT and the DMS console export it,
 * and the vocabulary the validator checks against. Sources (AWS DMS User Guide):
 * "Specifying table selection and transformations rules using JSON", "Selection rules and
 * actions", "Transformation rules and actions", "Table and collection settings rules and
 * operations", "Using source filters", "Wildcards in table mapping".
 *
 * The typed rules keep the JSON keys exactly as DMS spells them, so a validated document is its
 * own typed view: nothing is renamed on the way to the replication task. Numbers that DMS
 * documents as numeric may be written as numbers or as numeric strings ("rule-id": "1" is what
 * SCT and the console write); optional fields may be `null` (the console writes
 * `"old-value": null`, `"parallel-load": null`), which means the same as leaving them out.
 */

/** DMS accepts table-mapping JSON up to 2 MB (User Guide: "up to 2 MB in size"). */
export const MAX_TABLE_MAPPINGS_BYTES = 2 * 1024 * 1024;

export const RULE_TYPES = ['selection', 'transformation', 'table-settings', 'object-mapping', 'post-processing'] as const;
export type RuleType = (typeof RULE_TYPES)[number];

export const SELECTION_ACTIONS = ['include', 'exclude', 'explicit'] as const;
export type SelectionAction = (typeof SELECTION_ACTIONS)[number];

export const TRANSFORMATION_ACTIONS = [
  'add-column',
  'include-column',
  'remove-column',
  'rename',
  'convert-lowercase',
  'convert-uppercase',
  'add-prefix',
  'remove-prefix',
  'replace-prefix',
  'add-suffix',
  'remove-suffix',
  'replace-suffix',
  'define-primary-key',
  'change-data-type',
  'add-before-image-columns',
  'data-masking-digits-mask',
  'data-masking-digits-randomize',
  'data-masking-hash-mask',
] as const;
export type TransformationAction = (typeof TRANSFORMATION_ACTIONS)[number];

/**
 * The documented rule targets, plus `primary-key`, which the DMS guide does not list but which
 * turns up in SCT exports; it is accepted for the actions that make sense on a table.
 */
export const TRANSFORMATION_TARGETS = ['schema', 'table', 'column', 'table-tablespace', 'index-tablespace', 'primary-key'] as const;
export type TransformationTarget = (typeof TRANSFORMATION_TARGETS)[number];

export const OBJECT_MAPPING_ACTIONS = ['map-record-to-record', 'map-record-to-document'] as const;
export const POST_PROCESSING_ACTIONS = ['add-tag'] as const;

export const TABLE_TYPES = ['table', 'view', 'all'] as const;
export type TableType = (typeof TABLE_TYPES)[number];

/** `ste` is the documented alias of `lte`. */
export const FILTER_OPERATORS = ['lte', 'ste', 'gte', 'eq', 'noteq', 'between', 'notbetween', 'null', 'notnull'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];
/** DMS allows a negative operator only as the sole condition of its filter. */
export const NEGATIVE_FILTER_OPERATORS: readonly FilterOperator[] = ['noteq', 'notbetween', 'notnull'];

export const PARALLEL_LOAD_TYPES = ['partitions-auto', 'subpartitions-auto', 'partitions-list', 'ranges', 'none'] as const;
export type ParallelLoadType = (typeof PARALLEL_LOAD_TYPES)[number];
/** "You can specify up to 10 columns" for range segmentation. */
export const MAX_PARALLEL_LOAD_COLUMNS = 10;

export const LOB_MODES = ['limited', 'unlimited', 'none'] as const;
export type LobMode = (typeof LOB_MODES)[number];

/** DMS data types accepted by add-column and change-data-type. */
export const DMS_DATA_TYPES = [
  'bytes',
  'date',
  'time',
  'datetime',
  'int1',
  'int2',
  'int4',
  'int8',
  'numeric',
  'real4',
  'real8',
  'string',
  'uint1',
  'uint2',
  'uint4',
  'uint8',
  'wstring',
  'blob',
  'nclob',
  'clob',
  'boolean',
  'set',
  'list',
  'map',
  'tuple',
] as const;

export const PRIMARY_KEY_ORIGINS = ['primary-key', 'unique-index'] as const;
export const BEFORE_IMAGE_COLUMN_FILTERS = ['pk-only', 'non-lob', 'all'] as const;

/** "A positive integer. The maximum value is 2,147,483,647." */
export const MAX_LOAD_ORDER = 2_147_483_647;

/** A whole number written as a JSON number or as a string of digits ("1"). */
export type NumericValue = number | string;

export interface ObjectLocator {
  readonly 'schema-name'?: string;
  readonly 'table-name'?: string;
  readonly 'table-type'?: TableType;
  readonly 'column-name'?: string;
  readonly 'table-tablespace-name'?: string;
  readonly 'index-tablespace-name'?: string;
  /** Existing column data type, used with `"column-name": "%"`. */
  readonly 'data-type'?: string;
  readonly [key: string]: unknown;
}

export interface FilterCondition {
  readonly 'filter-operator': FilterOperator;
  readonly value?: string | number | null;
  readonly 'start-value'?: string | number | null;
  readonly 'end-value'?: string | number | null;
  readonly [key: string]: unknown;
}

export interface SourceFilter {
  readonly 'filter-type': 'source';
  readonly 'column-name': string;
  readonly 'filter-conditions': readonly FilterCondition[];
  readonly [key: string]: unknown;
}

interface RuleCommon {
  readonly 'rule-id': NumericValue;
  readonly 'rule-name': string | number;
  readonly 'object-locator': ObjectLocator;
  readonly [key: string]: unknown;
}

export interface SelectionRule extends RuleCommon {
  readonly 'rule-type': 'selection';
  readonly 'rule-action': SelectionAction;
  readonly 'load-order'?: NumericValue | null;
  readonly filters?: readonly SourceFilter[] | null;
}

export interface DataTypeDefinition {
  readonly type: string;
  readonly precision?: NumericValue | null;
  readonly scale?: NumericValue | null;
  readonly length?: NumericValue | null;
  readonly [key: string]: unknown;
}

export interface PrimaryKeyDefinition {
  readonly name: string;
  readonly origin?: (typeof PRIMARY_KEY_ORIGINS)[number] | null;
  readonly columns: readonly string[];
  readonly [key: string]: unknown;
}

export interface BeforeImageDefinition {
  readonly 'column-prefix'?: string | null;
  readonly 'column-suffix'?: string | null;
  readonly 'column-filter'?: (typeof BEFORE_IMAGE_COLUMN_FILTERS)[number] | null;
  readonly [key: string]: unknown;
}

export interface TransformationRule extends RuleCommon {
  readonly 'rule-type': 'transformation';
  readonly 'rule-action': TransformationAction;
  /**
   * The guide gives every transformation rule one; DMS also runs rules without it (a
   * change-data-type whose object-locator names a column), so it may be absent. See
   * `ruleTargetOf` for the target such a rule is checked as.
   */
  readonly 'rule-target'?: TransformationTarget | null;
  readonly value?: string | null;
  readonly 'old-value'?: string | null;
  readonly expression?: string | null;
  readonly 'data-type'?: DataTypeDefinition | null;
  readonly 'primary-key-def'?: PrimaryKeyDefinition | null;
  readonly 'before-image-def'?: BeforeImageDefinition | null;
}

export interface ParallelLoad {
  readonly type: ParallelLoadType;
  readonly partitions?: readonly string[] | null;
  readonly subpartitions?: readonly string[] | null;
  readonly columns?: readonly string[] | null;
  readonly boundaries?: readonly (readonly (string | number)[])[] | null;
  readonly 'number-of-partitions'?: NumericValue | null;
  readonly 'collection-count-from-metadata'?: boolean | string | null;
  readonly 'max-records-skip-per-page'?: NumericValue | null;
  readonly 'batch-size'?: NumericValue | null;
  readonly [key: string]: unknown;
}

export interface LobSettings {
  readonly mode?: LobMode | null;
  /** Kilobytes. */
  readonly 'bulk-max-size'?: NumericValue | null;
  readonly [key: string]: unknown;
}

export interface TableSettingsRule extends RuleCommon {
  readonly 'rule-type': 'table-settings';
  readonly 'parallel-load'?: ParallelLoad | null;
  readonly 'lob-settings'?: LobSettings | null;
}

/** For DynamoDB, Kinesis and Kafka targets; accepted as DMS defines it, checked lightly. */
export interface ObjectMappingRule extends RuleCommon {
  readonly 'rule-type': 'object-mapping';
  readonly 'rule-action': (typeof OBJECT_MAPPING_ACTIONS)[number];
}

/** S3 object tagging; accepted as DMS defines it, checked lightly. */
export interface PostProcessingRule extends RuleCommon {
  readonly 'rule-type': 'post-processing';
  readonly 'rule-action': (typeof POST_PROCESSING_ACTIONS)[number];
}

export type MappingRule = SelectionRule | TransformationRule | TableSettingsRule | ObjectMappingRule | PostProcessingRule;

export interface TableMappingDocument {
  readonly rules: readonly MappingRule[];
}

/** A source schema selected by the mapping and the target (MySQL database) it lands in. */
export interface SchemaMapping {
  readonly source: string;
  readonly target: string;
}

export interface TargetSchemas {
  /**
   * False when a selection rule names its schema by a pattern (`%`, `[...]`): the schemas it
   * selects are only known on the source database, and `schemas` lists the exact ones only.
   */
  readonly complete: boolean;
  readonly schemas: readonly SchemaMapping[];
}

/** A validated table mapping, ready for CfnReplicationTask.tableMappings. */
export interface TableMappings {
  /** The file as named by the caller (config path), used in every message. */
  readonly file: string;
  readonly document: TableMappingDocument;
  readonly rules: readonly MappingRule[];
  /**
   * Canonical JSON (JSON.stringify of the parsed document, integers beyond 2^53 as the file
   * writes them): same meaning, no formatting. What the replication task receives.
   */
  readonly json: string;
  /** UTF-8 size of `json`, what DMS receives. */
  readonly sizeBytes: number;
  /** Short stable hash of `json`: changes exactly when the mapping's content changes. */
  readonly generation: string;
  /** Source schemas the mapping selects and the target databases they are written to. */
  readonly targetSchemas: TargetSchemas;
  /** What DMS accepts but the guide advises against or DMS partly ignores, in file order. */
  readonly warnings: readonly MappingProblem[];
}

/** The rule a problem belongs to: its position, and its id and name when they are usable. */
export interface RuleRef {
  readonly index: number;
  readonly id?: string;
  readonly name?: string;
}

/**
 * Every class of finding the validator reports; each has a test with its exact message. One
 * code can be an error in one case and a warning in another (`severity` says which).
 */
export type MappingProblemCode =
  | 'unreadable-file'
  | 'invalid-encoding'
  | 'invalid-json'
  | 'duplicate-key'
  | 'unsafe-number'
  | 'too-large'
  | 'not-an-object'
  | 'missing-rules'
  | 'unknown-top-level-key'
  | 'no-selection'
  | 'nothing-selected'
  | 'rule-not-an-object'
  | 'missing-field'
  | 'wrong-type'
  | 'empty-value'
  | 'unknown-field'
  | 'invalid-value'
  | 'invalid-rule-type'
  | 'invalid-rule-action'
  | 'invalid-rule-target'
  | 'invalid-rule-id'
  | 'duplicate-rule-id'
  | 'duplicate-rule-name'
  | 'action-target-mismatch'
  | 'missing-action-field'
  | 'invalid-pattern'
  | 'wildcard-not-allowed'
  | 'invalid-filter'
  | 'invalid-parallel-load'
  | 'invalid-lob-settings'
  | 'conflicting-rules'
  | 'missing-rule-target'
  | 'unsupported-column-name';

/**
 * `error`: DMS refuses the mapping, or the rule is incomplete or unreadable (no documented
 * meaning DMS could apply); synth fails. `warning`: DMS accepts it, but it goes against the DMS
 * guide's wording or DMS ignores part of it; synth adds a CDK warning (`cdk synth --strict`
 * fails on it).
 */
export type MappingSeverity = 'error' | 'warning';

export interface MappingProblem {
  readonly file: string;
  readonly severity: MappingSeverity;
  readonly code: MappingProblemCode;
  /** The problem, without the file and rule prefix. */
  readonly message: string;
  readonly rule?: RuleRef;
  /** Where in the rule (or document), e.g. `object-locator.table-name`. */
  readonly path?: string;
  /**
   * 1-based line and column in the file of the key or value concerned (of the nearest enclosing
   * one for a missing key). Absent for a file that cannot be read, or a document validated
   * without its text.
   */
  readonly line?: number;
  readonly column?: number;
}
