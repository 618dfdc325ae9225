import { randomBytes } from 'node:crypto';
import {
  DescribeExecutionCommand,
  DescribeExecutionOutput,
  ExecutionListItem,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { EnvironmentConfig } from '../config';
import { findTask, readTableStatistics } from '../operator/collect';
import { ReloadPlan, reloadPlan, reloadToken, renderReloadPlan } from '../operator/reload';
import { runbookStateMachineName, stateMachineArn } from '../orchestration/names';
import { RunReport } from '../orchestration/run-report';
import { loadEnvironment, parseOptions, selectTasks } from '../operator/options';
import { AwsClientFactory, AwsEnvironment, awsCall, awsErrorName, connectEnvironment, describeAwsError } from '../aws';
import { CliError, CliIo, Command, EXIT_FAILED, EXIT_OK } from '../operator/io';

/*
 * `run start|status|retry --env NAME [--task NAME]`: start, follow and retry a task's runbook
 * (the Step Functions workflow `cdk deploy` starts) without deploying.
 */

export const RUN_USAGE = `usage: npm run --silent cli -- run start|status|retry --env NAME [--task NAME] [--json] [--reload-target [--confirm TOKEN]] [--accept-assessment-warnings] [--config FILE]

  start    start a new run of each task's runbook (refused while one is running)
  status   the latest run of each task: state, current step, report
  retry    start a new run where the latest one failed; every step is idempotent, so the run
           skips what is done (restored objects, a task already at the post-load point)

options:
  --env NAME        environment in the config (required)
  --task NAME       only this task (default: every task of the environment)
  --json            status: print one JSON document
  --reload-target   start: reload every table from the source (DMS reload-target). Two steps:
                    without --confirm it prints what DMS will empty and a token, and starts
                    nothing; with --confirm TOKEN it starts exactly that plan. Never chosen
                    otherwise.
  --confirm TOKEN   the token the plan printed (it no longer matches once the task changed)
  --accept-assessment-warnings
                    start/retry: a premigration assessment that ends with warnings (and no
                    failure) lets the task start (once you have read them: \`assess status\`)
  --config FILE     config file with context.environments (default: cdk.json)

Exit 0 when done (status: the latest runs did not fail), 1 when refused or a latest run failed,
2 on errors.
`;

export interface RunDependencies {
  readonly clientFactory?: AwsClientFactory;
  readonly now?: () => Date;
}

const OPTIONS = {
  env: { type: 'string' },
  task: { type: 'string' },
  json: { type: 'boolean' },
  'reload-target': { type: 'boolean' },
  confirm: { type: 'string' },
  'accept-assessment-warnings': { type: 'boolean' },
  config: { type: 'string' },
  help: { type: 'boolean' },
} as const;

type Subcommand = 'start' | 'status' | 'retry';

export function createRunCommand(deps: RunDependencies = {}): Command {
  return { summary: "start, follow and retry a task's post-load runbook", run: (args, io) => runCommand(args, io, deps) };
}

export const command: Command = createRunCommand();

/** The latest run of one task, as `run status` shows it. */
export interface RunStatus {
  readonly task: string;
  readonly stateMachineArn: string;
  /** NOT_DEPLOYED: no state machine (deploy the stack, or restoration.enabled is false). */
  readonly state: 'NOT_DEPLOYED' | 'NEVER_RUN' | NonNullable<DescribeExecutionOutput['status']>;
  readonly executionArn?: string;
  readonly startedAt?: string;
  readonly stoppedAt?: string;
  readonly currentStep?: string;
  readonly report?: RunReport;
  readonly error?: string;
  readonly cause?: string;
}

async function runCommand(args: readonly string[], io: CliIo, deps: RunDependencies): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h') {
    io.stdout.write(RUN_USAGE);
    return sub ? EXIT_OK : 2;
  }
  if (!['start', 'status', 'retry'].includes(sub)) throw new CliError(`run: unknown subcommand "${sub}" (start, status or retry)`);
  const options = parseOptions(`run ${sub}`, rest, OPTIONS, RUN_USAGE);
  if (options.help) {
    io.stdout.write(RUN_USAGE);
    return EXIT_OK;
  }
  const environment = loadEnvironment(`run ${sub}`, io, options.config, options.env);
  const tasks = selectTasks(environment, options.task);
  if (!environment.restoration.enabled) {
    throw new CliError(`environment "${environment.name}" has restoration.enabled false in ${environment.configFile}: it has no runbook`);
  }
  if (options['reload-target'] && sub !== 'start') throw new CliError('--reload-target goes with `run start` only');
  if (options.confirm !== undefined && !options['reload-target']) throw new CliError('--confirm goes with `run start --reload-target` only');
  if (options['accept-assessment-warnings'] && sub === 'status') throw new CliError('--accept-assessment-warnings goes with `run start` and `run retry` only');
  const aws = await connectEnvironment(environment, io, { clientFactory: deps.clientFactory });
  const sfn = aws.client(SFNClient);
  const now = deps.now ?? (() => new Date());

  const statuses: RunStatus[] = [];
  for (const task of tasks) statuses.push(await latestRun(aws, sfn, environment, task.name));

  if (sub === 'status') {
    if (options.json) io.stdout.write(JSON.stringify({ version: 1, environment: environment.name, runs: statuses }, null, 2) + '\n');
    else io.stdout.write(statuses.map(renderStatus).join('\n'));
    return statuses.some((s) => isFailed(s.state)) ? EXIT_FAILED : EXIT_OK;
  }

  let refused = false;
  if (options['reload-target']) {
    // Two steps: the plan and its token first; a start only when the token matches the plan now.
    const plans: ReloadPlan[] = [];
    for (const [i, task] of tasks.entries()) {
      const dmsTask = await findTask(aws, task, true);
      const plan = reloadPlan(task.name, dmsTask, await readTableStatistics(aws, dmsTask));
      // A run in progress (or no runbook) blocks the reload like the task's own state does.
      plans.push({ ...plan, refusal: plan.refusal ?? refuse('start', statuses[i]) });
    }
    const token = reloadToken(environment.name, plans);
    if (options.confirm === undefined || plans.some((p) => p.refusal)) {
      io.stdout.write(renderReloadPlan(environment.name, plans, token));
      return EXIT_FAILED;
    }
    if (options.confirm !== token) {
      io.stdout.write(renderReloadPlan(environment.name, plans, token));
      io.stderr.write(`--confirm ${options.confirm} does not match the plan as it is now (${token}): the task or its tables changed since it was printed; read the plan above and confirm again\n`);
      return EXIT_FAILED;
    }
  }
  for (const status of statuses) {
    const refusal = refuse(sub as Subcommand, status);
    if (refusal) {
      io.stderr.write(`${status.task}: ${refusal}\n`);
      refused = true;
      continue;
    }
    const name = `${sub === 'retry' ? 'retry' : 'manual'}-${now().toISOString().replace(/[^0-9]/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
    const input = {
      runId: name,
      trigger: `operator-${sub}`,
      ...(options['reload-target'] ? { startType: 'reload-target' } : {}),
      ...(options['accept-assessment-warnings'] ? { acceptAssessmentWarnings: true } : {}),
    };
    const out = await awsCall('states:StartExecution', status.stateMachineArn, () =>
      sfn.send(new StartExecutionCommand({ stateMachineArn: status.stateMachineArn, name, input: JSON.stringify(input) })),
    );
    io.stdout.write(`${status.task}: started ${out.executionArn}${options['reload-target'] ? ' (reload-target: DMS empties every table of the task and loads it again)' : ''}\n`);
  }
  return refused ? EXIT_FAILED : EXIT_OK;
}

/** Why `start` or `retry` will not start a run for this task, or undefined to go ahead. */
export function refuse(sub: Subcommand, status: RunStatus): string | undefined {
  if (status.state === 'NOT_DEPLOYED') return `no runbook state machine ${status.stateMachineArn}: deploy the stack first`;
  if (status.state === 'RUNNING' || status.state === 'PENDING_REDRIVE') {
    return `a run is in progress (${status.executionArn}): follow it with \`run status\`, or stop it in the Step Functions console first`;
  }
  if (sub === 'retry') {
    if (status.state === 'NEVER_RUN') return 'no run to retry: use `run start`';
    if (status.state === 'SUCCEEDED') return 'the latest run succeeded: nothing to retry (use `run start` to run again)';
  }
  return undefined;
}

function isFailed(state: RunStatus['state']): boolean {
  return state === 'FAILED' || state === 'TIMED_OUT' || state === 'ABORTED';
}

async function latestRun(aws: AwsEnvironment, sfn: SFNClient, environment: EnvironmentConfig, task: string): Promise<RunStatus> {
  const arn = stateMachineArn(aws.partition, aws.region, aws.account, runbookStateMachineName(environment.name, task));
  let latest: ExecutionListItem | undefined;
  try {
    const list = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 1 }));
    latest = list.executions?.[0];
  } catch (err) {
    if (awsErrorName(err) === 'StateMachineDoesNotExist') return { task, stateMachineArn: arn, state: 'NOT_DEPLOYED' };
    throw describeAwsError(err, 'states:ListExecutions', arn);
  }
  if (!latest?.executionArn) return { task, stateMachineArn: arn, state: 'NEVER_RUN' };
  const executionArn = latest.executionArn;
  const execution = await awsCall('states:DescribeExecution', executionArn, () => sfn.send(new DescribeExecutionCommand({ executionArn })));
  const history = await awsCall('states:GetExecutionHistory', executionArn, () =>
    sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 20 })),
  );
  const entered = history.events?.find((e) => e.stateEnteredEventDetails?.name);
  return {
    task,
    stateMachineArn: arn,
    state: execution.status ?? 'RUNNING',
    executionArn,
    startedAt: execution.startDate?.toISOString(),
    stoppedAt: execution.stopDate?.toISOString(),
    currentStep: entered?.stateEnteredEventDetails?.name,
    report: parseReport(execution.output) ?? parseReport(execution.cause),
    error: execution.error,
    cause: execution.cause && !parseReport(execution.cause) ? execution.cause : undefined,
  };
}

function parseReport(text: string | undefined): RunReport | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<RunReport>;
    return value && value.version === 1 && typeof value.outcome === 'string' ? (value as RunReport) : undefined;
  } catch {
    return undefined;
  }
}

export function renderStatus(s: RunStatus): string {
  const lines = [`${s.task}: ${s.state}${s.executionArn ? `  ${s.executionArn}` : ''}`];
  if (s.startedAt) lines.push(`  started ${s.startedAt}${s.stoppedAt ? `, stopped ${s.stoppedAt}` : ''}`);
  if (s.state === 'RUNNING' && s.currentStep) lines.push(`  step: ${s.currentStep}`);
  if (s.state === 'NOT_DEPLOYED') lines.push(`  no state machine ${s.stateMachineArn}: deploy the stack`);
  const r = s.report;
  if (r) {
    lines.push(`  outcome ${r.outcome} at ${r.step}; restoration verified: ${r.restorationVerified ? 'yes' : 'no'}; CDC resumed: ${r.cdcResumed ? 'yes' : 'no'}`);
    lines.push(`  restored ${r.counts.restored}, skipped ${r.counts.skipped}, failed ${r.counts.failed}, FK orphans ${r.counts.orphans}`);
    if (r.dmsReason) lines.push(`  DMS: ${r.dmsReason}`);
    for (const f of r.failures) lines.push(`  - ${f.object}: ${f.reason}`);
  } else if (s.error || s.cause) {
    lines.push(`  ${[s.error, s.cause].filter(Boolean).join(': ')}`);
  }
  if (isFailed(s.state)) lines.push('  fix the cause (see README "When a run reports orphans or duplicates"), then `run retry`');
  return lines.join('\n') + '\n';
}
