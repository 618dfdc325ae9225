import { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import { EnvironmentConfig, taskIdentifier, TaskSettingsConfig } from '../config';
import { findTask } from '../operator/collect';
import { loadEnvironment, parseOptions, selectTasks } from '../operator/options';
import { AssessmentOutcome, assessmentRunName, assessmentRuns, blockingFindings, readAssessment, startAssessment } from '../orchestration/assessment';
import { assessmentBucketName, assessmentFolder, assessmentRoleName } from '../orchestration/names';
import { AwsClientFactory, AwsEnvironment, awsCall, connectEnvironment } from '../aws';
import { CliError, CliIo, Command, EXIT_FAILED, EXIT_OK } from '../operator/io';

/*
 * `assess start|status --env NAME [--task NAME] [--json]`: a premigration assessment run by hand,
 * with the bucket, role, folder and exclusions the runbook uses (lib/orchestration/assessment.ts),
 * and the latest run's results.
 */

export const ASSESS_USAGE = `usage: npm run --silent cli -- assess start|status --env NAME [--task NAME] [--json] [--config FILE]

  start    start a premigration assessment run of each task (StartReplicationTaskAssessmentRun)
           with the environment's results bucket and role, and assessment.exclude/includeOnly
  status   the latest assessment run of each task: its status and every individual assessment

options:
  --env NAME        environment in the config (required)
  --task NAME       only this task (default: every task of the environment)
  --json            print one JSON document
  --config FILE     config file with context.environments (default: cdk.json)

Exit (status) 0 when every latest run passed (warnings allowed when assessment.acceptWarnings),
1 when one failed, warned, is still running or there is none; 2 on errors.
`;

export interface AssessDependencies {
  readonly clientFactory?: AwsClientFactory;
  readonly now?: () => Date;
}

const OPTIONS = {
  env: { type: 'string' },
  task: { type: 'string' },
  json: { type: 'boolean' },
  config: { type: 'string' },
  help: { type: 'boolean' },
} as const;

export function createAssessCommand(deps: AssessDependencies = {}): Command {
  return { summary: 'start a premigration assessment run and read its results', run: (args, io) => runAssess(args, io, deps) };
}

export const command: Command = createAssessCommand();

/** The latest run of one task, as `assess status` reports it. */
export interface TaskAssessmentStatus {
  readonly task: string;
  readonly run: AssessmentOutcome | null;
  /** The run passed (warnings count as passed when the config accepts them). */
  readonly passed: boolean;
}

async function runAssess(args: readonly string[], io: CliIo, deps: AssessDependencies): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h') {
    io.stdout.write(ASSESS_USAGE);
    return sub ? EXIT_OK : 2;
  }
  if (sub !== 'start' && sub !== 'status') throw new CliError(`assess: unknown subcommand "${sub}" (start or status)`);
  const options = parseOptions(`assess ${sub}`, rest, OPTIONS, ASSESS_USAGE);
  if (options.help) {
    io.stdout.write(ASSESS_USAGE);
    return EXIT_OK;
  }
  const environment = loadEnvironment(`assess ${sub}`, io, options.config, options.env);
  const tasks = selectTasks(environment, options.task);
  const aws = await connectEnvironment(environment, io, { clientFactory: deps.clientFactory });
  const dms = aws.client(DatabaseMigrationServiceClient);
  if (sub === 'start') {
    const now = deps.now ?? (() => new Date());
    const started = [];
    for (const task of tasks) started.push(await start(aws, dms, environment, task, now()));
    if (options.json) io.stdout.write(`${JSON.stringify({ version: 1, environment: environment.name, started }, null, 2)}\n`);
    else io.stdout.write(started.map(renderStarted).join(''));
    return EXIT_OK;
  }
  const statuses: TaskAssessmentStatus[] = [];
  for (const task of tasks) statuses.push(await latest(aws, dms, environment, task));
  if (options.json) io.stdout.write(`${JSON.stringify({ version: 1, environment: environment.name, tasks: statuses }, null, 2)}\n`);
  else io.stdout.write(statuses.map(renderStatus).join('\n'));
  return statuses.every((s) => s.passed) ? EXIT_OK : EXIT_FAILED;
}

interface Started {
  readonly task: string;
  readonly runName: string;
  readonly runArn: string;
  readonly resultLocation: string;
  readonly warnings: readonly string[];
}

async function start(aws: AwsEnvironment, dms: DatabaseMigrationServiceClient, environment: EnvironmentConfig, task: TaskSettingsConfig, now: Date): Promise<Started> {
  const dmsTask = await findTask(aws, task);
  const taskArn = dmsTask.ReplicationTaskArn!;
  const identifier = taskIdentifier(environment.name, task.name);
  const bucket = assessmentBucketName(aws.account, aws.region, environment.name);
  const folder = assessmentFolder(identifier);
  const runName = assessmentRunName(identifier, `manual-${now.toISOString().replace(/[^0-9]/g, '').slice(0, 14)}`);
  const result = await awsCall('dms:StartReplicationTaskAssessmentRun', taskArn, () =>
    startAssessment(dms, {
      taskArn,
      runName,
      roleArn: `arn:${aws.partition}:iam::${aws.account}:role/${assessmentRoleName(environment.name, aws.region)}`,
      bucket,
      folder,
      exclude: environment.assessment.exclude,
      includeOnly: environment.assessment.includeOnly,
    }),
  );
  return { task: task.name, runName, runArn: result.runArn, resultLocation: `s3://${bucket}/${folder}/`, warnings: result.warnings };
}

async function latest(aws: AwsEnvironment, dms: DatabaseMigrationServiceClient, environment: EnvironmentConfig, task: TaskSettingsConfig): Promise<TaskAssessmentStatus> {
  const taskArn = (await findTask(aws, task)).ReplicationTaskArn!;
  const [newest] = await awsCall('dms:DescribeReplicationTaskAssessmentRuns', taskArn, () => assessmentRuns(dms, taskArn));
  if (!newest?.ReplicationTaskAssessmentRunArn) return { task: task.name, run: null, passed: false };
  const runArn = newest.ReplicationTaskAssessmentRunArn;
  const run = await awsCall('dms:DescribeReplicationTaskIndividualAssessments', runArn, () => readAssessment(dms, runArn));
  const accept = environment.assessment.acceptWarnings;
  const passed = (run.verdict === 'passed' || (run.verdict === 'warning' && accept)) && blockingFindings(run, accept).length === 0;
  return { task: task.name, run, passed };
}

function renderStarted(s: Started): string {
  const lines = [`${s.task}: started assessment run ${s.runName} (${s.runArn})`, `  results in ${s.resultLocation}; follow it with \`assess status\``];
  for (const w of s.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n') + '\n';
}

const LABEL = { passed: 'ok     ', warning: 'WARNING', failed: 'FAILED ', pending: 'running' } as const;

export function renderStatus(s: TaskAssessmentStatus): string {
  if (!s.run) return `${s.task}: no assessment run yet (start one with \`assess start\`)\n`;
  const r = s.run;
  const lines = [`${s.task}: assessment ${r.runName}: ${r.status} (${r.meaning})${r.createdAt ? `, started ${r.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}` : ''}`];
  lines.push(`  results  ${r.resultLocation}`);
  if (r.lastFailureMessage) lines.push(`  DMS: ${r.lastFailureMessage}`);
  const width = Math.max(0, ...r.findings.map((f) => f.name.length));
  const rank = { failed: 0, warning: 1, pending: 2, passed: 3 } as const;
  const ordered = [...r.findings].sort((a, b) => rank[a.verdict] - rank[b.verdict] || a.name.localeCompare(b.name));
  for (const f of ordered) lines.push(`  ${LABEL[f.verdict]}  ${f.name.padEnd(width)}  ${f.status}`);
  if (r.findings.length === 0) lines.push('  no individual assessments reported yet');
  return lines.join('\n') + '\n';
}
