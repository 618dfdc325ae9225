import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Annotations as CdkAnnotations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { buildTestApp, exampleEnvironment, stackOf } from '../support/app';

/**
 * At synth a mapping's warnings become CDK warnings on its replication task (so `cdk synth
 * --strict` fails on them, and each can be acknowledged by its stable id); its errors fail synth.
 */

const FIXTURES = path.join(__dirname, 'fixtures');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mappings-synth-'));
  fs.mkdirSync(path.join(dir, 'mappings'));
  fs.copyFileSync(path.join(FIXTURES, 'real-world/duplicate-rule-names.json'), path.join(dir, 'mappings/billing.json'));
  fs.copyFileSync(path.join(FIXTURES, 'invalid/broken-rules.json'), path.join(dir, 'mappings/broken.json'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function devWith(mappingFile: string) {
  return {
    dev: exampleEnvironment('dev', {
      tasks: [{ name: 'billing', migrationType: 'full-load-and-cdc', mappingFile }],
      restoration: { enabled: false },
    }),
  };
}

describe('table-mapping findings at synth', () => {
  it('adds each warning to the task as an acknowledgeable CDK warning with a stable id', () => {
    const app = buildTestApp(devWith('mappings/billing.json'), dir);
    const annotations = Annotations.fromStack(stackOf(app, 'dev'));
    const warnings = annotations.findWarning('/DmsMigration-dev/Task-billing', Match.stringLikeRegexp('mappings/billing\\.json'));
    expect(warnings.map((w) => w.entry.data)).toEqual([
      'mappings/billing.json: rule 2 "include-table": warning: rule-name "include-table" is also used by rule 1 "include-table": the guide asks for a unique name (DMS does not enforce it) (line 14 column 7) [ack: @dms-migration/table-mappings:duplicate-rule-name]',
      'mappings/billing.json: rule 3 "include-table": warning: rule-name "include-table" is also used by rule 1 "include-table": the guide asks for a unique name (DMS does not enforce it) (line 22 column 7) [ack: @dms-migration/table-mappings:duplicate-rule-name]',
      'mappings/billing.json: rule 5 "lowercase": warning: rule-name "lowercase" is also used by rule 4 "lowercase": the guide asks for a unique name (DMS does not enforce it) (line 40 column 7) [ack: @dms-migration/table-mappings:duplicate-rule-name]',
    ]);
    // The mapping still reaches the task, unchanged in meaning.
    const [task] = Object.values(Template.fromStack(stackOf(app, 'dev')).findResources('AWS::DMS::ReplicationTask'));
    expect(JSON.parse(task.Properties.TableMappings)).toEqual(JSON.parse(fs.readFileSync(path.join(dir, 'mappings/billing.json'), 'utf8')));
  });

  it('lets a known warning be acknowledged by its id', () => {
    const app = buildTestApp(devWith('mappings/billing.json'), dir);
    const task = stackOf(app, 'dev').node.findChild('Task-billing');
    CdkAnnotations.of(task).acknowledgeWarning('@dms-migration/table-mappings:duplicate-rule-name', 'rule-names are informational here');
    expect(Annotations.fromStack(stackOf(app, 'dev')).findWarning('/DmsMigration-dev/Task-billing', Match.anyValue())).toEqual([]);
  });

  it('fails synth on an error, listing every finding of the file', () => {
    let message = '';
    try {
      buildTestApp(devWith('mappings/broken.json'), dir).synth();
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message.split('\n')[0]).toBe(
      'mappings/broken.json: rule 2 "include-person": "rule-action" "Include" is not valid for a selection rule: expected include, exclude or explicit (values are case-sensitive: did you mean "include"?) (line 22 column 7)',
    );
    expect(message.split('\n')).toHaveLength(7);
  });
});
