import { App } from 'aws-cdk-lib';
import { EnvironmentConfig } from '../config';
import { DeliveryStack } from '../stacks/delivery-stack';
import { parseDelivery } from './config';

/**
 * Adds a DeliveryStack per environment listed in `context.delivery` (none without that section).
 * The stacks are deployed by hand, once; the workflows only deploy the migration stacks.
 */
export function addDeliveryStacks(app: App, environments: readonly EnvironmentConfig[], source = 'cdk.json'): DeliveryStack[] {
  const delivery = parseDelivery(app.node.tryGetContext('delivery'), source, environments);
  if (!delivery) return [];
  return delivery.environments.map(
    (env) =>
      new DeliveryStack(app, env.deliveryStackName, {
        delivery: env,
        audience: delivery.settings.audience,
        bootstrapQualifier: delivery.settings.bootstrapQualifier,
      }),
  );
}
