import { Match, Template } from 'aws-cdk-lib/assertions';
import { ReplicationInstance, ReplicationTask } from '../../lib/dms';
import {
  alarmTopicName,
  dashboardName,
  INSTANCE_ALARMS,
  instanceAlarmNames,
  MigrationMonitoring,
  MigrationMonitoringProps,
  parseMonitoringSettings,
  taskAlarmNames,
} from '../../lib/monitoring';
import { MonitoringSettingsInput } from '../../lib/config/monitoring';
import { checkAlarmDimensions } from './alarm-dimension-check';
import { dmsFixture, FixtureOptions } from './fixture';

const GIB = 1024 ** 3;

function monitored(settings?: MonitoringSettingsInput, options: FixtureOptions = {}, extra: Partial<MigrationMonitoringProps> = {}) {
  const f = dmsFixture(options);
  const monitoring = new MigrationMonitoring(f.stack, 'Monitoring', {
    environmentName: 'test',
    replicationInstance: f.instance,
    instanceClass: f.instanceClass,
    allocatedStorageGiB: f.allocatedStorageGiB,
    tasks: f.tasks,
    settings,
    ...extra,
  });
  return { ...f, monitoring };
}

/** The alarm topic, as a CDK template matcher and as a jest matcher. */
const TOPIC_REF = { Ref: Match.stringLikeRegexp('^MonitoringAlarmTopic[0-9A-F]{8}$') };
const TOPIC = { Ref: expect.stringMatching(/^MonitoringAlarmTopic[0-9A-F]{8}$/) };

function alarmByName(template: Template, name: string): Record<string, unknown> {
  const found = Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: name } }));
  expect(found).toHaveLength(1);
  return (found[0] as { Properties: Record<string, unknown> }).Properties;
}

describe('MigrationMonitoring: instance alarms', () => {
  const { stack } = monitored();
  const template = Template.fromStack(stack);
  const names = instanceAlarmNames('test', 'dms-test');
  const instanceDimension = [{ Name: 'ReplicationInstanceIdentifier', Value: 'dms-test' }];

  test.each([
    // name key, metric, comparison, threshold, evaluation periods, datapoints
    ['cpu-utilization', 'CPUUtilization', 'GreaterThanThreshold', 90, 3, 3],
    // dms.r6i.large: 16 GiB; 10% of it
    ['freeable-memory', 'FreeableMemory', 'LessThanThreshold', Math.floor(16 * GIB * 0.1), 3, 3],
    ['available-memory', 'AvailableMemory', 'LessThanThreshold', Math.floor(16 * GIB * 0.1), 3, 3],
    ['swap-usage', 'SwapUsage', 'GreaterThanThreshold', 256 * 1024 * 1024, 3, 3],
    // 200 GiB allocated: 10% of it
    ['free-storage-space', 'FreeStorageSpace', 'LessThanThreshold', 20 * GIB, 1, 1],
    ['disk-queue-depth', 'DiskQueueDepth', 'GreaterThanThreshold', 10, 3, 3],
  ] as const)('%s: %s on ReplicationInstanceIdentifier, exact evaluation, ALARM and OK to the topic', (key, metric, comparison, threshold, periods, datapoints) => {
    expect(alarmByName(template, names[key])).toEqual({
      AlarmName: `dms/test/instance/dms-test/${key}`,
      AlarmDescription: expect.any(String),
      Namespace: 'AWS/DMS',
      MetricName: metric,
      Dimensions: instanceDimension,
      Statistic: 'Average',
      Period: 300,
      Threshold: threshold,
      ComparisonOperator: comparison,
      EvaluationPeriods: periods,
      DatapointsToAlarm: datapoints,
      TreatMissingData: 'missing',
      ActionsEnabled: true,
      AlarmActions: [TOPIC],
      OKActions: [TOPIC],
    });
  });

  test('the description states the threshold, the meaning and the runbook', () => {
    const props = alarmByName(template, names['cpu-utilization']);
    expect(props.AlarmDescription).toBe(
      'DMS replication instance dms-test (test): average CPU above 90% for 15 minutes. ' +
        'The replication instance has been CPU-bound for 15 minutes; tasks slow down and CDC latency grows. ' +
        'Runbook: Check which task drives it (dashboard throughput); lower MaxFullLoadSubTasks or stagger tasks, or move to a larger instance class (a modify restarts the instance: plan it).',
    );
  });

  test('each memory alarm\'s runbook says how FreeableMemory and AvailableMemory differ, quoting AWS', () => {
    const freeable = alarmByName(template, names['freeable-memory']).AlarmDescription as string;
    const available = alarmByName(template, names['available-memory']).AlarmDescription as string;
    expect(freeable).toContain('AWS says it "is not a indication of the actual free memory available"');
    expect(freeable).toContain('confirm with the available-memory alarm and SwapUsage');
    expect(available).toContain("the kernel's estimate of memory available without swapping (MemAvailable), the metric AWS recommends, unlike FreeableMemory");
    for (const description of [freeable, available]) expect(description.length).toBeLessThanOrEqual(1024);
    expect(INSTANCE_ALARMS.map((d) => d.key)).toEqual(['cpu-utilization', 'freeable-memory', 'available-memory', 'swap-usage', 'free-storage-space', 'disk-queue-depth']);
  });
});

describe('MigrationMonitoring: task alarms', () => {
  const { stack, tasks } = monitored(undefined, { tasks: ['sales', 'hr'] });
  const template = Template.fromStack(stack);

  test.each(['sales', 'hr'])('task %s: CDCLatencySource and CDCLatencyTarget on instance + resource identifier', (name) => {
    const names = taskAlarmNames('test', `test-${name}`);
    for (const [key, metric] of [
      ['cdc-latency-source', 'CDCLatencySource'],
      ['cdc-latency-target', 'CDCLatencyTarget'],
    ] as const) {
      expect(alarmByName(template, names[key])).toEqual({
        AlarmName: `dms/test/task/test-${name}/${key}`,
        AlarmDescription: expect.any(String),
        Namespace: 'AWS/DMS',
        MetricName: metric,
        Dimensions: [
          { Name: 'ReplicationInstanceIdentifier', Value: 'dms-test' },
          // the resource identifier, not the task name test-<name>
          { Name: 'ReplicationTaskIdentifier', Value: `rid-${name}` },
        ],
        Statistic: 'Average',
        Period: 300,
        Threshold: 300,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        TreatMissingData: 'notBreaching',
        ActionsEnabled: true,
        AlarmActions: [TOPIC],
        OKActions: [TOPIC],
      });
    }
  });

  test('the task dimension is the value the task resource is created with', () => {
    for (const task of tasks) {
      template.hasResourceProperties('AWS::DMS::ReplicationTask', {
        ReplicationTaskIdentifier: task.replicationTaskIdentifier,
        ResourceIdentifier: task.resourceIdentifier,
      });
    }
    const check = checkAlarmDimensions(template.toJSON());
    expect(check.problems).toEqual([]);
    expect(check.matched).toHaveLength(6 + 2 * 2);
  });

  test('configured latency thresholds are used', () => {
    const t = Template.fromStack(monitored({ cdcLatencySourceSeconds: 120, cdcLatencyTargetSeconds: 900 }).stack);
    expect(alarmByName(t, 'dms/test/task/test-sales/cdc-latency-source').Threshold).toBe(120);
    expect(alarmByName(t, 'dms/test/task/test-sales/cdc-latency-target').Threshold).toBe(900);
  });

  test('an imported task gets its dimension from its ARN (7th field)', () => {
    const f = dmsFixture({ tasks: [] });
    const imported = ReplicationTask.fromReplicationTaskAttributes(f.stack, 'Imported', {
      replicationTaskArn: 'arn:aws:dms:eu-west-1:111111111111:task:ABCDEFGHIJKLMNOP',
      replicationTaskIdentifier: 'legacy-task',
      replicationInstance: f.instance,
    });
    new MigrationMonitoring(f.stack, 'Monitoring', {
      environmentName: 'test',
      replicationInstance: f.instance,
      instanceClass: f.instanceClass,
      allocatedStorageGiB: f.allocatedStorageGiB,
      tasks: [imported],
    });
    const t = Template.fromStack(f.stack);
    expect(alarmByName(t, 'dms/test/task/legacy-task/cdc-latency-source').Dimensions).toEqual([
      { Name: 'ReplicationInstanceIdentifier', Value: 'dms-test' },
      { Name: 'ReplicationTaskIdentifier', Value: 'ABCDEFGHIJKLMNOP' },
    ]);
  });
});

describe('MigrationMonitoring: alarm topic', () => {
  const { stack, monitoring } = monitored({ notifications: { emails: ['ops@example.com'], httpsUrls: ['https://hooks.example.com/dms'] } });
  const template = Template.fromStack(stack);

  test('one topic per environment, encrypted with the customer managed key it exposes', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: alarmTopicName('test'),
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonitoringAlarmTopicKey'), 'Arn'] },
    });
    expect(stack.resolve(monitoring.alarmTopicKey.keyArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^MonitoringAlarmTopicKey/), 'Arn'] });
    expect(stack.resolve(monitoring.alarmTopic.topicArn)).toEqual({ Ref: expect.stringMatching(/^MonitoringAlarmTopic[0-9A-F]{8}$/) });
  });

  const EVENTBRIDGE_CONDITIONS = {
    StringEquals: { 'aws:SourceAccount': '111111111111' },
    ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-1:111111111111:rule/dms-migration-test-dms-events']] } },
  };

  test('the key rotates and lets CloudWatch and the DMS event rule (only it, by its ARN) use it', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: 'Encrypts the alarm topic Test/Monitoring/AlarmTopic',
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'AllowCloudWatchAlarms',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
          },
          {
            Sid: 'AllowEventBridgeRule',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
            Condition: EVENTBRIDGE_CONDITIONS,
          },
        ]),
      },
    });
    expect(JSON.stringify(template.findResources('AWS::KMS::Key'))).not.toContain('dms.amazonaws.com');
  });

  test('the topic policy enforces SSL and admits CloudWatch of this account and the DMS event rule', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: [
          {
            Sid: 'AllowPublishThroughSSLOnly',
            Effect: 'Deny',
            Principal: '*',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Resource: TOPIC_REF,
          },
          {
            Sid: 'AllowCloudWatchAlarms',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
            Resource: TOPIC_REF,
          },
          {
            Sid: 'AllowEventBridgeRule',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: EVENTBRIDGE_CONDITIONS,
            Resource: TOPIC_REF,
          },
        ],
      },
    });
  });

  test('email and HTTPS subscriptions come from the settings', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 2);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: TOPIC_REF });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'https', Endpoint: 'https://hooks.example.com/dms', TopicArn: TOPIC_REF });
  });

  test('every alarm notifies the topic on ALARM and OK', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as { Properties: Record<string, unknown> }[];
    expect(alarms).toHaveLength(8);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([TOPIC]);
      expect(alarm.Properties.OKActions).toEqual([TOPIC]);
    }
    expect(monitoring.alarms).toHaveLength(8);
  });
});

describe('MigrationMonitoring: DMS events through EventBridge (the default)', () => {
  const { stack } = monitored(undefined, { tasks: ['sales', 'hr'] });
  const template = Template.fromStack(stack);

  test('one rule on source aws.dms matching this instance and these tasks by ARN, to the topic', () => {
    template.resourceCountIs('AWS::DMS::EventSubscription', 0);
    template.resourceCountIs('AWS::Events::Rule', 1);
    const [rule] = Object.values(template.findResources('AWS::Events::Rule')) as Array<{ Properties: Record<string, any> }>;
    expect(rule.Properties.Name).toBe('dms-migration-test-dms-events');
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.dms'],
      resources: [{ Ref: expect.stringMatching(/^Instance[0-9A-F]{8}$/) }, { Ref: expect.stringMatching(/^Tasksales/) }, { Ref: expect.stringMatching(/^Taskhr/) }],
    });
    expect(rule.Properties.Targets).toHaveLength(1);
    expect(rule.Properties.Targets[0]).toMatchObject({ Arn: TOPIC, InputTransformer: { InputPathsMap: { 'detail-detailMessage': '$.detail.detailMessage' } } });
    // The rule publishes under the topic policy's aws:SourceArn condition, not with a role.
    expect(rule.Properties.Targets[0].RoleArn).toBeUndefined();
  });

});

describe('MigrationMonitoring: DMS event subscriptions (the option)', () => {
  const { stack } = monitored({ dmsEvents: 'event-subscriptions' }, { tasks: ['sales', 'hr'] });
  const template = Template.fromStack(stack);

  test('no EventBridge rule; the topic and key admit DMS event subscriptions of this account only', () => {
    template.resourceCountIs('AWS::Events::Rule', 0);
    const conditions = {
      StringEquals: { 'aws:SourceAccount': '111111111111' },
      ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dms:eu-west-1:111111111111:es:*']] } },
    };
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Sid: 'AllowDmsEventSubscriptions', Effect: 'Allow', Principal: { Service: 'dms.amazonaws.com' }, Action: 'sns:Publish', Condition: conditions, Resource: TOPIC_REF },
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'AllowDmsEventSubscriptions',
            Effect: 'Allow',
            Principal: { Service: 'dms.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
            Condition: conditions,
          },
        ]),
      },
    });
    expect(JSON.stringify(template.findResources('AWS::SNS::TopicPolicy'))).not.toContain('events.amazonaws.com');
  });

  test('instance failure, failover, low storage and maintenance events of this instance go to the topic', () => {
    template.hasResource('AWS::DMS::EventSubscription', {
      Properties: {
        SubscriptionName: 'dms-migration-test-instance-events',
        SourceType: 'replication-instance',
        SourceIds: ['dms-test'],
        EventCategories: ['failure', 'failover', 'low storage', 'maintenance'],
        SnsTopicArn: TOPIC_REF,
        Enabled: true,
      },
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('^Instance[0-9A-F]{8}$'), Match.stringLikeRegexp('^MonitoringAlarmTopicPolicy')]),
    });
  });

  test('task failure and state-change events of these tasks go to the topic', () => {
    template.hasResource('AWS::DMS::EventSubscription', {
      Properties: {
        SubscriptionName: 'dms-migration-test-task-events',
        SourceType: 'replication-task',
        SourceIds: ['test-sales', 'test-hr'],
        EventCategories: ['failure', 'state change'],
        SnsTopicArn: TOPIC_REF,
        Enabled: true,
      },
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('^Taskhr'), Match.stringLikeRegexp('^Tasksales')]),
    });
  });
});

describe('MigrationMonitoring: dashboard', () => {
  test('shows alarm states, instance metrics, and per task CDC latency, full-load and CDC throughput', () => {
    const { stack } = monitored();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0] as { Properties: { DashboardName: string; DashboardBody: unknown } };
    expect(dashboard.Properties.DashboardName).toBe(dashboardName('test'));
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const metric of [
      'CPUUtilization',
      'FreeableMemory',
      'AvailableMemory',
      'SwapUsage',
      'FreeStorageSpace',
      'DiskQueueDepth',
      'CDCLatencySource',
      'CDCLatencyTarget',
      'FullLoadThroughputRowsTarget',
      'CDCThroughputRowsSource',
      'CDCThroughputRowsTarget',
    ]) {
      expect(body).toContain(metric);
    }
    expect(body).toContain('\\"type\\":\\"alarm\\"');
    // the alarm-status widget lists all eight alarms
    const alarmIds = Object.keys(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarmIds).toHaveLength(8);
    for (const id of alarmIds) expect(body).toContain(`{"Fn::GetAtt":["${id}","Arn"]}`);
  });

  test('dashboard: false creates none', () => {
    const { stack, monitoring } = monitored({ dashboard: false });
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    expect(monitoring.dashboard).toBeUndefined();
  });
});

describe('MigrationMonitoring: thresholds', () => {
  test('FreeableMemory and AvailableMemory derive from the instance class; FreeStorageSpace from the allocated storage', () => {
    const t = Template.fromStack(
      monitored(
        { freeableMemoryPercent: 20, availableMemoryPercent: 5, freeStorageSpacePercent: 15 },
        { instanceClass: 'dms.t3.medium', allocatedStorageGiB: 50 },
      ).stack,
    );
    expect(alarmByName(t, 'dms/test/instance/dms-test/freeable-memory').Threshold).toBe(Math.floor(4 * GIB * 0.2));
    expect(alarmByName(t, 'dms/test/instance/dms-test/available-memory').Threshold).toBe(Math.floor(4 * GIB * 0.05));
    expect(alarmByName(t, 'dms/test/instance/dms-test/free-storage-space').Threshold).toBe(Math.floor(50 * GIB * 0.15));
  });

  test('explicit byte thresholds win, and make a class the DMS table does not list acceptable', () => {
    const t = Template.fromStack(monitored({ freeableMemoryBytes: 123456789, availableMemoryBytes: 987654321 }, { instanceClass: 'dms.r7i.large' }).stack);
    expect(alarmByName(t, 'dms/test/instance/dms-test/freeable-memory').Threshold).toBe(123456789);
    expect(alarmByName(t, 'dms/test/instance/dms-test/available-memory').Threshold).toBe(987654321);
  });

  test('fails for a class the DMS table does not list without byte thresholds, naming environment and field', () => {
    expect(() => monitored({ availableMemoryBytes: 1 }, { instanceClass: 'dms.r7i.large' })).toThrow(
      'cdk.json: environment "test": monitoring.freeableMemoryBytes: instance class "dms.r7i.large" is not in the DMS instance-class table (lib/config/dms-catalog.ts), so its memory is unknown: set monitoring.freeableMemoryBytes explicitly',
    );
    expect(() => monitored({ freeableMemoryBytes: 1 }, { instanceClass: 'dms.r7i.large' })).toThrow(
      'cdk.json: environment "test": monitoring.availableMemoryBytes: instance class "dms.r7i.large" is not in the DMS instance-class table (lib/config/dms-catalog.ts), so its memory is unknown: set monitoring.availableMemoryBytes explicitly',
    );
  });

  test('the config source in messages can be named', () => {
    expect(() => monitored({}, { instanceClass: 'dms.r7i.large' }, { configSource: 'environments.json' })).toThrow(
      /^environments\.json: environment "test": monitoring\.freeableMemoryBytes: /,
    );
  });

  test('fails for a byte threshold not below the class memory', () => {
    expect(() => monitored({ freeableMemoryBytes: 16 * GIB }, { instanceClass: 'dms.r6i.large' })).toThrow(
      `cdk.json: environment "test": monitoring.freeableMemoryBytes: ${16 * GIB} is not less than the ${16 * GIB} bytes of instance class "dms.r6i.large": the alarm would always fire`,
    );
    expect(() => monitored({ availableMemoryBytes: 17 * GIB }, { instanceClass: 'dms.r6i.large' })).toThrow(
      `cdk.json: environment "test": monitoring.availableMemoryBytes: ${17 * GIB} is not less than the ${16 * GIB} bytes of instance class "dms.r6i.large": the alarm would always fire`,
    );
  });

  test('settings written by hand are validated with the config schema', () => {
    expect(() => monitored({ cpuUtilizationPercent: 120, swapUsageBytes: -1 })).toThrow(
      'cdk.json: environment "test": monitoring.cpuUtilizationPercent: must be at most 100 (got 120)\n' +
        'cdk.json: environment "test": monitoring.swapUsageBytes: must be at least 0 (got -1)',
    );
    expect(() => parseMonitoringSettings({ cpuUtilisationPercent: 80 } as MonitoringSettingsInput, 'x')).toThrow(
      'x: monitoring.cpuUtilisationPercent: unknown key (not in the schema; check the spelling)',
    );
  });

  test('default settings apply when none are given', () => {
    expect(parseMonitoringSettings(undefined, 'x')).toEqual({
      cpuUtilizationPercent: 90,
      freeableMemoryPercent: 10,
      availableMemoryPercent: 10,
      diskQueueDepth: 10,
      freeStorageSpacePercent: 10,
      swapUsageBytes: 268435456,
      cdcLatencySourceSeconds: 300,
      cdcLatencyTargetSeconds: 300,
      notifications: { emails: [], httpsUrls: [] },
      dashboard: true,
      dmsEvents: 'eventbridge',
    });
  });
});

describe('alarm names', () => {
  test('alarm names are deterministic and share one prefix per environment', () => {
    expect(instanceAlarmNames('prod', 'dms-prod')).toEqual({
      'cpu-utilization': 'dms/prod/instance/dms-prod/cpu-utilization',
      'freeable-memory': 'dms/prod/instance/dms-prod/freeable-memory',
      'available-memory': 'dms/prod/instance/dms-prod/available-memory',
      'swap-usage': 'dms/prod/instance/dms-prod/swap-usage',
      'free-storage-space': 'dms/prod/instance/dms-prod/free-storage-space',
      'disk-queue-depth': 'dms/prod/instance/dms-prod/disk-queue-depth',
    });
    expect(taskAlarmNames('prod', 'prod-adventureworks')).toEqual({
      'cdc-latency-source': 'dms/prod/task/prod-adventureworks/cdc-latency-source',
      'cdc-latency-target': 'dms/prod/task/prod-adventureworks/cdc-latency-target',
    });
  });
});

describe('MigrationMonitoring outside the stack', () => {
  test('monitors imported resources and further instances and tasks added later', () => {
    const f = dmsFixture({ tasks: [] });
    const other = ReplicationInstance.fromReplicationInstanceAttributes(f.stack, 'Other', {
      replicationInstanceArn: 'arn:aws:dms:eu-west-1:111111111111:rep:OTHERINSTANCE',
      replicationInstanceIdentifier: 'dms-other',
    });
    const task = ReplicationTask.fromReplicationTaskAttributes(f.stack, 'OtherTask', {
      replicationTaskArn: 'arn:aws:dms:eu-west-1:111111111111:task:OTHERTASK',
      replicationTaskIdentifier: 'other-task',
      replicationInstance: other,
    });
    const monitoring = new MigrationMonitoring(f.stack, 'Monitoring', {
      environmentName: 'test',
      replicationInstance: f.instance,
      instanceClass: f.instanceClass,
      allocatedStorageGiB: f.allocatedStorageGiB,
      tasks: [],
    });
    monitoring.monitorReplicationInstance(other, 'dms.c5.xlarge', 100);
    monitoring.monitorTask(task);
    expect(monitoring.alarms).toHaveLength(14);
    const t = Template.fromStack(f.stack);
    expect(alarmByName(t, 'dms/test/instance/dms-other/freeable-memory')).toMatchObject({
      Dimensions: [{ Name: 'ReplicationInstanceIdentifier', Value: 'dms-other' }],
      Threshold: Math.floor(8 * GIB * 0.1),
    });
    expect(alarmByName(t, 'dms/test/task/other-task/cdc-latency-target').Dimensions).toEqual([
      { Name: 'ReplicationInstanceIdentifier', Value: 'dms-other' },
      { Name: 'ReplicationTaskIdentifier', Value: 'OTHERTASK' },
    ]);
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.dms'], resources: [{ Ref: Match.stringLikeRegexp('^Instance') }, 'arn:aws:dms:eu-west-1:111111111111:rep:OTHERINSTANCE', 'arn:aws:dms:eu-west-1:111111111111:task:OTHERTASK'] },
    });
  });

  test('without tasks there is no task event subscription (DMS would send every task of the account)', () => {
    const f = dmsFixture({ tasks: [] });
    new MigrationMonitoring(f.stack, 'Monitoring', {
      environmentName: 'test',
      replicationInstance: f.instance,
      instanceClass: f.instanceClass,
      allocatedStorageGiB: f.allocatedStorageGiB,
      tasks: [],
      settings: { dmsEvents: 'event-subscriptions' },
    });
    const t = Template.fromStack(f.stack);
    t.resourceCountIs('AWS::DMS::EventSubscription', 1);
    t.hasResourceProperties('AWS::DMS::EventSubscription', { SourceType: 'replication-instance' });
  });
});
