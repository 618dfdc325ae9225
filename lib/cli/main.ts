import { CliError, CliIo, Command, EXIT_ERROR } from '../operator/io';

/**
 * The operator CLI's commands. Each lives in its own module under lib/cli and is loaded only
 * when called, so `mappings validate` does not pay for the AWS SDK clients of `status`.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  mappings: async () => (await import('./mappings')).command,
  status: async () => (await import('./status')).command,
  'cutover-check': async () => (await import('./cutover-check')).command,
  restore: async () => (await import('./restore')).command,
  run: async () => (await import('./run')).command,
  preflight: async () => (await import('./preflight')).command,
  assess: async () => (await import('./assess')).command,
};

export function usage(): string {
  const lines = ['usage: npm run --silent cli -- <command> [options]', '', 'commands:'];
  for (const name of Object.keys(COMMANDS).sort()) lines.push(`  ${name}`);
  return lines.join('\n') + '\n';
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stderr.write(usage());
    return name ? 0 : EXIT_ERROR;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr.write(`error: unknown command "${name}"\n${usage()}`);
    return EXIT_ERROR;
  }
  try {
    const command = await load();
    return await command.run(rest, io);
  } catch (err) {
    io.stderr.write(`error: ${describeError(err)}\n`);
    if (!(err instanceof CliError) && io.env.DEBUG) io.stderr.write(`${(err as Error).stack}\n`);
    return EXIT_ERROR;
  }
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0];
  return String(err);
}
