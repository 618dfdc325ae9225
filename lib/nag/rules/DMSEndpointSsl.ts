import { CfnEndpoint } from 'aws-cdk-lib/aws-dms';
import { COMPLIANT, namedRule, NON_COMPLIANT, NOT_APPLICABLE, resolved } from './util';

/** The endpoint encrypts its connection: SslMode is set and is not `none` (the DMS default). */
export default namedRule('DMSEndpointSsl', (node) => {
  if (!(node instanceof CfnEndpoint)) return NOT_APPLICABLE;
  const mode = resolved(node, node.sslMode);
  return typeof mode === 'string' && mode !== 'none' ? COMPLIANT : NON_COMPLIANT;
});
