import { CfnReplicationTask } from 'aws-cdk-lib/aws-dms';
import { COMPLIANT, namedRule, NON_COMPLIANT, NOT_APPLICABLE, resolved } from './util';

/** The task writes its logs to CloudWatch (Logging.EnableLogging: true in its settings). */
export default namedRule('DMSTaskLogging', (node) => {
  if (!(node instanceof CfnReplicationTask)) return NOT_APPLICABLE;
  const raw = resolved(node, node.replicationTaskSettings);
  if (typeof raw !== 'string') return NON_COMPLIANT;
  try {
    const settings = JSON.parse(raw) as { Logging?: { EnableLogging?: unknown } };
    return settings.Logging?.EnableLogging === true ? COMPLIANT : NON_COMPLIANT;
  } catch {
    return NON_COMPLIANT;
  }
});
