import { AwsClientFactory, connectEnvironment } from '../aws';
import { CliError, CliIo, Command, EXIT_OK } from '../operator/io';
import { collectStatus } from '../operator/collect';
import { loadEnvironment, parseOptions, positiveNumber, selectTasks } from '../operator/options';
import { renderStatus, RenderOptions } from '../operator/render';

/*
 * `status --env NAME [--task NAME] [--json] [--watch SECONDS] [--config FILE]`: for each task
 * of the environment, its DMS status and stop reason, full-load progress, per-table counts and
 * validation, CDC latency over the last hour, the alarm states and the restoration run.
 */

export const STATUS_USAGE = `usage: npm run --silent cli -- status --env NAME [--task NAME] [--json] [--watch SECONDS] [--config FILE]

Shows each DMS task of the environment: status and stop reason, full-load progress, rows
loaded/inserted/updated/deleted and validation per table, CDC latency (last 60 min), the
alarm states and the latest restoration run.

options:
  --env NAME         environment in the config (required)
  --task NAME        only this task (default: every task of the environment)
  --json             print one JSON document (with --watch: one compact document per line)
  --watch SECONDS    refresh every SECONDS seconds, in place on a terminal, until Ctrl-C
  --config FILE      config file with context.environments (default: cdk.json)
`;

/** Latency window shown by `status`. */
export const STATUS_LATENCY_WINDOW_MINUTES = 60;
const CLEAR_SCREEN = '\x1b[H\x1b[2J';

export interface StatusDependencies {
  /** How AWS clients are created (tests inject mocked clients). */
  readonly clientFactory?: AwsClientFactory;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Stop --watch after this many refreshes (tests). @default unlimited */
  readonly maxIterations?: number;
}

const OPTIONS = {
  env: { type: 'string' },
  task: { type: 'string' },
  json: { type: 'boolean' },
  watch: { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean' },
} as const;

export function createStatusCommand(deps: StatusDependencies = {}): Command {
  return {
    summary: 'task status, table progress, CDC latency, alarms and the restoration run of an environment',
    run: (args, io) => runStatus(args, io, deps),
  };
}

export const command: Command = createStatusCommand();

async function runStatus(args: readonly string[], io: CliIo, deps: StatusDependencies): Promise<number> {
  const options = parseOptions('status', args, OPTIONS, STATUS_USAGE);
  if (options.help) {
    io.stdout.write(STATUS_USAGE);
    return EXIT_OK;
  }
  const environment = loadEnvironment('status', io, options.config, options.env);
  const tasks = selectTasks(environment, options.task);
  const watchSeconds = options.watch === undefined ? undefined : positiveNumber('--watch', options.watch, 0);
  if (watchSeconds !== undefined && watchSeconds < 1) throw new CliError(`--watch must be at least 1 second (got ${options.watch})`);
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const tty = io.stdout.isTTY === true;
  const render: RenderOptions = { tty, color: tty && !io.env.NO_COLOR, columns: io.stdout.columns };

  const aws = await connectEnvironment(environment, io, { clientFactory: deps.clientFactory });
  const maxIterations = watchSeconds === undefined ? 1 : (deps.maxIterations ?? Number.POSITIVE_INFINITY);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const status = await collectStatus(aws, tasks, {
      now: now(),
      latencyWindowMinutes: STATUS_LATENCY_WINDOW_MINUTES,
      latencyStatistic: 'Average',
    });
    if (options.json) {
      io.stdout.write(watchSeconds === undefined ? `${JSON.stringify(status, null, 2)}\n` : `${JSON.stringify(status)}\n`);
    } else if (watchSeconds === undefined) {
      io.stdout.write(renderStatus(status, render));
    } else {
      const footer = `\nrefreshing every ${watchSeconds} s (Ctrl-C to stop)\n`;
      io.stdout.write(tty ? `${CLEAR_SCREEN}${renderStatus(status, render)}${footer}` : `${renderStatus(status, render)}${footer}\n`);
    }
    if (iteration < maxIterations && watchSeconds !== undefined) await sleep(watchSeconds * 1000);
  }
  return EXIT_OK;
}
