#!/usr/bin/env node
/*
 * The logic of the GitHub workflows (.github/workflows/pr-diff.yml, deploy*.yml), as commands.
 * --github-output and --summary take the files GitHub names in $GITHUB_OUTPUT and
 * $GITHUB_STEP_SUMMARY (appended to); annotations (::notice, ::warning) go to stdout.
 *
 *   tsx bin/delivery.ts plan-diffs  --repository R [--head-repository H] --github-output F [--summary F]
 *       outputs: matrix (the environments to diff), any (true when there is one)
 *   tsx bin/delivery.ts plan-deploy --environment E --github-environment G --repository R --ref REF --github-output F [--summary F]
 *       outputs: run, reason, stack, account, region, role-arn, audience
 *   tsx bin/delivery.ts diff-report --environment E --stack S --diff FILE --output FILE --github-output F [--summary F] [--run-url URL]
 *       outputs: changed, cautions, warnings; writes the pull-request comment to --output
 *   tsx bin/delivery.ts outputs     --environment E --file cdk-outputs.json --summary F
 *
 * Every command reads cdk.json from the working directory (or --config).
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { loadDeliveryFromFile } from '../lib/delivery/config';
import { classifyDiff, StackReport } from '../lib/delivery/diff-report';
import { countBySeverity, renderAnnotations, renderDiffComment, renderOutputs, renderSkipped } from '../lib/delivery/markdown';
import { planDeploy, planDiffs, toGitHubOutput } from '../lib/delivery/plan';

export interface Io {
  readonly stdout: (text: string) => void;
  readonly readFile: (file: string) => string;
  readonly writeFile: (file: string, text: string) => void;
  readonly appendFile: (file: string, text: string) => void;
}

const defaultIo: Io = {
  stdout: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  readFile: (file) => fs.readFileSync(file, 'utf8'),
  writeFile: (file, text) => fs.writeFileSync(file, text),
  appendFile: (file, text) => fs.appendFileSync(file, text.endsWith('\n') ? text : `${text}\n`),
};

const OPTIONS = {
  config: { type: 'string', default: 'cdk.json' },
  environment: { type: 'string' },
  'github-environment': { type: 'string' },
  repository: { type: 'string' },
  'head-repository': { type: 'string' },
  ref: { type: 'string' },
  stack: { type: 'string' },
  diff: { type: 'string' },
  output: { type: 'string' },
  'github-output': { type: 'string' },
  summary: { type: 'string' },
  'run-url': { type: 'string' },
  file: { type: 'string' },
} as const;

export function main(argv: readonly string[], io: Io = defaultIo): number {
  const { positionals, values } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  const command = positionals[0];
  const need = (name: keyof typeof OPTIONS): string => {
    const value = values[name];
    if (typeof value !== 'string' || value === '') throw new UsageError(`${command}: --${name} is required`);
    return value;
  };
  const summary = (text: string) => {
    if (values.summary) io.appendFile(values.summary, text);
  };
  switch (command) {
    case 'plan-diffs': {
      const { environments, delivery } = loadDeliveryFromFile(values.config);
      const steps = planDiffs(environments, delivery, { repository: need('repository'), headRepository: values['head-repository'] });
      const runnable = steps.filter((s) => s.run);
      for (const skipped of steps.filter((s) => !s.run)) {
        io.stdout(notice(`cdk diff of ${skipped.environment} skipped`, skipped.reason));
        summary(renderSkipped(skipped.environment, skipped.stack, skipped.reason));
      }
      io.appendFile(need('github-output'), toGitHubOutput({ matrix: JSON.stringify({ include: runnable }), any: runnable.length > 0 }));
      return 0;
    }
    case 'plan-deploy': {
      const { environments, delivery } = loadDeliveryFromFile(values.config);
      const environment = need('environment');
      const plan = planDeploy(environments, delivery, environment, {
        repository: need('repository'),
        ref: need('ref'),
        githubEnvironment: need('github-environment'),
      });
      if (!plan.run) {
        io.stdout(notice(`deploy of ${environment} skipped`, plan.reason));
        summary(`### Deploy \`${environment}\` skipped\n\n${plan.reason}\n`);
      }
      io.appendFile(
        need('github-output'),
        toGitHubOutput({
          run: plan.run,
          reason: plan.reason,
          stack: plan.stack,
          account: plan.account,
          region: plan.region,
          'role-arn': plan.roleArn,
          audience: plan.audience,
        }),
      );
      return 0;
    }
    case 'diff-report': {
      const environment = need('environment');
      const stack = need('stack');
      const diffFile = need('diff');
      let text = '';
      try {
        text = io.readFile(diffFile);
      } catch (err) {
        // The diff step did not run (credentials failed): the report says so.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      const report = classifyDiff(text).find((r) => r.stackName === stack) ?? missingStack(stack, text);
      const comment = renderDiffComment({ environment, report, diffText: text, runUrl: values['run-url'] });
      io.writeFile(need('output'), comment);
      summary(comment);
      const annotations = renderAnnotations(environment, report);
      if (annotations) io.stdout(annotations);
      const counts = countBySeverity(report.warnings);
      io.appendFile(need('github-output'), toGitHubOutput({ changed: report.changed, cautions: String(counts.caution), warnings: String(counts.warning) }));
      return 0;
    }
    case 'outputs': {
      const environment = need('environment');
      const file = need('file');
      let outputs: Record<string, Record<string, string>>;
      try {
        outputs = JSON.parse(io.readFile(file)) as Record<string, Record<string, string>>;
      } catch (err) {
        // A deploy that failed early writes no outputs file: say so instead of failing the summary step.
        outputs = {};
        io.stdout(notice(`no outputs for ${environment}`, `${file} could not be read (${(err as Error).message})`));
      }
      const text = renderOutputs(environment, outputs);
      if (values.summary) summary(text);
      else io.stdout(text);
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command ?? ''}": plan-diffs, plan-deploy, diff-report or outputs`);
  }
}

function notice(title: string, message: string): string {
  return `::notice title=${title.replace(/[%\r\n:,]/g, ' ')}::${message.replace(/%/g, '%25').replace(/\r?\n/g, '%0A')}`;
}

/** The diff did not print the stack at all: the CLI failed before diffing. */
function missingStack(stack: string, text: string): StackReport {
  const lastLines = text.trim().split(/\r?\n/).slice(-3).join(' / ');
  return {
    stackName: stack,
    changed: true,
    resources: [],
    warnings: [{ severity: 'caution', title: `cdk diff printed no diff for ${stack}`, detail: `The CLI ended with: \`${lastLines || 'no output'}\`.` }],
  };
}

export class UsageError extends Error {}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  }
}
