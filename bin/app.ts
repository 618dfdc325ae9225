#!/usr/bin/env node
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EnvironmentConfig, loadEnvironmentsFromFile, parseEnvironments, stackName } from '../lib/config';
import { addDeliveryStacks } from '../lib/delivery/app';
import { DmsChecks } from '../lib/nag';
import { MigrationStack } from '../lib/stacks/migration-stack';

/**
 * Context key naming another file with cdk.json's shape (`{"context": {"environments": ...}}`)
 * whose environments replace cdk.json's: `cdk synth -c environmentsFile=other.json`. Mapping
 * files resolve against that file's directory. `npm run bench:synth` uses it for its generated
 * environments.
 */
export const ENVIRONMENTS_FILE_CONTEXT = 'environmentsFile';

/** Builds the app: one MigrationStack per environment in cdk.json, checked by cdk-nag. */
export function buildApp(app: App, baseDir: string): App {
  const environments = appEnvironments(app, baseDir);
  for (const config of environments) {
    new MigrationStack(app, stackName(config.name), {
      config,
      env: config.account || config.region ? { account: config.account, region: config.region } : undefined,
      description: `DMS migration SQL Server -> Aurora MySQL, environment ${config.name}`,
    });
  }
  // Optional: GitHub OIDC roles per environment, when cdk.json has a `delivery` section.
  addDeliveryStacks(app, environments);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new DmsChecks(app));
  return app;
}

function appEnvironments(app: App, baseDir: string): EnvironmentConfig[] {
  const file: unknown = app.node.tryGetContext(ENVIRONMENTS_FILE_CONTEXT);
  if (file === undefined) return parseEnvironments(app.node.tryGetContext('environments'), 'cdk.json', baseDir);
  if (typeof file !== 'string' || file === '') {
    throw new Error(`context ${ENVIRONMENTS_FILE_CONTEXT} must be the path of a file like cdk.json (got ${JSON.stringify(file)})`);
  }
  return loadEnvironmentsFromFile(path.resolve(baseDir, file));
}

if (require.main === module) {
  try {
    buildApp(new App(), process.cwd()).synth();
  } catch (err) {
    // Config and mapping errors are the user's to fix: the message says what and where, a stack trace does not help.
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
