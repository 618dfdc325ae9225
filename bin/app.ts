#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseEnvironments, stackName } from '../lib/config';
import { addDeliveryStacks } from '../lib/delivery/app';
import { DmsChecks } from '../lib/nag';
import { MigrationStack } from '../lib/stacks/migration-stack';

/** Builds the app: one MigrationStack per environment in cdk.json, checked by cdk-nag. */
export function buildApp(app: App, baseDir: string): App {
  const environments = parseEnvironments(app.node.tryGetContext('environments'), 'cdk.json', baseDir);
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

if (require.main === module) {
  try {
    buildApp(new App(), process.cwd()).synth();
  } catch (err) {
    // Config and mapping errors are the user's to fix: the message says what and where, a stack trace does not help.
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
