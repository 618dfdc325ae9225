import { CfnEndpoint } from 'aws-cdk-lib/aws-dms';
import { COMPLIANT, namedRule, NON_COMPLIANT, NOT_APPLICABLE, resolved } from './util';

/**
 * The endpoint takes its credentials from Secrets Manager: a secret id and access role in its
 * engine settings, and no password anywhere in its properties.
 */
export default namedRule('DMSEndpointSecretsManager', (node) => {
  if (!(node instanceof CfnEndpoint)) return NOT_APPLICABLE;
  // cfnProperties: every property as set on the L1, keys in camelCase.
  const props = resolved(node, (node as unknown as { cfnProperties: Record<string, unknown> }).cfnProperties) as Record<string, unknown>;
  if (containsPassword(props)) return NON_COMPLIANT;
  const usesSecret = Object.values(props).some(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      Boolean((value as Record<string, unknown>).secretsManagerSecretId) &&
      Boolean((value as Record<string, unknown>).secretsManagerAccessRoleArn),
  );
  return usesSecret ? COMPLIANT : NON_COMPLIANT;
});

function containsPassword(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(
    ([key, inner]) => (/password/i.test(key) && inner !== undefined && inner !== '') || containsPassword(inner),
  );
}
