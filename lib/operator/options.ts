import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, EnvironmentConfig, loadEnvironmentsFromFile, selectEnvironment, TaskSettingsConfig } from '../config';
import { CliError, CliIo } from './io';

/** Option parsing and config loading shared by `status` and `cutover-check`. */

export interface OptionSpec {
  readonly [name: string]: { readonly type: 'string' | 'boolean' };
}

export type ParsedOptions<S extends OptionSpec> = {
  [K in keyof S]?: S[K]['type'] extends 'boolean' ? boolean : string;
};

/** Parses `--name value`, `--name=value` and flags; anything else is a CliError naming the command. */
export function parseOptions<S extends OptionSpec>(command: string, args: readonly string[], spec: S, usage: string): ParsedOptions<S> {
  try {
    const { values } = parseArgs({ args: [...args], options: spec, strict: true, allowPositionals: false });
    return values as ParsedOptions<S>;
  } catch (err) {
    const message = (err as Error).message.split('. ')[0].replace(/\.$/, '');
    throw new CliError(`${command}: ${message} (${usage.split('\n')[0]})`);
  }
}

/** Reads the config (default cdk.json in the working directory) and selects the environment. */
export function loadEnvironment(command: string, io: Pick<CliIo, 'cwd'>, configOption: string | undefined, envName: string | undefined): EnvironmentConfig {
  const file = path.resolve(io.cwd, configOption ?? 'cdk.json');
  try {
    const environments = loadEnvironmentsFromFile(file);
    if (!envName) {
      throw new CliError(`${command}: --env NAME is required (known: ${environments.map((e) => e.name).join(', ')})`);
    }
    return selectEnvironment(environments, envName);
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message.split('\n').join('; '));
    throw err;
  }
}

/** All tasks of the environment, or the one named by --task. */
export function selectTasks(environment: EnvironmentConfig, taskName: string | undefined): TaskSettingsConfig[] {
  if (taskName === undefined) return [...environment.tasks];
  const task = environment.tasks.find((t) => t.name === taskName);
  if (!task) {
    throw new CliError(
      `unknown task "${taskName}" in environment "${environment.name}" (known: ${environment.tasks.map((t) => t.name).join(', ')})`,
    );
  }
  return [task];
}

/** A positive number from an option value, or a CliError naming the option. */
export function positiveNumber(option: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new CliError(`${option} must be a positive number (got "${value}")`);
  }
  return n;
}
