import { Template } from 'aws-cdk-lib/assertions';

/**
 * The template as JSON with asset hashes replaced by a placeholder, so a snapshot changes when
 * the infrastructure changes, not when a bundled file's bytes do.
 */
export function normalisedTemplate(template: Template): unknown {
  const text = JSON.stringify(template.toJSON());
  return JSON.parse(text.replace(/[0-9a-f]{64}(\.zip|\.json)?/g, 'ASSET-HASH$1'));
}
