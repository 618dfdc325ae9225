import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../support/app';
import { loadTableMappingsOnce } from '../../lib/stacks/table-mapping-cache';

/** loadTableMappingsOnce: one parse per file content for the whole synth, a fresh one when the file changes. */
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mapping-cache-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const example = fs.readFileSync(path.join(PROJECT_ROOT, 'mappings', 'adventureworks.json'), 'utf8');

test('environments that share a mapping file get the one parsed mapping', () => {
  const file = path.join(dir, 'shared.json');
  fs.writeFileSync(file, example);
  const first = loadTableMappingsOnce(file, 'mappings/shared.json');
  expect(loadTableMappingsOnce(file, 'mappings/shared.json')).toBe(first);
  expect(first.file).toBe('mappings/shared.json');
});

test('a file that changed is read and validated again, even within the same second', () => {
  const file = path.join(dir, 'changing.json');
  fs.writeFileSync(file, example);
  const before = loadTableMappingsOnce(file, 'changing.json');
  const rules = (JSON.parse(example) as { rules: unknown[] }).rules.slice(0, 2);
  fs.writeFileSync(file, JSON.stringify({ rules }));
  const after = loadTableMappingsOnce(file, 'changing.json');
  expect(after).not.toBe(before);
  expect(after.rules).toHaveLength(2);
  expect(after.generation).not.toBe(before.generation);
});

test('errors are those of loadTableMappings, for a broken file as for a missing one', () => {
  const broken = path.join(dir, 'broken.json');
  fs.writeFileSync(broken, '{"rules": [');
  expect(() => loadTableMappingsOnce(broken, 'mappings/broken.json')).toThrow(/^mappings\/broken\.json: /);
  expect(() => loadTableMappingsOnce(path.join(dir, 'missing.json'), 'mappings/missing.json')).toThrow(/^mappings\/missing\.json: /);
});
