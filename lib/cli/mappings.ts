import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { checkTableMappingsFile, formatProblem } from '../mappings';
import { CliIo, Command, EXIT_ERROR, EXIT_FAILED, EXIT_OK } from '../operator/io';

const USAGE = `usage: npm run --silent cli -- mappings validate [--strict] [--quiet] FILE...

Checks AWS DMS table-mapping files (the {"rules": [...]} JSON that AWS SCT and the
DMS console export) against the DMS table-mapping rules, as synth does.

  validate FILE...   print every finding on stdout, one line each:
                       FILE: rule <rule-id> "<rule-name>": <problem> (line L column C)
                       FILE: rule <rule-id> "<rule-name>": warning: <problem> (line L column C)
                       FILE: <problem> (line L column C)      (not tied to one rule)
                     errors: DMS would refuse the mapping (synth fails);
                     warnings: DMS accepts it, but against its guide (synth warns)
  --strict           warnings fail too, as with cdk synth --strict
  -q, --quiet        no "FILE: ok" lines and no summary on stderr
  -h, --help         this text

exit status: 0 no errors (warnings allowed unless --strict), 1 errors found (or
warnings with --strict), 2 usage error or unreadable file
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
        strict: { type: 'boolean' },
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
  return validate(files, io, { quiet: parsed.values.quiet === true, strict: parsed.values.strict === true });
}

interface Tally {
  files: number;
  unreadable: number;
  /** Files with at least one error (or, with --strict, a warning). */
  failed: number;
  errors: number;
  warnings: number;
}

/** Checks each file independently, so one run reports every finding of every file. */
async function validate(files: readonly string[], io: CliIo, options: { quiet: boolean; strict: boolean }): Promise<number> {
  const tally: Tally = { files: files.length, unreadable: 0, failed: 0, errors: 0, warnings: 0 };
  for (const file of files) {
    const result = checkTableMappingsFile(path.resolve(io.cwd, file), file);
    if (result.problems.some((p) => p.code === 'unreadable-file')) {
      tally.unreadable++;
      for (const problem of result.problems) io.stderr.write(`error: ${formatProblem(problem)}\n`);
      continue;
    }
    for (const problem of result.problems) io.stdout.write(`${formatProblem(problem)}\n`);
    const warnings = result.problems.filter((p) => p.severity === 'warning').length;
    tally.warnings += warnings;
    tally.errors += result.problems.length - warnings;
    if (!result.ok || (options.strict && warnings > 0)) tally.failed++;
    if (result.ok && !options.quiet) {
      const m = result.mappings;
      const status = warnings > 0 ? `ok with ${count(warnings, 'warning')}` : 'ok';
      io.stderr.write(`${file}: ${status} (${count(m.rules.length, 'rule')}, ${m.sizeBytes} bytes, generation ${m.generation})\n`);
    }
  }
  if (!options.quiet) io.stderr.write(`${summary(tally, options.strict)}\n`);
  if (tally.unreadable > 0) return EXIT_ERROR;
  return tally.failed > 0 ? EXIT_FAILED : EXIT_OK;
}

function summary(t: Tally, strict: boolean): string {
  const checked = t.files - t.unreadable;
  const parts = [`${checked - t.failed} passed`];
  if (t.failed > 0) parts.push(`${t.failed} failed`);
  if (t.unreadable > 0) parts.push(`${t.unreadable} unreadable`);
  const findings = [count(t.errors, 'error'), count(t.warnings, 'warning')].join(', ');
  return `${count(t.files, 'mapping file')}: ${parts.join(', ')} (${findings}${strict ? '; --strict: warnings fail' : ''})`;
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function usageError(io: CliIo, message: string): number {
  io.stderr.write(`error: ${message}\n\n${USAGE}`);
  return EXIT_ERROR;
}
