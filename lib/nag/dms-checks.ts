import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { NagMessageLevel, NagPack, NagPackProps } from 'cdk-nag';
import * as rules from './rules';

/**
 * The project's DMS rule pack. cdk-nag's AwsSolutions pack has no DMS rules; these encode the
 * runbook's security requirements. Rule ids are `DMS-<RuleName>`.
 */
export class DmsChecks extends NagPack {
  public readonly name = 'DMS';

  constructor(scope?: IConstruct, props?: NagPackProps) {
    super(scope, props);
    this.packName = 'DMS';
  }

  protected checkResource(node: CfnResource): void {
    this.applyRule({
      info: 'The DMS replication instance is publicly accessible or does not say it is not.',
      explanation: 'DMS makes instances public unless PubliclyAccessible is false; a public instance exposes the migration data path.',
      level: NagMessageLevel.ERROR,
      rule: rules.DMSInstanceNotPublic,
      node,
    });
    this.applyRule({
      info: 'The DMS replication instance storage has no KMS key.',
      explanation: 'The instance stores task logs and swapped changes: encrypt it with a key you control (KmsKeyId).',
      level: NagMessageLevel.ERROR,
      rule: rules.DMSInstanceEncrypted,
      node,
    });
    this.applyRule({
      info: 'The DMS endpoint does not take its credentials from Secrets Manager, or has a password in the template.',
      explanation: 'Set SecretsManagerSecretId and SecretsManagerAccessRoleArn in the engine settings; never Password.',
      level: NagMessageLevel.ERROR,
      rule: rules.DMSEndpointSecretsManager,
      node,
    });
    this.applyRule({
      info: 'The DMS endpoint connects without SSL.',
      explanation: 'SslMode defaults to none: set verify-full (or verify-ca where the engine supports it; MySQL targets do not support require, see the SSL table in lib/dms/catalog.ts) so data and credentials are encrypted in transit and the server is verified.',
      level: NagMessageLevel.ERROR,
      rule: rules.DMSEndpointSsl,
      node,
    });
    this.applyRule({
      info: 'The DMS replication task does not log to CloudWatch.',
      explanation: 'Without Logging.EnableLogging a failed table or task leaves no trace to diagnose.',
      level: NagMessageLevel.ERROR,
      rule: rules.DMSTaskLogging,
      node,
    });
    this.applyRule({
      info: 'The DMS replication instance of a production environment is not Multi-AZ.',
      explanation: 'A single-AZ instance loses the migration (and restarts the full load) when its Availability Zone fails.',
      level: NagMessageLevel.ERROR,
      rule: rules.DMSProductionMultiAz,
      node,
    });
  }
}
