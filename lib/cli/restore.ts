import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { CliError, CliIo, Command, EXIT_FAILED, EXIT_OK } from '../operator/io';
import {
  FilePlanStore,
  PlanError,
  PlanFormatError,
  ProgressEvent,
  apply,
  capture,
  defer,
  formatCaptureReport,
  formatProgress,
  formatRunReport,
  formatVerifyReport,
  mysqlConnectionFactory,
  isLoopbackHost,
  parseTargetUrl,
  verify,
} from '../restoration';

const USAGE = `usage: npm run --silent cli -- restore <capture|defer|apply|verify> --target mysql://USER[:PASS]@HOST:PORT --plan FILE [options]

  capture   read the secondary indexes, foreign keys and triggers of --databases into a new plan file
  defer     write the plan (capturing it if FILE does not exist), then drop triggers, foreign keys, indexes
  apply     re-create what the plan lists: indexes, foreign keys (with an orphan scan), triggers
  verify    compare the server with the plan and scan foreign keys for orphan rows

options:
  --target URL         mysql://USER:PASS@HOST:PORT (password may come from MYSQL_PWD; TLS with host-name verification by default except on loopback; ?ssl=false turns it off, ?ssl=true forces it)
  --databases A,B      databases to capture (capture; defer without a plan); checked against the plan otherwise
  --plan FILE          the plan document (JSON)
  --concurrency N      tables worked on at once (default 2)
  --time-budget SECS   defer/apply: stop starting statements after SECS and exit 1 "NOT DONE" (run again to continue)
  --no-orphan-scan     verify: skip the orphan scans
  --overwrite          capture: replace an existing plan (refused while it has objects to restore)
  --json               machine-readable report on stdout
  --quiet              no progress on stderr

exit status: 0 everything asked for holds, 1 some objects failed (or NOT DONE), 2 usage or connection error
`;

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'ER_ACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'HANDSHAKE_SSL_ERROR',
]);

async function run(args: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        target: { type: 'string' },
        databases: { type: 'string' },
        plan: { type: 'string' },
        concurrency: { type: 'string' },
        'time-budget': { type: 'string' },
        'no-orphan-scan': { type: 'boolean' },
        overwrite: { type: 'boolean' },
        json: { type: 'boolean' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new CliError(`${(err as Error).message} (see restore --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stderr.write(USAGE);
    return EXIT_OK;
  }
  const [sub, ...extra] = positionals;
  if (!sub) throw new CliError('restore: missing subcommand (capture, defer, apply or verify); see restore --help');
  if (!['capture', 'defer', 'apply', 'verify'].includes(sub)) throw new CliError(`restore: unknown subcommand "${sub}" (capture, defer, apply or verify)`);
  if (extra.length) throw new CliError(`restore: unexpected argument "${extra[0]}"`);
  if (!values.target) throw new CliError('restore: --target mysql://USER:PASS@HOST:PORT is required');
  if (!values.plan) throw new CliError('restore: --plan FILE is required');
  const databases = values.databases !== undefined ? splitList(values.databases) : undefined;
  if (databases && !databases.length) throw new CliError('restore: --databases is empty');
  if (sub === 'capture' && !databases) throw new CliError('restore capture: --databases is required');
  const concurrency = values.concurrency !== undefined ? positiveInt(values.concurrency, '--concurrency') : 2;
  const budget = values['time-budget'] !== undefined ? positiveInt(values['time-budget'], '--time-budget') : undefined;

  let target;
  try {
    target = parseTargetUrl(values.target, io.env.MYSQL_PWD);
  } catch (err) {
    throw new CliError(`restore: ${(err as Error).message}`);
  }
  if (target.ssl === undefined && !isLoopbackHost(target.host)) {
    // The password would cross the network in clear text: say so even with --quiet.
    io.stderr.write(`restore: warning: TLS is off for ${target.host} (?ssl=false): the password and the DDL travel unencrypted\n`);
  }
  const connections = mysqlConnectionFactory(target);
  const store = new FilePlanStore(path.resolve(io.cwd, values.plan));
  const progress = values.quiet ? undefined : progressPrinter(io);
  const common = { connections, store, concurrency, progress: progress?.listener };

  try {
    if (sub === 'capture') {
      const plan = await capture({ ...common, databases: databases!, overwrite: values.overwrite === true });
      io.stdout.write(values.json ? JSON.stringify({ planId: plan.planId, version: plan.version, databases: plan.databases, objects: plan.objects.length }, null, 2) + '\n' : formatCaptureReport(plan, store.description));
      return EXIT_OK;
    }
    if (sub === 'verify') {
      const result = await verify({ ...common, orphanScan: !values['no-orphan-scan'] });
      io.stdout.write(values.json ? JSON.stringify(result, null, 2) + '\n' : formatVerifyReport(result));
      return result.ok ? EXIT_OK : EXIT_FAILED;
    }
    const deadline = budget !== undefined ? Date.now() + budget * 1000 : undefined;
    const result = sub === 'defer' ? await defer({ ...common, databases, deadline }) : await apply({ ...common, deadline });
    io.stdout.write(values.json ? JSON.stringify(result, null, 2) + '\n' : formatRunReport(result));
    return result.ok ? EXIT_OK : EXIT_FAILED;
  } catch (err) {
    if (err instanceof PlanError || err instanceof PlanFormatError) throw new CliError(`restore ${sub}: ${err.message}`);
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) {
      throw new CliError(`restore ${sub}: cannot connect to ${connections.description}: ${(err as Error).message}`);
    }
    throw new CliError(`restore ${sub}: ${(err as Error).message}`);
  } finally {
    progress?.stop();
  }
}

function splitList(s: string): string[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
}

function positiveInt(s: string, flag: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`restore: ${flag} must be a positive integer, not "${s}"`);
  return n;
}

/** Prints progress events on stderr, and every 30 s which statements are still running. */
function progressPrinter(io: CliIo): { listener: (e: ProgressEvent) => void; stop: () => void } {
  const running = new Map<string, ProgressEvent>();
  const started = Date.now();
  const timer = setInterval(() => {
    for (const e of running.values()) {
      io.stderr.write(formatProgress({ ...e, type: 'info', message: `still running: ${e.message}`, elapsedMs: Date.now() - started }) + '\n');
    }
  }, 30000);
  timer.unref();
  return {
    listener: (e) => {
      if (e.type === 'statement' && e.stepId) running.set(e.stepId, e);
      if ((e.type === 'done' || e.type === 'deadline') && e.stepId) running.delete(e.stepId);
      io.stderr.write(formatProgress(e) + '\n');
    },
    stop: () => clearInterval(timer),
  };
}

export const command: Command = {
  summary: 'capture, defer, apply or verify secondary indexes, foreign keys and triggers on the target',
  run,
};
