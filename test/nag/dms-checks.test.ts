import { App, Stack, Validations } from 'aws-cdk-lib';
import * as dms from 'aws-cdk-lib/aws-dms';
import { DmsChecks, PRODUCTION_TAG } from '../../lib/nag';

/** Runs the DMS pack on one stack and returns the rule ids it reports. */
function findings(build: (stack: Stack) => void, production = false): string[] {
  const stack = new Stack(new App(), 'Test', { tags: production ? { [PRODUCTION_TAG]: 'true' } : {} });
  build(stack);
  return new DmsChecks().validateScope(stack).violations.map((v) => v.ruleName);
}

const instanceProps: dms.CfnReplicationInstanceProps = {
  replicationInstanceClass: 'dms.t3.medium',
  publiclyAccessible: false,
  kmsKeyId: 'arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-4000-8000-000000000000',
  multiAz: true,
};

const sqlServerEndpoint: dms.CfnEndpointProps = {
  endpointType: 'source',
  engineName: 'sqlserver',
  databaseName: 'AdventureWorks',
  sslMode: 'require',
  microsoftSqlServerSettings: {
    secretsManagerSecretId: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:s-AbCdEf',
    secretsManagerAccessRoleArn: 'arn:aws:iam::111111111111:role/dms-secret',
  },
};

const taskProps: dms.CfnReplicationTaskProps = {
  migrationType: 'full-load-and-cdc',
  replicationInstanceArn: 'arn:aws:dms:eu-west-1:111111111111:rep:x',
  sourceEndpointArn: 'arn:aws:dms:eu-west-1:111111111111:endpoint:s',
  targetEndpointArn: 'arn:aws:dms:eu-west-1:111111111111:endpoint:t',
  tableMappings: '{"rules":[]}',
  replicationTaskSettings: JSON.stringify({ Logging: { EnableLogging: true } }),
};

describe('DMS-DMSInstanceNotPublic', () => {
  test('compliant when PubliclyAccessible is false', () => {
    expect(findings((s) => new dms.CfnReplicationInstance(s, 'I', instanceProps))).not.toContain('DMS-DMSInstanceNotPublic');
  });
  test('non-compliant when PubliclyAccessible is true', () => {
    expect(findings((s) => new dms.CfnReplicationInstance(s, 'I', { ...instanceProps, publiclyAccessible: true }))).toContain(
      'DMS-DMSInstanceNotPublic',
    );
  });
  test('non-compliant when PubliclyAccessible is left to the DMS default (public)', () => {
    expect(findings((s) => new dms.CfnReplicationInstance(s, 'I', { ...instanceProps, publiclyAccessible: undefined }))).toContain(
      'DMS-DMSInstanceNotPublic',
    );
  });
});

describe('DMS-DMSInstanceEncrypted', () => {
  test('compliant with a KMS key', () => {
    expect(findings((s) => new dms.CfnReplicationInstance(s, 'I', instanceProps))).not.toContain('DMS-DMSInstanceEncrypted');
  });
  test('non-compliant without a KMS key', () => {
    expect(findings((s) => new dms.CfnReplicationInstance(s, 'I', { ...instanceProps, kmsKeyId: undefined }))).toContain(
      'DMS-DMSInstanceEncrypted',
    );
  });
});

describe('DMS-DMSEndpointSecretsManager', () => {
  test('compliant with a secret and access role', () => {
    expect(findings((s) => new dms.CfnEndpoint(s, 'E', sqlServerEndpoint))).not.toContain('DMS-DMSEndpointSecretsManager');
  });
  test('non-compliant with a plain password', () => {
    const props: dms.CfnEndpointProps = {
      ...sqlServerEndpoint,
      microsoftSqlServerSettings: undefined,
      username: 'dms',
      password: 'hunter2',
      serverName: 'db',
      port: 1433,
    };
    expect(findings((s) => new dms.CfnEndpoint(s, 'E', props))).toContain('DMS-DMSEndpointSecretsManager');
  });
  test('non-compliant with a password next to a secret', () => {
    const props: dms.CfnEndpointProps = {
      ...sqlServerEndpoint,
      microsoftSqlServerSettings: { ...sqlServerEndpoint.microsoftSqlServerSettings, password: 'hunter2' },
    };
    expect(findings((s) => new dms.CfnEndpoint(s, 'E', props))).toContain('DMS-DMSEndpointSecretsManager');
  });
  test('non-compliant with a secret but no access role', () => {
    const props: dms.CfnEndpointProps = {
      ...sqlServerEndpoint,
      microsoftSqlServerSettings: { secretsManagerSecretId: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:s-AbCdEf' },
    };
    expect(findings((s) => new dms.CfnEndpoint(s, 'E', props))).toContain('DMS-DMSEndpointSecretsManager');
  });
});

describe('DMS-DMSEndpointSsl', () => {
  test.each(['require', 'verify-ca', 'verify-full'])('compliant with sslMode %s', (mode) => {
    expect(findings((s) => new dms.CfnEndpoint(s, 'E', { ...sqlServerEndpoint, sslMode: mode }))).not.toContain('DMS-DMSEndpointSsl');
  });
  test('non-compliant with sslMode none', () => {
    expect(findings((s) => new dms.CfnEndpoint(s, 'E', { ...sqlServerEndpoint, sslMode: 'none' }))).toContain('DMS-DMSEndpointSsl');
  });
  test('non-compliant when sslMode is left to the DMS default (none)', () => {
    expect(findings((s) => new dms.CfnEndpoint(s, 'E', { ...sqlServerEndpoint, sslMode: undefined }))).toContain('DMS-DMSEndpointSsl');
  });
});

describe('DMS-DMSTaskLogging', () => {
  test('compliant with EnableLogging true', () => {
    expect(findings((s) => new dms.CfnReplicationTask(s, 'T', taskProps))).not.toContain('DMS-DMSTaskLogging');
  });
  test('non-compliant with EnableLogging false', () => {
    const props = { ...taskProps, replicationTaskSettings: JSON.stringify({ Logging: { EnableLogging: false } }) };
    expect(findings((s) => new dms.CfnReplicationTask(s, 'T', props))).toContain('DMS-DMSTaskLogging');
  });
  test('non-compliant without task settings (DMS defaults logging off)', () => {
    expect(findings((s) => new dms.CfnReplicationTask(s, 'T', { ...taskProps, replicationTaskSettings: undefined }))).toContain(
      'DMS-DMSTaskLogging',
    );
  });
});

describe('DMS-DMSProductionMultiAz', () => {
  test('compliant: Multi-AZ in production', () => {
    expect(findings((s) => new dms.CfnReplicationInstance(s, 'I', instanceProps), true)).not.toContain('DMS-DMSProductionMultiAz');
  });
  test('non-compliant: single-AZ in production', () => {
    expect(findings((s) => new dms.CfnReplicationInstance(s, 'I', { ...instanceProps, multiAz: false }), true)).toContain(
      'DMS-DMSProductionMultiAz',
    );
  });
  test('not applicable outside production', () => {
    expect(findings((s) => new dms.CfnReplicationInstance(s, 'I', { ...instanceProps, multiAz: false }), false)).not.toContain(
      'DMS-DMSProductionMultiAz',
    );
  });
});

test('an acknowledgment with a reason silences exactly that rule on that resource', () => {
  const ids = findings((s) => {
    const open = new dms.CfnEndpoint(s, 'Open', { ...sqlServerEndpoint, sslMode: 'none' });
    new dms.CfnEndpoint(s, 'AlsoOpen', { ...sqlServerEndpoint, sslMode: 'none' });
    // Acknowledge only on the first endpoint.
    Validations.of(open).acknowledge({ id: 'DMS-DMSEndpointSsl', reason: 'test' });
  });
  expect(ids.filter((id) => id === 'DMS-DMSEndpointSsl')).toHaveLength(1);
});
