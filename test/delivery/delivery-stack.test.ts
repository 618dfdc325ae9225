import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp } from '../../bin/app';
import { addDeliveryStacks } from '../../lib/delivery/app';
import { GitHubOidcRoles } from '../../lib/delivery/github-roles';
import { DmsChecks } from '../../lib/nag';
import { exampleEnvironments, PROJECT_ROOT } from '../support/app';
import { exampleDelivery, exampleEnvironmentConfigs } from './support';

type Json = Record<string, unknown>;

/** The delivery stacks with bin/app.ts's nag plugins, without building (and bundling) the migration stacks. */
function deliveryApp(delivery: Json = exampleDelivery(), outdir?: string): App {
  const app = new App({ outdir, context: { delivery } });
  addDeliveryStacks(app, exampleEnvironmentConfigs());
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new DmsChecks(app));
  return app;
}

function templateOf(app: App, name: string): Template {
  return Template.fromStack(app.node.findChild(name) as Stack);
}

const PR_SUB = 'repo:example-org/dms-sqlserver-to-aurora:pull_request';
const trust = (sub: string, federated: unknown) => ({
  Statement: [
    {
      Action: 'sts:AssumeRoleWithWebIdentity',
      Effect: 'Allow',
      Principal: { Federated: federated },
      Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': sub } },
    },
  ],
  Version: '2012-10-17',
});
const bootstrapRole = (account: string, kind: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:role/cdk-hnb659fds-${kind}-role-${account}-eu-west-1`]],
});

describe('DmsDelivery-<env>', () => {
  const app = deliveryApp();
  const dev = templateOf(app, 'DmsDelivery-dev');
  const prod = templateOf(app, 'DmsDelivery-prod');

  test('one stack per delivery environment, in its account and region', () => {
    const stacks = app.node.children.filter((c): c is Stack => c instanceof Stack).map((s) => [s.stackName, s.account, s.region]);
    expect(stacks).toEqual([
      ['DmsDelivery-dev', '111111111111', 'eu-west-1'],
      ['DmsDelivery-prod', '222222222222', 'eu-west-1'],
    ]);
  });

  test("creates GitHub's OIDC provider with the configured audience, retained on stack deletion", () => {
    dev.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    dev.hasResource('AWS::IAM::OIDCProvider', {
      Properties: { Url: 'https://token.actions.githubusercontent.com', ClientIdList: ['sts.amazonaws.com'], ThumbprintList: Match.absent() },
      DeletionPolicy: 'Retain',
    });
  });

  test('the diff role: trusted by pull-request runs of this repository only, may only assume the CDK lookup role', () => {
    const provider = { Ref: Object.keys(dev.findResources('AWS::IAM::OIDCProvider'))[0] };
    dev.hasResourceProperties('AWS::IAM::Role', { RoleName: 'dms-migration-dev-github-diff', AssumeRolePolicyDocument: trust(PR_SUB, provider), MaxSessionDuration: 3600 });
    dev.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalIdOf(dev, 'dms-migration-dev-github-diff') }],
      PolicyDocument: { Statement: [{ Sid: 'AssumeCdkLookupRole', Action: 'sts:AssumeRole', Effect: 'Allow', Resource: bootstrapRole('111111111111', 'lookup') }] },
    });
  });

  test('the deploy role: trusted by jobs in the GitHub environment only, may only assume the deploy, file-publishing and lookup roles', () => {
    const provider = { Ref: Object.keys(prod.findResources('AWS::IAM::OIDCProvider'))[0] };
    prod.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'dms-migration-prod-github-deploy',
      AssumeRolePolicyDocument: trust('repo:example-org/dms-sqlserver-to-aurora:environment:prod', provider),
      MaxSessionDuration: 7200,
    });
    prod.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalIdOf(prod, 'dms-migration-prod-github-deploy') }],
      PolicyDocument: {
        Statement: [
          {
            Sid: 'AssumeCdkBootstrapRoles',
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Resource: ['deploy', 'file-publishing', 'lookup'].map((kind) => bootstrapRole('222222222222', kind)),
          },
        ],
      },
    });
  });

  test('nothing else: two roles, two policies, no managed policy, no other resource', () => {
    expect(Object.values(dev.toJSON().Resources as Record<string, { Type: string }>).map((r) => r.Type).sort()).toEqual([
      'AWS::IAM::OIDCProvider',
      'AWS::IAM::Policy',
      'AWS::IAM::Policy',
      'AWS::IAM::Role',
      'AWS::IAM::Role',
    ]);
    dev.allResourcesProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  test('outputs the role ARNs the workflows assume', () => {
    expect(Object.keys(dev.findOutputs('*')).sort()).toEqual(['DeployRoleArn', 'DiffRoleArn', 'OidcProviderArn']);
  });

  test('cdk-nag (AwsSolutions and the DMS pack) finds nothing, with no acknowledgment', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'delivery-nag-'));
    try {
      deliveryApp(exampleDelivery(), outdir).synth();
      // Errors fail synth; warnings only show in the report.
      const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as {
        pluginReports: Array<{ violations?: Array<{ ruleName: string; violatingConstructs: Array<{ constructPath: string }> }> }>;
      };
      const deliveryViolations = report.pluginReports
        .flatMap((r) => r.violations ?? [])
        .filter((v) => v.violatingConstructs.some((c) => c.constructPath.startsWith('DmsDelivery')))
        .map((v) => v.ruleName);
      expect(deliveryViolations).toEqual([]);
      for (const name of ['DmsDelivery-dev', 'DmsDelivery-prod']) {
        expect(fs.readFileSync(path.join(outdir, `${name}.metadata.json`), 'utf8')).not.toContain('aws:cdk:acknowledged-rules');
      }
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

test('an account whose provider exists: referred to by its ARN, not created', () => {
  const app = deliveryApp(exampleDelivery({ environments: { prod: { createOidcProvider: false } } }));
  const prod = templateOf(app, 'DmsDelivery-prod');
  prod.resourceCountIs('AWS::IAM::OIDCProvider', 0);
  prod.hasResourceProperties('AWS::IAM::Role', {
    RoleName: 'dms-migration-prod-github-diff',
    AssumeRolePolicyDocument: trust(PR_SUB, 'arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com'),
  });
});

test('bin/app.ts adds the delivery stacks after the migration stacks, and none without a delivery section', () => {
  const withDelivery = buildApp(new App({ context: { environments: exampleEnvironments(), delivery: exampleDelivery() } }), PROJECT_ROOT);
  expect(withDelivery.node.children.filter((c) => c instanceof Stack).map((s) => s.node.id)).toEqual([
    'DmsMigration-dev',
    'DmsMigration-prod',
    'DmsDelivery-dev',
    'DmsDelivery-prod',
  ]);
  expect(addDeliveryStacks(new App(), exampleEnvironmentConfigs())).toEqual([]);
});

test('the acknowledgment marker the nag test looks for is the one Validations writes', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'delivery-ack-'));
  try {
    const app = new App({ outdir });
    const stack = new Stack(app, 'Probe');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: ['*'] }));
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: 'probe' });
    app.synth();
    expect(fs.readFileSync(path.join(outdir, 'Probe.metadata.json'), 'utf8')).toContain('aws:cdk:acknowledged-rules');
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});

describe('GitHubOidcRoles', () => {
  function rolesIn(props: Partial<ConstructorParameters<typeof GitHubOidcRoles>[2]> = {}): Stack {
    const stack = new Stack(new App(), 'S', { env: { account: '333333333333', region: 'us-east-1' } });
    const provider = iam.OidcProviderNative.fromOidcProviderArn(stack, 'P', 'arn:aws:iam::333333333333:oidc-provider/token.actions.githubusercontent.com');
    new GitHubOidcRoles(stack, 'Roles', { provider, diffSubject: 'repo:o/r:pull_request', deploySubject: 'repo:o/r:environment:e', diffRoleName: 'd', deployRoleName: 'p', ...props });
    return stack;
  }

  test('a custom qualifier and image assets', () => {
    const template = Template.fromStack(rolesIn({ bootstrapQualifier: 'abc123', publishImages: true }));
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Resource: ['deploy', 'file-publishing', 'lookup', 'image-publishing'].map((kind) => ({
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::333333333333:role/cdk-abc123-${kind}-role-333333333333-us-east-1`]],
            })),
          }),
        ],
      },
    });
  });

  test('refuses a subject with a wildcard, naming it', () => {
    expect(() => rolesIn({ deploySubject: 'repo:o/r:*' })).toThrow('S/Roles: deploySubject "repo:o/r:*" must be one exact GitHub OIDC subject (repo:OWNER/NAME:CONTEXT), without wildcards');
  });
});

function logicalIdOf(template: Template, roleName: string): string {
  const [id] = Object.keys(template.findResources('AWS::IAM::Role', { Properties: { RoleName: roleName } }));
  return id;
}
