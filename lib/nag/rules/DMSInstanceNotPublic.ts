import { CfnReplicationInstance } from 'aws-cdk-lib/aws-dms';
import { COMPLIANT, namedRule, NON_COMPLIANT, NOT_APPLICABLE, resolved } from './util';

/** The replication instance says PubliclyAccessible: false explicitly (DMS defaults it to true). */
export default namedRule('DMSInstanceNotPublic', (node) => {
  if (!(node instanceof CfnReplicationInstance)) return NOT_APPLICABLE;
  return resolved(node, node.publiclyAccessible) === false ? COMPLIANT : NON_COMPLIANT;
});
