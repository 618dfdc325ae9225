import {
  DatabaseMigrationServiceClient,
  DescribeApplicableIndividualAssessmentsCommand,
  DescribeReplicationTaskAssessmentRunsCommand,
  DescribeReplicationTaskIndividualAssessmentsCommand,
  StartReplicationTaskAssessmentRunCommand,
} from '@aws-sdk/client-database-migration-service';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ASSESSMENT_RUN_STATUSES,
  assessmentRunName,
  blockingFindings,
  judgeAssessment,
  readAssessment,
  runVerdict,
  startAssessment,
} from '../../lib/orchestration/assessment';
import { decideStart } from '../../lib/orchestration/task-control';

const TASK_ARN = 'arn:aws:dms:eu-west-1:111111111111:task:dev-adventureworks';
const RUN_ARN = 'arn:aws:dms:eu-west-1:111111111111:assessment-run:R1';
const dmsMock = mockClient(DatabaseMigrationServiceClient);
const dms = () => new DatabaseMigrationServiceClient({ region: 'eu-west-1' });
const params = { taskArn: TASK_ARN, runName: 'dev-adventureworks-cfn-1', roleArn: 'arn:aws:iam::111111111111:role/r', bucket: 'b', folder: 'assessments/dev-adventureworks', exclude: [] as string[] };

beforeEach(() => dmsMock.reset());

describe('what an assessment run status means', () => {
  test('every status of the API Reference has a verdict; only passed passes, warning is a warning, an unknown one fails', () => {
    expect(Object.keys(ASSESSMENT_RUN_STATUSES).sort()).toEqual(
      ['cancelling', 'deleting', 'error-executing', 'error-provisioning', 'failed', 'invalid state', 'passed', 'provisioning', 'running', 'starting', 'warning'].sort(),
    );
    expect(['starting', 'provisioning', 'running', 'passed', 'warning', 'failed', 'error-executing', 'cancelling', 'something-new'].map(runVerdict)).toEqual([
      'pending',
      'pending',
      'pending',
      'passed',
      'warning',
      'failed',
      'failed',
      'failed',
      'failed',
    ]);
  });

  test('failures always block; warnings (and skipped assessments) block unless accepted', () => {
    const outcome = judgeAssessment({ Status: 'failed', ResultLocationBucket: 'b', ResultLocationFolder: 'f' }, [
      { IndividualAssessmentName: 'b-check', Status: 'warning' },
      { IndividualAssessmentName: 'a-check', Status: 'failed' },
      { IndividualAssessmentName: 'c-check', Status: 'passed' },
      { IndividualAssessmentName: 'd-check', Status: 'skipped' },
      { IndividualAssessmentName: 'e-check', Status: 'error' },
    ]);
    expect(outcome.resultLocation).toBe('s3://b/f/');
    expect(blockingFindings(outcome, false).map((f) => f.name)).toEqual(['a-check', 'b-check', 'd-check', 'e-check']);
    expect(blockingFindings(outcome, true).map((f) => f.name)).toEqual(['a-check', 'e-check']);
  });
});

describe('starting a run', () => {
  test('sends only the exclusions DMS applies to the task, names the others, and asks for SSE_S3', async () => {
    dmsMock.on(DescribeReplicationTaskAssessmentRunsCommand).resolves({ ReplicationTaskAssessmentRuns: [] });
    dmsMock
      .on(DescribeApplicableIndividualAssessmentsCommand)
      .resolvesOnce({ IndividualAssessmentNames: ['unsupported-data-types-in-source'], Marker: 'p2' })
      .resolves({ IndividualAssessmentNames: ['table-with-no-primary-key-or-unique-constraint'] });
    dmsMock.on(StartReplicationTaskAssessmentRunCommand).resolves({ ReplicationTaskAssessmentRun: { ReplicationTaskAssessmentRunArn: RUN_ARN } });
    const started = await startAssessment(dms(), { ...params, exclude: ['table-with-no-primary-key-or-unique-constraint', 'made-up-check'] });
    expect(started).toEqual({
      runArn: RUN_ARN,
      warnings: ['assessment.exclude: "made-up-check" is not an individual assessment DMS applies to this task (DescribeApplicableIndividualAssessments): left out of the request'],
    });
    expect(dmsMock.commandCalls(StartReplicationTaskAssessmentRunCommand)[0].args[0].input).toEqual({
      ReplicationTaskArn: TASK_ARN,
      ServiceAccessRoleArn: params.roleArn,
      ResultLocationBucket: 'b',
      ResultLocationFolder: 'assessments/dev-adventureworks',
      ResultEncryptionMode: 'SSE_S3',
      AssessmentRunName: 'dev-adventureworks-cfn-1',
      Exclude: ['table-with-no-primary-key-or-unique-constraint'],
    });
  });

  test('a retried call finds the run it started (by name) instead of starting a second', async () => {
    dmsMock.on(DescribeReplicationTaskAssessmentRunsCommand).resolves({
      ReplicationTaskAssessmentRuns: [{ AssessmentRunName: 'dev-adventureworks-cfn-1', ReplicationTaskAssessmentRunArn: RUN_ARN }],
    });
    expect(await startAssessment(dms(), params)).toEqual({ runArn: RUN_ARN, warnings: [] });
    expect(dmsMock.commandCalls(StartReplicationTaskAssessmentRunCommand)).toHaveLength(0);
  });

  test('an IncludeOnly list none of which applies is an error naming what DMS applies', async () => {
    dmsMock.on(DescribeReplicationTaskAssessmentRunsCommand).resolves({ ReplicationTaskAssessmentRuns: [] });
    dmsMock.on(DescribeApplicableIndividualAssessmentsCommand).resolves({ IndividualAssessmentNames: ['unsupported-data-types-in-source'] });
    await expect(startAssessment(dms(), { ...params, includeOnly: ['made-up-check'] })).rejects.toThrow(
      'assessment.includeOnly: none of made-up-check applies to this task; DMS applies: unsupported-data-types-in-source',
    );
  });

  test('reads every page of individual assessments', async () => {
    dmsMock.on(DescribeReplicationTaskAssessmentRunsCommand).resolves({ ReplicationTaskAssessmentRuns: [{ ReplicationTaskAssessmentRunArn: RUN_ARN, Status: 'passed', AssessmentRunName: 'n' }] });
    dmsMock
      .on(DescribeReplicationTaskIndividualAssessmentsCommand)
      .resolvesOnce({ ReplicationTaskIndividualAssessments: [{ IndividualAssessmentName: 'a', Status: 'passed' }], Marker: 'm' })
      .resolves({ ReplicationTaskIndividualAssessments: [{ IndividualAssessmentName: 'b', Status: 'passed' }] });
    const outcome = await readAssessment(dms(), RUN_ARN);
    expect(outcome.findings.map((f) => f.name)).toEqual(['a', 'b']);
    expect(outcome.verdict).toBe('passed');
  });

  test('run names are lowercase letters, digits and hyphens', () => {
    expect(assessmentRunName('dev-adventureworks', 'manual-20261126_ab')).toBe('dev-adventureworks-manual-20261126-ab');
  });
});

describe('a run started by a deploy that found the task not running', () => {
  const ran = { ReplicationTaskStats: { StartDate: '2026-11-20T08:00:00Z' } };
  const options = { foundNotRunningByDeploy: true };
  test('a task that never ran is started for the first time (the run\'s own job)', () => {
    expect(decideStart({ Status: 'ready' }, undefined, options)).toEqual({ action: 'start', startType: 'start-replication' });
  });
  test('a task at the post-load point is restored as usual (CDC resumes after restoration)', () => {
    expect(decideStart({ Status: 'stopped', StopReason: 'Stop Reason STOPPED_AFTER_CACHED_EVENTS', ...ran }, undefined, options).action).toBe('none');
  });
  test.each([
    ['stopped by an operator', { Status: 'stopped', StopReason: 'Stop Reason NORMAL', ...ran }],
    ['failed', { Status: 'failed', ...ran }],
  ])('a task %s is left as it is', (_, task) => {
    expect(decideStart(task, undefined, options).action).toBe('leave');
    expect(decideStart(task).action).toBe('start');
  });
});
