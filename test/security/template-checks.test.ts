import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { buildApp } from '../../bin/app';
import { parseEnvironments, stackName } from '../../lib/config';
import { parseDelivery } from '../../lib/delivery/config';
import { CFN_LINT_EXEMPTIONS, CONTROL_TOWER_EXEMPTIONS, TemplateCheckExemption } from '../../lib/nag/template-check-exemptions';
import { exampleEnvironments, PROJECT_ROOT } from '../support/app';
import {
  applyExemptions,
  cfnLintFindings,
  controlTowerControlIds,
  controlTowerFindings,
  describeOutcome,
  findCfnLint,
  pathPattern,
  SynthesizedTemplate,
  synthesizeTemplates,
  TemplateFinding,
} from '../support/template-checks';

/**
 * AWS's own template checks on every template `cdk synth` makes from cdk.json: the AWS Control
 * Tower proactive controls (cfn-guard) and cfn-lint. A finding passes only if
 * lib/nag/template-check-exemptions.ts lists it; an entry there that matches nothing fails too.
 */

const EXEMPTIONS_FILE = 'lib/nag/template-check-exemptions.ts';
// Synthesis bundles the Lambdas and the checks run external binaries: slow on a loaded machine.
const SLOW = 300_000;

/** cdk.json's context, as `cdk synth` passes it to bin/app.ts: the migration stacks and the delivery stacks. */
function cdkJsonContext(): Record<string, unknown> {
  return (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
}

let environments: SynthesizedTemplate[];
beforeAll(() => {
  environments = synthesizeTemplates(buildApp(new App({ context: cdkJsonContext() }), PROJECT_ROOT));
}, SLOW);

/** A stack that breaks controls and cfn-lint rules on purpose, next to resources that comply. */
function brokenTemplates(): SynthesizedTemplate[] {
  const app = new App();
  const stack = new Stack(app, 'Broken', { env: { account: '111111111111', region: 'eu-west-1' } });
  // 8 days: under the 365 of CT.CLOUDWATCH.PR.2, and not a value CloudWatch Logs accepts (cfn-lint E3030).
  const shortLived = new logs.CfnLogGroup(stack, 'ShortLived', { retentionInDays: 8 });
  // aws-cdk-lib's own CloudFormation validation warns about it too; only the checks under test should report it.
  Validations.of(shortLived).acknowledge({ id: 'CloudFormation-Validate::W3030', reason: 'broken on purpose' });
  new logs.CfnLogGroup(stack, 'KeptForAYear', { retentionInDays: 365 });
  new s3.CfnBucket(stack, 'Plain');
  return synthesizeTemplates(app);
}

const exemption = (rule: string, resources: string[]): TemplateCheckExemption => ({ rule, resources, status: 'accepted', reason: 'test' });

describe('AWS Control Tower proactive controls (cfn-guard of @cdklabs/cdk-validator-cfnguard)', () => {
  test('checks every stack cdk synth makes from cdk.json: the migration stack of each environment and the delivery stacks', () => {
    const configs = parseEnvironments(exampleEnvironments(), 'cdk.json', PROJECT_ROOT);
    const delivery = parseDelivery(cdkJsonContext().delivery, 'cdk.json', configs);
    const expected = [...configs.map((c) => stackName(c.name)), ...(delivery?.environments.map((d) => d.deliveryStackName) ?? [])];
    expect(environments.map((t) => t.stackName).sort()).toEqual(expected.sort());
  });

  test(
    'every environment passes every control, except the findings the exemption list names; no exemption is stale',
    () => {
      const outcome = applyExemptions(controlTowerFindings(environments), CONTROL_TOWER_EXEMPTIONS);
      expect(describeOutcome(outcome, EXEMPTIONS_FILE)).toEqual([]);
    },
    SLOW,
  );

  test('every exemption names a control the package ships, resources, and a reason', () => {
    const known = controlTowerControlIds();
    expect(known.size).toBeGreaterThan(200);
    for (const entry of CONTROL_TOWER_EXEMPTIONS) expect(known).toContain(entry.rule);
    for (const entry of CFN_LINT_EXEMPTIONS) expect(entry.rule).toMatch(/^[EWI]\d{4}$/);
    for (const entry of [...CONTROL_TOWER_EXEMPTIONS, ...CFN_LINT_EXEMPTIONS]) {
      expect(entry.resources.length).toBeGreaterThan(0);
      if (entry.status === 'known-failure') expect(entry.reason).toMatch(/^fixed by issue \d+: /);
      else expect(entry.reason.length).toBeGreaterThan(20);
    }
  });

  describe('can fail', () => {
    let findings: TemplateFinding[];
    beforeAll(() => {
      findings = controlTowerFindings(brokenTemplates());
    }, SLOW);

    test(
      'reports a log group kept under a year and an unencrypted bucket by control id and resource, not a compliant one',
      () => {
        expect(findings).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ tool: 'cfn-guard', rule: 'CT.CLOUDWATCH.PR.2', stackName: 'Broken', constructPath: 'ShortLived', logicalId: 'ShortLived' }),
            expect.objectContaining({ rule: 'CT.S3.PR.10', constructPath: 'Plain' }),
          ]),
        );
        expect(findings.filter((f) => f.rule === 'CT.CLOUDWATCH.PR.2').map((f) => f.constructPath)).toEqual(['ShortLived']);
        expect(describeOutcome(applyExemptions(findings, []), EXEMPTIONS_FILE)).toContainEqual(
          expect.stringMatching(/^CT\.CLOUDWATCH\.PR\.2 \(cfn-guard\) fails on Broken ShortLived \[ShortLived\]: Require an Amazon CloudWatch log group to be retained for at least one year/),
        );
      },
      SLOW,
    );

    test(
      'an exemption covers only the resources it names; one that covers no finding is reported stale',
      () => {
        const outcome = applyExemptions(findings, [
          exemption('CT.CLOUDWATCH.PR.3', ['ShortLived', 'Gone']),
          exemption('CT.SQS.PR.1', ['**']),
        ]);
        const pr3 = outcome.unexempted.filter((f) => f.rule === 'CT.CLOUDWATCH.PR.3').map((f) => f.constructPath);
        expect(pr3).toEqual(['KeptForAYear']);
        expect(outcome.stale.map(({ exemption: e, resource }) => `${e.rule} ${resource}`)).toEqual(['CT.CLOUDWATCH.PR.3 Gone', 'CT.SQS.PR.1 **']);
        expect(describeOutcome(outcome, EXEMPTIONS_FILE)).toContain(
          `stale exemption CT.SQS.PR.1 for '**' (accepted: test): no finding matches it in any stack; delete it from ${EXEMPTIONS_FILE}`,
        );
      },
      SLOW,
    );
  });
});

describe('exemption resource patterns', () => {
  test.each([
    ['Runbook-*/Control/Resource', 'Runbook-adventureworks/Control/Resource', true],
    ['Runbook-*/Control/Resource', 'Runbook-a/b/Control/Resource', false],
    ['Runbook-*/Control/Resource', 'Runbook-a/Control/ResourceX', false],
    ['**/Logs/Resource', 'Logs/Resource', true],
    ['**/Logs/Resource', 'A/B/Logs/Resource', true],
    ['Monitoring/Events/TaskEvents', 'Monitoring/Events/TaskEvents', true],
    ['Monitoring/Events/TaskEvents', 'MonitoringXEvents/TaskEvents', false],
    ['A.B', 'AxB', false],
  ])('%s matches %s: %s', (pattern, constructPath, matches) => {
    expect(pathPattern(pattern).test(constructPath)).toBe(matches);
  });
});

// cfn-lint is a Python tool: where it cannot be installed (no PyPI), its tests are skipped, loudly;
// CFN_LINT_REQUIRED=true (the GitHub workflow) turns a missing cfn-lint into a failure.
const cfnLint = findCfnLint();
const cfnLintRequired = process.env.CFN_LINT_REQUIRED === 'true';
if (!cfnLint.available && !cfnLintRequired) {
  console.warn(
    `cfn-lint tests SKIPPED: cfn-lint cannot run here (${cfnLint.why}). Install it (pip install cfn-lint) to run them; CFN_LINT_REQUIRED=true makes this a failure.`,
  );
}
const cfnLintTest = cfnLint.available || cfnLintRequired ? test : test.skip;
function cfnLintCommand(): string {
  if (!cfnLint.available) throw new Error(`CFN_LINT_REQUIRED=true but cfn-lint cannot run: ${cfnLint.why}`);
  return cfnLint.command;
}

describe(cfnLint.available ? `cfn-lint (${cfnLint.version})` : 'cfn-lint (SKIPPED: not installed)', () => {
  cfnLintTest(
    'every environment passes every rule, except the findings the exemption list names; no exemption is stale',
    () => {
      const outcome = applyExemptions(cfnLintFindings(environments, cfnLintCommand()), CFN_LINT_EXEMPTIONS);
      expect(describeOutcome(outcome, EXEMPTIONS_FILE)).toEqual([]);
    },
    SLOW,
  );

  cfnLintTest(
    'can fail: reports a log group retention CloudWatch Logs does not accept by rule id and resource',
    () => {
      const findings = cfnLintFindings(brokenTemplates(), cfnLintCommand());
      expect(findings).toContainEqual(
        expect.objectContaining({ tool: 'cfn-lint', rule: 'E3030', stackName: 'Broken', constructPath: 'ShortLived', logicalId: 'ShortLived' }),
      );
      expect(findings.filter((f) => f.constructPath === 'KeptForAYear')).toEqual([]);
      expect(describeOutcome(applyExemptions(findings, [exemption('W3005', ['**'])]), EXEMPTIONS_FILE)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^E3030 \(cfn-lint\) fails on Broken ShortLived \[ShortLived\]: Error at Resources\/ShortLived\/Properties\/RetentionInDays: 8 is not one of/),
          expect.stringMatching(/^stale exemption W3005 for '\*\*'/),
        ]),
      );
    },
    SLOW,
  );
});
