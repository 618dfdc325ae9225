import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { DMS_IDENTIFIER, EnvironmentSettings, environmentSchema } from './schema';

/** One environment, validated, with the names and identifiers derived from it. */
export interface EnvironmentConfig extends EnvironmentSettings {
  /** The key under `environments` in cdk.json. */
  readonly name: string;
  /** Where the config came from, for error messages (e.g. "cdk.json"). */
  readonly configFile: string;
  /** Directory that relative paths (mapping files) are resolved against. */
  readonly baseDir: string;
}

/** A config error: names the source, the environment, the field path and the bad value. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,19}$/;

/**
 * Validates `context.environments` (the raw object) and returns every environment.
 * All problems of all environments are reported at once, one per line.
 */
export function parseEnvironments(raw: unknown, source: string, baseDir: string): EnvironmentConfig[] {
  if (raw === undefined) {
    throw new ConfigError(`${source}: context.environments is missing: add at least one environment (see README "Configuration")`);
  }
  if (!isPlainObject(raw)) {
    throw new ConfigError(`${source}: context.environments must be an object of environments by name (got ${show(raw)})`);
  }
  const names = Object.keys(raw);
  if (names.length === 0) {
    throw new ConfigError(`${source}: context.environments is empty: add at least one environment`);
  }
  const problems: string[] = [];
  const environments: EnvironmentConfig[] = [];
  for (const name of names) {
    if (!ENVIRONMENT_NAME.test(name)) {
      problems.push(
        `${source}: environment "${name}": the name must be 1-20 characters of a-z, 0-9 and -, starting with a letter (it becomes part of stack names and DMS identifiers)`,
      );
      continue;
    }
    const result = environmentSchema.safeParse(raw[name]);
    if (!result.success) {
      for (const issue of result.error.issues) problems.push(formatZodIssue(`${source}: environment "${name}"`, issue, raw[name]));
      continue;
    }
    const derivedProblems = checkDerivedIdentifiers(name, result.data);
    problems.push(...derivedProblems.map((p) => `${source}: environment "${name}": ${p}`));
    environments.push({ ...result.data, name, configFile: source, baseDir });
  }
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  return environments;
}

/** Reads cdk.json (or another file with the same shape) and parses its environments. */
export function loadEnvironmentsFromFile(file: string): EnvironmentConfig[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: invalid JSON: ${(err as Error).message}`);
  }
  const context = isPlainObject(json) ? json.context : undefined;
  const environments = isPlainObject(context) ? context.environments : undefined;
  return parseEnvironments(environments, path.basename(file), path.dirname(path.resolve(file)));
}

/** Finds one environment by name, or fails naming it and the known ones. */
export function selectEnvironment(environments: readonly EnvironmentConfig[], name: string): EnvironmentConfig {
  const found = environments.find((e) => e.name === name);
  if (!found) {
    const known = environments.map((e) => e.name).join(', ');
    throw new ConfigError(`unknown environment "${name}" (known: ${known})`);
  }
  return found;
}

/** The DMS identifier of the replication instance: explicit, or `dms-<environment>`. */
export function instanceIdentifier(env: Pick<EnvironmentConfig, 'name' | 'replicationInstance'>): string {
  return env.replicationInstance?.identifier ?? `dms-${env.name}`;
}

/** The DMS resource identifier of a task: explicit, or `<environment>-<task>`. */
export function taskResourceIdentifier(envName: string, task: { name: string; resourceIdentifier?: string }): string {
  return task.resourceIdentifier ?? `${envName}-${task.name}`;
}

/** The task's DMS identifier (its name in the console). */
export function taskIdentifier(envName: string, taskName: string): string {
  return `${envName}-${taskName}`;
}

/** The CloudFormation stack name of an environment. */
export function stackName(envName: string): string {
  return `DmsMigration-${envName}`;
}

function checkDerivedIdentifiers(envName: string, env: EnvironmentSettings): string[] {
  const problems: string[] = [];
  env.tasks.forEach((task, index) => {
    if (task.resourceIdentifier) return;
    const derived = taskResourceIdentifier(envName, task);
    if (derived.length > 31 || !DMS_IDENTIFIER.test(derived)) {
      problems.push(
        `tasks[${index}].resourceIdentifier: the default "${derived}" is not a valid DMS resource identifier (at most 31 letters, digits and single hyphens): set resourceIdentifier explicitly`,
      );
    }
  });
  return problems;
}

/**
 * One zod issue as a line: `WHERE: field.path: problem (got VALUE)`, one line per unknown key.
 * `root` is the value that was validated (for the "got" part); `prefix` is its path in the file.
 */
export function formatZodIssue(where: string, issue: z.core.$ZodIssue, root: unknown, prefix: readonly PropertyKey[] = []): string {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys
      .map((key) => `${where}: ${formatPath([...prefix, ...issue.path, key])}: unknown key (not in the schema; check the spelling)`)
      .join('\n');
  }
  const field = formatPath([...prefix, ...issue.path]) || '(environment)';
  const value = valueAt(root, issue.path);
  const got = value.present ? `got ${show(value.value)}` : 'missing';
  return `${where}: ${field}: ${describeMessage(issue)} (${got})`;
}

function describeMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${article(issue.expected)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      // A bound with a reason of its own says it.
      if (issue.message.startsWith('must ')) return issue.message;
      if (issue.origin === 'array') return `must have at least ${String(issue.minimum)} item(s)`;
      if (issue.origin === 'string') return `must not be shorter than ${String(issue.minimum)} character(s)`;
      return `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.message.startsWith('must ')) return issue.message;
      if (issue.origin === 'array') return `must have at most ${String(issue.maximum)} item(s)`;
      if (issue.origin === 'string') return `must not be longer than ${String(issue.maximum)} characters`;
      return `must be at most ${String(issue.maximum)}`;
    case 'invalid_format':
    case 'custom':
      return issue.message;
    default:
      return issue.message;
  }
}

function article(type: string): string {
  if (type === 'int') return 'an integer';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

export function formatPath(p: readonly PropertyKey[]): string {
  let out = '';
  for (const part of p) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

function valueAt(root: unknown, p: readonly PropertyKey[]): { present: boolean; value?: unknown } {
  let current: unknown = root;
  for (const part of p) {
    if (current === null || typeof current !== 'object' || !(String(part) in (current as object))) return { present: false };
    current = (current as Record<string, unknown>)[String(part)];
  }
  return { present: current !== undefined, value: current };
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
