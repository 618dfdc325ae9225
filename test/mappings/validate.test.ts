import {
  checkTableMappings,
  formatProblem,
  MappingProblemCode,
  MAX_TABLE_MAPPINGS_BYTES,
  parseTableMappings,
  TableMappingError,
  validateTableMappings,
} from '../../lib/mappings';

/**
 * One "fails ..." test per class of problem, each with the exact line the CLI prints and synth
 * fails with. Every test asserts the complete list, so a mistake is reported once, without a
 * cascade of follow-on complaints.
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

function linesOfText(text: string): string[] {
  return checkTableMappings(text, FILE).problems.map(formatProblem);
}

function lines(document: Json): string[] {
  return linesOfText(JSON.stringify(document, null, 2));
}

/** Problems of a document made of an include rule for Sales plus the given rules. */
function withRules(...rules: Json[]): string[] {
  return lines({ rules: [include(), ...rules] });
}

function codes(document: Json): MappingProblemCode[] {
  return checkTableMappings(JSON.stringify(document), FILE).problems.map((p) => p.code);
}

describe('valid mappings', () => {
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

  it('keeps unknown fields it cannot mistake for a DMS field (console exports carry some)', () => {
    expect(withRules(rename({ isAutoSegmentationChecked: false, description: 'SCT mapping rule' }))).toEqual([]);
  });
});

describe('document-level problems', () => {
  it('fails on invalid JSON with the line and column', () => {
    expect(linesOfText('{\n  "rules": [\n    {"rule-type": "selection",}\n  ]\n}')).toEqual([
      "mappings/sales.json: invalid JSON at line 3 column 30: trailing comma before '}'",
    ]);
  });

  it.each([
    ['', "invalid JSON at line 1 column 1: expected a value, found the end of the file"],
    ['{"rules": [}', "invalid JSON at line 1 column 12: expected a value, found '}'"],
    ['{"rules": []', "invalid JSON at line 1 column 13: expected ',' or '}' after a property value, found the end of the file"],
    ['{"rules": [] "x": 1}', "invalid JSON at line 1 column 14: expected ',' or '}' after a property value, found '\"'"],
    ['{"rules": [1 2]}', "invalid JSON at line 1 column 14: expected ',' or ']' after an array element, found '2'"],
    ['{"rules": [1,]}', "invalid JSON at line 1 column 13: trailing comma before ']'"],
    ['{rules: []}', "invalid JSON at line 1 column 2: expected a property name in double quotes, found 'r'"],
    ["{'rules': []}", 'invalid JSON at line 1 column 2: property names must be in double quotes'],
    ['{"rules" []}', "invalid JSON at line 1 column 10: expected ':' after the property name, found '['"],
    ['{"rules": [\'x\']}', 'invalid JSON at line 1 column 12: strings must be in double quotes'],
    ['{"rules": "abc}', 'invalid JSON at line 1 column 11: unterminated string'],
    ['{"rules": "a\nb"}', 'invalid JSON at line 1 column 11: unterminated string (a line break must be written as \\n)'],
    ['{"rules": "a\\x"}', "invalid JSON at line 1 column 13: invalid escape '\\x' in a string"],
    ['{"rules": "\\u12"}', 'invalid JSON at line 1 column 12: invalid \\u escape: expected four hex digits'],
    ['{"rules": [01]}', "invalid JSON at line 1 column 12: invalid number '01'"],
    ['{"rules": [True]}', "invalid JSON at line 1 column 12: expected a value, found 'True'"],
    ['// SCT export\n{"rules": []}', 'invalid JSON at line 1 column 1: comments are not allowed in JSON'],
    ['{"rules": []} x', "invalid JSON at line 1 column 15: unexpected 'x' after the end of the JSON document"],
    ['{"rules": []}\r\n\r\n}', "invalid JSON at line 3 column 1: unexpected '}' after the end of the JSON document"],
  ])('fails on invalid JSON %j', (text, message) => {
    expect(linesOfText(text)).toEqual([`mappings/sales.json: ${message}`]);
  });

  it('fails when a key appears twice in one object (JSON.parse would silently keep the last)', () => {
    const text = `{"rules": [
  {"rule-type": "selection", "rule-id": "1", "rule-name": "include-sales",
   "object-locator": {"schema-name": "Sales", "table-name": "%", "table-name": "Orders"},
   "rule-action": "include"}
]}`;
    expect(linesOfText(text)).toEqual([
      'mappings/sales.json: rule 1 "include-sales": "object-locator.table-name" appears twice in one object (line 3 column 66): JSON keeps only the last one, so the file does not mean what it shows',
    ]);
  });

  it('fails when a number is too large to survive as a JavaScript number', () => {
    const text = JSON.stringify({
      rules: [include(), tableSettings({ 'parallel-load': { type: 'ranges', columns: ['id'], boundaries: [['X']] } })],
    }).replace('"X"', '9007199254740993');
    expect(linesOfText(text)).toEqual([
      'mappings/sales.json: rule 3 "parallel-sales-order-detail": "parallel-load.boundaries[0][0]" 9007199254740993 (line 1 column 385) is too large for a JSON number to keep exactly: write it as a string',
    ]);
  });

  it('fails when the mapping is larger than the 2 MB DMS accepts', () => {
    const rules = Array.from({ length: 12_000 }, (_, i) =>
      include({ 'rule-id': String(i + 1), 'rule-name': `include-sales-history-${i + 1}`, 'object-locator': { 'schema-name': 'SalesHistory', 'table-name': `Orders_${i + 1}` } }),
    );
    const text = JSON.stringify({ rules }, null, 2);
    expect(Buffer.byteLength(text)).toBeGreaterThan(MAX_TABLE_MAPPINGS_BYTES);
    expect(linesOfText(text)).toEqual([
      `mappings/sales.json: the table mapping is ${Buffer.byteLength(text)} bytes; DMS accepts at most 2 MB (2097152 bytes): split the tables across several tasks`,
    ]);
  });

  it('counts the file as written against the 2 MB limit, not only the compacted JSON', () => {
    const text = JSON.stringify({ rules: [include()] }) + ' '.repeat(MAX_TABLE_MAPPINGS_BYTES);
    expect(linesOfText(text)).toEqual([
      `mappings/sales.json: the table mapping is ${Buffer.byteLength(text)} bytes; DMS accepts at most 2 MB (2097152 bytes): split the tables across several tasks`,
    ]);
    expect(linesOfText(JSON.stringify({ rules: [include()] }) + ' '.repeat(1000))).toEqual([]);
  });

  it('fails when the document is not an object', () => {
    expect(lines([include()])).toEqual([
      'mappings/sales.json: the table mapping must be a JSON object with a "rules" array, found an array',
    ]);
  });

  it('fails when "rules" is missing or not an array', () => {
    expect(lines({})).toEqual(['mappings/sales.json: missing "rules": the table mapping must be {"rules": [...]}']);
    expect(lines({ rules: { 'rule-type': 'selection' } })).toEqual(['mappings/sales.json: "rules" must be an array, found an object']);
  });

  it('fails on a top-level key other than "rules"', () => {
    expect(lines({ $schema: './table-mappings.schema.json', rules: [include()] })).toEqual([
      'mappings/sales.json: unknown top-level key "$schema": DMS table mappings have only "rules"',
    ]);
    expect(lines({ Rules: [include()] })).toEqual([
      'mappings/sales.json: unknown top-level key "Rules": did you mean "rules"?',
      'mappings/sales.json: missing "rules": the table mapping must be {"rules": [...]}',
    ]);
  });

  it('fails when no selection rule includes anything', () => {
    const message = 'mappings/sales.json: no selection rule includes anything: add a rule with "rule-type": "selection" and "rule-action": "include" or "explicit"';
    expect(lines({ rules: [] })).toEqual([message]);
    expect(lines({ rules: [include({ 'rule-action': 'exclude' }), rename()] })).toEqual([message]);
  });
});

describe('rule-level problems', () => {
  it('fails when a rule is not an object', () => {
    expect(withRules('rename Sales')).toEqual(['mappings/sales.json: rules[1]: a rule must be a JSON object, found a string ("rename Sales")']);
  });

  it('fails when a required field is missing', () => {
    expect(withRules(without(rename(), 'rule-type'))).toEqual(['mappings/sales.json: rule 2 "rename-sales": missing "rule-type"']);
    expect(withRules(without(rename(), 'rule-id'))).toEqual(['mappings/sales.json: rules[1] "rename-sales": missing "rule-id"']);
    expect(withRules(without(rename(), 'rule-name'))).toEqual(['mappings/sales.json: rule 2: missing "rule-name"']);
    expect(withRules(without(rename(), 'object-locator'))).toEqual(['mappings/sales.json: rule 2 "rename-sales": missing "object-locator"']);
    expect(withRules(without(rename(), 'rule-action'))).toEqual(['mappings/sales.json: rule 2 "rename-sales": missing "rule-action"']);
    expect(withRules(without(rename(), 'rule-target'))).toEqual(['mappings/sales.json: rule 2 "rename-sales": missing "rule-target"']);
    expect(withRules(include({ 'rule-id': '5', 'rule-name': 'include-person', 'object-locator': { 'schema-name': 'Person' } }))).toEqual([
      'mappings/sales.json: rule 5 "include-person": missing "object-locator.table-name"',
    ]);
  });

  it('fails when a column rule has no column name', () => {
    expect(
      withRules(rename({ 'rule-target': 'column', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store' }, value: 'store_name' })),
    ).toEqual(['mappings/sales.json: rule 2 "rename-sales": rule-target column needs "object-locator.column-name"']);
  });

  it('fails when a table rule has no table name', () => {
    expect(withRules(rename({ 'rule-target': 'table' }))).toEqual([
      'mappings/sales.json: rule 2 "rename-sales": rule-target table needs "object-locator.table-name"',
    ]);
  });

  it('fails when a field has the wrong JSON type', () => {
    expect(withRules(rename({ 'rule-name': { en: 'rename' } }))).toEqual(['mappings/sales.json: rule 2: "rule-name" must be a string, found an object']);
    expect(withRules(rename({ 'object-locator': 'Sales' }))).toEqual([
      'mappings/sales.json: rule 2 "rename-sales": "object-locator" must be an object, found a string ("Sales")',
    ]);
    expect(withRules(rename({ value: 42 }))).toEqual(['mappings/sales.json: rule 2 "rename-sales": "value" must be a string, found a number (42)']);
    expect(withRules(rename({ 'object-locator': { 'schema-name': ['Sales'] } }))).toEqual([
      'mappings/sales.json: rule 2 "rename-sales": "object-locator.schema-name" must be a string, found an array',
    ]);
  });

  it('fails when a name is empty', () => {
    expect(withRules(rename({ 'rule-name': ' ' }))).toEqual(['mappings/sales.json: rule 2 " ": "rule-name" is empty']);
    expect(withRules(rename({ 'object-locator': { 'schema-name': '' } }))).toEqual([
      'mappings/sales.json: rule 2 "rename-sales": "object-locator.schema-name" is empty',
    ]);
    expect(withRules(rename({ value: '' }))).toEqual(['mappings/sales.json: rule 2 "rename-sales": "value" is empty: rule-action rename needs the new name']);
  });

  it('fails on a misspelt field that DMS would silently ignore', () => {
    expect(withRules(rename({ vaule: 'x' }))).toEqual([
      'mappings/sales.json: rule 2 "rename-sales": unknown field "vaule": did you mean "value"?',
    ]);
    expect(withRules(without(rename({ rule_action: 'rename' }), 'rule-action'))).toEqual([
      'mappings/sales.json: rule 2 "rename-sales": unknown field "rule_action": did you mean "rule-action"?',
      'mappings/sales.json: rule 2 "rename-sales": missing "rule-action"',
    ]);
    expect(withRules(include({ 'rule-id': '4', 'object-locator': { 'schema-name': 'Sales', 'table-name': '%', tableName: 'x' } }))).toEqual([
      'mappings/sales.json: rule 4 "include-sales": unknown field "object-locator.tableName": did you mean "object-locator.table-name"?',
      'mappings/sales.json: rule 4 "include-sales": rule-name "include-sales" is also used by rule 1 "include-sales"',
    ]);
  });

  it('fails on an unknown rule-type', () => {
    expect(withRules(rename({ 'rule-type': 'transformations' }))).toEqual([
      'mappings/sales.json: rule 2 "rename-sales": "rule-type" "transformations" is not valid: expected selection, transformation, table-settings, object-mapping or post-processing',
    ]);
  });

  it('fails on a rule-action that is not legal for the rule type', () => {
    expect(lines({ rules: [include({ 'rule-action': 'rename' })] })).toEqual([
      'mappings/sales.json: rule 1 "include-sales": "rule-action" "rename" is not valid for a selection rule: expected include, exclude or explicit',
    ]);
    expect(lines({ rules: [include({ 'rule-action': 'Include' })] })).toEqual([
      'mappings/sales.json: rule 1 "include-sales": "rule-action" "Include" is not valid for a selection rule: expected include, exclude or explicit (values are case-sensitive: did you mean "include"?)',
    ]);
    expect(withRules(rename({ 'rule-action': 'include' }))).toEqual([
      'mappings/sales.json: rule 2 "rename-sales": "rule-action" "include" is not valid for a transformation rule: expected add-column, include-column, remove-column, rename, convert-lowercase, convert-uppercase, add-prefix, remove-prefix, replace-prefix, add-suffix, remove-suffix, replace-suffix, define-primary-key, change-data-type, add-before-image-columns, data-masking-digits-mask, data-masking-digits-randomize or data-masking-hash-mask',
    ]);
    expect(withRules({ ...tableSettings(), 'rule-type': 'post-processing', 'rule-action': 'tag' })).toEqual([
      'mappings/sales.json: rule 3 "parallel-sales-order-detail": "rule-action" "tag" is not valid for a post-processing rule: expected add-tag',
    ]);
  });

  it('fails on an unknown rule-target', () => {
    expect(withRules(rename({ 'rule-target': 'database' }))).toEqual([
      'mappings/sales.json: rule 2 "rename-sales": "rule-target" "database" is not valid: expected schema, table, column, table-tablespace, index-tablespace or primary-key',
    ]);
  });

  it('fails when a rule-action does not work on the rule-target', () => {
    expect(withRules(rename({ 'rule-action': 'change-data-type', 'data-type': { type: 'string', length: 50 } }))).toEqual([
      'mappings/sales.json: rule 2 "rename-sales": rule-action change-data-type needs rule-target column, found "schema"',
    ]);
    expect(
      withRules(
        rename({
          'rule-target': 'column',
          'rule-action': 'define-primary-key',
          'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store', 'column-name': 'BusinessEntityID' },
          'primary-key-def': { name: 'pk_store', columns: ['BusinessEntityID'] },
        }),
      ),
    ).toEqual(['mappings/sales.json: rule 2 "rename-sales": rule-action define-primary-key needs rule-target table, found "column"']);
  });

  it('fails when a rule-id is not numeric', () => {
    expect(withRules(rename({ 'rule-id': 'rename-1' }))).toEqual([
      'mappings/sales.json: rule rename-1 "rename-sales": "rule-id" "rename-1" is not a whole number: DMS needs a numeric rule-id such as 1 or "1"',
    ]);
    expect(withRules(rename({ 'rule-id': -2 }))).toEqual([
      'mappings/sales.json: rule -2 "rename-sales": "rule-id" -2 is not a whole number: DMS needs a numeric rule-id such as 1 or "1"',
    ]);
    expect(withRules(rename({ 'rule-id': 2.5 }))).toEqual([
      'mappings/sales.json: rule 2.5 "rename-sales": "rule-id" 2.5 is not a whole number: DMS needs a numeric rule-id such as 1 or "1"',
    ]);
    expect(withRules(rename({ 'rule-id': true }))).toEqual([
      'mappings/sales.json: rules[1] "rename-sales": "rule-id" true is not a whole number: DMS needs a numeric rule-id such as 1 or "1"',
    ]);
    const huge = JSON.stringify({ rules: [include(), rename({ 'rule-id': 'X' })] }).replace('"X"', '12345678901234567890');
    expect(linesOfText(huge)).toEqual([
      'mappings/sales.json: rule 12345678901234567000 "rename-sales": "rule-id" 12345678901234567000 is too large for a JSON number to keep exactly: write it as a string',
    ]);
  });

  it('fails when two rules share a rule-id, whether written as a number or a string', () => {
    expect(withRules(rename({ 'rule-id': 1 }))).toEqual([
      'mappings/sales.json: rule 1 "rename-sales": rule-id 1 is also used by rules[0] "include-sales"',
    ]);
    expect(withRules(rename(), rename({ 'rule-id': '02', 'rule-name': 'rename-dbo', 'object-locator': { 'schema-name': 'dbo' } }))).toEqual([
      'mappings/sales.json: rule 02 "rename-dbo": rule-id 02 is also used by rules[1] "rename-sales"',
    ]);
  });

  it('fails when two rules share a rule-name', () => {
    expect(withRules(rename({ 'rule-name': 'include-sales' }))).toEqual([
      'mappings/sales.json: rule 2 "include-sales": rule-name "include-sales" is also used by rule 1 "include-sales"',
    ]);
  });

  it('fails when an action lacks a field it needs', () => {
    const column = { 'schema-name': 'Sales', 'table-name': 'Store', 'column-name': 'Name' };
    expect(withRules(without(rename(), 'value'))).toEqual([
      'mappings/sales.json: rule 2 "rename-sales": rule-action rename needs "value" (the new name)',
    ]);
    expect(withRules(rename({ 'rule-action': 'replace-prefix', value: 'adventureworks_' }))).toEqual([
      'mappings/sales.json: rule 2 "rename-sales": rule-action replace-prefix needs "old-value" (the prefix to replace)',
    ]);
    expect(withRules(rename({ 'rule-action': 'remove-suffix', value: null }))).toEqual([
      'mappings/sales.json: rule 2 "rename-sales": rule-action remove-suffix needs "value" (the suffix to remove)',
    ]);
    expect(
      withRules(rename({ 'rule-target': 'column', 'rule-action': 'add-column', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store' }, value: 'migrated_at' })),
    ).toEqual(['mappings/sales.json: rule 2 "rename-sales": rule-action add-column needs "data-type" (the new column\'s type)']);
    expect(withRules(rename({ 'rule-target': 'column', 'rule-action': 'change-data-type', 'object-locator': column }))).toEqual([
      'mappings/sales.json: rule 2 "rename-sales": rule-action change-data-type needs "data-type" (the new type)',
    ]);
    expect(withRules(rename({ 'rule-target': 'table', 'rule-action': 'define-primary-key', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store' } }))).toEqual([
      'mappings/sales.json: rule 2 "rename-sales": rule-action define-primary-key needs "primary-key-def" (the key name and columns)',
    ]);
    expect(withRules(rename({ 'rule-target': 'column', 'rule-action': 'add-before-image-columns', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store' } }))).toEqual([
      'mappings/sales.json: rule 2 "rename-sales": rule-action add-before-image-columns needs "before-image-def" (the column prefix, suffix and filter)',
    ]);
  });

  it('accepts a rename that computes the new name with an expression', () => {
    expect(withRules(rename({ value: null, expression: "'adventureworks_' || lower($SCHEMA_NAME)" }))).toEqual([]);
  });

  it('fails on illegal values inside a rule', () => {
    expect(withRules(include({ 'rule-id': '4', 'rule-name': 'views', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'v%', 'table-type': 'views' } }))).toEqual([
      'mappings/sales.json: rule 4 "views": "object-locator.table-type" "views" is not valid: expected table, view or all',
    ]);
    expect(withRules(include({ 'rule-id': '4', 'rule-name': 'first', 'load-order': 'first' }))).toEqual([
      'mappings/sales.json: rule 4 "first": "load-order" "first" is not valid: expected a whole number from 0 to 2147483647',
    ]);
    expect(withRules(include({ 'rule-id': '4', 'rule-name': 'first', 'load-order': 2147483648 }))).toEqual([
      'mappings/sales.json: rule 4 "first": "load-order" 2147483648 is not valid: expected a whole number from 0 to 2147483647',
    ]);
    const column = { 'schema-name': 'Sales', 'table-name': 'Store', 'column-name': 'Name' };
    expect(withRules(rename({ 'rule-target': 'column', 'rule-action': 'change-data-type', 'object-locator': column, 'data-type': { type: 'varchar', length: 'fifty' } }))).toEqual([
      'mappings/sales.json: rule 2 "rename-sales": "data-type.type" "varchar" is not a DMS data type: expected bytes, date, time, datetime, int1, int2, int4, int8, numeric, real4, real8, string, uint1, uint2, uint4, uint8, wstring, blob, nclob, clob, boolean, set, list, map or tuple',
      'mappings/sales.json: rule 2 "rename-sales": "data-type.length" must be a whole number, found "fifty"',
    ]);
    expect(withRules(rename({ 'rule-target': 'column', 'rule-action': 'change-data-type', 'object-locator': column, 'data-type': { length: 50 } }))).toEqual([
      'mappings/sales.json: rule 2 "rename-sales": missing "data-type.type"',
    ]);
    expect(
      withRules(
        rename({
          'rule-target': 'table-tablespace',
          'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store', 'table-tablespace-name': 'A', 'index-tablespace-name': 'B' },
        }),
      ),
    ).toEqual([
      'mappings/sales.json: rule 2 "rename-sales": "object-locator" has both "table-tablespace-name" and "index-tablespace-name": a rule can match only one of them',
    ]);
    expect(
      withRules(
        rename({
          'rule-target': 'table',
          'rule-action': 'define-primary-key',
          'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store' },
          'primary-key-def': { origin: 'unique', columns: [] },
        }),
      ),
    ).toEqual([
      'mappings/sales.json: rule 2 "rename-sales": missing "primary-key-def.name"',
      'mappings/sales.json: rule 2 "rename-sales": "primary-key-def.origin" "unique" is not valid: expected primary-key or unique-index',
      'mappings/sales.json: rule 2 "rename-sales": "primary-key-def.columns" is empty: list at least one name',
    ]);
    expect(
      withRules(
        rename({
          'rule-target': 'column',
          'rule-action': 'add-before-image-columns',
          'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store' },
          'before-image-def': { 'column-prefix': '', 'column-suffix': '', 'column-filter': 'pk' },
        }),
      ),
    ).toEqual([
      'mappings/sales.json: rule 2 "rename-sales": "before-image-def" sets both "column-prefix" and "column-suffix" to "": the before-image columns would have the names of the columns they copy',
      'mappings/sales.json: rule 2 "rename-sales": "before-image-def.column-filter" "pk" is not valid: expected pk-only, non-lob or all',
    ]);
  });
});

describe('wildcards', () => {
  it('fails on an illegal wildcard pattern', () => {
    expect(lines({ rules: [include({ 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Order[ab' } })] })).toEqual([
      'mappings/sales.json: rule 1 "include-sales": "object-locator.table-name" "Order[ab" is not a valid pattern: the "[" at position 6 is never closed',
    ]);
    expect(lines({ rules: [include({ 'object-locator': { 'schema-name': '*', 'table-name': '%' } })] })).toEqual([
      'mappings/sales.json: rule 1 "include-sales": "object-locator.schema-name" "*" is not a valid pattern: "*" is not a wildcard in DMS: use "%" for any characters',
    ]);
    expect(lines({ rules: [include({ 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Order[]' } })] })).toEqual([
      'mappings/sales.json: rule 1 "include-sales": "object-locator.table-name" "Order[]" is not a valid pattern: "[]" is an empty set and matches nothing',
    ]);
    expect(withRules(rename({ 'rule-target': 'table', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Order[z-a]' } }))).toEqual([
      'mappings/sales.json: rule 2 "rename-sales": "object-locator.table-name" "Order[z-a]" is not a valid pattern: the range "z-a" in "[z-a]" is reversed',
    ]);
  });

  it('accepts the documented wildcards', () => {
    expect(lines({ rules: [include({ 'object-locator': { 'schema-name': 'Sales[_]20[0-9][0-9]', 'table-name': 'Order_%' } })] })).toEqual([]);
  });

  it('fails on a wildcard where DMS needs an exact name', () => {
    expect(lines({ rules: [include({ 'rule-action': 'explicit', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Order%' } })] })).toEqual([
      'mappings/sales.json: rule 1 "include-sales": an explicit rule selects one table by its exact name: "object-locator.table-name" "Order%" contains "%"',
    ]);
    expect(withRules(tableSettings({ 'object-locator': { 'schema-name': 'Sales', 'table-name': '%' } }))).toEqual([
      'mappings/sales.json: rule 3 "parallel-sales-order-detail": table-settings need an exact schema and table name: "object-locator.table-name" "%" contains "%" (DMS rejects it: "Exact schema and table name required when using table settings rule")',
    ]);
    expect(
      withRules(
        rename({
          'rule-target': 'table',
          'rule-action': 'define-primary-key',
          'object-locator': { 'schema-name': '%', 'table-name': 'Store' },
          'primary-key-def': { name: 'pk_store', columns: ['BusinessEntityID'] },
        }),
      ),
    ).toEqual([
      'mappings/sales.json: rule 2 "rename-sales": define-primary-key needs an exact schema and table name: "object-locator.schema-name" "%" contains "%"',
    ]);
  });
});

describe('source filters', () => {
  const filtered = (filters: Json, over: Rule = {}): Rule =>
    include({ 'rule-id': '5', 'rule-name': 'recent-orders', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'SalesOrderHeader' }, filters, ...over });
  const condition = (c: Rule): Json => [{ 'filter-type': 'source', 'column-name': 'OrderDate', 'filter-conditions': [c] }];
  const prefix = 'mappings/sales.json: rule 5 "recent-orders": ';

  it('accepts well-formed filters', () => {
    expect(withRules(filtered(condition({ 'filter-operator': 'gte', value: '2014-01-01' })))).toEqual([]);
  });

  it('fails on malformed filters', () => {
    expect(withRules(filtered({ 'filter-type': 'source' }))).toEqual([`${prefix}"filters" must be an array, found an object`]);
    expect(withRules(filtered([{ 'filter-type': 'target', 'column-name': 'OrderDate', 'filter-conditions': [{ 'filter-operator': 'null' }] }]))).toEqual([
      `${prefix}"filters[0].filter-type" must be "source", found "target"`,
    ]);
    expect(withRules(filtered([{ 'column-name': 'OrderDate', 'filter-conditions': [{ 'filter-operator': 'null' }] }]))).toEqual([
      `${prefix}missing "filters[0].filter-type" (it must be "source")`,
    ]);
    expect(withRules(filtered([{ 'filter-type': 'source', 'filter-conditions': [{ 'filter-operator': 'null' }] }]))).toEqual([
      `${prefix}missing "filters[0].column-name"`,
    ]);
    expect(withRules(filtered([{ 'filter-type': 'source', 'column-name': 'OrderDate', 'filter-conditions': [] }]))).toEqual([
      `${prefix}"filters[0].filter-conditions" is empty: a filter needs at least one condition`,
    ]);
    expect(withRules(filtered(condition({ 'filter-operator': 'lt', value: '2014-01-01' })))).toEqual([
      `${prefix}"filters[0].filter-conditions[0].filter-operator" "lt" is not valid: expected lte, ste, gte, eq, noteq, between, notbetween, null or notnull`,
    ]);
    expect(withRules(filtered(condition({ 'filter-operator': 'eq' })))).toEqual([
      `${prefix}filter-operator eq needs "filters[0].filter-conditions[0].value"`,
    ]);
    expect(withRules(filtered(condition({ 'filter-operator': 'between', 'start-value': '2011-01-01' })))).toEqual([
      `${prefix}filter-operator between needs "filters[0].filter-conditions[0].end-value"`,
    ]);
    expect(withRules(filtered(condition({ 'filter-operator': 'notnull', value: 'x' })))).toEqual([
      `${prefix}filter-operator notnull takes no "value": remove "filters[0].filter-conditions[0].value"`,
    ]);
    expect(withRules(filtered(condition({ 'filter-operator': 'gte', value: { date: '2014-01-01' } })))).toEqual([
      `${prefix}"filters[0].filter-conditions[0].value" must be a string or a number, found an object`,
    ]);
  });

  it('fails when a negative operator shares its filter with other conditions', () => {
    expect(
      withRules(
        filtered([
          {
            'filter-type': 'source',
            'column-name': 'Status',
            'filter-conditions': [
              { 'filter-operator': 'noteq', value: '6' },
              { 'filter-operator': 'eq', value: '5' },
            ],
          },
        ]),
      ),
    ).toEqual([
      `${prefix}"filters[0]" combines the negative operator noteq with other conditions: DMS allows a negative condition only alone in its filter (put the others in a separate filter)`,
    ]);
  });

  it('fails on filters that DMS would not apply', () => {
    expect(withRules(filtered(condition({ 'filter-operator': 'gte', value: '2014-01-01' }), { 'rule-action': 'exclude' }))).toEqual([
      `${prefix}filters apply only to include rules: DMS ignores them on an exclude rule`,
    ]);
    expect(withRules(filtered(condition({ 'filter-operator': 'gte', value: '2014-01-01' }), { 'rule-action': 'explicit' }))).toEqual([
      `${prefix}filters apply only to include rules: DMS ignores them on an explicit rule`,
    ]);
    expect(
      withRules(filtered(condition({ 'filter-operator': 'gte', value: '2014-01-01' }), { 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Sales%' } })),
    ).toEqual([`${prefix}source filters need an exact table: "object-locator.table-name" "Sales%" contains "%"`]);
  });
});

describe('table settings', () => {
  const prefix = 'mappings/sales.json: rule 3 "parallel-sales-order-detail": ';
  const parallel = (pl: Json) => withRules(tableSettings({ 'parallel-load': pl }));
  const lob = (settings: Json) => withRules(without(tableSettings({ 'lob-settings': settings }), 'parallel-load'));

  it('fails on malformed parallel-load settings', () => {
    expect(parallel('ranges')).toEqual([`${prefix}"parallel-load" must be an object such as {"type": "partitions-auto"}, found a string ("ranges")`]);
    expect(parallel({ type: 'partition-auto' })).toEqual([
      `${prefix}"parallel-load.type" "partition-auto" is not valid: expected partitions-auto, subpartitions-auto, partitions-list, ranges or none`,
    ]);
    expect(parallel({})).toEqual([`${prefix}missing "parallel-load.type"`]);
    expect(parallel({ type: 'ranges' })).toEqual([
      `${prefix}parallel-load type ranges needs "parallel-load.columns" (1 to 10 column names)`,
      `${prefix}parallel-load type ranges needs "parallel-load.boundaries"`,
    ]);
    expect(parallel({ type: 'ranges', columns: ['SalesOrderID', 'SalesOrderDetailID'], boundaries: [['50000', '1'], ['60000']] })).toEqual([
      `${prefix}"parallel-load.boundaries[1]" has 1 value for 2 columns`,
    ]);
    expect(parallel({ type: 'ranges', columns: ['SalesOrderID'], boundaries: [] })).toEqual([
      `${prefix}"parallel-load.boundaries" is empty: ranges need at least one boundary`,
    ]);
    expect(parallel({ type: 'ranges', columns: ['SalesOrderID'], boundaries: [[null]] })).toEqual([
      `${prefix}"parallel-load.boundaries[0][0]" must be a string or a number, found null`,
    ]);
    const eleven = Array.from({ length: 11 }, (_, i) => `c${i}`);
    expect(parallel({ type: 'ranges', columns: eleven, boundaries: [eleven.map(() => '1')] })).toEqual([
      `${prefix}"parallel-load.columns" lists 11 columns: DMS allows at most 10`,
    ]);
    expect(parallel({ type: 'ranges', columns: ['SalesOrderID', 'SalesOrderID'], boundaries: [['1', '1']] })).toEqual([
      `${prefix}"parallel-load.columns" lists "SalesOrderID" twice`,
    ]);
    expect(parallel({ type: 'partitions-list' })).toEqual([
      `${prefix}parallel-load type partitions-list needs "parallel-load.partitions" or "parallel-load.subpartitions"`,
    ]);
    expect(parallel({ type: 'partitions-auto', columns: ['SalesOrderID'] })).toEqual([
      `${prefix}"parallel-load.columns" applies only to type ranges, not partitions-auto`,
    ]);
    expect(parallel({ type: 'ranges', columns: ['SalesOrderID'], boundaries: [['1']], partitions: ['p1'] })).toEqual([
      `${prefix}"parallel-load.partitions" applies only to type partitions-list, not ranges`,
    ]);
    expect(parallel({ type: 'partitions-auto', 'number-of-partitions': 0 })).toEqual([
      `${prefix}"parallel-load.number-of-partitions" must be a whole number greater than 0, found 0`,
    ]);
  });

  it('fails on malformed LOB settings', () => {
    expect(lob({ mode: 'full', 'bulk-max-size': '64' })).toEqual([
      `${prefix}"lob-settings.mode" "full" is not valid: expected limited, unlimited or none`,
    ]);
    expect(lob({ mode: 'limited', 'bulk-max-size': '64KB' })).toEqual([
      `${prefix}"lob-settings.bulk-max-size" must be a whole number of kilobytes, found "64KB"`,
    ]);
    expect(lob({ mode: 'limited' })).toEqual([`${prefix}lob-settings in limited mode needs a nonzero "lob-settings.bulk-max-size" (kilobytes)`]);
    expect(lob({ 'bulk-max-size': 0 })).toEqual([`${prefix}lob-settings in limited mode needs a nonzero "lob-settings.bulk-max-size" (kilobytes)`]);
    expect(lob('limited')).toEqual([`${prefix}"lob-settings" must be an object such as {"mode": "limited", "bulk-max-size": "32"}, found a string ("limited")`]);
  });
});

describe('rules that contradict each other', () => {
  it('fails when two transformation rules do the same action to the same object', () => {
    expect(withRules(rename(), rename({ 'rule-id': '3', 'rule-name': 'rename-sales-again', value: 'sales' }))).toEqual([
      'mappings/sales.json: rule 3 "rename-sales-again": does rename on the same schema as rule 2 "rename-sales": DMS applies only the rule with the lower rule-id',
    ]);
  });

  it('accepts the same action on different objects, and different actions on one object', () => {
    expect(
      withRules(
        rename(),
        rename({ 'rule-id': '3', 'rule-name': 'rename-dbo', 'object-locator': { 'schema-name': 'dbo' }, value: 'adventureworks_dbo' }),
        rename({ 'rule-id': '4', 'rule-name': 'lower-tables', 'rule-target': 'table', 'rule-action': 'convert-lowercase', 'object-locator': { 'schema-name': '%', 'table-name': '%' }, value: null }),
        rename({ 'rule-id': '5', 'rule-name': 'lower-columns', 'rule-target': 'column', 'rule-action': 'convert-lowercase', 'object-locator': { 'schema-name': '%', 'table-name': '%', 'column-name': '%' }, value: null }),
      ),
    ).toEqual([]);
  });
});

describe('reporting', () => {
  it('reports every problem of a file in file order, not just the first', () => {
    const problems = lines({
      $schema: 'x',
      rules: [
        include({ 'rule-id': 'one' }),
        rename({ 'rule-target': 'column' }),
        tableSettings({ 'rule-id': '2', 'parallel-load': { type: 'ranges' } }),
      ],
    });
    expect(problems).toEqual([
      'mappings/sales.json: unknown top-level key "$schema": DMS table mappings have only "rules"',
      'mappings/sales.json: rule one "include-sales": "rule-id" "one" is not a whole number: DMS needs a numeric rule-id such as 1 or "1"',
      'mappings/sales.json: rule 2 "rename-sales": rule-target column needs "object-locator.table-name"',
      'mappings/sales.json: rule 2 "rename-sales": rule-target column needs "object-locator.column-name"',
      'mappings/sales.json: rule 2 "parallel-sales-order-detail": parallel-load type ranges needs "parallel-load.columns" (1 to 10 column names)',
      'mappings/sales.json: rule 2 "parallel-sales-order-detail": parallel-load type ranges needs "parallel-load.boundaries"',
      'mappings/sales.json: rule 2 "parallel-sales-order-detail": rule-id 2 is also used by rules[1] "rename-sales"',
    ]);
  });

  it('throws a TableMappingError with every problem from parseTableMappings', () => {
    const text = JSON.stringify({ rules: [include({ 'rule-action': 'exclude' }), rename({ value: null })] });
    let error: unknown;
    try {
      parseTableMappings(text, FILE);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TableMappingError);
    const mappingError = error as TableMappingError;
    expect(mappingError.file).toBe(FILE);
    expect(mappingError.problems.map((p) => p.code)).toEqual(['missing-action-field', 'no-selection']);
    expect(mappingError.message).toBe(
      [
        'mappings/sales.json: rule 2 "rename-sales": rule-action rename needs "value" (the new name)',
        'mappings/sales.json: no selection rule includes anything: add a rule with "rule-type": "selection" and "rule-action": "include" or "explicit"',
      ].join('\n'),
    );
  });

  it('gives each problem a code, the rule it belongs to and the path within the rule', () => {
    const [problem] = checkTableMappings(JSON.stringify({ rules: [include(), rename({ value: 7 })] }), FILE).problems;
    expect(problem).toEqual({
      file: FILE,
      code: 'wrong-type',
      message: '"value" must be a string, found a number (7)',
      rule: { index: 1, id: '2', name: 'rename-sales' },
      path: 'value',
    });
  });

  it('validates an in-memory document without parsing', () => {
    expect(validateTableMappings({ rules: [include()] }, FILE)).toEqual([]);
    expect(validateTableMappings({ rules: [include({ 'rule-type': 'Selection' })] }, FILE).map(formatProblem)).toEqual([
      'mappings/sales.json: rule 1 "include-sales": "rule-type" "Selection" is not valid: expected selection, transformation, table-settings, object-mapping or post-processing (values are case-sensitive: did you mean "selection"?)',
    ]);
  });

  it('names each class of problem it can report', () => {
    expect(codes({ rules: [include(), rename({ 'rule-action': 'rename-schema' })] })).toEqual(['invalid-rule-action']);
  });
});
