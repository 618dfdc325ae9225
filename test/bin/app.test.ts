import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { buildApp, ENVIRONMENTS_FILE_CONTEXT } from '../../bin/app';
import { exampleEnvironment, exampleEnvironments, PROJECT_ROOT } from '../support/app';

/** bin/app.ts: environments from cdk.json, or from the file that the environmentsFile context names. */
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'environments-file-'));
  fs.mkdirSync(path.join(dir, 'mappings'));
  fs.copyFileSync(path.join(PROJECT_ROOT, 'mappings', 'adventureworks.json'), path.join(dir, 'mappings', 'other.json'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const stacksOf = (app: App) => app.node.children.filter((c): c is Stack => Stack.isStack(c)).map((s) => s.stackName);

test('without the context key, the environments of cdk.json', () => {
  const app = buildApp(new App({ context: { environments: exampleEnvironments() } }), PROJECT_ROOT);
  expect(stacksOf(app)).toEqual(Object.keys(exampleEnvironments()).map((name) => `DmsMigration-${name}`));
});

test('environmentsFile replaces them; its mapping files resolve against its own directory', () => {
  const file = path.join(dir, 'generated.json');
  const env = exampleEnvironment('dev', { tasks: [{ name: 'other', migrationType: 'full-load-and-cdc', mappingFile: 'mappings/other.json' }] });
  fs.writeFileSync(file, JSON.stringify({ context: { environments: { gen01: env } } }));
  const app = buildApp(new App({ context: { environments: exampleEnvironments(), [ENVIRONMENTS_FILE_CONTEXT]: file } }), PROJECT_ROOT);
  expect(stacksOf(app)).toEqual(['DmsMigration-gen01']);
});

test('fails on an environmentsFile that is not a path, or that cannot be read, naming it', () => {
  expect(() => buildApp(new App({ context: { [ENVIRONMENTS_FILE_CONTEXT]: 3 } }), PROJECT_ROOT)).toThrow(
    'context environmentsFile must be the path of a file like cdk.json (got 3)',
  );
  const missing = path.join(dir, 'missing.json');
  expect(() => buildApp(new App({ context: { [ENVIRONMENTS_FILE_CONTEXT]: missing } }), PROJECT_ROOT)).toThrow(`${missing}: cannot read`);
});
