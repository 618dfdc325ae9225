import { ConfigError } from '../../lib/config';
import { deliveryRoleNames, parseDelivery, partitionOf, repositoryClaim } from '../../lib/delivery/config';
import { exampleDelivery, exampleEnvironmentConfigs, parsedDelivery } from './support';

function errorFor(delivery: unknown, environments = exampleEnvironmentConfigs()): string {
  try {
    parseDelivery(delivery, 'cdk.json', environments);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('the example delivery section', () => {
  test('resolves one entry per environment, with the roles the workflows assume', () => {
    const delivery = parsedDelivery();
    expect(delivery.settings).toMatchObject({ deployBranch: 'main', bootstrapQualifier: 'hnb659fds', audience: 'sts.amazonaws.com' });
    const [dev, prod] = delivery.environments;
    expect(dev).toEqual({
      name: 'dev',
      account: '111111111111',
      region: 'eu-west-1',
      partition: 'aws',
      migrationStackName: 'DmsMigration-dev',
      deliveryStackName: 'DmsDelivery-dev',
      githubEnvironment: 'dev',
      createOidcProvider: true,
      diffRoleName: 'dms-migration-dev-github-diff',
      deployRoleName: 'dms-migration-dev-github-deploy',
      diffRoleArn: 'arn:aws:iam::111111111111:role/dms-migration-dev-github-diff',
      deployRoleArn: 'arn:aws:iam::111111111111:role/dms-migration-dev-github-deploy',
      diffSubject: 'repo:example-org/dms-sqlserver-to-aurora:pull_request',
      deploySubject: 'repo:example-org/dms-sqlserver-to-aurora:environment:dev',
    });
    expect(prod.deployRoleArn).toBe('arn:aws:iam::222222222222:role/dms-migration-prod-github-deploy');
    expect(prod.deploySubject).toBe('repo:example-org/dms-sqlserver-to-aurora:environment:prod');
  });

  test('no delivery section: nothing to deliver', () => {
    expect(parseDelivery(undefined, 'cdk.json', exampleEnvironmentConfigs())).toBeUndefined();
  });
});

test('immutable subject claims carry the owner and repository ids', () => {
  const delivery = parsedDelivery({ github: { ownerId: '123456', repositoryId: '789012' }, environments: { prod: { githubEnvironment: 'production' } } });
  expect(delivery.environments[0].diffSubject).toBe('repo:example-org@123456/dms-sqlserver-to-aurora@789012:pull_request');
  expect(delivery.environments[1].deploySubject).toBe('repo:example-org@123456/dms-sqlserver-to-aurora@789012:environment:production');
  expect(repositoryClaim({ repository: 'octo-org/octo-repo' })).toBe('repo:octo-org/octo-repo');
});

test('role names and partitions', () => {
  expect(deliveryRoleNames('prod')).toEqual({ diff: 'dms-migration-prod-github-diff', deploy: 'dms-migration-prod-github-deploy' });
  expect(partitionOf('eu-west-1')).toBe('aws');
  expect(partitionOf('cn-north-1')).toBe('aws-cn');
  expect(partitionOf('us-gov-west-1')).toBe('aws-us-gov');
});

describe('fails', () => {
  test('on an environment that cdk.json does not have', () => {
    expect(errorFor(exampleDelivery({ environments: { staging: { createOidcProvider: false } } }))).toBe(
      'cdk.json: context.delivery: environments.staging: no environment "staging" in context.environments (known: dev, prod)',
    );
  });

  test('on an environment without account and region', () => {
    const environments = exampleEnvironmentConfigs().map((e) => (e.name === 'dev' ? { ...e, account: undefined } : e));
    expect(errorFor(exampleDelivery(), environments)).toBe(
      'cdk.json: context.delivery: environments.dev: environment "dev" needs account and region: the roles trust and name that account and region',
    );
  });

  test('on two environments creating the provider of one account', () => {
    const environments = exampleEnvironmentConfigs().map((e) => (e.name === 'prod' ? { ...e, account: '111111111111' } : e));
    expect(errorFor(exampleDelivery(), environments)).toBe(
      'cdk.json: context.delivery: environments.prod.createOidcProvider: environment "dev" already creates the GitHub OIDC provider of account 111111111111 (an account has one provider per URL): set it to false here',
    );
  });

  test('on a repository that is not owner/name', () => {
    expect(errorFor(exampleDelivery({ github: { repository: 'dms-sqlserver-to-aurora' } }))).toBe(
      'cdk.json: context.delivery: github.repository: must be "owner/name" of a GitHub repository (got "dms-sqlserver-to-aurora")',
    );
  });

  test('on an owner id without a repository id', () => {
    expect(errorFor(exampleDelivery({ github: { ownerId: '123456' } }))).toBe(
      'cdk.json: context.delivery: github.repositoryId: ownerId and repositoryId go together: an immutable subject claim carries both (missing)',
    );
  });

  test('on a wildcard in a GitHub environment name', () => {
    expect(errorFor(exampleDelivery({ environments: { prod: { githubEnvironment: 'prod*' } } }))).toBe(
      'cdk.json: context.delivery: environments.prod.githubEnvironment: must not contain ":", "*" or "?" (it becomes part of the OIDC subject) (got "prod*")',
    );
  });

  test('on a misspelt key, naming it', () => {
    expect(errorFor(exampleDelivery({ environments: { dev: { createOidcProvider: true, createOIDCProvider: true } } }))).toBe(
      'cdk.json: context.delivery: environments.dev.createOIDCProvider: unknown key (not in the schema; check the spelling)',
    );
  });

  test('on a missing createOidcProvider', () => {
    expect(errorFor(exampleDelivery({ environments: { dev: { createOidcProvider: undefined } } }))).toBe(
      'cdk.json: context.delivery: environments.dev.createOidcProvider: must be a boolean (missing)',
    );
  });
});
