/** What a CLI command may touch, injected so tests can capture output and set the environment. */
export interface CliIo {
  readonly stdout: CliStream;
  readonly stderr: CliStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export interface CliStream {
  write(chunk: string): unknown;
  /** Set when the stream is a terminal: commands then draw progress bars and refresh in place. */
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Exit codes shared by every command. */
export const EXIT_OK = 0;
/** Something the command checked does not hold (invalid mapping, failed object, no-go). */
export const EXIT_FAILED = 1;
/** Usage error, unreadable input, connection or AWS error. */
export const EXIT_ERROR = 2;

/**
 * An error the user can fix; the CLI prints its message as one line (no stack) and exits 2.
 */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

export type CommandHandler = (args: readonly string[], io: CliIo) => Promise<number>;

export interface Command {
  /** One line for the usage listing. */
  readonly summary: string;
  readonly run: CommandHandler;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}
