import {
  DatabaseMigrationServiceClient,
  DescribeApplicableIndividualAssessmentsCommand,
  DescribeReplicationTaskAssessmentRunsCommand,
  DescribeReplicationTaskIndividualAssessmentsCommand,
  DescribeReplicationTasksCommand,
  StartReplicationTaskAssessmentRunCommand,
} from '@aws-sdk/client-database-migration-service';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { SFNClient, StartExecutionCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../lib/cli/main';
import { awsError, fakeIo } from './fixtures/status/aws';

/** `assess start|status` through the CLI entry point, with DMS mocked; and `run start --accept-assessment-warnings`. */

const TASK_ARN = 'arn:aws:dms:eu-west-1:111111111111:task:dev-adventureworks';
const RUN_ARN = 'arn:aws:dms:eu-west-1:111111111111:assessment-run:R1';
const sts = mockClient(STSClient);
const dms = mockClient(DatabaseMigrationServiceClient);
const sfn = mockClient(SFNClient);

beforeEach(() => {
  sts.reset();
  dms.reset();
  sfn.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: '111111111111', Arn: 'arn:aws:iam::111111111111:user/operator' });
  dms.on(DescribeReplicationTasksCommand).resolves({ ReplicationTasks: [{ ReplicationTaskIdentifier: 'dev-adventureworks', ReplicationTaskArn: TASK_ARN, Status: 'ready' }] });
});

async function cli(...args: string[]) {
  const io = fakeIo({ env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
  const code = await main(args, io.io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

function latestRun(status: string, individuals: Array<[string, string]>) {
  dms.on(DescribeReplicationTaskAssessmentRunsCommand).resolves({
    ReplicationTaskAssessmentRuns: [
      {
        ReplicationTaskAssessmentRunArn: RUN_ARN,
        ReplicationTaskArn: TASK_ARN,
        AssessmentRunName: 'dev-adventureworks-manual-20261126100000',
        Status: status,
        ResultLocationBucket: 'dms-assess-111111111111-eu-west-1-dev',
        ResultLocationFolder: 'assessments/dev-adventureworks',
        ReplicationTaskAssessmentRunCreationDate: new Date('2026-11-26T10:00:00Z'),
      },
    ],
  });
  dms.on(DescribeReplicationTaskIndividualAssessmentsCommand).resolves({
    ReplicationTaskIndividualAssessments: individuals.map(([IndividualAssessmentName, Status]) => ({ IndividualAssessmentName, Status })),
  });
}

test('assess start: the environment\'s bucket, role and task folder, with SSE_S3', async () => {
  dms.on(DescribeReplicationTaskAssessmentRunsCommand).resolves({ ReplicationTaskAssessmentRuns: [] });
  dms.on(DescribeApplicableIndividualAssessmentsCommand).resolves({ IndividualAssessmentNames: ['unsupported-data-types-in-source'] });
  dms.on(StartReplicationTaskAssessmentRunCommand).resolves({ ReplicationTaskAssessmentRun: { ReplicationTaskAssessmentRunArn: RUN_ARN } });
  const { code, stdout, stderr } = await cli('assess', 'start', '--env', 'dev');
  expect(stderr).toBe('');
  expect(code).toBe(0);
  const input = dms.commandCalls(StartReplicationTaskAssessmentRunCommand)[0].args[0].input;
  expect(input).toMatchObject({
    ReplicationTaskArn: TASK_ARN,
    ServiceAccessRoleArn: 'arn:aws:iam::111111111111:role/dms-assessment-dev-eu-west-1',
    ResultLocationBucket: 'dms-assess-111111111111-eu-west-1-dev',
    ResultLocationFolder: 'assessments/dev-adventureworks',
    ResultEncryptionMode: 'SSE_S3',
  });
  expect(input.AssessmentRunName).toMatch(/^dev-adventureworks-manual-\d{14}$/);
  expect(stdout).toBe(
    `adventureworks: started assessment run ${input.AssessmentRunName} (${RUN_ARN})\n  results in s3://dms-assess-111111111111-eu-west-1-dev/assessments/dev-adventureworks/; follow it with \`assess status\`\n`,
  );
});

test('assess status: every individual assessment, failures first in the exit code', async () => {
  latestRun('failed', [
    ['aaa-unsupported-data-types-in-source', 'passed'],
    ['mysql-check-target-privileges', 'failed'],
    ['table-with-no-primary-key-or-unique-constraint', 'warning'],
  ]);
  const { code, stdout } = await cli('assess', 'status', '--env', 'dev');
  expect(code).toBe(1);
  expect(stdout).toBe(
    [
      'adventureworks: assessment dev-adventureworks-manual-20261126100000: failed (at least one individual assessment completed with a failed status), started 2026-11-26 10:00:00Z',
      '  results  s3://dms-assess-111111111111-eu-west-1-dev/assessments/dev-adventureworks/',
      '  FAILED   mysql-check-target-privileges                   failed',
      '  WARNING  table-with-no-primary-key-or-unique-constraint  warning',
      '  ok       aaa-unsupported-data-types-in-source            passed',
      '',
    ].join('\n'),
  );
});

test('assess status --json, a passed run: exit 0', async () => {
  latestRun('passed', [['unsupported-data-types-in-source', 'passed']]);
  const { code, stdout } = await cli('assess', 'status', '--env', 'dev', '--json');
  expect(code).toBe(0);
  const doc = JSON.parse(stdout) as { tasks: Array<{ task: string; passed: boolean; run: { status: string; findings: unknown[] } }> };
  expect(doc.tasks).toEqual([
    expect.objectContaining({ task: 'adventureworks', passed: true, run: expect.objectContaining({ status: 'passed', verdict: 'passed', runArn: RUN_ARN }) }),
  ]);
});

test('assess status with no run yet says how to start one (exit 1); DMS access denied is an error naming the action (exit 2)', async () => {
  dms.on(DescribeReplicationTaskAssessmentRunsCommand).resolves({ ReplicationTaskAssessmentRuns: [] });
  expect(await cli('assess', 'status', '--env', 'dev')).toEqual({ code: 1, stdout: 'adventureworks: no assessment run yet (start one with `assess start`)\n', stderr: '' });
  dms.on(DescribeReplicationTaskAssessmentRunsCommand).rejects(awsError('AccessDeniedFault', 'User is not authorized'));
  const denied = await cli('assess', 'status', '--env', 'dev');
  expect(denied.code).toBe(2);
  expect(denied.stderr).toMatch(/^error: access denied: dms:DescribeReplicationTaskAssessmentRuns on arn:aws:dms:eu-west-1:111111111111:task:dev-adventureworks/);
});

test('assess with a wrong subcommand or option names it', async () => {
  expect((await cli('assess', 'go', '--env', 'dev')).stderr).toBe('error: assess: unknown subcommand "go" (start or status)\n');
  expect((await cli('assess', 'status', '--env', 'dev', '--task', 'nope')).stderr).toBe('error: unknown task "nope" in environment "dev" (known: adventureworks)\n');
});

test('run start --accept-assessment-warnings passes the acceptance to the run', async () => {
  sfn.on(ListExecutionsCommand).resolves({ executions: [] });
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:aws:states:eu-west-1:111111111111:execution:dms-runbook-dev-adventureworks:m' });
  const { code } = await cli('run', 'start', '--env', 'dev', '--accept-assessment-warnings');
  expect(code).toBe(0);
  expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0].args[0].input.input!)).toMatchObject({ trigger: 'operator-start', acceptAssessmentWarnings: true });
  expect((await cli('run', 'status', '--env', 'dev', '--accept-assessment-warnings')).stderr).toBe(
    'error: --accept-assessment-warnings goes with `run start` and `run retry` only\n',
  );
});
