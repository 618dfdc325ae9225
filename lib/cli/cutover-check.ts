import { AwsClientFactory, connectEnvironment } from '../aws';
import { CliIo, Command, EXIT_FAILED, EXIT_OK } from '../operator/io';
import { collectStatus } from '../operator/collect';
import { DEFAULT_MAX_LATENCY_SECONDS, DEFAULT_WINDOW_MINUTES, evaluateCutover, renderCutover } from '../operator/cutover';
import { loadEnvironment, parseOptions, positiveNumber, selectTasks } from '../operator/options';

/*
 * `cutover-check --env NAME [--task NAME] [--max-latency SECONDS] [--for MINUTES] [--json]`:
 * go / no-go with one reason per check. Exit 0 go, 1 no-go, 2 error.
 */

export const CUTOVER_USAGE = `usage: npm run --silent cli -- cutover-check --env NAME [--task NAME] [--max-latency SECONDS] [--for MINUTES] [--json] [--config FILE]

Go / no-go for the cutover. Go when, for every task: the full load finished, the restoration
run SUCCEEDED with restorationVerified and 0 orphans, no table is in error or has validation
mismatches, CDC runs and its source and target latency (per-minute maximum) stayed at or
under the bound for the whole window; and no alarm of the environment is in ALARM.
Exit 0 go, 1 no-go, 2 error.

options:
  --env NAME             environment in the config (required)
  --task NAME            only this task (default: every task of the environment)
  --max-latency SECONDS  bound on CDCLatencySource and CDCLatencyTarget (default ${DEFAULT_MAX_LATENCY_SECONDS})
  --for MINUTES          window the bound must hold for, ending now (default ${DEFAULT_WINDOW_MINUTES})
  --json                 print the checks as one JSON document
  --config FILE          config file with context.environments (default: cdk.json)
`;

export interface CutoverCheckDependencies {
  /** How AWS clients are created (tests inject mocked clients). */
  readonly clientFactory?: AwsClientFactory;
  readonly now?: () => Date;
}

const OPTIONS = {
  env: { type: 'string' },
  task: { type: 'string' },
  'max-latency': { type: 'string' },
  for: { type: 'string' },
  json: { type: 'boolean' },
  config: { type: 'string' },
  help: { type: 'boolean' },
} as const;

export function createCutoverCheckCommand(deps: CutoverCheckDependencies = {}): Command {
  return {
    summary: 'go / no-go for the cutover (exit 0 go, 1 no-go, 2 error)',
    run: (args, io) => runCutoverCheck(args, io, deps),
  };
}

export const command: Command = createCutoverCheckCommand();

async function runCutoverCheck(args: readonly string[], io: CliIo, deps: CutoverCheckDependencies): Promise<number> {
  const options = parseOptions('cutover-check', args, OPTIONS, CUTOVER_USAGE);
  if (options.help) {
    io.stdout.write(CUTOVER_USAGE);
    return EXIT_OK;
  }
  const environment = loadEnvironment('cutover-check', io, options.config, options.env);
  const tasks = selectTasks(environment, options.task);
  const maxLatencySeconds = positiveNumber('--max-latency', options['max-latency'], DEFAULT_MAX_LATENCY_SECONDS);
  const windowMinutes = positiveNumber('--for', options.for, DEFAULT_WINDOW_MINUTES);
  const aws = await connectEnvironment(environment, io, { clientFactory: deps.clientFactory });
  const status = await collectStatus(aws, tasks, {
    now: (deps.now ?? (() => new Date()))(),
    latencyWindowMinutes: windowMinutes,
    latencyStatistic: 'Maximum',
  });
  const result = evaluateCutover(status, { maxLatencySeconds, windowMinutes });
  if (options.json) {
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    const tty = io.stdout.isTTY === true;
    io.stdout.write(renderCutover(result, { tty, color: tty && !io.env.NO_COLOR, columns: io.stdout.columns }));
  }
  return result.go ? EXIT_OK : EXIT_FAILED;
}
