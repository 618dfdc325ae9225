import { CfnReplicationInstance } from 'aws-cdk-lib/aws-dms';
import { COMPLIANT, isProductionStack, namedRule, NON_COMPLIANT, NOT_APPLICABLE, resolved } from './util';

/** In an environment marked production, the replication instance is Multi-AZ. */
export default namedRule('DMSProductionMultiAz', (node) => {
  if (!(node instanceof CfnReplicationInstance) || !isProductionStack(node)) return NOT_APPLICABLE;
  return resolved(node, node.multiAz) === true ? COMPLIANT : NON_COMPLIANT;
});
