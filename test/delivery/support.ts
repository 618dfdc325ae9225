import * as fs from 'node:fs';
import * as path from 'node:path';
import { EnvironmentConfig, parseEnvironments } from '../../lib/config';
import { DeliveryConfig, parseDelivery } from '../../lib/delivery/config';
import { deepMerge, exampleEnvironments, PROJECT_ROOT } from '../support/app';

type Json = Record<string, unknown>;

export const FIXTURES = path.join(__dirname, 'fixtures');

export function fixture(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** The `delivery` section of the project's cdk.json, deep-merged with `patch`. */
export function exampleDelivery(patch: Json = {}): Json {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: { delivery: Json } };
  return deepMerge(cdkJson.context.delivery, patch);
}

export function exampleEnvironmentConfigs(): EnvironmentConfig[] {
  return parseEnvironments(exampleEnvironments(), 'cdk.json', PROJECT_ROOT);
}

export function parsedDelivery(patch: Json = {}): DeliveryConfig {
  const delivery = parseDelivery(exampleDelivery(patch), 'cdk.json', exampleEnvironmentConfigs());
  if (!delivery) throw new Error('cdk.json has no delivery section');
  return delivery;
}
