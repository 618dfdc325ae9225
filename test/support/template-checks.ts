import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, CfnElement, Stack, Token } from 'aws-cdk-lib';
import type { TemplateCheckExemption } from '../../lib/nag/template-check-exemptions';

/**
 * Runs AWS's own template checks (the Control Tower proactive controls with the cfn-guard binary
 * of @cdklabs/cdk-validator-cfnguard, and cfn-lint) on synthesized stacks, and applies the
 * project's exemptions (lib/nag/template-check-exemptions.ts).
 */

/** One stack's template on disk, with what a finding needs to name its resource. */
export interface SynthesizedTemplate {
  readonly stack: Stack;
  readonly stackName: string;
  readonly region: string;
  readonly templatePath: string;
  /** Logical id -> construct path below the stack. */
  readonly constructPaths: ReadonlyMap<string, string>;
}

export interface TemplateFinding {
  readonly tool: 'cfn-guard' | 'cfn-lint';
  /** Control Tower control id or cfn-lint rule id. */
  readonly rule: string;
  readonly stackName: string;
  readonly logicalId: string;
  /** Construct path below the stack, or the template path for what no construct owns. */
  readonly constructPath: string;
  readonly message: string;
}

/** Synthesizes `app` (once) and returns the template of each of its stacks. */
export function synthesizeTemplates(app: App): SynthesizedTemplate[] {
  const assembly = app.synth();
  return app.node.children
    .filter((child): child is Stack => Stack.isStack(child))
    .map((stack) => ({
      stack,
      stackName: stack.stackName,
      // An environment-agnostic stack is linted against cfn-lint's own default region.
      region: Token.isUnresolved(stack.region) ? 'us-east-1' : stack.region,
      templatePath: assembly.getStackArtifact(stack.artifactId).templateFullPath,
      constructPaths: constructPathsOf(stack),
    }));
}

function constructPathsOf(stack: Stack): Map<string, string> {
  const paths = new Map<string, string>();
  for (const node of stack.node.findAll()) {
    if (!CfnElement.isCfnElement(node) || Stack.of(node) !== stack) continue;
    paths.set(stack.resolve(node.logicalId) as string, node.node.path.slice(stack.node.path.length + 1));
  }
  return paths;
}

function constructPath(template: SynthesizedTemplate, logicalId: string): string {
  return template.constructPaths.get(logicalId) ?? logicalId;
}

const GUARD_PACKAGE_DIR = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
/** The Control Tower rules the package ships: rules/control-tower/cfn-guard/<service>/<id>.guard, metadata beside them. */
export const CONTROL_TOWER_RULES_DIR = path.join(GUARD_PACKAGE_DIR, 'rules', 'control-tower');

let controlIdsByRuleName: Map<string, string> | undefined;

/**
 * cfn-guard reports a rule by its name (`lambda_inside_vpc_check`); Control Tower names the
 * control by its id (`CT.LAMBDA.PR.3`), kept in the metadata file beside each rule file.
 */
function controlIds(): Map<string, string> {
  if (controlIdsByRuleName) return controlIdsByRuleName;
  const ids = new Map<string, string>();
  const guardDir = path.join(CONTROL_TOWER_RULES_DIR, 'cfn-guard');
  for (const service of fs.readdirSync(guardDir)) {
    for (const file of fs.readdirSync(path.join(guardDir, service)).filter((f) => f.endsWith('.guard'))) {
      const text = fs.readFileSync(path.join(guardDir, service, file), 'utf8');
      const metadataFile = path.join(CONTROL_TOWER_RULES_DIR, 'metadata', service, file.replace(/\.guard$/, '.metadata.json'));
      const { Id } = JSON.parse(fs.readFileSync(metadataFile, 'utf8')) as { Id: string };
      for (const [, ruleName] of text.matchAll(/^rule\s+(\w+)\s+when\b/gm)) ids.set(ruleName, Id);
    }
  }
  controlIdsByRuleName = ids;
  return ids;
}

/** The ids of every Control Tower control the package ships. */
export function controlTowerControlIds(): Set<string> {
  return new Set(controlIds().values());
}

function controlIdOf(guardRuleName: string): string {
  const id = controlIds().get(guardRuleName);
  if (!id) throw new Error(`cfn-guard reported rule '${guardRuleName}', which no Control Tower rule file in ${CONTROL_TOWER_RULES_DIR} defines`);
  return id;
}

/** Every Control Tower proactive control the templates break, one finding per control and resource. */
export function controlTowerFindings(templates: readonly SynthesizedTemplate[]): TemplateFinding[] {
  const byPath = new Map(templates.map((t) => [t.templatePath, t]));
  if (templates.length === 0) return [];
  const report = new CfnGuardValidator().validate({
    templatePaths: templates.map((t) => t.templatePath),
    appConstruct: templates[0].stack.node.root,
  });
  const findings: TemplateFinding[] = [];
  for (const violation of report.violations) {
    const rule = controlIdOf(violation.ruleName);
    // The plugin also lists a check that failed at the template's root (path "") as a resource with
    // no logical id; it restates the per-resource failures of the same violation, so it is kept only
    // when the violation names no resource (then it is the stack's own finding).
    const named = violation.violatingResources.filter((r) => r.resourceLogicalId);
    for (const resource of named.length > 0 ? named : violation.violatingResources) {
      const template = byPath.get(resource.templatePath);
      if (!template) throw new Error(`cfn-guard reported ${rule} on an unknown template ${resource.templatePath}`);
      findings.push({
        tool: 'cfn-guard',
        rule,
        stackName: template.stackName,
        logicalId: resource.resourceLogicalId,
        constructPath: constructPath(template, resource.resourceLogicalId),
        message: `${violation.description.replace(/^\[[^\]]+\]:\s*/, '')}; fix: ${violation.fix}`,
      });
    }
  }
  return findings;
}

/** How to run cfn-lint here, or why it cannot run. */
export type CfnLintCommand = { readonly available: true; readonly command: string; readonly version: string } | { readonly available: false; readonly why: string };

/** cfn-lint from $CFN_LINT, else from PATH. */
export function findCfnLint(): CfnLintCommand {
  const command = process.env.CFN_LINT ?? 'cfn-lint';
  const probe = spawnSync(command, ['--version'], { encoding: 'utf8' });
  if (probe.error) return { available: false, why: `${command}: ${probe.error.message}` };
  if (probe.status !== 0) return { available: false, why: `${command} --version exited ${probe.status}: ${probe.stderr.trim()}` };
  return { available: true, command, version: probe.stdout.trim() };
}

interface CfnLintMatch {
  Filename: string;
  Level: string;
  Location: { Path: Array<string | number> };
  Message: string;
  Rule: { Id: string };
}

/**
 * Every cfn-lint match (errors, warnings and informational, cfn-lint's defaults) on the
 * templates, each checked against its own stack's region.
 */
export function cfnLintFindings(templates: readonly SynthesizedTemplate[], command: string): TemplateFinding[] {
  const findings: TemplateFinding[] = [];
  const regions = [...new Set(templates.map((t) => t.region))];
  for (const region of regions) {
    const inRegion = templates.filter((t) => t.region === region);
    const run = spawnSync(command, ['--format', 'json', '--regions', region, '--', ...inRegion.map((t) => t.templatePath)], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.error) throw run.error;
    // cfn-lint's README ("Exit Codes"): 0, or a bitwise OR of 2 (error), 4 (warning), 8 (informational); anything else is cfn-lint failing.
    if (run.status === null || (run.status & ~0b1110) !== 0) {
      throw new Error(`cfn-lint exited ${run.status ?? run.signal} on ${inRegion.map((t) => t.templatePath).join(', ')}: ${run.stderr.trim()}`);
    }
    const matches = JSON.parse(run.stdout || '[]') as CfnLintMatch[];
    for (const match of matches) {
      const template = inRegion.find((t) => path.resolve(t.templatePath) === path.resolve(match.Filename));
      if (!template) throw new Error(`cfn-lint reported ${match.Rule.Id} on an unknown template ${match.Filename}`);
      const [section, logicalId] = match.Location.Path;
      const owned = (section === 'Resources' || section === 'Outputs') && typeof logicalId === 'string';
      findings.push({
        tool: 'cfn-lint',
        rule: match.Rule.Id,
        stackName: template.stackName,
        logicalId: owned ? logicalId : '',
        constructPath: owned ? constructPath(template, logicalId) : match.Location.Path.join('/'),
        message: `${match.Level} at ${match.Location.Path.join('/')}: ${match.Message}`,
      });
    }
  }
  return findings;
}

// A construct-path pattern as a regular expression: '**' + '/' stands for any number of whole segments, '*' for any characters within one.
export function pathPattern(pattern: string): RegExp {
  const source = pattern.replace(/\*\*\/|\*\*|\*|[^*]+/g, (token) => {
    if (token === '**/') return '(?:[^/]+/)*';
    if (token === '**') return '.*';
    if (token === '*') return '[^/]*';
    return escapeRegExp(token);
  });
  return new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface ExemptionOutcome {
  /** Findings no exemption covers: each is a failure. */
  readonly unexempted: TemplateFinding[];
  /** Exemptions (one per rule and resource pattern) that cover no finding: delete them. */
  readonly stale: Array<{ readonly exemption: TemplateCheckExemption; readonly resource: string }>;
}

/** Applies the exemptions; an exemption covers a finding when the rule matches and one of its resource patterns does. */
export function applyExemptions(findings: readonly TemplateFinding[], exemptions: readonly TemplateCheckExemption[]): ExemptionOutcome {
  const used = new Set<string>();
  const unexempted = findings.filter((finding) => {
    let covered = false;
    for (const exemption of exemptions) {
      if (exemption.rule !== finding.rule) continue;
      for (const resource of exemption.resources) {
        if (!pathPattern(resource).test(finding.constructPath)) continue;
        used.add(`${exemption.rule} ${resource}`);
        covered = true;
      }
    }
    return !covered;
  });
  const stale = exemptions.flatMap((exemption) =>
    exemption.resources.filter((resource) => !used.has(`${exemption.rule} ${resource}`)).map((resource) => ({ exemption, resource })),
  );
  return { unexempted, stale };
}

/** One line per problem, naming the rule, the stack, the construct path and the logical id. */
export function describeOutcome(outcome: ExemptionOutcome, exemptionsFile: string): string[] {
  return [
    ...outcome.unexempted.map(
      (f) => `${f.rule} (${f.tool}) fails on ${f.stackName} ${f.constructPath}${f.logicalId ? ` [${f.logicalId}]` : ''}: ${f.message}`,
    ),
    ...outcome.stale.map(
      ({ exemption, resource }) =>
        `stale exemption ${exemption.rule} for '${resource}' (${exemption.status}: ${exemption.reason}): no finding matches it in any stack; delete it from ${exemptionsFile}`,
    ),
  ];
}
