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

function validatorCodes(document: unknown): string[] {
  return checkTableMappings(JSON.stringify(document), 'x.json').problems.map((p) => p.code);
}

const mappingFiles = [
  ...fs
    .readdirSync(path.join(ROOT, 'mappings'))
    .filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json'))
    .map((f) => path.join('mappings', f)),
  ...fs.readdirSync(path.join(__dirname, 'fixtures/valid')).map((f) => path.join('test/mappings/fixtures/valid', f)),
];

describe('table-mappings.schema.json', () => {
  it('is a draft-07 schema that forbids top-level keys other than "rules"', () => {
    expect(schema).toMatchObject({ $schema: 'http://json-schema.org/draft-07/schema#', additionalProperties: false, required: ['rules'] });
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

  const broken: [string, unknown][] = [
    ['no rules', {}],
    ['a top-level key besides rules', { $schema: 'x', rules: [include] }],
    ['no selection that includes anything', { rules: [{ ...include, 'rule-action': 'exclude' }] }],
    ['an unknown rule-type', { rules: [include, { ...rename, 'rule-type': 'transform' }] }],
    ['a missing rule-id', { rules: [include, { ...rename, 'rule-id': undefined }] }],
    ['a non-numeric rule-id', { rules: [include, { ...rename, 'rule-id': 'two' }] }],
    ['a missing object-locator', { rules: [include, { ...rename, 'object-locator': undefined }] }],
    ['a selection action that is not legal', { rules: [{ ...include, 'rule-action': 'Include' }] }],
    ['a transformation action that is not legal', { rules: [include, { ...rename, 'rule-action': 'rename-schema' }] }],
    ['an unknown rule-target', { rules: [include, { ...rename, 'rule-target': 'database' }] }],
    ['a rename without value', { rules: [include, { ...rename, value: null }] }],
    ['a replace-prefix without old-value', { rules: [include, { ...rename, 'rule-action': 'replace-prefix' }] }],
    ['change-data-type on a schema', { rules: [include, { ...rename, 'rule-action': 'change-data-type', 'data-type': { type: 'int4' } }] }],
    ['a column rule without column-name', { rules: [include, { ...rename, 'rule-target': 'column', 'object-locator': { 'schema-name': 'Sales', 'table-name': '%' } }] }],
    ['an unknown DMS data type', { rules: [include, { ...rename, 'rule-target': 'column', 'rule-action': 'add-column', 'object-locator': { 'schema-name': 'Sales', 'table-name': 'Store' }, 'data-type': { type: 'varchar' } }] }],
    ['an explicit rule with a wildcard', { rules: [{ ...include, 'rule-action': 'explicit' }] }],
    ['table-settings with a wildcard', { rules: [include, { ...settings, 'object-locator': { 'schema-name': 'Sales', 'table-name': '%' }, 'parallel-load': { type: 'partitions-auto' } }] }],
    ['an unknown parallel-load type', { rules: [include, { ...settings, 'parallel-load': { type: 'partition-auto' } }] }],
    ['ranges without boundaries', { rules: [include, { ...settings, 'parallel-load': { type: 'ranges', columns: ['SalesOrderID'] } }] }],
    ['ranges with more than 10 columns', { rules: [include, { ...settings, 'parallel-load': { type: 'ranges', columns: 'abcdefghijk'.split(''), boundaries: [['1']] } }] }],
    ['limited LOB mode without a size', { rules: [include, { ...settings, 'lob-settings': { mode: 'limited' } }] }],
    ['an unknown filter operator', { rules: [include, filtered(orderDate({ 'filter-operator': 'lt', value: '1' }))] }],
    ['between without end-value', { rules: [include, filtered(orderDate({ 'filter-operator': 'between', 'start-value': '1' }))] }],
    ['a filter that is not of type source', { rules: [include, filtered([{ 'filter-type': 'target', 'column-name': 'x', 'filter-conditions': [{ 'filter-operator': 'null' }] }])] }],
    ['filters on an exclude rule', { rules: [include, filtered(orderDate({ 'filter-operator': 'null' }), { 'rule-id': '5', 'rule-name': 'x', 'rule-action': 'exclude' })] }],
    ['filters on a wildcard table', { rules: [{ ...include, filters: orderDate({ 'filter-operator': 'null' }) }] }],
  ];

  it.each(broken)('rejects %s, as the validator does', (_, document) => {
    const clean = JSON.parse(JSON.stringify(document)) as unknown;
    expect(validatorCodes(clean)).not.toEqual([]);
    expect(schemaErrors(clean)).not.toEqual([]);
  });
});
