import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../bin/app';
import { stackName } from '../../lib/config';
import { MigrationStack } from '../../lib/stacks/migration-stack';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

type Json = Record<string, unknown>;

/** The `environments` object of the project's cdk.json, fresh each call so tests can change it. */
export function exampleEnvironments(): Json {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: { environments: Json } };
  return cdkJson.context.environments;
}

/** One example environment, deep-merged with `patch` (objects merge; arrays and values replace; undefined deletes). */
export function exampleEnvironment(name: string, patch: Json = {}): Json {
  return deepMerge(exampleEnvironments()[name] as Json, patch);
}

export function deepMerge(base: Json, patch: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete out[key];
    else if (isObject(value) && isObject(out[key])) out[key] = deepMerge(out[key] as Json, value);
    else out[key] = value;
  }
  return out;
}

/** Builds the app exactly as bin/app.ts does, from the given environments (default: cdk.json's). */
export function buildTestApp(environments: Json = exampleEnvironments(), baseDir: string = PROJECT_ROOT): App {
  const app = new App({ context: { environments } });
  return buildApp(app, baseDir);
}

export function stackOf(app: App, envName: string): MigrationStack {
  return app.node.findChild(stackName(envName)) as MigrationStack;
}

/** The template of one environment's stack (synthesized with the nag plugins, as `cdk synth` does). */
export function templateOf(envName: string, environments: Json = exampleEnvironments()): Template {
  return Template.fromStack(stackOf(buildTestApp(environments), envName));
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
