import { CfnReplicationInstance } from 'aws-cdk-lib/aws-dms';
import { COMPLIANT, namedRule, NON_COMPLIANT, NOT_APPLICABLE, resolved } from './util';

/** The replication instance storage uses a named KMS key (not left to the account default). */
export default namedRule('DMSInstanceEncrypted', (node) => {
  if (!(node instanceof CfnReplicationInstance)) return NOT_APPLICABLE;
  const key = resolved(node, node.kmsKeyId);
  if (key === undefined || key === null || key === '') return NON_COMPLIANT;
  return COMPLIANT;
});
