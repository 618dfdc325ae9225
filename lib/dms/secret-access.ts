import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/**
 * Lets `grantee` read one secret and, when the secret has a customer managed key, decrypt with
 * that key only through Secrets Manager. The decrypt statement is written explicitly: for an
 * imported key in the same account, `secret.grantRead` adds none.
 */
export function grantSecretRead(grantee: iam.IGrantable, secret: secretsmanager.ISecret, encryptionKey?: kms.IKey): void {
  secret.grantRead(grantee);
  if (!encryptionKey) return;
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: [encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(secret).region}.amazonaws.com` } },
    }),
  );
}
