import {
  checkTableMappings,
  formatProblem,
  MappingProblem,
  MappingProblemCode,
  MAX_TABLE_MAPPINGS_BYTES,
  parseTableMappings,
  TableMappingError,
  validateTableMappings,
} from '../../lib/mappings';

/**
 * Every error and every warning the validator reports, each with the exact line the CLI prints
 * and synth fails (error) or warns (warning) with. Each test asserts the complete list, so a
 * mistake is reported once, without a cascade of follow-on complaints. Positions (line and
 * column) are checked on their own at the end; the message tests leave them out.
 */

const FILE = 'mappings/sales.json';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Rule = { [key: string]: Json };

const include = (over: Rule = {}): Rule => ({
  'rule-type': 'selection',
  'rule-id': '1',
  'rule-name': 'include-sales',
  'object-locator': { 'schema-name': 'Sales', 'table-name': '%' },
  'rule-action': 'include',
  ...over,
});

const rename = (over: Rule = {}): Rule => ({
  'rule-type': 'transformation',
  'rule-id': '2',
  'rule-name': 'rename-sales',
  'rule-target': 'schema',
  'object-locator': { 'schema-name': 'Sales' },
  'rule-action': 'rename',
  value: 'adventureworks_sales',
  ...over,
});

const column = (over: Rule = {}): Rule =>
  rename({
    'rule-target': 'column',
    'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store', 'column-name': 'Name' },
    value: null,
    ...over,
  });

const tableSettings = (over: Rule = {}): Rule => ({
  'rule-type': 'table-settings',
  'rule-id': '3',
  'rule-name': 'parallel-sales-order-detail',
  'object-locator': { 'schema-name': 'Sales', 'table-name': 'SalesOrderDetail' },
  'parallel-load': { type: 'partitions-auto' },
  ...over,
});

function without(rule: Rule, ...keys: string[]): Rule {
  const copy = { ...rule };
  for (const key of keys) delete copy[key];
  return copy;
}

function unplaced(problem: MappingProblem): MappingProblem {
  const { line: _line, column: _column, ...rest } = problem;
  return rest;
}

/** Findings of a text, formatted as the CLI prints them, without their position. */
function linesOfText(text: string): string[] {
  return checkTableMappings(text, FILE).problems.map((p) => formatProblem(unplaced(p)));
}

/** Findings formatted with their position, as printed. */
function placedLinesOfText(text: string): string[] {
  return checkTableMappings(text, FILE).problems.map(formatProblem);
}

function lines(document: Json): string[] {
  return linesOfText(JSON.stringify(document, null, 2));
}

/** Findings of a document made of an include rule for Sales plus the given rules. */
function withRules(...rules: Json[]): string[] {
  return lines({ rules: [include(), ...rules] });
}

function codes(document: Json): MappingProblemCode[] {
  return checkTableMappings(JSON.stringify(document), FILE).problems.map((p) => p.code);
}

/** A selection rule 5 on Sales.SalesOrderHeader with the given source filters. */
const filtered = (filters: Json, over: Rule = {}): Rule =>
  include({ 'rule-id': '5', 'rule-name': 'recent-orders', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'SalesOrderHeader' }, filters, ...over });
const condition = (c: Rule): Json => [{ 'filter-type': 'source', 'column-name': 'OrderDate', 'filter-conditions': [c] }];

const prefix2 = 'mappings/sales.json: rule 2 "rename-sales": ';
const warn2 = `${prefix2}warning: `;

describe('accepted as SCT and the console write it', () => {
  it('accepts a minimal mapping', () => {
    expect(withRules()).toEqual([]);
  });

  it('accepts rule-ids written as numbers or as numeric strings, and null optional fields', () => {
    expect(
      lines({
        rules: [
          include({ 'rule-id': 1, filters: [], 'parallel-load': null, 'load-order': null }),
          rename({ 'rule-id': '0002', 'old-value': null, expression: null }),
          rename({ 'rule-id': 3, 'rule-name': 7, 'object-locator': { 'schema-name': 'dbo' }, value: 'adventureworks_dbo' }),
        ],
      }),
    ).toEqual([]);
  });

  it('accepts what DMS itself writes when it describes a task (null rule-target, value, column-name, tag-set on a selection)', () => {
    expect(
      lines({
        rules: [
          include({
            'rule-target': null,
            value: null,
            'object-locator': { 'schema-name': 'Sales', 'table-name': '%', 'table-type': 'view', 'column-name': null },
            'load-order': null,
            'before-image-def': null,
            'tag-set': null,
            filters: [],
          }),
        ],
      }),
    ).toEqual([]);
  });

  it('keeps unknown fields it cannot mistake for a DMS field (console exports carry some)', () => {
    expect(withRules(rename({ isAutoSegmentationChecked: false, description: 'SCT mapping rule' }))).toEqual([]);
  });

  it('accepts a rename that computes the new name with an expression', () => {
    expect(withRules(rename({ value: null, expression: "'adventureworks_' || lower($SCHEMA_NAME)" }))).toEqual([]);
  });

  it('accepts add-before-image-columns without before-image-def (every field has a documented default)', () => {
    expect(withRules(column({ 'rule-action': 'add-before-image-columns', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store' } }))).toEqual([]);
  });

  it('accepts the data-type example of the guide ("scale": "")', () => {
    expect(withRules(column({ 'rule-action': 'change-data-type', 'data-type': { type: 'string', length: '4092', scale: '' } }))).toEqual([]);
  });

  it('accepts a source filter on a table pattern (the guide does not restrict it)', () => {
    const filters = [{ 'filter-type': 'source', 'column-name': 'ModifiedDate', 'filter-conditions': [{ 'filter-operator': 'gte', value: '2014-01-01' }] }];
    expect(withRules(include({ 'rule-id': '4', 'rule-name': 'recent', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Sales%' }, filters }))).toEqual([]);
  });
});

describe('errors: DMS refuses the mapping, or a rule is incomplete or unreadable', () => {
  it.each([
    ['', "invalid JSON: expected a value, found the end of the file (line 1 column 1)"],
    ['{"rules": [}', "invalid JSON: expected a value, found '}' (line 1 column 12)"],
    ['{"rules": []', "invalid JSON: expected ',' or '}' after a property value, found the end of the file (line 1 column 13)"],
    ['{"rules": [] "x": 1}', "invalid JSON: expected ',' or '}' after a property value, found '\"' (line 1 column 14)"],
    ['{"rules": [1 2]}', "invalid JSON: expected ',' or ']' after an array element, found '2' (line 1 column 14)"],
    ['{"rules": [1,]}', "invalid JSON: trailing comma before ']' (line 1 column 13)"],
    ['{rules: []}', "invalid JSON: expected a property name in double quotes, found 'r' (line 1 column 2)"],
    ["{'rules': []}", 'invalid JSON: property names must be in double quotes (line 1 column 2)'],
    ['{"rules" []}', "invalid JSON: expected ':' after the property name, found '[' (line 1 column 10)"],
    ['{"rules": [\'x\']}', 'invalid JSON: strings must be in double quotes (line 1 column 12)'],
    ['{"rules": "abc}', 'invalid JSON: unterminated string (line 1 column 11)'],
    ['{"rules": "a\nb"}', 'invalid JSON: unterminated string (a line break must be written as \\n) (line 1 column 11)'],
    ['{"rules": "a\\x"}', "invalid JSON: invalid escape '\\x' in a string (line 1 column 13)"],
    ['{"rules": "\\u12"}', 'invalid JSON: invalid \\u escape: expected four hex digits (line 1 column 12)'],
    ['{"rules": [01]}', "invalid JSON: invalid number '01' (line 1 column 12)"],
    ['{"rules": [True]}', "invalid JSON: expected a value, found 'True' (line 1 column 12)"],
    ['// SCT export\n{"rules": []}', 'invalid JSON: comments are not allowed in JSON (line 1 column 1)'],
    ['{"rules": []} x', "invalid JSON: unexpected 'x' after the end of the JSON document (line 1 column 15)"],
    ['{"rules": []}\r\n\r\n}', "invalid JSON: unexpected '}' after the end of the JSON document (line 3 column 1)"],
  ])('invalid JSON %j', (text, message) => {
    expect(placedLinesOfText(text)).toEqual([`mappings/sales.json: ${message}`]);
  });

  it('a mapping larger than the 2 MB DMS processes', () => {
    const rules = Array.from({ length: 12_000 }, (_, i) =>
      include({ 'rule-id': String(i + 1), 'rule-name': `include-sales-history-${i + 1}`, 'object-locator': { 'schema-name': 'SalesHistory', 'table-name': `Orders_${i + 1}` } }),
    );
    const text = JSON.stringify({ rules });
    expect(Buffer.byteLength(text)).toBeGreaterThan(MAX_TABLE_MAPPINGS_BYTES);
    expect(linesOfText(text)).toEqual([
      `mappings/sales.json: the table mapping is ${Buffer.byteLength(text)} bytes of JSON; DMS accepts at most 2 MB (2097152 bytes): split the tables across several tasks`,
    ]);
  });

  it('a document that is not an object, or has no "rules" array', () => {
    expect(lines([include()])).toEqual(['mappings/sales.json: the table mapping must be a JSON object with a "rules" array, found an array']);
    expect(lines({})).toEqual(['mappings/sales.json: missing "rules": the table mapping must be {"rules": [...]}']);
    expect(lines({ rules: { 'rule-type': 'selection' } })).toEqual(['mappings/sales.json: "rules" must be an array, found an object']);
  });

  it('no selection rule at all', () => {
    const message = 'mappings/sales.json: no selection rule: DMS needs at least one rule with "rule-type": "selection" and "rule-action": "include" or "explicit"';
    expect(lines({ rules: [] })).toEqual([message]);
    expect(lines({ rules: [rename()] })).toEqual([message]);
  });

  it('a rule that is not an object', () => {
    expect(withRules('rename Sales')).toEqual(['mappings/sales.json: rules[1]: a rule must be a JSON object, found a string ("rename Sales")']);
  });

  it('a missing rule-type, rule-id, object-locator or rule-action', () => {
    expect(withRules(without(rename(), 'rule-type'))).toEqual([`${prefix2}missing "rule-type"`]);
    expect(withRules(without(rename(), 'rule-id'))).toEqual(['mappings/sales.json: rules[1] "rename-sales": missing "rule-id"']);
    expect(withRules(without(rename(), 'object-locator'))).toEqual([`${prefix2}missing "object-locator"`]);
    expect(withRules(without(rename(), 'rule-action'))).toEqual([`${prefix2}missing "rule-action"`]);
    expect(withRules(include({ 'rule-id': '5', 'rule-name': 'include-person', 'object-locator': { 'schema-name': 'Person' } }))).toEqual([
      'mappings/sales.json: rule 5 "include-person": missing "object-locator.table-name"',
    ]);
  });

  it('a locator that lacks the name its rule-target needs', () => {
    expect(withRules(column({ 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store' }, value: 'store_name' }))).toEqual([
      `${prefix2}rule-target column needs "object-locator.column-name"`,
    ]);
    expect(withRules(rename({ 'rule-target': 'table' }))).toEqual([`${prefix2}rule-target table needs "object-locator.table-name"`]);
    expect(
      withRules(rename({ 'rule-target': 'column', 'rule-action': 'define-primary-key', value: null, 'primary-key-def': { name: 'pk', columns: ['id'] } })),
    ).toEqual([
      `${warn2}rule-action define-primary-key is documented with rule-target table, found "column"`,
      `${prefix2}rule-action define-primary-key needs "object-locator.table-name"`,
    ]);
  });

  it('a field of the wrong JSON type', () => {
    expect(withRules(rename({ 'object-locator': 'Sales' }))).toEqual([`${prefix2}"object-locator" must be an object, found a string ("Sales")`]);
    expect(withRules(rename({ value: 42 }))).toEqual([`${prefix2}"value" must be a string, found a number (42)`]);
    expect(withRules(rename({ 'object-locator': { 'schema-name': ['Sales'] } }))).toEqual([
      `${prefix2}"object-locator.schema-name" must be a string, found an array`,
    ]);
  });

  it('an unknown rule-type, rule-action or rule-target', () => {
    expect(withRules(rename({ 'rule-type': 'transformations' }))).toEqual([
      `${prefix2}"rule-type" "transformations" is not valid: expected selection, transformation, table-settings, object-mapping or post-processing`,
    ]);
    expect(lines({ rules: [include({ 'rule-action': 'rename' })] })).toEqual([
      'mappings/sales.json: rule 1 "include-sales": "rule-action" "rename" is not valid for a selection rule: expected include, exclude or explicit',
    ]);
    expect(lines({ rules: [include({ 'rule-action': 'Include' })] })).toEqual([
      'mappings/sales.json: rule 1 "include-sales": "rule-action" "Include" is not valid for a selection rule: expected include, exclude or explicit (values are case-sensitive: did you mean "include"?)',
    ]);
    expect(withRules(rename({ 'rule-action': 'include' }))).toEqual([
      `${prefix2}"rule-action" "include" is not valid for a transformation rule: expected add-column, include-column, remove-column, rename, convert-lowercase, convert-uppercase, add-prefix, remove-prefix, replace-prefix, add-suffix, remove-suffix, replace-suffix, define-primary-key, change-data-type, add-before-image-columns, data-masking-digits-mask, data-masking-digits-randomize or data-masking-hash-mask`,
    ]);
    expect(withRules({ ...tableSettings(), 'rule-type': 'post-processing', 'rule-action': 'tag' })).toEqual([
      'mappings/sales.json: rule 3 "parallel-sales-order-detail": "rule-action" "tag" is not valid for a post-processing rule: expected add-tag',
    ]);
    expect(withRules(rename({ 'rule-target': 'database' }))).toEqual([
      `${prefix2}"rule-target" "database" is not valid: expected schema, table, column, table-tablespace, index-tablespace or primary-key`,
    ]);
  });

  it('a rule-id that is not numeric', () => {
    const message = (shown: string, label: string) =>
      `mappings/sales.json: ${label} "rename-sales": "rule-id" ${shown} is not a whole number: DMS needs a numeric rule-id such as 1 or "1"`;
    expect(withRules(rename({ 'rule-id': 'rename-1' }))).toEqual([message('"rename-1"', 'rule rename-1')]);
    expect(withRules(rename({ 'rule-id': -2 }))).toEqual([message('-2', 'rule -2')]);
    expect(withRules(rename({ 'rule-id': 2.5 }))).toEqual([message('2.5', 'rule 2.5')]);
    expect(withRules(rename({ 'rule-id': true }))).toEqual([message('true', 'rules[1]')]);
  });

  it('an action without the field it needs', () => {
    expect(withRules(without(rename(), 'value'))).toEqual([`${prefix2}rule-action rename needs "value" (the new name)`]);
    expect(withRules(rename({ value: '' }))).toEqual([`${prefix2}"value" is empty: rule-action rename needs the new name`]);
    expect(withRules(rename({ 'rule-action': 'replace-prefix', value: 'adventureworks_' }))).toEqual([
      `${prefix2}rule-action replace-prefix needs "old-value" (the prefix to replace)`,
    ]);
    expect(withRules(rename({ 'rule-action': 'remove-suffix', value: null }))).toEqual([`${prefix2}rule-action remove-suffix needs "value" (the suffix to remove)`]);
    expect(withRules(column({ 'rule-action': 'add-column', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store' }, value: 'migrated_at' }))).toEqual([
      `${prefix2}rule-action add-column needs "data-type" (the new column's type)`,
    ]);
    expect(withRules(column({ 'rule-action': 'change-data-type' }))).toEqual([`${prefix2}rule-action change-data-type needs "data-type" (the new type)`]);
    expect(withRules(rename({ 'rule-target': 'table', 'rule-action': 'define-primary-key', value: null, 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store' } }))).toEqual([
      `${prefix2}rule-action define-primary-key needs "primary-key-def" (the key name and columns)`,
    ]);
  });

  it('a value outside what the field documents', () => {
    expect(withRules(include({ 'rule-id': '4', 'rule-name': 'views', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'v%', 'table-type': 'views' } }))).toEqual([
      'mappings/sales.json: rule 4 "views": "object-locator.table-type" "views" is not valid: expected table, view or all',
    ]);
    expect(withRules(include({ 'rule-id': '4', 'rule-name': 'first', 'load-order': 'first' }))).toEqual([
      'mappings/sales.json: rule 4 "first": "load-order" "first" is not valid: expected a whole number from 0 to 2147483647',
    ]);
    expect(withRules(include({ 'rule-id': '4', 'rule-name': 'first', 'load-order': 2147483648 }))).toEqual([
      'mappings/sales.json: rule 4 "first": "load-order" 2147483648 is not valid: expected a whole number from 0 to 2147483647',
    ]);
    expect(withRules(column({ 'rule-action': 'change-data-type', 'data-type': { type: 'varchar', length: 'fifty' } }))).toEqual([
      `${prefix2}"data-type.type" "varchar" is not a DMS data type: expected bytes, date, time, datetime, int1, int2, int4, int8, numeric, real4, real8, string, uint1, uint2, uint4, uint8, wstring, blob, nclob, clob, boolean, set, list, map or tuple`,
      `${prefix2}"data-type.length" must be a whole number, found "fifty"`,
    ]);
    expect(withRules(column({ 'rule-action': 'change-data-type', 'data-type': { length: 50 } }))).toEqual([`${prefix2}missing "data-type.type"`]);
    expect(
      withRules(
        rename({
          'rule-target': 'table',
          'rule-action': 'define-primary-key',
          'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store' },
          value: null,
          'primary-key-def': { origin: 'unique', columns: [] },
        }),
      ),
    ).toEqual([
      `${prefix2}missing "primary-key-def.name"`,
      `${prefix2}"primary-key-def.origin" "unique" is not valid: expected primary-key or unique-index`,
      `${prefix2}"primary-key-def.columns" is empty: list at least one name`,
    ]);
    expect(
      withRules(
        column({
          'rule-action': 'add-before-image-columns',
          'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store' },
          'before-image-def': { 'column-prefix': 'BI_', 'column-filter': 'pk' },
        }),
      ),
    ).toEqual([`${prefix2}"before-image-def.column-filter" "pk" is not valid: expected pk-only, non-lob or all`]);
  });

  it('a table-settings rule with a wildcard, with the message DMS returns', () => {
    expect(withRules(tableSettings({ 'object-locator': { 'schema-name': 'Sales', 'table-name': '%' } }))).toEqual([
      'mappings/sales.json: rule 3 "parallel-sales-order-detail": table-settings need an exact schema and table name: "object-locator.table-name" "%" contains "%" (DMS rejects it: "Exact schema and table name required when using table settings rule")',
    ]);
  });

  describe('source filters', () => {
    const prefix = 'mappings/sales.json: rule 5 "recent-orders": ';

    it('accepts well-formed filters', () => {
      expect(withRules(filtered(condition({ 'filter-operator': 'gte', value: '2014-01-01' })))).toEqual([]);
    });

    it('malformed filters', () => {
      expect(withRules(filtered({ 'filter-type': 'source' }))).toEqual([`${prefix}"filters" must be an array, found an object`]);
      expect(withRules(filtered(['x']))).toEqual([`${prefix}"filters[0]" must be an object, found a string ("x")`]);
      expect(withRules(filtered([{ 'filter-type': 'target', 'column-name': 'OrderDate', 'filter-conditions': [{ 'filter-operator': 'null' }] }]))).toEqual([
        `${prefix}"filters[0].filter-type" must be "source", found "target"`,
      ]);
      expect(withRules(filtered([{ 'column-name': 'OrderDate', 'filter-conditions': [{ 'filter-operator': 'null' }] }]))).toEqual([
        `${prefix}missing "filters[0].filter-type" (it must be "source")`,
      ]);
      expect(withRules(filtered([{ 'filter-type': 'source', 'filter-conditions': [{ 'filter-operator': 'null' }] }]))).toEqual([`${prefix}missing "filters[0].column-name"`]);
      expect(withRules(filtered([{ 'filter-type': 'source', 'column-name': 'OrderDate' }]))).toEqual([`${prefix}missing "filters[0].filter-conditions"`]);
      expect(withRules(filtered([{ 'filter-type': 'source', 'column-name': 'OrderDate', 'filter-conditions': [] }]))).toEqual([
        `${prefix}"filters[0].filter-conditions" is empty: a filter needs at least one condition`,
      ]);
      expect(withRules(filtered(condition({ 'filter-operator': 'lt', value: '2014-01-01' })))).toEqual([
        `${prefix}"filters[0].filter-conditions[0].filter-operator" "lt" is not valid: expected lte, ste, gte, eq, noteq, between, notbetween, null or notnull`,
      ]);
      expect(withRules(filtered(condition({ 'filter-operator': 'eq' })))).toEqual([`${prefix}filter-operator eq needs "filters[0].filter-conditions[0].value"`]);
      expect(withRules(filtered(condition({ 'filter-operator': 'between', 'start-value': '2011-01-01' })))).toEqual([
        `${prefix}filter-operator between needs "filters[0].filter-conditions[0].end-value"`,
      ]);
      expect(withRules(filtered(condition({ 'filter-operator': 'gte', value: { date: '2014-01-01' } })))).toEqual([
        `${prefix}"filters[0].filter-conditions[0].value" must be a string or a number, found an object`,
      ]);
    });
  });

  describe('table settings', () => {
    const prefix = 'mappings/sales.json: rule 3 "parallel-sales-order-detail": ';
    const parallel = (pl: Json) => withRules(tableSettings({ 'parallel-load': pl }));
    const lob = (settings: Json) => withRules(without(tableSettings({ 'lob-settings': settings }), 'parallel-load'));

    it('malformed parallel-load settings', () => {
      expect(parallel('ranges')).toEqual([`${prefix}"parallel-load" must be an object such as {"type": "partitions-auto"}, found a string ("ranges")`]);
      expect(parallel({ type: 'partition-auto' })).toEqual([
        `${prefix}"parallel-load.type" "partition-auto" is not valid: expected partitions-auto, subpartitions-auto, partitions-list, ranges or none`,
      ]);
      expect(parallel({})).toEqual([`${prefix}missing "parallel-load.type"`]);
      expect(parallel({ type: 'ranges' })).toEqual([
        `${prefix}parallel-load type ranges needs "parallel-load.columns" (1 to 10 column names)`,
        `${prefix}parallel-load type ranges needs "parallel-load.boundaries"`,
      ]);
      expect(parallel({ type: 'ranges', columns: ['SalesOrderID'], boundaries: [[null]] })).toEqual([
        `${prefix}"parallel-load.boundaries[0][0]" must be a string or a number, found null`,
      ]);
      expect(parallel({ type: 'ranges', columns: ['SalesOrderID'], boundaries: ['1000'] })).toEqual([
        `${prefix}"parallel-load.boundaries[0]" must be a list of column values, found a string ("1000")`,
      ]);
      expect(parallel({ type: 'partitions-list' })).toEqual([
        `${prefix}parallel-load type partitions-list needs "parallel-load.partitions" or "parallel-load.subpartitions"`,
      ]);
      expect(parallel({ type: 'partitions-auto', 'number-of-partitions': 'many' })).toEqual([
        `${prefix}"parallel-load.number-of-partitions" must be a whole number greater than 0, found "many"`,
      ]);
      expect(parallel({ type: 'partitions-auto', 'collection-count-from-metadata': 'yes' })).toEqual([
        `${prefix}"parallel-load.collection-count-from-metadata" must be true or false, found "yes"`,
      ]);
    });

    it('malformed LOB settings', () => {
      expect(lob({ mode: 'full', 'bulk-max-size': '64' })).toEqual([`${prefix}"lob-settings.mode" "full" is not valid: expected limited, unlimited or none`]);
      expect(lob({ mode: 'limited', 'bulk-max-size': '64KB' })).toEqual([`${prefix}"lob-settings.bulk-max-size" must be a whole number of kilobytes, found "64KB"`]);
      expect(lob('limited')).toEqual([`${prefix}"lob-settings" must be an object such as {"mode": "limited", "bulk-max-size": "32"}, found a string ("limited")`]);
    });
  });
});

describe('warnings: DMS accepts it, but against the guide, or DMS ignores part of it', () => {
  it('a top-level key other than "rules"', () => {
    expect(lines({ $schema: './table-mappings.schema.json', rules: [include()] })).toEqual([
      'mappings/sales.json: warning: unknown top-level key "$schema": the guide documents only "rules" at the top level',
    ]);
    expect(lines({ Rules: [include()] })).toEqual([
      'mappings/sales.json: warning: unknown top-level key "Rules": did you mean "rules"?',
      'mappings/sales.json: missing "rules": the table mapping must be {"rules": [...]}',
    ]);
  });

  it('selection rules that only exclude', () => {
    expect(lines({ rules: [include({ 'rule-action': 'exclude' }), rename()] })).toEqual([
      'mappings/sales.json: warning: every selection rule excludes: the task would migrate no table (add a rule with "rule-action": "include" or "explicit")',
    ]);
  });

  it('a rule-name used twice (the guide says unique; DMS ran such mappings)', () => {
    expect(withRules(rename({ 'rule-name': 'include-sales' }))).toEqual([
      'mappings/sales.json: rule 2 "include-sales": warning: rule-name "include-sales" is also used by rule 1 "include-sales": the guide asks for a unique name (DMS does not enforce it)',
    ]);
  });

  it('a rule-id used twice, whether written as a number or a string', () => {
    expect(withRules(rename({ 'rule-id': 1 }))).toEqual([
      'mappings/sales.json: rule 1 "rename-sales": warning: rule-id 1 is also used by rules[0] "include-sales": the guide asks for a unique rule-id, and DMS picks between transformation rules on one object by it',
    ]);
    expect(withRules(rename(), rename({ 'rule-id': '02', 'rule-name': 'rename-dbo', 'object-locator': { 'schema-name': 'dbo' } }))).toEqual([
      'mappings/sales.json: rule 02 "rename-dbo": warning: rule-id 02 is also used by rules[1] "rename-sales": the guide asks for a unique rule-id, and DMS picks between transformation rules on one object by it',
    ]);
  });

  it('a missing, empty or non-string rule-name', () => {
    expect(withRules(without(rename(), 'rule-name'))).toEqual(['mappings/sales.json: rule 2: warning: missing "rule-name": the guide gives every rule one']);
    expect(withRules(rename({ 'rule-name': ' ' }))).toEqual(['mappings/sales.json: rule 2 " ": warning: "rule-name" is empty']);
    expect(withRules(rename({ 'rule-name': { en: 'rename' } }))).toEqual(['mappings/sales.json: rule 2: warning: "rule-name" should be a string, found an object']);
  });

  it('an empty name in an object-locator', () => {
    expect(withRules(rename({ 'object-locator': { 'schema-name': '' } }))).toEqual([`${warn2}"object-locator.schema-name" is empty: it matches no object`]);
  });

  it('a misspelt field that DMS does not read', () => {
    expect(withRules(rename({ vaule: 'x' }))).toEqual([`${warn2}unknown field "vaule": did you mean "value"? DMS does not read "vaule"`]);
    expect(withRules(without(rename({ rule_action: 'rename' }), 'rule-action'))).toEqual([
      `${warn2}unknown field "rule_action": did you mean "rule-action"? DMS does not read "rule_action"`,
      `${prefix2}missing "rule-action"`,
    ]);
    expect(withRules(include({ 'rule-id': '4', 'rule-name': 'include-store', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store', tableName: 'x' } }))).toEqual([
      'mappings/sales.json: rule 4 "include-store": warning: unknown field "object-locator.tableName": did you mean "object-locator.table-name"? DMS does not read "object-locator.tableName"',
    ]);
  });

  it('a transformation rule without rule-target (DMS ran change-data-type rules so), checked as the target its locator names', () => {
    expect(withRules(without(column({ 'rule-action': 'change-data-type', 'data-type': { type: 'int8' } }), 'rule-target'))).toEqual([
      `${warn2}no "rule-target": the guide gives every transformation rule one; checked as rule-target column, from its object-locator`,
    ]);
    expect(withRules(without(rename(), 'rule-target'))).toEqual([
      `${warn2}no "rule-target": the guide gives every transformation rule one; checked as rule-target schema, from its object-locator`,
    ]);
    expect(
      withRules(without(rename({ 'rule-action': 'change-data-type', value: null, 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store' }, 'data-type': { type: 'int8' } }), 'rule-target')),
    ).toEqual([`${warn2}no "rule-target": the guide gives every transformation rule one; checked as rule-target table, from its object-locator (add "rule-target": "column")`]);
  });

  it('an action with a rule-target other than the documented one', () => {
    expect(withRules(rename({ 'rule-action': 'change-data-type', value: null, 'data-type': { type: 'string', length: 50 } }))).toEqual([
      `${warn2}rule-action change-data-type is documented with rule-target column, found "schema"`,
    ]);
    expect(
      withRules(
        column({
          'rule-action': 'define-primary-key',
          'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store', 'column-name': 'BusinessEntityID' },
          'primary-key-def': { name: 'pk_store', columns: ['BusinessEntityID'] },
        }),
      ),
    ).toEqual([`${warn2}rule-action define-primary-key is documented with rule-target table, found "column"`]);
  });

  it('both tablespace names in one locator', () => {
    expect(
      withRules(
        rename({
          'rule-target': 'table-tablespace',
          'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store', 'table-tablespace-name': 'A', 'index-tablespace-name': 'B' },
        }),
      ),
    ).toEqual([`${warn2}"object-locator" has both "table-tablespace-name" and "index-tablespace-name": the guide allows "either ... in a single rule, but not both"`]);
  });

  it('an empty prefix or suffix, which changes nothing', () => {
    expect(withRules(rename({ 'rule-action': 'add-prefix', value: '' }))).toEqual([`${warn2}"value" is empty: rule-action add-prefix changes nothing`]);
    expect(withRules(rename({ 'rule-action': 'replace-suffix', value: '', 'old-value': '' }))).toEqual([`${warn2}"old-value" is empty: rule-action replace-suffix changes nothing`]);
    expect(withRules(rename({ 'rule-action': 'replace-suffix', value: '', 'old-value': '_old' }))).toEqual([]);
  });

  it('a before-image-def with both prefix and suffix empty', () => {
    expect(
      withRules(
        column({
          'rule-action': 'add-before-image-columns',
          'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store' },
          'before-image-def': { 'column-prefix': '', 'column-suffix': '', 'column-filter': 'pk-only' },
        }),
      ),
    ).toEqual([
      `${warn2}"before-image-def" sets both "column-prefix" and "column-suffix" to "" (the guide: "Don't set both column-prefix and column-suffix to empty strings"): the before-image columns would have the names of the columns they copy`,
    ]);
  });

  describe('wildcards', () => {
    it('a pattern that is not one of the documented wildcards', () => {
      expect(lines({ rules: [include({ 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Order[ab' } })] })).toEqual([
        'mappings/sales.json: rule 1 "include-sales": warning: "object-locator.table-name" "Order[ab" is not a valid pattern: the "[" at position 6 is never closed',
      ]);
      expect(lines({ rules: [include({ 'object-locator': { 'schema-name': '*', 'table-name': '%' } })] })).toEqual([
        'mappings/sales.json: rule 1 "include-sales": warning: "object-locator.schema-name" "*" is not a valid pattern: "*" is not a wildcard in DMS: use "%" for any characters',
      ]);
      expect(lines({ rules: [include({ 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Order[]' } })] })).toEqual([
        'mappings/sales.json: rule 1 "include-sales": warning: "object-locator.table-name" "Order[]" is not a valid pattern: "[]" is an empty set and matches nothing',
      ]);
      expect(withRules(rename({ 'rule-target': 'table', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Order[z-a]' } }))).toEqual([
        `${warn2}"object-locator.table-name" "Order[z-a]" is not a valid pattern: the range "z-a" in "[z-a]" is reversed`,
      ]);
    });

    it('accepts the documented wildcards', () => {
      expect(lines({ rules: [include({ 'object-locator': { 'schema-name': 'Sales[_]20[0-9][0-9]', 'table-name': 'Order_%' } })] })).toEqual([]);
    });

    it('a wildcard where the guide asks for an exact name', () => {
      expect(lines({ rules: [include({ 'rule-action': 'explicit', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Order%' } })] })).toEqual([
        'mappings/sales.json: rule 1 "include-sales": warning: an explicit rule selects one table by its exact name, "with no wildcards" (Selection rules and actions): "object-locator.table-name" "Order%" contains "%"',
      ]);
      expect(
        withRules(
          rename({
            'rule-target': 'table',
            'rule-action': 'define-primary-key',
            value: null,
            'object-locator': { 'schema-name': '%', 'table-name': 'Store' },
            'primary-key-def': { name: 'pk_store', columns: ['BusinessEntityID'] },
          }),
        ),
      ).toEqual([
        `${warn2}"You can't use a define-primary-key rule when the rule has a wildcard (%) in a schema or table name" (Transformation rules and actions): "object-locator.schema-name" "%" contains "%"`,
      ]);
    });
  });

  describe('source filters', () => {
    const prefix = 'mappings/sales.json: rule 5 "recent-orders": warning: ';

    it('filters that DMS does not apply', () => {
      expect(withRules(filtered(condition({ 'filter-operator': 'gte', value: '2014-01-01' }), { 'rule-action': 'exclude' }))).toEqual([
        `${prefix}"Filters are only applied when rule-action = 'include'" (Using source filters): DMS ignores them on an exclude rule`,
      ]);
      expect(withRules(filtered(condition({ 'filter-operator': 'gte', value: '2014-01-01' }), { 'rule-action': 'explicit' }))).toEqual([
        `${prefix}"Filters are only applied when rule-action = 'include'" (Using source filters): DMS ignores them on an explicit rule`,
      ]);
    });

    it('a negative operator that shares its filter with other conditions', () => {
      const conditions = [
        { 'filter-operator': 'noteq', value: '6' },
        { 'filter-operator': 'eq', value: '5' },
      ];
      expect(withRules(filtered([{ 'filter-type': 'source', 'column-name': 'Status', 'filter-conditions': conditions }]))).toEqual([
        `${prefix}"filters[0]" combines the negative operator noteq with other conditions: the guide allows "no more than one filter condition within a single filter" with a negative operator (put the others in a separate filter)`,
      ]);
    });

    it('a value on an operator that takes none', () => {
      expect(withRules(filtered(condition({ 'filter-operator': 'notnull', value: 'x' })))).toEqual([
        `${prefix}filter-operator notnull takes no "value" (Using source filters): remove "filters[0].filter-conditions[0].value"`,
      ]);
    });
  });

  describe('table settings', () => {
    const prefix = 'mappings/sales.json: rule 3 "parallel-sales-order-detail": warning: ';
    const parallel = (pl: Json) => withRules(tableSettings({ 'parallel-load': pl }));
    const lob = (settings: Json) => withRules(without(tableSettings({ 'lob-settings': settings }), 'parallel-load'));

    it('parallel-load settings against the guide', () => {
      const eleven = Array.from({ length: 11 }, (_, i) => `c${i}`);
      expect(parallel({ type: 'ranges', columns: eleven, boundaries: [eleven.map(() => '1')] })).toEqual([
        `${prefix}"parallel-load.columns" lists 11 columns: the guide says "You can specify up to 10 columns"`,
      ]);
      expect(parallel({ type: 'ranges', columns: ['SalesOrderID', 'SalesOrderID'], boundaries: [['1', '1']] })).toEqual([`${prefix}"parallel-load.columns" lists "SalesOrderID" twice`]);
      expect(parallel({ type: 'ranges', columns: ['SalesOrderID', 'SalesOrderDetailID'], boundaries: [['50000', '1'], ['60000']] })).toEqual([
        `${prefix}"parallel-load.boundaries[1]" has 1 value for 2 columns: the guide gives each boundary "a value that corresponds to each column"`,
      ]);
      expect(parallel({ type: 'ranges', columns: ['SalesOrderID'], boundaries: [] })).toEqual([`${prefix}"parallel-load.boundaries" is empty: the table loads as one segment`]);
      expect(parallel({ type: 'partitions-auto', columns: ['SalesOrderID'] })).toEqual([`${prefix}"parallel-load.columns" applies only to type ranges, not partitions-auto`]);
      expect(parallel({ type: 'ranges', columns: ['SalesOrderID'], boundaries: [['1']], partitions: ['p1'] })).toEqual([
        `${prefix}"parallel-load.partitions" applies only to type partitions-list, not ranges`,
      ]);
      expect(parallel({ type: 'partitions-auto', 'number-of-partitions': 0 })).toEqual([
        `${prefix}"parallel-load.number-of-partitions" is 0: it should be a whole number greater than 0`,
      ]);
    });

    it('limited LOB mode without a nonzero size', () => {
      const message = `${prefix}lob-settings in limited mode has no nonzero "lob-settings.bulk-max-size" (kilobytes): "In limited mode, you must set a nonzero value for this parameter"`;
      expect(lob({ mode: 'limited' })).toEqual([message]);
      expect(lob({ 'bulk-max-size': 0 })).toEqual([message]);
      expect(lob({ mode: 'unlimited', 'bulk-max-size': 0 })).toEqual([]);
    });
  });

  describe('two transformation rules on one object, of which DMS runs one', () => {
    const skipped = (verb: string, kind: string, by: string) =>
      `${verb} the same ${kind} as ${by}: DMS applies one transformation rule per object, the one with the lower rule-id, so it skips this rule there`;

    it('the same object, whatever the two actions', () => {
      expect(withRules(rename(), rename({ 'rule-id': '3', 'rule-name': 'rename-sales-again', value: 'sales' }))).toEqual([
        `mappings/sales.json: rule 3 "rename-sales-again": warning: ${skipped('acts on', 'schema', 'rule 2 "rename-sales"')}`,
      ]);
      expect(withRules(column({ 'rule-id': '7', 'rule-name': 'lower-name', 'rule-action': 'convert-lowercase' }), column({ 'rule-action': 'change-data-type', 'data-type': { type: 'wstring', length: 100 } }))).toEqual([
        `mappings/sales.json: rule 7 "lower-name": warning: ${skipped('acts on', 'column', 'rule 2 "rename-sales"')}`,
      ]);
    });

    it('patterns that can match the same object; the rule with the lower rule-id wins, wherever it is in the file', () => {
      const lowerAll = column({ 'rule-id': '1', 'rule-name': 'lower-columns', 'rule-action': 'convert-lowercase', 'object-locator': { 'schema-name': '%', 'table-name': '%', 'column-name': '%' } });
      expect(lines({ rules: [include({ 'rule-id': '9' }), column({ 'rule-id': '5', 'rule-name': 'rename-name', value: 'store_name' }), lowerAll] })).toEqual([
        `mappings/sales.json: rule 5 "rename-name": warning: ${skipped('can act on', 'column', 'rule 1 "lower-columns"')}`,
      ]);
      expect(
        withRules(
          rename({ 'rule-target': 'table', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store%' }, 'rule-action': 'add-prefix', value: 'x_' }),
          rename({ 'rule-id': '3', 'rule-name': 'suffix-stores', 'rule-target': 'table', 'object-locator': { 'schema-name': 'Sales', 'table-name': '%s' }, 'rule-action': 'add-suffix', value: '_t' }),
        ),
      ).toEqual([`mappings/sales.json: rule 3 "suffix-stores": warning: ${skipped('can act on', 'table', 'rule 2 "rename-sales"')}`]);
    });

    it('defines a key on a table another rule renames (define-primary-key acts on the table, whatever its rule-target)', () => {
      expect(
        withRules(
          rename({ 'rule-target': 'table', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store' }, value: 'store' }),
          column({ 'rule-id': '3', 'rule-name': 'pk-store', 'rule-action': 'define-primary-key', 'rule-target': 'table', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store' }, 'primary-key-def': { name: 'pk', columns: ['BusinessEntityID'] } }),
        ),
      ).toEqual([`mappings/sales.json: rule 3 "pk-store": warning: ${skipped('acts on', 'table', 'rule 2 "rename-sales"')}`]);
    });

    it('accepts different objects, names that differ only in case, and a data-masking rule beside another transformation', () => {
      expect(
        withRules(
          rename(),
          rename({ 'rule-id': '3', 'rule-name': 'rename-dbo', 'object-locator': { 'schema-name': 'dbo' }, value: 'adventureworks_dbo' }),
          rename({ 'rule-id': '4', 'rule-name': 'lower-tables', 'rule-target': 'table', 'rule-action': 'convert-lowercase', 'object-locator': { 'schema-name': '%', 'table-name': '%' }, value: null }),
          rename({ 'rule-id': '5', 'rule-name': 'lower-columns', 'rule-target': 'column', 'rule-action': 'convert-lowercase', 'object-locator': { 'schema-name': '%', 'table-name': '%', 'column-name': '%' }, value: null }),
          rename({ 'rule-id': '6', 'rule-name': 'rename-SALES', 'object-locator': { 'schema-name': 'SALES' }, value: 'sales_upper' }),
          column({ 'rule-id': '7', 'rule-name': 'mask-name', 'rule-action': 'data-masking-hash-mask', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store', 'column-name': 'Name' } }),
          column({ 'rule-id': '8', 'rule-name': 'name-as-string', 'rule-action': 'change-data-type', 'data-type': { type: 'string', length: 100 } }),
          column({ 'rule-id': '9', 'rule-name': 'ints', 'rule-action': 'change-data-type', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store', 'column-name': '%', 'data-type': 'int4' }, 'data-type': { type: 'int8' } }),
          column({ 'rule-id': '10', 'rule-name': 'dates', 'rule-action': 'change-data-type', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store', 'column-name': '%', 'data-type': 'date' }, 'data-type': { type: 'string', length: 10 } }),
        ),
      ).toEqual([
        `mappings/sales.json: rule 8 "name-as-string": warning: ${skipped('can act on', 'column', 'rule 5 "lower-columns"')}`,
        `mappings/sales.json: rule 9 "ints": warning: ${skipped('can act on', 'column', 'rule 5 "lower-columns"')}`,
        `mappings/sales.json: rule 10 "dates": warning: ${skipped('can act on', 'column', 'rule 5 "lower-columns"')}`,
      ]);
    });

    it('adds a column twice, but not two different columns', () => {
      const add = (id: string, value: string) =>
        column({ 'rule-id': id, 'rule-name': `add-${id}`, 'rule-action': 'add-column', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store' }, value, 'data-type': { type: 'datetime' } });
      expect(withRules(add('2', 'migrated_at'), add('3', 'migrated_by'))).toEqual([]);
      expect(withRules(add('2', 'migrated_%'), add('3', 'migrated_%'))).toEqual([
        `mappings/sales.json: rule 3 "add-3": warning: ${skipped('acts on', 'new column', 'rule 2 "add-2"')}`,
      ]);
    });
  });

  describe('transformations on column names the guide says they cannot handle', () => {
    const on = (name: string) => withRules(column({ 'rule-action': 'convert-lowercase', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store', 'column-name': name } }));

    it.each(['Unit-Price', 'Item#', 'Size/Weight', 'Path\\Name'])('%s', (name) => {
      const special = [...name].find((c) => '#\\/-'.includes(c))!;
      expect(on(name)).toEqual([
        `${warn2}"object-locator.column-name" ${JSON.stringify(name)} contains ${JSON.stringify(special)}: the guide says transformations cannot be performed on columns with special characters (e.g. #, \\, /, -) in their name`,
      ]);
    });

    it('a right-to-left script', () => {
      expect(on('שם_לקוח')).toEqual([
        `${warn2}"object-locator.column-name" "שם_לקוח" is in a right-to-left script: the guide says transformations are not supported for such column names`,
      ]);
    });

    it('accepts a "-" that is a range in a pattern, and names on selection rules', () => {
      expect(on('Col[a-c]%')).toEqual([]);
      expect(withRules(include({ 'rule-id': '4', 'rule-name': 'hyphen', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store-Archive' } }))).toEqual([]);
    });
  });

  it('a file over 2 MB as written whose compact JSON is within the limit', () => {
    const text = JSON.stringify({ rules: [include()] }) + ' '.repeat(MAX_TABLE_MAPPINGS_BYTES);
    const compact = Buffer.byteLength(JSON.stringify({ rules: [include()] }));
    expect(linesOfText(text)).toEqual([
      `mappings/sales.json: warning: the file is ${Buffer.byteLength(text)} bytes, over the 2 MB (2097152 bytes) DMS accepts; the task receives it compacted to ${compact} bytes, but pasted as written into the console or the AWS CLI it would be refused`,
    ]);
    expect(linesOfText(JSON.stringify({ rules: [include()] }) + ' '.repeat(1000))).toEqual([]);
  });

  it('a key that appears twice in one object (only the last one is sent)', () => {
    const text = `{"rules": [
  {"rule-type": "selection", "rule-id": "1", "rule-name": "include-sales",
   "object-locator": {"schema-name": "Sales", "table-name": "%", "table-name": "Orders"},
   "rule-action": "include"}
]}`;
    expect(placedLinesOfText(text)).toEqual([
      'mappings/sales.json: rule 1 "include-sales": warning: "object-locator.table-name" appears twice in one object: only this last one is kept and sent to DMS, so the file does not mean what it shows (line 3 column 66)',
    ]);
    expect(JSON.parse(parseTableMappings(text, FILE).json).rules[0]['object-locator']).toEqual({ 'schema-name': 'Sales', 'table-name': 'Orders' });
  });

  it('an integer beyond 2^53: sent to DMS as written', () => {
    const text = JSON.stringify({
      rules: [include(), tableSettings({ 'parallel-load': { type: 'ranges', columns: ['id'], boundaries: [['X']] } })],
    }).replace('"X"', '9007199254740993');
    expect(placedLinesOfText(text)).toEqual([
      'mappings/sales.json: rule 3 "parallel-sales-order-detail": warning: "parallel-load.boundaries[0][0]" 9007199254740993 is beyond 2^53: it is sent to DMS as written, but tools that read JSON numbers as doubles (this validator too) see 9007199254740992: write it as a string (line 1 column 385)',
    ]);
    expect(parseTableMappings(text, FILE).json).toContain('"boundaries":[[9007199254740993]]');
    const hugeId = JSON.stringify({ rules: [include(), rename({ 'rule-id': 'X' })] }).replace('"X"', '12345678901234567890');
    expect(linesOfText(hugeId)).toEqual([
      'mappings/sales.json: rule 12345678901234567000 "rename-sales": warning: "rule-id" 12345678901234567890 is beyond 2^53: it is sent to DMS as written, but tools that read JSON numbers as doubles (this validator too) see 12345678901234567000: write it as a string',
    ]);
    expect(parseTableMappings(hugeId, FILE).json).toContain('"rule-id":12345678901234567890');
  });
});

describe('real-world mappings DMS ran (rejected before), pass with warnings', () => {
  // Reduced to the rules that matter; the fixtures are in fixtures/real-world.
  it('rule-names used twice', () => {
    expect(withRules(include({ 'rule-id': '2', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store' } }))).toEqual([
      'mappings/sales.json: rule 2 "include-sales": warning: rule-name "include-sales" is also used by rule 1 "include-sales": the guide asks for a unique name (DMS does not enforce it)',
    ]);
  });

  it('change-data-type with column-name but no rule-target', () => {
    const rule = without(column({ 'rule-action': 'change-data-type', 'data-type': { type: 'numeric', precision: '19', scale: '4' } }), 'rule-target');
    expect(checkTableMappings(JSON.stringify({ rules: [include(), rule] }), FILE).ok).toBe(true);
  });

  it('define-primary-key with rule-target column', () => {
    const rule = column({ 'rule-action': 'define-primary-key', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store' }, 'primary-key-def': { name: 'pk_store', columns: ['BusinessEntityID'] } });
    const result = checkTableMappings(JSON.stringify({ rules: [include(), rule] }), FILE);
    expect(result.ok).toBe(true);
    expect(result.problems.map((p) => [p.severity, p.code])).toEqual([['warning', 'action-target-mismatch']]);
  });
});

describe('positions', () => {
  const text = [
    '{',
    '  "rules": [',
    '    {',
    '      "rule-type": "selection",',
    '      "rule-id": "1",',
    '      "rule-name": "include-sales",',
    '      "object-locator": { "schema-name": "Sales", "table-name": "%" },',
    '      "rule-action": "Include"',
    '    },',
    '    { "rule-type": "selection", "rule-id": "2", "rule-name": "include-sales",',
    '      "object-locator": { "schema-name": "Sales", "table-name": "Store", "tableName": "x" }, "rule-action": "include" },',
    '    {',
    '      "rule-type": "transformation", "rule-id": "3", "rule-name": "t",',
    '      "object-locator": { "schema-name": "Sales" },',
    '      "rule-action": "rename"',
    '    }',
    '  ],',
    '  "$schema": "x"',
    '}',
  ].join('\n');

  it('gives every finding the line and column of its key, its rule, or the nearest key that encloses a missing one', () => {
    expect(placedLinesOfText(text)).toEqual([
      'mappings/sales.json: warning: unknown top-level key "$schema": the guide documents only "rules" at the top level (line 18 column 3)',
      'mappings/sales.json: rule 1 "include-sales": "rule-action" "Include" is not valid for a selection rule: expected include, exclude or explicit (values are case-sensitive: did you mean "include"?) (line 8 column 7)',
      'mappings/sales.json: rule 2 "include-sales": warning: unknown field "object-locator.tableName": did you mean "object-locator.table-name"? DMS does not read "object-locator.tableName" (line 11 column 74)',
      'mappings/sales.json: rule 2 "include-sales": warning: rule-name "include-sales" is also used by rule 1 "include-sales": the guide asks for a unique name (DMS does not enforce it) (line 10 column 49)',
      'mappings/sales.json: rule 3 "t": warning: no "rule-target": the guide gives every transformation rule one; checked as rule-target schema, from its object-locator (line 12 column 5)',
      'mappings/sales.json: rule 3 "t": rule-action rename needs "value" (the new name) (line 12 column 5)',
    ]);
  });

  it('places document-level findings at the document or its "rules"', () => {
    expect(placedLinesOfText('\n  {"rules": []}')).toEqual([
      'mappings/sales.json: no selection rule: DMS needs at least one rule with "rule-type": "selection" and "rule-action": "include" or "explicit" (line 2 column 4)',
    ]);
    expect(placedLinesOfText('{}')).toEqual(['mappings/sales.json: missing "rules": the table mapping must be {"rules": [...]} (line 1 column 1)']);
  });

  it('has a position on every finding of a file', () => {
    const problems = checkTableMappings(JSON.stringify({ $schema: 'x', rules: [include({ 'rule-id': 'x' }), rename({ 'rule-target': 'column' }), tableSettings({ 'parallel-load': { type: 'ranges' } })] }, null, 2), FILE).problems;
    expect(problems.length).toBeGreaterThan(4);
    for (const problem of problems) expect([problem.line, problem.column]).toEqual([expect.any(Number), expect.any(Number)]);
  });
});

describe('reporting', () => {
  it('reports every finding of a file in file order, errors and warnings together', () => {
    expect(
      lines({
        $schema: 'x',
        rules: [include({ 'rule-id': 'one' }), rename({ 'rule-target': 'column' }), tableSettings({ 'rule-id': '2', 'parallel-load': { type: 'ranges' } })],
      }),
    ).toEqual([
      'mappings/sales.json: warning: unknown top-level key "$schema": the guide documents only "rules" at the top level',
      'mappings/sales.json: rule one "include-sales": "rule-id" "one" is not a whole number: DMS needs a numeric rule-id such as 1 or "1"',
      'mappings/sales.json: rule 2 "rename-sales": rule-target column needs "object-locator.table-name"',
      'mappings/sales.json: rule 2 "rename-sales": rule-target column needs "object-locator.column-name"',
      'mappings/sales.json: rule 2 "parallel-sales-order-detail": parallel-load type ranges needs "parallel-load.columns" (1 to 10 column names)',
      'mappings/sales.json: rule 2 "parallel-sales-order-detail": parallel-load type ranges needs "parallel-load.boundaries"',
      'mappings/sales.json: rule 2 "parallel-sales-order-detail": warning: rule-id 2 is also used by rules[1] "rename-sales": the guide asks for a unique rule-id, and DMS picks between transformation rules on one object by it',
    ]);
  });

  it('returns a mapping with only warnings as ok, its warnings in the result and on the mapping', () => {
    const result = checkTableMappings(JSON.stringify({ rules: [include(), rename({ 'rule-name': 'include-sales' })] }), FILE);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.problems.map((p) => p.code)).toEqual(['duplicate-rule-name']);
    expect(result.mappings.warnings).toEqual(result.problems);
  });

  it('throws a TableMappingError only when there is an error, listing the warnings too', () => {
    expect(parseTableMappings(JSON.stringify({ rules: [include(), rename({ 'rule-name': 'include-sales' })] }), FILE).warnings).toHaveLength(1);
    const text = JSON.stringify({ rules: [include({ 'rule-action': 'exclude' }), rename({ value: null, 'rule-name': 'include-sales' })] });
    let error: unknown;
    try {
      parseTableMappings(text, FILE);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TableMappingError);
    const mappingError = error as TableMappingError;
    expect(mappingError.file).toBe(FILE);
    expect(mappingError.problems.map((p) => `${p.severity} ${p.code}`)).toEqual(['error missing-action-field', 'warning duplicate-rule-name', 'warning nothing-selected']);
    expect(mappingError.message).toBe(
      [
        'mappings/sales.json: rule 2 "include-sales": rule-action rename needs "value" (the new name) (line 1 column 320)',
        'mappings/sales.json: rule 2 "include-sales": warning: rule-name "include-sales" is also used by rule 1 "include-sales": the guide asks for a unique name (DMS does not enforce it) (line 1 column 205)',
        'mappings/sales.json: warning: every selection rule excludes: the task would migrate no table (add a rule with "rule-action": "include" or "explicit") (line 1 column 2)',
      ].join('\n'),
    );
  });

  it('gives each finding a severity, a code, the rule it belongs to, the path within the rule and its position', () => {
    const [problem] = checkTableMappings(JSON.stringify({ rules: [include(), rename({ value: 7 })] }), FILE).problems;
    expect(problem).toEqual({
      file: FILE,
      severity: 'error',
      code: 'wrong-type',
      message: '"value" must be a string, found a number (7)',
      rule: { index: 1, id: '2', name: 'rename-sales' },
      path: 'value',
      line: 1,
      column: 319,
    });
  });

  it('validates an in-memory document without parsing (no positions)', () => {
    expect(validateTableMappings({ rules: [include()] }, FILE)).toEqual([]);
    expect(validateTableMappings({ rules: [include({ 'rule-type': 'Selection' })] }, FILE).map(formatProblem)).toEqual([
      'mappings/sales.json: rule 1 "include-sales": "rule-type" "Selection" is not valid: expected selection, transformation, table-settings, object-mapping or post-processing (values are case-sensitive: did you mean "selection"?)',
    ]);
  });

  it('names each class of finding it can report', () => {
    expect(codes({ rules: [include(), rename({ 'rule-action': 'rename-schema' })] })).toEqual(['invalid-rule-action']);
  });
});
