import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { checkTableMappingsFile, formatProblem } from '../mappings';
import { CliIo, Command, EXIT_ERROR, EXIT_FAILED, EXIT_OK } from './io';

const USAGE = `usage: npm run --silent cli -- mappings validate [--quiet] FILE...

Checks AWS DMS table-mapping files (the {"rules": [...]} JSON that AWS SCT and the
DMS console export) against the DMS table-mapping rules, as synth does.

  validate FILE...   print every problem on stdout, one line each:
                       FILE: rule <rule-id> "<rule-name>": <problem>
                       FILE: <problem>            (not tied to one rule)
  -q, --quiet        no "FILE: ok" lines and no summary on stderr
  -h, --help         this text

exit status: 0 every file is valid, 1 problems found, 2 usage error or unreadable file
`;

export const command: Command = {
  summary: 'validate DMS table-mapping files (mappings validate FILE...)',
  run: runMappings,
};

async function runMappings(args: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    // parseArgs errors come from Node's realm: read the message rather than trust instanceof.
    const message = typeof err === 'object' && err !== null && 'message' in err ? String(err.message) : String(err);
    return usageError(io, message);
  }
  if (parsed.values.help) {
    io.stdout.write(USAGE);
    return EXIT_OK;
  }
  const [subcommand, ...files] = parsed.positionals;
  if (subcommand === undefined) return usageError(io, 'missing subcommand');
  if (subcommand !== 'validate') return usageError(io, `unknown subcommand "${subcommand}"`);
  if (files.length === 0) return usageError(io, 'validate needs at least one FILE');
  return validate(files, io, parsed.values.quiet === true);
}

/** Checks each file independently, so one run reports every problem of every file. */
async function validate(files: readonly string[], io: CliIo, quiet: boolean): Promise<number> {
  let unreadable = 0;
  let invalid = 0;
  let problemCount = 0;
  for (const file of files) {
    const result = checkTableMappingsFile(path.resolve(io.cwd, file), file);
    if (result.ok) {
      const m = result.mappings;
      if (!quiet) {
        const rules = m.rules.length === 1 ? '1 rule' : `${m.rules.length} rules`;
        io.stderr.write(`${file}: ok (${rules}, ${m.sizeBytes} bytes, generation ${m.generation})\n`);
      }
      continue;
    }
    if (result.problems.some((p) => p.code === 'unreadable-file')) {
      unreadable++;
      for (const problem of result.problems) io.stderr.write(`error: ${formatProblem(problem)}\n`);
      continue;
    }
    invalid++;
    problemCount += result.problems.length;
    for (const problem of result.problems) io.stdout.write(`${formatProblem(problem)}\n`);
  }
  if (!quiet) io.stderr.write(`${summary(files.length, invalid, problemCount, unreadable)}\n`);
  if (unreadable > 0) return EXIT_ERROR;
  return invalid > 0 ? EXIT_FAILED : EXIT_OK;
}

function summary(total: number, invalid: number, problems: number, unreadable: number): string {
  const parts = [`${total - invalid - unreadable} valid`];
  if (invalid > 0) parts.push(`${invalid} with ${problems === 1 ? '1 problem' : `${problems} problems`}`);
  if (unreadable > 0) parts.push(`${unreadable} unreadable`);
  return `${total === 1 ? '1 mapping file' : `${total} mapping files`}: ${parts.join(', ')}`;
}

function usageError(io: CliIo, message: string): number {
  io.stderr.write(`error: ${message}\n\n${USAGE}`);
  return EXIT_ERROR;
}
