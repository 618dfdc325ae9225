import { taskDrift } from '../../lib/operator/drift';

/** The comparison itself, on small documents (the status tests run it on the dev environment's). */

const deployed = {
  settings: { FullLoadSettings: { CommitRate: 10000 }, BeforeImageSettings: null },
  tableMappings: JSON.stringify({ rules: [{ 'rule-type': 'selection', 'rule-id': '1', 'rule-name': 'a', 'object-locator': { 'schema-name': 'dbo', 'table-name': '%' }, 'rule-action': 'include', filters: [] }] }),
};
const live = (settings: unknown, mappings: unknown) => ({ ReplicationTaskSettings: JSON.stringify(settings), TableMappings: JSON.stringify(mappings) });

test('empty filters DMS leaves out, nulls it adds, and a deployed null it drops are not drift', () => {
  const drift = taskDrift(
    live({ FullLoadSettings: { CommitRate: 10000, MaxFullLoadSubTasks: 8 } }, { rules: [{ 'rule-type': 'selection', 'rule-id': '1', 'rule-name': 'a', 'object-locator': { 'schema-name': 'dbo', 'table-name': '%' }, 'rule-action': 'include', 'load-order': null }] }),
    deployed,
  );
  expect(drift).toEqual({ checked: true, reason: null, settings: [], tableMappings: [] });
});

test('a changed locator and a key DMS has that is not deployed are drift, with paths', () => {
  const drift = taskDrift(
    live({ FullLoadSettings: { CommitRate: 10000 } }, { rules: [{ 'rule-type': 'selection', 'rule-id': '1', 'rule-name': 'a', 'object-locator': { 'schema-name': 'sales', 'table-name': '%' }, 'rule-action': 'include', 'load-order': 3 }] }),
    deployed,
  );
  expect(drift.tableMappings).toEqual([
    { path: 'rules[rule-id=1].object-locator.schema-name', kind: 'changed', deployed: 'dbo', live: 'sales' },
    { path: 'rules[rule-id=1].load-order', kind: 'added', deployed: null, live: 3 },
  ]);
});

test('no comparison when the deployed settings cannot be built or DMS returns something that is not JSON', () => {
  expect(taskDrift(live({}, {}), new Error('cdk.json: environment "dev": tasks[0].settings.FullLoadSettings.CommitRate: must be an integer from 0 to 50000 (got 99999)\nsecond line')).reason).toBe(
    'the deployed settings cannot be built from the config: cdk.json: environment "dev": tasks[0].settings.FullLoadSettings.CommitRate: must be an integer from 0 to 50000 (got 99999)',
  );
  expect(taskDrift({ ReplicationTaskSettings: '{', TableMappings: '{}' }, deployed)).toMatchObject({ checked: false, reason: expect.stringMatching(/^DMS returned a document that is not JSON/) });
});
