import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  checkTableMappingsFile,
  formatProblem,
  loadTableMappings,
  mappingGeneration,
  parseTableMappings,
  TableMappingError,
} from '../../lib/mappings';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(__dirname, 'fixtures');
const VALID = fs.readdirSync(path.join(FIXTURES, 'valid')).filter((f) => f.endsWith('.json'));
const REAL_WORLD = path.join(FIXTURES, 'real-world');
const SHIPPED = fs.readdirSync(path.join(ROOT, 'mappings')).filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json'));

function errorOf(fn: () => unknown): TableMappingError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TableMappingError) return err;
    throw err;
  }
  throw new Error('expected a TableMappingError');
}

/** What broken-rules.json gets, errors and warnings in file order, as synth and the CLI print it. */
const BROKEN_RULES_LINES = [
  'broken-rules.json: rule 2 "include-person": "rule-action" "Include" is not valid for a selection rule: expected include, exclude or explicit (values are case-sensitive: did you mean "include"?) (line 22 column 7)',
  'broken-rules.json: rule 3 "rename-sales": warning: unknown field "vaule": did you mean "value"? DMS does not read "vaule" (line 34 column 7)',
  'broken-rules.json: rule 3 "rename-sales": rule-action rename needs "value" (the new name) (line 25 column 5)',
  'broken-rules.json: rule 3 "lowercase-columns": rule-target column needs "object-locator.column-name" (line 42 column 7)',
  'broken-rules.json: rule 3 "lowercase-columns": warning: rule-id 3 is also used by rules[2] "rename-sales": the guide asks for a unique rule-id, and DMS picks between transformation rules on one object by it (line 39 column 7)',
  'broken-rules.json: rule 4 "parallel-sales": table-settings need an exact schema and table name: "object-locator.table-name" "%" contains "%" (DMS rejects it: "Exact schema and table name required when using table settings rule") (line 56 column 9)',
  'broken-rules.json: rule 4 "parallel-sales": parallel-load type ranges needs "parallel-load.boundaries" (line 58 column 7)',
];

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mappings-test-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function writeTmp(name: string, content: string | Buffer): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, content);
  return file;
}

describe('the shipped mappings', () => {
  it('ships at least the AdventureWorks example', () => {
    expect(SHIPPED).toContain('adventureworks.json');
  });

  it.each(SHIPPED)('mappings/%s is valid, without a warning', (name) => {
    const mappings = loadTableMappings(path.join(ROOT, 'mappings', name), `mappings/${name}`);
    expect(mappings.file).toBe(`mappings/${name}`);
    expect(mappings.warnings.map(formatProblem)).toEqual([]);
  });

  it('maps every AdventureWorks schema to its own lowercase database, SCT style', () => {
    const mappings = loadTableMappings(path.join(ROOT, 'mappings/adventureworks.json'), 'mappings/adventureworks.json');
    expect(mappings.targetSchemas).toEqual({
      complete: true,
      schemas: [
        { source: 'HumanResources', target: 'adventureworks_humanresources' },
        { source: 'Person', target: 'adventureworks_person' },
        { source: 'Production', target: 'adventureworks_production' },
        { source: 'Purchasing', target: 'adventureworks_purchasing' },
        { source: 'Sales', target: 'adventureworks_sales' },
        { source: 'dbo', target: 'adventureworks_dbo' },
      ],
    });
  });

  it('has the features the example is there to show', () => {
    const { rules } = loadTableMappings(path.join(ROOT, 'mappings/adventureworks.json'));
    const actions = rules.map((r) => `${r['rule-type']}:${String(r['rule-action'] ?? '')}:${String(r['rule-target'] ?? '')}`);
    expect(actions).toEqual(expect.arrayContaining(['selection:include:', 'selection:exclude:', 'selection:explicit:', 'transformation:rename:schema']));
    expect(actions).toEqual(expect.arrayContaining(['transformation:convert-lowercase:table', 'transformation:convert-lowercase:column']));
    expect(rules.some((r) => r['rule-type'] === 'selection' && (r.filters ?? []).length > 0)).toBe(true);
    expect(
      rules.some(
        (r) =>
          r['rule-type'] === 'table-settings' &&
          r['object-locator']['table-name'] === 'SalesOrderDetail' &&
          r['parallel-load'] !== undefined &&
          r['parallel-load'] !== null,
      ),
    ).toBe(true);
  });
});

describe('valid fixtures (examples from the DMS guide and console exports)', () => {
  it.each(VALID.filter((name) => name !== 'transformations.json'))('%s is valid, without a warning', (name) => {
    const result = checkTableMappingsFile(path.join(FIXTURES, 'valid', name), name);
    expect(result.problems.map(formatProblem)).toEqual([]);
  });

  it("transformations.json (the guide's examples in one file) is valid, with a warning where two examples act on one object", () => {
    const result = checkTableMappingsFile(path.join(FIXTURES, 'valid/transformations.json'), 'transformations.json');
    expect(result.ok).toBe(true);
    const skipped = (id: string, kind: string, by: string, line: number) =>
      `transformations.json: rule ${id} "${id}": warning: can act on the same ${kind} as rule ${by} "${by}": DMS applies one transformation rule per object, the one with the lower rule-id, so it skips this rule there (line ${line} column 9)`;
    expect(result.problems.map(formatProblem)).toEqual([
      skipped('11', 'column', '4', 131),
      skipped('12', 'table', '10', 143),
      skipped('13', 'column', '11', 155),
      skipped('14', 'table', '10', 169),
      skipped('17', 'column', '11', 219),
      skipped('18', 'column', '11', 234),
      skipped('22', 'column', '4', 291),
    ]);
  });
});

describe('real-world mappings that DMS ran, rejected by the validator before', () => {
  const load = (name: string) => loadTableMappings(path.join(REAL_WORLD, name), `mappings/${name}`);

  it('rule-names used twice: loads, with a warning per repeat', () => {
    expect(load('duplicate-rule-names.json').warnings.map(formatProblem)).toEqual([
      'mappings/duplicate-rule-names.json: rule 2 "include-table": warning: rule-name "include-table" is also used by rule 1 "include-table": the guide asks for a unique name (DMS does not enforce it) (line 14 column 7)',
      'mappings/duplicate-rule-names.json: rule 3 "include-table": warning: rule-name "include-table" is also used by rule 1 "include-table": the guide asks for a unique name (DMS does not enforce it) (line 22 column 7)',
      'mappings/duplicate-rule-names.json: rule 5 "lowercase": warning: rule-name "lowercase" is also used by rule 4 "lowercase": the guide asks for a unique name (DMS does not enforce it) (line 40 column 7)',
    ]);
  });

  it('change-data-type with column-name but no rule-target: loads, checked as a column rule', () => {
    expect(load('change-data-type-without-target.json').warnings.map(formatProblem)).toEqual([
      'mappings/change-data-type-without-target.json: rule 2 "money-as-decimal": warning: no "rule-target": the guide gives every transformation rule one; checked as rule-target column, from its object-locator (line 10 column 5)',
      'mappings/change-data-type-without-target.json: rule 3 "rowguid-as-string": warning: no "rule-target": the guide gives every transformation rule one; checked as rule-target column, from its object-locator (line 18 column 5)',
    ]);
  });

  it('define-primary-key with rule-target column: loads, with a warning naming the documented target', () => {
    expect(load('primary-key-on-column-target.json').warnings.map(formatProblem)).toEqual([
      'mappings/primary-key-on-column-target.json: rule 2 "2": warning: rule-action define-primary-key is documented with rule-target table, found "column" (line 15 column 7)',
      'mappings/primary-key-on-column-target.json: rule 3 "3": warning: rule-action define-primary-key is documented with rule-target table, found "column" (line 24 column 7)',
    ]);
  });

  it.each(fs.readdirSync(REAL_WORLD))('%s reaches the task unchanged in meaning', (name) => {
    const original: unknown = JSON.parse(fs.readFileSync(path.join(REAL_WORLD, name), 'utf8'));
    expect(JSON.parse(load(name).json)).toEqual(original);
  });
});

describe('loadTableMappings', () => {
  it('returns the canonical JSON, meaning unchanged, with its size and generation', () => {
    const file = path.join(FIXTURES, 'valid/console-export.json');
    const original: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    const mappings = loadTableMappings(file, 'console-export.json');
    expect(JSON.parse(mappings.json)).toEqual(original);
    expect(mappings.json).toBe(JSON.stringify(original));
    expect(mappings.document).toEqual(original);
    expect(mappings.rules).toHaveLength(5);
    expect(mappings.sizeBytes).toBe(Buffer.byteLength(mappings.json));
    expect(mappings.generation).toMatch(/^[0-9a-f]{12}$/);
    expect(mappings.generation).toBe(mappingGeneration(mappings.json));
  });

  it('keeps the generation when only formatting changes, and changes it when the content does', () => {
    const doc = JSON.parse(fs.readFileSync(path.join(ROOT, 'mappings/adventureworks.json'), 'utf8')) as { rules: { value?: string | null }[] };
    const pretty = parseTableMappings(JSON.stringify(doc, null, 4), 'a.json');
    const compact = parseTableMappings(JSON.stringify(doc), 'b.json');
    expect(pretty.generation).toBe(compact.generation);
    expect(pretty.json).toBe(compact.json);
    const renamed = doc.rules.map((r) => (r.value === 'adventureworks_sales' ? { ...r, value: 'aw_sales' } : r));
    expect(parseTableMappings(JSON.stringify({ rules: renamed }), 'c.json').generation).not.toBe(pretty.generation);
  });

  it('names the file as the caller does in every message', () => {
    const err = errorOf(() => loadTableMappings(path.join(FIXTURES, 'invalid/syntax-error.json'), 'mappings/orders.json'));
    expect(err.message).toBe("mappings/orders.json: invalid JSON: trailing comma before '}' (line 8 column 31)");
    expect(err.file).toBe('mappings/orders.json');
  });

  it('fails synth with every problem of a broken file, one line each', () => {
    const err = errorOf(() => loadTableMappings(path.join(FIXTURES, 'invalid/broken-rules.json'), 'mappings/broken-rules.json'));
    expect(err.message.split('\n')).toEqual(BROKEN_RULES_LINES.map((line) => `mappings/${line}`));
  });

  it('fails when the file cannot be read', () => {
    expect(errorOf(() => loadTableMappings(path.join(tmp, 'missing.json'), 'mappings/missing.json')).message).toBe(
      'mappings/missing.json: cannot read the file: no such file or directory',
    );
    expect(errorOf(() => loadTableMappings(tmp, 'mappings/')).message).toBe('mappings/: cannot read the file: it is a directory');
    expect(errorOf(() => loadTableMappings(path.join(tmp, 'missing.json'))).problems[0].code).toBe('unreadable-file');
  });

  it('fails when the file is not UTF-8 text', () => {
    const file = writeTmp('latin1.json', Buffer.from('{"rules": [{"rule-name": "caf\xe9"}]}', 'latin1'));
    expect(errorOf(() => loadTableMappings(file, 'latin1.json')).message).toBe('latin1.json: the file is not UTF-8 text: save it as UTF-8');
  });

  it('reads UTF-8 with a byte-order mark and UTF-16, as Windows tools write them', () => {
    const withBom = loadTableMappings(path.join(FIXTURES, 'valid/utf8-bom.json'));
    expect(withBom.json.startsWith('{"rules"')).toBe(true);
    const text = fs.readFileSync(path.join(FIXTURES, 'valid/utf8-bom.json'), 'utf8');
    const le = writeTmp('utf16le.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.replace(/^\uFEFF/, ''), 'utf16le')]));
    const beBody = Buffer.from(text.replace(/^\uFEFF/, ''), 'utf16le');
    beBody.swap16();
    const be = writeTmp('utf16be.json', Buffer.concat([Buffer.from([0xfe, 0xff]), beBody]));
    expect(loadTableMappings(le).json).toBe(withBom.json);
    expect(loadTableMappings(be).json).toBe(withBom.json);
    expect(parseTableMappings(`\uFEFF${text.replace(/^\uFEFF/, '')}`, 'x.json').json).toBe(withBom.json);
  });

  it('keeps a key named __proto__ as data', () => {
    const mappings = parseTableMappings(
      '{"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "a", "rule-action": "include", "object-locator": {"schema-name": "dbo", "table-name": "%"}, "__proto__": {"x": 1}}]}',
      'proto.json',
    );
    expect(JSON.parse(mappings.json)).toEqual(JSON.parse(mappings.json));
    expect(mappings.json).toContain('"__proto__":{"x":1}');
    expect(Object.getPrototypeOf(mappings.rules[0])).toBe(Object.prototype);
  });
});

describe('targetSchemas', () => {
  const sel = (id: number, schema: string, table = '%', action = 'include') => ({
    'rule-type': 'selection',
    'rule-id': id,
    'rule-name': `s${id}`,
    'rule-action': action,
    'object-locator': { 'schema-name': schema, 'table-name': table },
  });
  const schemaRule = (id: number, schema: string, action: string, extra: Record<string, string> = {}) => ({
    'rule-type': 'transformation',
    'rule-id': id,
    'rule-name': `t${id}`,
    'rule-target': 'schema',
    'rule-action': action,
    'object-locator': { 'schema-name': schema },
    ...extra,
  });
  const targets = (...rules: unknown[]) => parseTableMappings(JSON.stringify({ rules }), 't.json').targetSchemas;

  it('applies the schema transformation with the lowest rule-id, matching names case-insensitively', () => {
    expect(targets(sel(1, 'Sales'), sel(2, 'dbo'), schemaRule(9, 'sales', 'rename', { value: 'aw_sales' }), schemaRule(5, '%', 'convert-lowercase'))).toEqual({
      complete: true,
      schemas: [
        { source: 'Sales', target: 'sales' },
        { source: 'dbo', target: 'dbo' },
      ],
    });
    expect(targets(sel(1, 'Sales'), schemaRule(2, 'Sal%', 'add-prefix', { value: 'aw_' }))).toEqual({
      complete: true,
      schemas: [{ source: 'Sales', target: 'aw_Sales' }],
    });
    expect(targets(sel(1, 'Sales'), schemaRule(2, 'Sales', 'replace-suffix', { value: 'Data', 'old-value': 'les' }))).toEqual({
      complete: true,
      schemas: [{ source: 'Sales', target: 'SaData' }],
    });
  });

  it('is incomplete when a selection names its schemas by a pattern', () => {
    expect(targets(sel(1, '%'), sel(2, 'dbo', 'AWBuildVersion', 'explicit'))).toEqual({
      complete: false,
      schemas: [{ source: 'dbo', target: 'dbo' }],
    });
  });

  it('drops a schema whose tables are all excluded', () => {
    expect(targets(sel(1, 'Sales'), sel(2, 'Person'), sel(3, 'Person', '%', 'exclude'), sel(4, 'Sales', 'ShoppingCartItem', 'exclude'))).toEqual({
      complete: true,
      schemas: [{ source: 'Sales', target: 'Sales' }],
    });
  });
});
