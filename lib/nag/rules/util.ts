import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';

/** A cdk-nag rule: a named function of a CfnResource. */
export type NagRule = (node: CfnResource) => NagRuleResult;

/** Names a rule explicitly (cdk-nag derives the rule id from the function name; bundlers rename functions). */
export function namedRule(name: string, rule: NagRule): NagRule {
  return Object.defineProperty(rule, 'name', { value: name });
}

/** Resolves a property as CloudFormation would see it (tokens resolved within the stack). */
export function resolved(node: CfnResource, value: unknown): unknown {
  return Stack.of(node).resolve(value);
}


export const { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE } = NagRuleCompliance;

/** Tag a MigrationStack carries when its environment is marked production. */
export const PRODUCTION_TAG = 'dms-migration:production';

export function isProductionStack(node: CfnResource): boolean {
  return Stack.of(node).tags.tagValues()[PRODUCTION_TAG] === 'true';
}
