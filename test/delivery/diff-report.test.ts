import { parseCdkDiff } from '../../lib/delivery/diff-parse';
import { classifyDiff, describeMappingChange, describeSettingsChange, DiffWarning, StackReport } from '../../lib/delivery/diff-report';
import { COMMENT_LIMIT, renderAnnotations, renderDiffComment, truncateDiff } from '../../lib/delivery/markdown';
import { fixture } from './support';

function reportOf(name: string): StackReport {
  const reports = classifyDiff(fixture(name));
  expect(reports.map((r) => r.stackName)).toEqual(['DmsMigration-dev']);
  return reports[0];
}

const summary = (warnings: readonly DiffWarning[]) => warnings.map((w) => [w.severity, w.title]);

describe('parsing recorded cdk diff output', () => {
  test('a resource line gives type, construct path, logical id and impact; property lines their replacement marks and values', () => {
    const [stack] = parseCdkDiff(fixture('task-replaced.txt')).stacks;
    const task = stack.resources.find((r) => r.resourceType === 'AWS::DMS::ReplicationTask')!;
    expect(task).toMatchObject({ kind: 'update', path: 'Task-adventureworks', logicalId: 'TaskadventureworksA9ED84BE', impact: 'replace' });
    expect(task.properties.map((p) => [p.name, p.impact])).toEqual([
      ['ReplicationTaskSettings', 'none'],
      ['ResourceIdentifier', 'replace'],
    ]);
    expect(task.properties[1]).toMatchObject({ oldValue: 'dev-adventureworks', newValue: 'dev-adventureworks-2' });
  });

  test('a construct path with spaces stays whole; the logical id is the last word', () => {
    const [stack] = parseCdkDiff(fixture('instance-replaced.txt')).stacks;
    const ingress = stack.resources.filter((r) => r.resourceType === 'AWS::EC2::SecurityGroupIngress');
    expect(ingress[0].path).toBe('SourceSecurityGroup/from DmsMigrationdevReplicationInstanceSecurityGroupA0A4606F:1433');
    expect(ingress[0].logicalId).toMatch(/^SourceSecurityGroupfromDmsMigrationdev/);
    expect(ingress[0].impact).toBe('replace');
  });

  test('removed resources carry orphan (retained) or destroy', () => {
    const [stack] = parseCdkDiff(fixture('task-removed.txt')).stacks;
    const impacts = Object.fromEntries(stack.resources.filter((r) => r.kind === 'remove').map((r) => [r.path, r.impact]));
    expect(impacts['Task-sales']).toBe('orphan');
    expect(impacts['RunbookTrigger/Run-sales']).toBe('destroy');
    expect(stack.otherSections).toEqual(['IAM Statement Changes', 'Outputs']);
  });

  test('the whole table mapping is read from its one-line values', () => {
    const [stack] = parseCdkDiff(fixture('mapping-change.txt')).stacks;
    const mapping = stack.resources[0].properties[0];
    expect(mapping.name).toBe('TableMappings');
    expect((JSON.parse(mapping.oldValue!) as { rules: unknown[] }).rules).toHaveLength(18);
    expect((JSON.parse(mapping.newValue!) as { rules: unknown[] }).rules).toHaveLength(19);
  });

  test('colours (FORCE_COLOR=1 on GitHub Actions) change nothing', () => {
    expect(fixture('settings-change.ansi.txt')).toContain('\x1b[');
    expect(classifyDiff(fixture('settings-change.ansi.txt'))).toEqual(classifyDiff(fixture('settings-change.txt')));
  });
});

describe('what a reviewer is told', () => {
  test('a mapping change: the rules that change, that DMS needs the task stopped, and that merging restarts its runbook', () => {
    const report = reportOf('mapping-change.txt');
    expect(report.changed).toBe(true);
    expect(summary(report.warnings)).toEqual([
      ['warning', 'Task `adventureworks`: the table mapping changes'],
      ['warning', 'Merging restarts the runbook of task `adventureworks`'],
    ]);
    expect(report.warnings[0].detail).toContain('Table mapping: rules added: `exclude-transaction-history-archive` (selection exclude).');
    expect(report.warnings[0].detail).toContain('"Tasks that have run must have a status of Stopped or Failed to be modified"');
    expect(report.warnings[1].detail).toContain('RunKey changes');
  });

  test('a settings change: each changed setting with its old and new value', () => {
    const report = reportOf('settings-change.txt');
    expect(summary(report.warnings)).toEqual([
      ['warning', 'Task `adventureworks`: the task settings change'],
      ['warning', 'Merging restarts the runbook of task `adventureworks`'],
    ]);
    expect(report.warnings[0].detail).toMatch(/^Settings: `FullLoadSettings.MaxFullLoadSubTasks` 8 → 12, `ValidationSettings.ThreadCount` 5 → 8\. /);
  });

  test('a replaced task: caution, with the property that forces it and what a new task means', () => {
    const report = reportOf('task-replaced.txt');
    expect(summary(report.warnings)).toEqual([
      ['caution', 'Task `adventureworks` is replaced (forced by ResourceIdentifier)'],
      ['warning', 'Merging restarts the runbook of task `adventureworks`'],
    ]);
    expect(report.warnings[0].detail).toContain('starts with a full load (start-replication)');
    expect(report.warnings[0].detail).toContain('goes on replicating into the same target');
  });

  test('a replaced instance takes its tasks, subnet group and event subscription with it; non-DMS resources are not flagged', () => {
    const report = reportOf('instance-replaced.txt');
    expect(summary(report.warnings)).toEqual([
      ['caution', 'The replication instance is replaced (forced by ResourceIdentifier)'],
      ['caution', 'Task `adventureworks` is replaced (forced by ReplicationInstanceArn)'],
      ['warning', 'AWS::DMS::ReplicationSubnetGroup `SubnetGroup` is replaced (forced by ReplicationSubnetGroupIdentifier)'],
      ['warning', 'AWS::DMS::EventSubscription `Monitoring/Events/InstanceEvents` is replaced (forced by SourceIds)'],
    ]);
  });

  test('an instance modification that can reboot it: the tasks on it stop', () => {
    const report = reportOf('instance-modified.txt');
    expect(summary(report.warnings)).toEqual([
      ['warning', 'The replication instance is modified: EngineVersion 3.5.4 → 3.5.5; ReplicationInstanceClass dms.t3.medium → dms.r6i.large'],
    ]);
    expect(report.warnings[0].detail).toContain('"no data loss occurs but the task stops');
  });

  test('a removed task is retained, not deleted: it keeps running outside the stack', () => {
    const report = reportOf('task-removed.txt');
    expect(summary(report.warnings)).toEqual([
      ['warning', 'Task `sales` leaves the stack (retained)'],
      ['warning', 'AWS::DMS::EventSubscription `Monitoring/Events/TaskEvents` is replaced (forced by SourceIds)'],
      ['note', 'The runbook trigger of task `sales` is removed'],
    ]);
  });

  test('a deleted task and a deleted endpoint: caution', () => {
    const text = fixture('task-removed.txt')
      .replace('Tasksales7E0A647D orphan', 'Tasksales7E0A647D destroy')
      .replace('[-] AWS::DMS::ReplicationTask Task-sales', '[-] AWS::DMS::Endpoint SourceEndpoint SourceEndpointA0C23F71 destroy\n[-] AWS::DMS::ReplicationTask Task-sales');
    const [report] = classifyDiff(text);
    expect(summary(report.warnings).filter(([severity]) => severity === 'caution')).toEqual([
      ['caution', 'Endpoint `SourceEndpoint` is deleted'],
      ['caution', 'Task `sales` is deleted'],
    ]);
  });

  test('a replaced endpoint: its tasks are replaced too', () => {
    const text = [
      'Stack DmsMigration-dev',
      'Resources',
      '[~] AWS::DMS::Endpoint TargetEndpoint TargetEndpoint2BFCD34D replace',
      ' └─ [~] KmsKeyId (requires replacement)',
      '     ├─ [-] arn:aws:kms:eu-west-1:111111111111:key/0f1e2d3c-4b5a-4000-8000-000000000001',
      '     └─ [+] arn:aws:kms:eu-west-1:111111111111:key/0f1e2d3c-4b5a-4000-8000-000000000002',
      '',
    ].join('\n');
    const [report] = classifyDiff(text);
    expect(summary(report.warnings)).toEqual([['caution', 'Endpoint `TargetEndpoint` is replaced (forced by KmsKeyId)']]);
    expect(report.warnings[0].detail).toContain('Every task that uses it is replaced too');
  });

  test('another task modification (no new run): stop it, and start a run afterwards to resume it', () => {
    const text = [
      'Stack DmsMigration-dev',
      'Resources',
      '[~] AWS::DMS::ReplicationTask Task-adventureworks TaskadventureworksA9ED84BE',
      ' └─ [~] ReplicationTaskIdentifier',
      '     ├─ [-] dev-adventureworks',
      '     └─ [+] dev-adventureworks-v2',
      '',
    ].join('\n');
    const [report] = classifyDiff(text);
    expect(summary(report.warnings)).toEqual([['warning', 'Task `adventureworks` is modified (ReplicationTaskIdentifier)']]);
    expect(report.warnings[0].detail).toMatch(/stop it before this deploys; .*`npm run --silent cli -- run start --env <environment> --task adventureworks`/);
  });

  test('no differences: nothing changed, nothing to say', () => {
    const report = reportOf('no-differences.txt');
    expect(report).toEqual({ stackName: 'DmsMigration-dev', changed: false, resources: [], warnings: [] });
  });

  test('a stack that is not deployed yet: one note, not a warning per resource', () => {
    const report = reportOf('new-stack.txt');
    expect(report.changed).toBe(true);
    expect(report.resources.length).toBeGreaterThan(40);
    expect(summary(report.warnings)).toEqual([['note', 'DmsMigration-dev is not deployed yet']]);
  });

  test('a CLI that could not assume the lookup role: the diff may be against nothing', () => {
    const text = `Lookup role arn:aws:iam::111111111111:role/cdk-hnb659fds-lookup-role-111111111111-eu-west-1 was not assumed. Proceeding with default credentials.\n${fixture('no-differences.txt')}`;
    const [report] = classifyDiff(text);
    expect(summary(report.warnings)).toEqual([['caution', 'The diff may not compare against the deployed stack']]);
    expect(report.warnings[0].detail).toContain('was not assumed');
  });
});

describe('mapping and settings details', () => {
  const rules = (...items: object[]) => JSON.stringify({ rules: items });
  const rule = (id: string, name: string, action = 'include', extra: object = {}) => ({
    'rule-type': 'selection',
    'rule-id': id,
    'rule-name': name,
    'object-locator': { 'schema-name': 'Sales', 'table-name': '%' },
    'rule-action': action,
    ...extra,
  });

  test('rules removed and changed, by name', () => {
    const text = describeMappingChange({
      name: 'TableMappings',
      kind: 'update',
      impact: 'none',
      oldValue: rules(rule('1', 'include-sales'), rule('2', 'include-person')),
      newValue: rules(rule('1', 'include-sales', 'include', { 'load-order': '2' })),
    });
    expect(text).toBe('Table mapping: rules removed: `include-person` (selection include); rules changed: `include-sales` (selection include).');
  });

  test('the same rules in another order', () => {
    const a = rule('1', 'a');
    const b = rule('2', 'b');
    expect(describeMappingChange({ name: 'TableMappings', kind: 'update', impact: 'none', oldValue: rules(a, b), newValue: rules(b, a) })).toBe(
      'Table mapping: the same rules in another order.',
    );
  });

  test('a mapping that is not one-line JSON in the diff', () => {
    expect(describeMappingChange({ name: 'TableMappings', kind: 'update', impact: 'none' })).toBe('The table-mapping document changes.');
  });

  test('settings added and removed', () => {
    const text = describeSettingsChange({
      name: 'ReplicationTaskSettings',
      kind: 'update',
      impact: 'none',
      oldValue: JSON.stringify({ Logging: { EnableLogging: true }, ErrorBehavior: { TableErrorPolicy: 'SUSPEND_TABLE' } }),
      newValue: JSON.stringify({ Logging: { EnableLogging: true, LogComponents: [] }, TargetMetadata: { BatchApplyEnabled: true } }),
    });
    expect(text).toBe('Settings: `Logging.LogComponents` set to [], `TargetMetadata.BatchApplyEnabled` set to true, `ErrorBehavior.TableErrorPolicy` removed.');
  });
});

describe('the comment and the annotations', () => {
  test('warnings as GitHub alerts, a resource table and the diff in a fence; long lines shortened', () => {
    const text = fixture('mapping-change.txt');
    const comment = renderDiffComment({ environment: 'dev', report: reportOf('mapping-change.txt'), diffText: text, runUrl: 'https://github.com/o/r/actions/runs/1' });
    expect(comment).toMatch(/^### cdk diff: `dev` \(DmsMigration-dev\)\n\n5 resource change\(s\): \*\*0 caution, 2 warning\(s\)\*\* for the migration\./);
    expect(comment).toContain('> [!WARNING]\n> **Task `adventureworks`: the table mapping changes.** Table mapping: rules added:');
    expect(comment).toContain('| update | Custom::PostLoadRestoration | RunbookTrigger/Run-adventureworks |  |');
    expect(comment).toContain('````text\nStack DmsMigration-dev\n');
    expect(comment).toContain('more characters)');
    expect(comment).toContain('Shortened (the whole diff is in the [job log](https://github.com/o/r/actions/runs/1)).');
  });

  test('no differences: one line', () => {
    expect(renderDiffComment({ environment: 'dev', report: reportOf('no-differences.txt'), diffText: fixture('no-differences.txt') })).toBe(
      '### cdk diff: `dev` (DmsMigration-dev)\n\nNo changes against the deployed DmsMigration-dev.\n',
    );
  });

  test('a whole new stack stays under GitHub\'s comment limit', () => {
    const comment = renderDiffComment({ environment: 'dev', report: reportOf('new-stack.txt'), diffText: fixture('new-stack.txt') });
    expect(comment.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(comment).toContain('Number of stacks with differences: 1\n````');
    // Twice the diff no longer fits: it is cut at a line, and says so.
    const doubled = renderDiffComment({ environment: 'dev', report: reportOf('new-stack.txt'), diffText: fixture('new-stack.txt').repeat(2) });
    expect(doubled.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(doubled).toMatch(/… \d+ more lines\n````/);
  });

  test('truncation keeps whole lines within the budget, and no fence can close the block early', () => {
    const out = truncateDiff(['a'.repeat(10), 'b'.repeat(10), '````', 'c'.repeat(10)].join('\n'), 25);
    expect(out).toEqual({ text: `${'a'.repeat(10)}\n${'b'.repeat(10)}\n… 2 more lines`, truncated: true });
    expect(truncateDiff('````\nx', 100).text).toBe('` ` ` `\nx');
  });

  test('annotations: errors for cautions, warnings for warnings, escaped; notes left out', () => {
    const annotations = renderAnnotations('dev', reportOf('task-removed.txt')).split('\n');
    expect(annotations).toHaveLength(2);
    expect(annotations[0]).toMatch(/^::warning title=dev%3A Task `sales` leaves the stack \(retained\)::CloudFormation neither stops/);
    expect(renderAnnotations('prod', reportOf('task-replaced.txt'))).toMatch(/^::error title=prod%3A Task `adventureworks` is replaced \(forced by ResourceIdentifier\)::/);
  });
});
