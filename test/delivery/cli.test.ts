import * as path from 'node:path';
import { Io, main } from '../../bin/delivery';
import { planDeploy, planDiffs, toGitHubOutput } from '../../lib/delivery/plan';
import { PROJECT_ROOT } from '../support/app';
import { exampleEnvironmentConfigs, FIXTURES, parsedDelivery } from './support';

const REPOSITORY = 'example-org/dms-sqlserver-to-aurora';
const CONFIG = path.join(PROJECT_ROOT, 'cdk.json');

/** Runs bin/delivery.ts with files kept in memory; reads fall through to disk. */
function run(args: string[], files: Record<string, string> = {}) {
  const stdout: string[] = [];
  const written: Record<string, string> = { ...files };
  const io: Io = {
    stdout: (text) => stdout.push(text),
    readFile: (file) => {
      if (file in written) return written[file];
      return jest.requireActual<typeof import('node:fs')>('node:fs').readFileSync(file, 'utf8');
    },
    writeFile: (file, text) => {
      written[file] = text;
    },
    appendFile: (file, text) => {
      written[file] = `${written[file] ?? ''}${text.endsWith('\n') ? text : `${text}\n`}`;
    },
  };
  const code = main(['--config', CONFIG, ...args], io);
  return { code, stdout: stdout.join('\n'), files: written };
}

function outputs(text: string): Record<string, string> {
  return Object.fromEntries(text.trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

describe('planDiffs', () => {
  const environments = exampleEnvironmentConfigs();
  const delivery = parsedDelivery();

  test('a pull request of the configured repository: every environment, with its diff role', () => {
    expect(planDiffs(environments, delivery, { repository: REPOSITORY, headRepository: REPOSITORY })).toEqual([
      {
        environment: 'dev',
        stack: 'DmsMigration-dev',
        run: true,
        reason: '',
        account: '111111111111',
        region: 'eu-west-1',
        roleArn: 'arn:aws:iam::111111111111:role/dms-migration-dev-github-diff',
        audience: 'sts.amazonaws.com',
      },
      expect.objectContaining({ environment: 'prod', run: true, roleArn: 'arn:aws:iam::222222222222:role/dms-migration-prod-github-diff' }),
    ]);
  });

  test('a pull request from a fork: skipped, because GitHub gives it no OIDC token', () => {
    const [dev] = planDiffs(environments, delivery, { repository: REPOSITORY, headRepository: 'someone/dms-sqlserver-to-aurora' });
    expect(dev.run).toBe(false);
    expect(dev.roleArn).toBe('');
    expect(dev.reason).toMatch(/^the pull request comes from the fork someone\/dms-sqlserver-to-aurora\. GitHub gives workflows of fork pull requests no OIDC token/);
  });

  test('a copy of the repository the roles do not trust, or no delivery section: skipped, saying why', () => {
    expect(planDiffs(environments, delivery, { repository: 'someone/copy' })[0].reason).toBe(
      `the roles trust ${REPOSITORY} (context.delivery.github.repository), not this repository (someone/copy).`,
    );
    expect(planDiffs(environments, undefined, { repository: REPOSITORY })[0].reason).toBe(
      'cdk.json has no context.delivery section, so there are no roles to assume (README, "Deploying an environment").',
    );
  });

  test('an environment without delivery roles: skipped', () => {
    const devOnly = parsedDelivery({ environments: { prod: undefined } });
    const [dev, prod] = planDiffs(environments, devOnly, { repository: REPOSITORY });
    expect([dev.run, prod.run]).toEqual([true, false]);
    expect(prod.reason).toBe('environment "prod" has no delivery roles (add it under context.delivery.environments).');
  });
});

describe('planDeploy', () => {
  const environments = exampleEnvironmentConfigs();
  const delivery = parsedDelivery();

  test('from main, in the right GitHub environment: the deploy role', () => {
    expect(planDeploy(environments, delivery, 'prod', { repository: REPOSITORY, ref: 'refs/heads/main', githubEnvironment: 'prod' })).toMatchObject({
      run: true,
      stack: 'DmsMigration-prod',
      roleArn: 'arn:aws:iam::222222222222:role/dms-migration-prod-github-deploy',
      region: 'eu-west-1',
      account: '222222222222',
    });
  });

  test('from another branch (a manual run): skipped', () => {
    const plan = planDeploy(environments, delivery, 'dev', { repository: REPOSITORY, ref: 'refs/heads/feature', githubEnvironment: 'dev' });
    expect(plan).toMatchObject({ run: false, roleArn: '', reason: 'deploys run from main only (context.delivery.deployBranch), not from refs/heads/feature' });
  });

  test('in a GitHub environment the role does not trust: fails, naming both', () => {
    expect(() => planDeploy(environments, delivery, 'prod', { repository: REPOSITORY, ref: 'refs/heads/main', githubEnvironment: 'production' })).toThrow(
      'environment "prod": the deploy job runs in the GitHub environment "production", but the deploy role trusts "prod" (context.delivery.environments.prod.githubEnvironment): pass github-environment: prod in .github/workflows/deploy.yml',
    );
  });

  test('an unknown environment: fails, naming the known ones', () => {
    expect(() => planDeploy(environments, delivery, 'qa', { repository: REPOSITORY, ref: 'refs/heads/main' })).toThrow('unknown environment "qa" (known: dev, prod)');
  });
});

test('GitHub outputs are one line each', () => {
  expect(toGitHubOutput({ a: 'x', b: true })).toBe('a=x\nb=true');
  expect(() => toGitHubOutput({ a: 'x\ny' })).toThrow('output a must be one line');
});

describe('bin/delivery.ts', () => {
  test('plan-diffs: the matrix of the environments to diff', () => {
    const { code, files } = run(['plan-diffs', '--repository', REPOSITORY, '--head-repository', REPOSITORY, '--github-output', 'out']);
    expect(code).toBe(0);
    const out = outputs(files.out);
    expect(out.any).toBe('true');
    const matrix = JSON.parse(out.matrix) as { include: Array<{ environment: string; roleArn: string }> };
    expect(matrix.include.map((e) => [e.environment, e.roleArn])).toEqual([
      ['dev', 'arn:aws:iam::111111111111:role/dms-migration-dev-github-diff'],
      ['prod', 'arn:aws:iam::222222222222:role/dms-migration-prod-github-diff'],
    ]);
  });

  test('plan-diffs from a fork: nothing to diff, a notice and a summary per environment', () => {
    const { files, stdout } = run(['plan-diffs', '--repository', REPOSITORY, '--head-repository', 'someone/fork', '--github-output', 'out', '--summary', 'summary']);
    expect(outputs(files.out)).toEqual({ matrix: '{"include":[]}', any: 'false' });
    expect(stdout.split('\n').filter((l) => l.startsWith('::notice title=cdk diff of '))).toHaveLength(2);
    expect(files.summary).toContain('### cdk diff: `dev` (DmsMigration-dev)\n\n> [!NOTE]\n> Skipped: the pull request comes from the fork someone/fork.');
  });

  test('plan-deploy: the step outputs of the deploy job', () => {
    const { files } = run(['plan-deploy', '--environment', 'dev', '--github-environment', 'dev', '--repository', REPOSITORY, '--ref', 'refs/heads/main', '--github-output', 'out']);
    expect(outputs(files.out)).toEqual({
      run: 'true',
      reason: '',
      stack: 'DmsMigration-dev',
      account: '111111111111',
      region: 'eu-west-1',
      'role-arn': 'arn:aws:iam::111111111111:role/dms-migration-dev-github-deploy',
      audience: 'sts.amazonaws.com',
    });
  });

  test('diff-report: the comment file, the annotations, and changed/cautions/warnings', () => {
    const diff = path.join(FIXTURES, 'task-replaced.txt');
    const { files, stdout } = run(['diff-report', '--environment', 'dev', '--stack', 'DmsMigration-dev', '--diff', diff, '--output', 'comment.md', '--github-output', 'out', '--summary', 'summary']);
    expect(files['comment.md']).toContain('> [!CAUTION]\n> **Task `adventureworks` is replaced (forced by ResourceIdentifier).**');
    expect(files.summary).toBe(files['comment.md']);
    expect(stdout).toMatch(/^::error title=dev%3A Task `adventureworks` is replaced/);
    expect(outputs(files.out)).toEqual({ changed: 'true', cautions: '1', warnings: '1' });
  });

  test('diff-report without a diff file (the diff step never ran): a caution, not a crash', () => {
    const { files } = run(['diff-report', '--environment', 'dev', '--stack', 'DmsMigration-dev', '--diff', path.join(FIXTURES, 'missing.txt'), '--output', 'c.md', '--github-output', 'out']);
    expect(files['c.md']).toContain('**cdk diff printed no diff for DmsMigration-dev.** The CLI ended with: `no output`.');
    expect(outputs(files.out)).toEqual({ changed: 'true', cautions: '1', warnings: '0' });
  });

  test('outputs: the stack outputs as a table in the job summary', () => {
    const file = JSON.stringify({ 'DmsMigration-dev': { ReplicationInstanceIdentifier: 'dms-dev', TaskArnadventureworks: 'arn:aws:dms:eu-west-1:111111111111:task:dev-adventureworks' } });
    const { files } = run(['outputs', '--environment', 'dev', '--file', 'cdk-outputs.json', '--summary', 'summary'], { 'cdk-outputs.json': file });
    expect(files.summary).toBe(
      [
        '### Deployed `dev`',
        '',
        '**DmsMigration-dev**',
        '',
        '| Output | Value |',
        '| --- | --- |',
        '| ReplicationInstanceIdentifier | `dms-dev` |',
        '| TaskArnadventureworks | `arn:aws:dms:eu-west-1:111111111111:task:dev-adventureworks` |',
        '',
        '',
      ].join('\n'),
    );
  });

  test('outputs after a deploy that wrote none: says so', () => {
    const { files, stdout } = run(['outputs', '--environment', 'dev', '--file', path.join(FIXTURES, 'missing.json'), '--summary', 'summary']);
    expect(files.summary).toBe('### Deployed `dev`\n\nNo stack outputs were written.\n');
    expect(stdout).toMatch(/^::notice title=no outputs for dev::/);
  });

  test('usage errors name the command and the option', () => {
    expect(() => run(['plan-deploy', '--environment', 'dev'])).toThrow('plan-deploy: --repository is required');
    expect(() => run(['deploy'])).toThrow('unknown command "deploy": plan-diffs, plan-deploy, diff-report or outputs');
  });
});
