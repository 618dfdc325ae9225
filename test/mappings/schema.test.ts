import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkTableMappings } from '../../lib/mappings';

/**
 * The JSON Schema in mappings/ is what editors use to complete and check mapping files. These
 * tests hold it to the validator: every shipped mapping and valid fixture passes both, and the
 * structural mistakes the schema can express are rejected by both.
 *
 * The schema is checked with `jsonschema`, which aws-cdk-lib bundles (the project adds no
 * validator dependency of its own); it supports the draft-07 keywords the schema uses.
 */

interface SchemaValidator {
  validate(instance: unknown, schema: object): { valid: boolean; errors: readonly { stack: string }[] };
}
type ValidatorConstructor = new () => SchemaValidator;

const ROOT = path.resolve(__dirname, '../..');
const jsonschemaDir = path.join(path.dirname(require.resolve('aws-cdk-lib/package.json')), 'node_modules', 'jsonschema');
const { Validator } = require(jsonschemaDir) as { Validator: ValidatorConstructor };

const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'mappings/table-mappings.schema.json'), 'utf8')) as object;

function schemaErrors(document: unknown): string[] {
  return new Validator().validate(document, schema).errors.map((e) => e.stack);
}

/** `severity code` of each finding of the validator. */
function validatorFindings(document: unknown): string[] {
  return checkTableMappings(JSON.stringify(document), 'x.json').problems.map((p) => `${p.severity} ${p.code}`);
}

const mappingFiles = [
  ...fs
    .readdirSync(path.join(ROOT, 'mappings'))
    .filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json'))
    .map((f) => path.join('mappings', f)),
  ...fs.readdirSync(path.join(__dirname, 'fixtures/valid')).map((f) => path.join('test/mappings/fixtures/valid', f)),
  ...fs.readdirSync(path.join(__dirname, 'fixtures/real-world')).map((f) => path.join('test/mappings/fixtures/real-world', f)),
];

describe('table-mappings.schema.json', () => {
  it('is a draft-07 schema that requires "rules"', () => {
    expect(schema).toMatchObject({ $schema: 'http://json-schema.org/draft-07/schema#', required: ['rules'] });
  });

  it.each(mappingFiles)('accepts %s', (file) => {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8').replace(/^\uFEFF/, '');
    expect(schemaErrors(JSON.parse(text))).toEqual([]);
  });

  const include = {
    'rule-type': 'selection',
    'rule-id': '1',
    'rule-name': 'include-sales',
    'object-locator': { 'schema-name': 'Sales', 'table-name': '%' },
    'rule-action': 'include',
  };
  const rename = {
    'rule-type': 'transformation',
    'rule-id': '2',
    'rule-name': 'rename-sales',
    'rule-target': 'schema',
    'object-locator': { 'schema-name': 'Sales' },
    'rule-action': 'rename',
    value: 'adventureworks_sales',
  };
  const column = { ...rename, 'rule-target': 'column', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store', 'column-name': 'Name' } };
  const settings = {
    'rule-type': 'table-settings',
    'rule-id': '3',
    'rule-name': 'parallel-sales-order-detail',
    'object-locator': { 'schema-name': 'Sales', 'table-name': 'SalesOrderDetail' },
  };
  const filtered = (filters: unknown, over: object = {}) => ({
    ...include,
    'object-locator': { 'schema-name': 'Sales', 'table-name': 'SalesOrderHeader' },
    filters,
    ...over,
  });
  const orderDate = (condition: object) => [{ 'filter-type': 'source', 'column-name': 'OrderDate', 'filter-conditions': [condition] }];
  const primaryKey = { name: 'pk_store', columns: ['BusinessEntityID'] };

  const errors: [string, unknown][] = [
    ['no rules', {}],
    ['no selection rule', { rules: [rename] }],
    ['an unknown rule-type', { rules: [include, { ...rename, 'rule-type': 'transform' }] }],
    ['a missing rule-id', { rules: [include, { ...rename, 'rule-id': undefined }] }],
    ['a non-numeric rule-id', { rules: [include, { ...rename, 'rule-id': 'two' }] }],
    ['a missing object-locator', { rules: [include, { ...rename, 'object-locator': undefined }] }],
    ['a selection action that is not legal', { rules: [{ ...include, 'rule-action': 'Include' }] }],
    ['a transformation action that is not legal', { rules: [include, { ...rename, 'rule-action': 'rename-schema' }] }],
    ['an unknown rule-target', { rules: [include, { ...rename, 'rule-target': 'database' }] }],
    ['a rename without value', { rules: [include, { ...rename, value: null }] }],
    ['a replace-prefix without old-value', { rules: [include, { ...rename, 'rule-action': 'replace-prefix' }] }],
    ['a change-data-type without data-type', { rules: [include, { ...column, 'rule-action': 'change-data-type', value: undefined }] }],
    ['a define-primary-key without primary-key-def', { rules: [include, { ...rename, 'rule-target': 'table', 'rule-action': 'define-primary-key', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store' } }] }],
    ['a define-primary-key without table-name', { rules: [include, { ...rename, 'rule-target': 'table', 'rule-action': 'define-primary-key', 'primary-key-def': primaryKey }] }],
    ['a column rule without column-name', { rules: [include, { ...rename, 'rule-target': 'column', 'object-locator': { 'schema-name': 'Sales', 'table-name': '%' } }] }],
    ['an unknown DMS data type', { rules: [include, { ...rename, 'rule-target': 'column', 'rule-action': 'add-column', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store' }, 'data-type': { type: 'varchar' } }] }],
    ['table-settings with a wildcard', { rules: [include, { ...settings, 'object-locator': { 'schema-name': 'Sales', 'table-name': '%' }, 'parallel-load': { type: 'partitions-auto' } }] }],
    ['an unknown parallel-load type', { rules: [include, { ...settings, 'parallel-load': { type: 'partition-auto' } }] }],
    ['ranges without boundaries', { rules: [include, { ...settings, 'parallel-load': { type: 'ranges', columns: ['SalesOrderID'] } }] }],
    ['partitions-list without partitions', { rules: [include, { ...settings, 'parallel-load': { type: 'partitions-list' } }] }],
    ['an unknown LOB mode', { rules: [include, { ...settings, 'lob-settings': { mode: 'full', 'bulk-max-size': 64 } }] }],
    ['an unknown filter operator', { rules: [include, filtered(orderDate({ 'filter-operator': 'lt', value: '1' }))] }],
    ['between without end-value', { rules: [include, filtered(orderDate({ 'filter-operator': 'between', 'start-value': '1' }))] }],
    ['a filter that is not of type source', { rules: [include, filtered([{ 'filter-type': 'target', 'column-name': 'x', 'filter-conditions': [{ 'filter-operator': 'null' }] }])] }],
  ];

  it.each(errors)('rejects %s, which the validator reports as an error', (_, document) => {
    const clean = JSON.parse(JSON.stringify(document)) as unknown;
    expect(validatorFindings(clean).filter((f) => f.startsWith('error'))).not.toEqual([]);
    expect(schemaErrors(clean)).not.toEqual([]);
  });

  const warningsOnly: [string, unknown][] = [
    ['a top-level key besides rules', { $schema: 'x', rules: [include] }],
    ['selection rules that only exclude', { rules: [{ ...include, 'rule-action': 'exclude' }] }],
    ['a rule-name used twice', { rules: [include, { ...rename, 'rule-name': 'include-sales' }] }],
    ['a rule without rule-name', { rules: [include, { ...rename, 'rule-name': undefined }] }],
    ['a change-data-type without rule-target', { rules: [include, { ...column, 'rule-target': undefined, 'rule-action': 'change-data-type', value: undefined, 'data-type': { type: 'int8' } }] }],
    ['a define-primary-key with rule-target column', { rules: [include, { ...rename, 'rule-target': 'column', 'rule-action': 'define-primary-key', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store' }, 'primary-key-def': primaryKey }] }],
    ['change-data-type on a schema', { rules: [include, { ...rename, 'rule-action': 'change-data-type', 'data-type': { type: 'int4' } }] }],
    ['an explicit rule with a wildcard', { rules: [{ ...include, 'rule-action': 'explicit' }] }],
    ['a define-primary-key with a wildcard', { rules: [include, { ...rename, 'rule-target': 'table', 'rule-action': 'define-primary-key', 'object-locator': { 'schema-name': '%', 'table-name': 'Store' }, 'primary-key-def': primaryKey }] }],
    ['ranges with more than 10 columns', { rules: [include, { ...settings, 'parallel-load': { type: 'ranges', columns: 'abcdefghijk'.split(''), boundaries: [['1']] } }] }],
    ['ranges without a boundary', { rules: [include, { ...settings, 'parallel-load': { type: 'ranges', columns: ['SalesOrderID'], boundaries: [] } }] }],
    ['limited LOB mode without a size', { rules: [include, { ...settings, 'lob-settings': { mode: 'limited' } }] }],
    ['filters on an exclude rule', { rules: [include, filtered(orderDate({ 'filter-operator': 'null' }), { 'rule-id': '5', 'rule-name': 'x', 'rule-action': 'exclude' })] }],
    ['an empty prefix', { rules: [include, { ...rename, 'rule-action': 'add-prefix', value: '' }] }],
    ['two renames of one schema', { rules: [include, rename, { ...rename, 'rule-id': '3', 'rule-name': 'again' }] }],
    ['a transformation of a column named with "-"', { rules: [include, { ...column, 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store', 'column-name': 'Unit-Price' } }] }],
  ];

  it.each(warningsOnly)('accepts %s, which the validator only warns about', (_, document) => {
    const clean = JSON.parse(JSON.stringify(document)) as unknown;
    const findings = validatorFindings(clean);
    expect(findings).not.toEqual([]);
    expect(findings.filter((f) => !f.startsWith('warning'))).toEqual([]);
    expect(schemaErrors(clean)).toEqual([]);
  });

  it('accepts add-before-image-columns without before-image-def (each of its fields has a default), as the validator does', () => {
    const document = { rules: [include, { ...column, 'rule-action': 'add-before-image-columns', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store' } }] };
    expect(validatorFindings(document)).toEqual([]);
    expect(schemaErrors(document)).toEqual([]);
  });
});
