import * as fs from 'node:fs';
import * as path from 'node:path';
import { CfnResource } from 'aws-cdk-lib';
import { buildTestApp, exampleEnvironments, stackOf } from '../support/app';

/**
 * AWS's CloudFormation validator, which aws-cdk-lib runs at every `cdk synth` (schema, semantic
 * and best-practice rules) and which the other tests turn off for speed
 * (test/support/builtin-validation.ts): it finds nothing in the example environments.
 */
const PLUGIN = 'CloudFormation Validate';

interface ValidationReport {
  pluginReports: Array<{ pluginName: string; violations: Array<{ ruleName: string; description: string; severity: string }> }>;
}

let saved: string | undefined;
beforeAll(() => {
  saved = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'true';
});
afterAll(() => {
  if (saved === undefined) delete process.env.CDK_VALIDATION;
  else process.env.CDK_VALIDATION = saved;
});

function findingsOf(mutate: (app: ReturnType<typeof buildTestApp>) => void = () => undefined) {
  const app = buildTestApp();
  mutate(app);
  const assembly = app.synth();
  const report = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8')) as ValidationReport;
  return report.pluginReports.filter((r) => r.pluginName === PLUGIN).flatMap((r) => r.violations);
}

test('finds nothing in the templates of the example environments', () => {
  expect(findingsOf()).toEqual([]);
});

test('reports a template error (the check above can fail)', () => {
  const env = Object.keys(exampleEnvironments())[0]!;
  // aws-cdk-lib prints the findings too.
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const findings = findingsOf((app) => {
    const instance = stackOf(app, env).node.findAll().find((c) => CfnResource.isCfnResource(c) && c.cfnResourceType === 'AWS::DMS::ReplicationInstance') as CfnResource;
    instance.addPropertyOverride('AllocatedStorage', 'fifty');
  });
  expect(findings.map((f) => f.description).join('\n')).toMatch(/AllocatedStorage/);
});
