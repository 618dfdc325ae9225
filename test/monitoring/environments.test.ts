import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { parseEnvironments, stackName } from '../../lib/config';
import { instanceAlarmNames, taskAlarmNames } from '../../lib/monitoring';
import { MigrationStack } from '../../lib/stacks/migration-stack';
import { buildTestApp, exampleEnvironment, exampleEnvironments, PROJECT_ROOT, stackOf } from '../support/app';
import { checkAlarmDimensions } from './alarm-dimension-check';

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties: Json;
  DependsOn?: string[];
}

const GIB = 1024 ** 3;

/**
 * The thresholds each example environment must get, worked out by hand from cdk.json:
 * dev is a dms.t3.medium (4 GiB) with 50 GiB storage, prod a dms.r6i.xlarge (32 GiB) with 500 GiB.
 */
const EXPECTED: Record<string, { freeableMemory: number; freeStorage: number; cdcLatency: number; emails: string[] }> = {
  dev: { freeableMemory: Math.floor(4 * GIB * 0.1), freeStorage: 5 * GIB, cdcLatency: 300, emails: [] },
  prod: { freeableMemory: Math.floor(32 * GIB * 0.1), freeStorage: 50 * GIB, cdcLatency: 300, emails: ['ops@example.com'] },
};

const ENVIRONMENTS = Object.keys(exampleEnvironments());

/**
 * The example environments' stacks as bin/app.ts builds them, without the nag plugins: the
 * template assertions below should not depend on findings elsewhere in the stack (the nag tests
 * at the end check those).
 */
function buildWithoutNag(environments: Json = exampleEnvironments()): App {
  const unchecked = new App({ context: { environments } });
  for (const config of parseEnvironments(environments, 'cdk.json', PROJECT_ROOT)) {
    new MigrationStack(unchecked, stackName(config.name), { config, env: { account: config.account, region: config.region } });
  }
  return unchecked;
}

let app: App;
const templates = new Map<string, Json>();
beforeAll(() => {
  app = buildWithoutNag();
  for (const env of ENVIRONMENTS) templates.set(env, Template.fromStack(stackOf(app, env)).toJSON() as Json);
});

function resources(env: string, type: string): [string, Resource][] {
  const all = (templates.get(env) as { Resources: Record<string, Resource> }).Resources;
  return Object.entries(all).filter(([, r]) => r.Type === type);
}

function alarmNamed(env: string, name: string): Json {
  const found = resources(env, 'AWS::CloudWatch::Alarm').filter(([, r]) => r.Properties.AlarmName === name);
  expect(found.map(([id]) => id)).toHaveLength(1);
  return found[0][1].Properties;
}

function topicRef(env: string): Json {
  const topics = resources(env, 'AWS::SNS::Topic');
  expect(topics).toHaveLength(1);
  return { Ref: topics[0][0] };
}

test('the example environments are dev and prod', () => {
  expect(ENVIRONMENTS.sort()).toEqual(['dev', 'prod']);
});

describe.each(['dev', 'prod'])('environment %s', (env) => {
  const expected = EXPECTED[env];

  test('every replication instance has its five alarms, on its own identifier, with the exact evaluation', () => {
    const instances = resources(env, 'AWS::DMS::ReplicationInstance');
    expect(instances).toHaveLength(1);
    const topic = topicRef(env);
    for (const [, instance] of instances) {
      const identifier = instance.Properties.ReplicationInstanceIdentifier as string;
      expect(identifier).toBe(identifier.toLowerCase());
      const names = instanceAlarmNames(env, identifier);
      const common = {
        Namespace: 'AWS/DMS',
        Dimensions: [{ Name: 'ReplicationInstanceIdentifier', Value: identifier }],
        Statistic: 'Average',
        Period: 300,
        TreatMissingData: 'missing',
        ActionsEnabled: true,
        AlarmActions: [topic],
        OKActions: [topic],
        AlarmDescription: expect.any(String),
      };
      expect(alarmNamed(env, names['cpu-utilization'])).toEqual({
        ...common,
        AlarmName: names['cpu-utilization'],
        MetricName: 'CPUUtilization',
        Threshold: 90,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
      });
      expect(alarmNamed(env, names['freeable-memory'])).toEqual({
        ...common,
        AlarmName: names['freeable-memory'],
        MetricName: 'FreeableMemory',
        Threshold: expected.freeableMemory,
        ComparisonOperator: 'LessThanThreshold',
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
      });
      expect(alarmNamed(env, names['available-memory'])).toEqual({
        ...common,
        AlarmName: names['available-memory'],
        MetricName: 'AvailableMemory',
        Threshold: expected.freeableMemory,
        ComparisonOperator: 'LessThanThreshold',
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
      });
      expect(alarmNamed(env, names['swap-usage'])).toEqual({
        ...common,
        AlarmName: names['swap-usage'],
        MetricName: 'SwapUsage',
        Threshold: 256 * 1024 * 1024,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
      });
      expect(alarmNamed(env, names['free-storage-space'])).toEqual({
        ...common,
        AlarmName: names['free-storage-space'],
        MetricName: 'FreeStorageSpace',
        Threshold: expected.freeStorage,
        ComparisonOperator: 'LessThanThreshold',
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
      });
      expect(alarmNamed(env, names['disk-queue-depth'])).toEqual({
        ...common,
        AlarmName: names['disk-queue-depth'],
        MetricName: 'DiskQueueDepth',
        Threshold: 10,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
      });
    }
  });

  test("every task has CDC latency alarms on its instance's identifier and its own ResourceIdentifier", () => {
    const tasks = resources(env, 'AWS::DMS::ReplicationTask');
    expect(tasks.length).toBeGreaterThan(0);
    const instances = new Map(resources(env, 'AWS::DMS::ReplicationInstance').map(([id, r]) => [id, r.Properties.ReplicationInstanceIdentifier]));
    const topic = topicRef(env);
    for (const [, task] of tasks) {
      const resourceIdentifier = task.Properties.ResourceIdentifier as string;
      const instanceIdentifier = instances.get((task.Properties.ReplicationInstanceArn as { Ref: string }).Ref);
      const names = taskAlarmNames(env, task.Properties.ReplicationTaskIdentifier as string);
      for (const [key, metric] of [
        ['cdc-latency-source', 'CDCLatencySource'],
        ['cdc-latency-target', 'CDCLatencyTarget'],
      ] as const) {
        expect(alarmNamed(env, names[key])).toEqual({
          AlarmName: names[key],
          AlarmDescription: expect.any(String),
          Namespace: 'AWS/DMS',
          MetricName: metric,
          Dimensions: [
            { Name: 'ReplicationInstanceIdentifier', Value: instanceIdentifier },
            { Name: 'ReplicationTaskIdentifier', Value: resourceIdentifier },
          ],
          Statistic: 'Average',
          Period: 300,
          Threshold: expected.cdcLatency,
          ComparisonOperator: 'GreaterThanThreshold',
          EvaluationPeriods: 3,
          DatapointsToAlarm: 2,
          TreatMissingData: 'notBreaching',
          ActionsEnabled: true,
          AlarmActions: [topic],
          OKActions: [topic],
        });
      }
    }
  });

  test('reading the template, every DMS alarm matches the identifiers of the resources it watches', () => {
    const check = checkAlarmDimensions(templates.get(env) as Json);
    expect(check.problems).toEqual([]);
    const instances = resources(env, 'AWS::DMS::ReplicationInstance').length;
    const tasks = resources(env, 'AWS::DMS::ReplicationTask').length;
    expect(check.matched).toHaveLength(6 * instances + 2 * tasks);
    expect(resources(env, 'AWS::CloudWatch::Alarm')).toHaveLength(check.matched.length);
  });

  test('one encrypted, SSL-only alarm topic with the configured subscriptions', () => {
    const [[, topic]] = resources(env, 'AWS::SNS::Topic');
    expect(topic.Properties.TopicName).toBe(`dms-migration-${env}-alarms`);
    const keyId = ((topic.Properties.KmsMasterKeyId as Json)['Fn::GetAtt'] as string[])[0];
    const key = resources(env, 'AWS::KMS::Key').find(([id]) => id === keyId)?.[1];
    expect(key?.Properties.EnableKeyRotation).toBe(true);
    const keyPolicy = JSON.stringify(key?.Properties.KeyPolicy);
    expect(keyPolicy).toContain('"Service":"cloudwatch.amazonaws.com"');
    expect(keyPolicy).toContain('"Service":"events.amazonaws.com"');
    const [[, policy]] = resources(env, 'AWS::SNS::TopicPolicy');
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    const emails = resources(env, 'AWS::SNS::Subscription')
      .filter(([, s]) => s.Properties.Protocol === 'email')
      .map(([, s]) => s.Properties.Endpoint);
    expect(emails).toEqual(expected.emails);
  });

  test('DMS events of the instance and the tasks go to the topic through one EventBridge rule, by their ARNs', () => {
    const topic = topicRef(env);
    expect(resources(env, 'AWS::DMS::EventSubscription')).toHaveLength(0);
    const rules = resources(env, 'AWS::Events::Rule').map(([, r]) => r.Properties);
    const arns = [...resources(env, 'AWS::DMS::ReplicationInstance'), ...resources(env, 'AWS::DMS::ReplicationTask')].map(([id]) => ({ Ref: id }));
    expect(rules).toEqual([
      expect.objectContaining({
        Name: `dms-migration-${env}-dms-events`,
        EventPattern: { source: ['aws.dms'], resources: arns },
        Targets: [expect.objectContaining({ Arn: topic })],
      }),
    ]);
  });

  test('a dashboard with the alarm states and every instance and task metric', () => {
    const dashboards = resources(env, 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0][1].Properties.DashboardName).toBe(`dms-migration-${env}`);
    const body = JSON.stringify(dashboards[0][1].Properties.DashboardBody);
    for (const [id] of resources(env, 'AWS::CloudWatch::Alarm')) expect(body).toContain(`{"Fn::GetAtt":["${id}","Arn"]}`);
    for (const metric of ['CPUUtilization', 'FreeableMemory', 'DiskQueueDepth', 'CDCLatencySource', 'CDCLatencyTarget', 'FullLoadThroughputRowsTarget', 'CDCThroughputRowsTarget']) {
      expect(body).toContain(metric);
    }
  });

  test('the stack exposes the topic and its key for other constructs', () => {
    const monitoring = stackOf(app, env).monitoring;
    expect(monitoring.alarmTopic).toBeDefined();
    expect(monitoring.alarmTopicKey).toBeDefined();
    expect(monitoring.alarms).toHaveLength(resources(env, 'AWS::CloudWatch::Alarm').length);
  });
});

/** The construct paths of the findings in a failed synth's message (`   DmsMigration-dev/... aws-cdk-lib...`). */
function findingPaths(run: () => unknown): string[] {
  try {
    run();
    return [];
  } catch (err) {
    const message = (err as Error).message;
    return [...message.matchAll(/^\s+(DmsMigration-[^\s]+)\s/gm)].map((m) => m[1]);
  }
}

describe('cdk-nag (AwsSolutions + DMS packs, as bin/app.ts adds them)', () => {
  test('Template.fromStack runs the packs: a finding fails it', () => {
    const failing = buildTestApp();
    new sns.Topic(stackOf(failing, 'dev'), 'PlainTopic');
    expect(() => Template.fromStack(stackOf(failing, 'dev'))).toThrow(/AwsSolutions-SNS3/);
  });

  test.each(['dev', 'prod'])('%s: the monitoring resources raise no finding', (env) => {
    const paths = findingPaths(() => Template.fromStack(stackOf(buildTestApp(), env)));
    expect(paths.filter((p) => p.startsWith(`${stackName(env)}/Monitoring/`))).toEqual([]);
  });

  test.each(['dev', 'prod'])('%s: the whole stack synthesizes with no unacknowledged finding', (env) => {
    expect(findingPaths(() => Template.fromStack(stackOf(buildTestApp(), env)))).toEqual([]);
  });
});

describe('monitoring config errors', () => {
  const parse = (monitoring: unknown) => () => parseEnvironments({ dev: exampleEnvironment('dev', { monitoring: monitoring as Json }) }, 'cdk.json', PROJECT_ROOT);

  test.each([
    [{ cpuUtilizationPercent: 150 }, 'cdk.json: environment "dev": monitoring.cpuUtilizationPercent: must be at most 100 (got 150)'],
    [{ cpuUtilizationPercent: -5 }, 'cdk.json: environment "dev": monitoring.cpuUtilizationPercent: must be at least 1 (got -5)'],
    [{ freeableMemoryPercent: 101 }, 'cdk.json: environment "dev": monitoring.freeableMemoryPercent: must be at most 100 (got 101)'],
    [{ freeableMemoryBytes: -1 }, 'cdk.json: environment "dev": monitoring.freeableMemoryBytes: must be at least 1 (got -1)'],
    [{ freeableMemoryBytes: 1.5 }, 'cdk.json: environment "dev": monitoring.freeableMemoryBytes: must be an integer (got 1.5)'],
    [{ freeStorageSpacePercent: 100 }, 'cdk.json: environment "dev": monitoring.freeStorageSpacePercent: must be at most 99 (got 100)'],
    [{ diskQueueDepth: 0 }, 'cdk.json: environment "dev": monitoring.diskQueueDepth: must be at least 1 (got 0)'],
    [{ swapUsageBytes: -1 }, 'cdk.json: environment "dev": monitoring.swapUsageBytes: must be at least 0 (got -1)'],
    [{ cdcLatencySourceSeconds: 0 }, 'cdk.json: environment "dev": monitoring.cdcLatencySourceSeconds: must be at least 1 (got 0)'],
    [{ cdcLatencyTargetSeconds: 'fast' }, 'cdk.json: environment "dev": monitoring.cdcLatencyTargetSeconds: must be a number (got "fast")'],
    [{ dashboard: 'yes' }, 'cdk.json: environment "dev": monitoring.dashboard: must be a boolean (got "yes")'],
    [{ cpuUtilisationPercent: 80 }, 'cdk.json: environment "dev": monitoring.cpuUtilisationPercent: unknown key (not in the schema; check the spelling)'],
    [{ notifications: { emails: ['ops'] } }, 'cdk.json: environment "dev": monitoring.notifications.emails[0]: must be an email address (got "ops")'],
    [
      { notifications: { emails: ['ops@example.com', 'OPS@example.com'] } },
      'cdk.json: environment "dev": monitoring.notifications.emails[1]: duplicates emails[0] (got "OPS@example.com")',
    ],
    [
      { notifications: { httpsUrls: ['http://hooks.example.com/dms'] } },
      'cdk.json: environment "dev": monitoring.notifications.httpsUrls[0]: must be an https:// URL (got "http://hooks.example.com/dms")',
    ],
    [{ notifications: { sms: ['+100'] } }, 'cdk.json: environment "dev": monitoring.notifications.sms: unknown key (not in the schema; check the spelling)'],
  ])('%j fails with the field named', (monitoring, message) => {
    expect(parse(monitoring)).toThrow(message);
  });

  test('an instance class typo fails on the class, with the class meant, not on a monitoring field', () => {
    const environments = { dev: exampleEnvironment('dev', { replicationInstance: { instanceClass: 'dms.t3.mediun' } }) };
    expect(() => buildTestApp(environments)).toThrow(
      'cdk.json: environment "dev": replicationInstance.instanceClass: "dms.t3.mediun" is not a DMS instance class (did you mean "dms.t3.medium"?)',
    );
  });

  test('a class the DMS table does not list needs explicit memory thresholds (its memory is unknown)', () => {
    const environments = { dev: exampleEnvironment('dev', { replicationInstance: { instanceClass: 'dms.r7i.large' } }) };
    expect(() => buildTestApp(environments)).toThrow(
      'cdk.json: environment "dev": monitoring.freeableMemoryBytes: instance class "dms.r7i.large" is not in the DMS instance-class table (lib/config/dms-catalog.ts), so its memory is unknown: set monitoring.freeableMemoryBytes explicitly',
    );
    const fixed = {
      dev: exampleEnvironment('dev', {
        replicationInstance: { instanceClass: 'dms.r7i.large' },
        monitoring: { freeableMemoryBytes: 1073741824, availableMemoryBytes: 2147483648 },
      }),
    };
    const template = Template.fromStack(stackOf(buildTestApp(fixed), 'dev'));
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'FreeableMemory', Threshold: 1073741824 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'AvailableMemory', Threshold: 2147483648 });
  });

  test('a freeableMemoryBytes at or above the instance memory fails', () => {
    const environments = { dev: exampleEnvironment('dev', { monitoring: { freeableMemoryBytes: 4 * GIB } }) };
    expect(() => buildTestApp(environments)).toThrow(
      `cdk.json: environment "dev": monitoring.freeableMemoryBytes: ${4 * GIB} is not less than the ${4 * GIB} bytes of instance class "dms.t3.medium": the alarm would always fire`,
    );
  });

  test('thresholds from the config reach the alarms', () => {
    const environments = {
      dev: exampleEnvironment('dev', { monitoring: { cpuUtilizationPercent: 75, cdcLatencyTargetSeconds: 600, freeableMemoryPercent: 25 } }),
    };
    const template = Template.fromStack(stackOf(buildTestApp(environments), 'dev'));
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'dms/dev/instance/dms-dev/cpu-utilization', Threshold: 75 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'dms/dev/task/dev-adventureworks/cdc-latency-target', Threshold: 600 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'dms/dev/instance/dms-dev/freeable-memory', Threshold: GIB });
  });
});
