import {
  DatabaseMigrationServiceClient,
  DescribeApplicableIndividualAssessmentsCommand,
  DescribeReplicationTaskAssessmentRunsCommand,
  DescribeReplicationTaskIndividualAssessmentsCommand,
  ReplicationTaskAssessmentRun,
  ReplicationTaskIndividualAssessment,
  StartReplicationTaskAssessmentRunCommand,
} from '@aws-sdk/client-database-migration-service';

/*
 * Premigration assessment runs (DMS User Guide, "Specifying, starting, and viewing premigration
 * assessment runs"; API Reference: StartReplicationTaskAssessmentRun,
 * DescribeReplicationTaskAssessmentRuns, DescribeReplicationTaskIndividualAssessments,
 * DescribeApplicableIndividualAssessments). One module for the runbook's step (control Lambda)
 * and `assess start|status`: what to start, and what a run's statuses mean.
 */

export type AssessmentVerdict = 'pending' | 'passed' | 'warning' | 'failed';

/**
 * ReplicationTaskAssessmentRun.Status, every value the API Reference lists, with its text.
 * Cancelled, deleted and errored runs checked nothing: they count as failed.
 */
export const ASSESSMENT_RUN_STATUSES: Readonly<Record<string, { readonly verdict: AssessmentVerdict; readonly meaning: string }>> = {
  cancelling: { verdict: 'failed', meaning: 'the assessment run was canceled (CancelReplicationTaskAssessmentRun)' },
  deleting: { verdict: 'failed', meaning: 'the assessment run was deleted (DeleteReplicationTaskAssessmentRun)' },
  failed: { verdict: 'failed', meaning: 'at least one individual assessment completed with a failed status' },
  'error-provisioning': { verdict: 'failed', meaning: 'an internal error occurred while resources were provisioned' },
  'error-executing': { verdict: 'failed', meaning: 'an internal error occurred while individual assessments ran' },
  'invalid state': { verdict: 'failed', meaning: 'the assessment run is in an unknown state' },
  passed: { verdict: 'passed', meaning: 'all individual assessments have completed, and none has a failed status' },
  provisioning: { verdict: 'pending', meaning: 'resources required to run individual assessments are being provisioned' },
  running: { verdict: 'pending', meaning: 'individual assessments are being run' },
  starting: { verdict: 'pending', meaning: 'the assessment run is starting' },
  warning: {
    verdict: 'warning',
    meaning: 'at least one individual assessment completed with a warning status or all individual assessments were skipped',
  },
};

/**
 * ReplicationTaskIndividualAssessment.Status. The API Reference lists cancelled, error, failed,
 * passed, pending, skipped and running; the user guide lists warning and "invalid state" as well
 * (and no skipped), and the run status "warning" counts individual warnings: all are read.
 */
export const INDIVIDUAL_ASSESSMENT_STATUSES: Readonly<Record<string, AssessmentVerdict>> = {
  cancelled: 'failed',
  error: 'failed',
  failed: 'failed',
  'invalid state': 'failed',
  passed: 'passed',
  pending: 'pending',
  running: 'pending',
  skipped: 'warning',
  warning: 'warning',
};

/** A status not in the lists is not a pass. */
export function runVerdict(status: string | undefined): AssessmentVerdict {
  return ASSESSMENT_RUN_STATUSES[status ?? '']?.verdict ?? 'failed';
}

export function individualVerdict(status: string | undefined): AssessmentVerdict {
  return INDIVIDUAL_ASSESSMENT_STATUSES[status ?? ''] ?? 'failed';
}

/** What starts an assessment run of one task (the same for the runbook and `assess start`). */
export interface AssessmentParameters {
  readonly taskArn: string;
  readonly runName: string;
  readonly roleArn: string;
  readonly bucket: string;
  readonly folder: string;
  readonly exclude: readonly string[];
  readonly includeOnly?: readonly string[];
}

/** One individual assessment, as the report and `assess status` show it. */
export interface AssessmentFinding {
  readonly name: string;
  readonly status: string;
  readonly verdict: AssessmentVerdict;
}

export interface AssessmentOutcome {
  readonly runArn: string;
  readonly runName: string;
  readonly status: string;
  /** pending while it runs; the run's verdict once done. */
  readonly verdict: AssessmentVerdict;
  readonly meaning: string;
  readonly lastFailureMessage?: string;
  /** Where DMS wrote the results (a summary.json and one JSON file per individual assessment). */
  readonly resultLocation: string;
  readonly findings: readonly AssessmentFinding[];
  readonly createdAt?: string;
}

/**
 * The names kept from a configured Exclude / IncludeOnly list: those DMS lists as applicable to
 * the task (DescribeApplicableIndividualAssessments "provides the default individual assessments
 * you can specify for that task"). The others are named in a warning, not sent.
 */
export function applicableNames(configured: readonly string[], applicable: readonly string[], list: 'exclude' | 'includeOnly'): { names: string[]; warnings: string[] } {
  const known = new Set(applicable);
  const names = configured.filter((n) => known.has(n));
  const unknown = configured.filter((n) => !known.has(n));
  const warnings = unknown.map(
    (n) => `assessment.${list}: "${n}" is not an individual assessment DMS applies to this task (DescribeApplicableIndividualAssessments): left out of the request`,
  );
  return { names, warnings };
}

export async function applicableAssessments(dms: DatabaseMigrationServiceClient, taskArn: string): Promise<string[]> {
  const names: string[] = [];
  let marker: string | undefined;
  do {
    const page = await dms.send(new DescribeApplicableIndividualAssessmentsCommand({ ReplicationTaskArn: taskArn, Marker: marker }));
    names.push(...(page.IndividualAssessmentNames ?? []));
    marker = page.Marker || undefined;
  } while (marker);
  return names;
}

/** Every assessment run of the task, newest first. */
export async function assessmentRuns(dms: DatabaseMigrationServiceClient, taskArn: string): Promise<ReplicationTaskAssessmentRun[]> {
  const runs: ReplicationTaskAssessmentRun[] = [];
  let marker: string | undefined;
  do {
    const page = await dms.send(
      new DescribeReplicationTaskAssessmentRunsCommand({ Filters: [{ Name: 'replication-task-arn', Values: [taskArn] }], Marker: marker }),
    );
    runs.push(...(page.ReplicationTaskAssessmentRuns ?? []));
    marker = page.Marker || undefined;
  } while (marker);
  const time = (r: ReplicationTaskAssessmentRun) => (r.ReplicationTaskAssessmentRunCreationDate ? new Date(r.ReplicationTaskAssessmentRunCreationDate).getTime() : 0);
  return runs.sort((a, b) => time(b) - time(a));
}

/**
 * Starts the run, or finds it when a run of that name exists already (a retried call). The
 * results are encrypted with SSE_S3 (the bucket's default encryption too).
 */
export async function startAssessment(
  dms: DatabaseMigrationServiceClient,
  params: AssessmentParameters,
): Promise<{ readonly runArn: string; readonly warnings: readonly string[] }> {
  const existing = (await assessmentRuns(dms, params.taskArn)).find((r) => r.AssessmentRunName === params.runName);
  if (existing?.ReplicationTaskAssessmentRunArn) return { runArn: existing.ReplicationTaskAssessmentRunArn, warnings: [] };
  const applicable = await applicableAssessments(dms, params.taskArn);
  const warnings: string[] = [];
  let selection: { Exclude?: string[]; IncludeOnly?: string[] } = {};
  if (params.includeOnly) {
    const kept = applicableNames(params.includeOnly, applicable, 'includeOnly');
    warnings.push(...kept.warnings);
    if (kept.names.length === 0) {
      throw new Error(`assessment.includeOnly: none of ${params.includeOnly.join(', ')} applies to this task; DMS applies: ${applicable.join(', ') || '(none)'}`);
    }
    selection = { IncludeOnly: kept.names };
  } else if (params.exclude.length > 0) {
    const kept = applicableNames(params.exclude, applicable, 'exclude');
    warnings.push(...kept.warnings);
    if (kept.names.length > 0) selection = { Exclude: kept.names };
  }
  const out = await dms.send(
    new StartReplicationTaskAssessmentRunCommand({
      ReplicationTaskArn: params.taskArn,
      ServiceAccessRoleArn: params.roleArn,
      ResultLocationBucket: params.bucket,
      ResultLocationFolder: params.folder,
      ResultEncryptionMode: 'SSE_S3',
      AssessmentRunName: params.runName,
      ...selection,
    }),
  );
  const runArn = out.ReplicationTaskAssessmentRun?.ReplicationTaskAssessmentRunArn;
  if (!runArn) throw new Error('StartReplicationTaskAssessmentRun returned no assessment run ARN');
  return { runArn, warnings };
}

/** The run and its individual assessments (every page), judged. */
export async function readAssessment(dms: DatabaseMigrationServiceClient, runArn: string): Promise<AssessmentOutcome> {
  const runs = await dms.send(
    new DescribeReplicationTaskAssessmentRunsCommand({ Filters: [{ Name: 'replication-task-assessment-run-arn', Values: [runArn] }] }),
  );
  const run = runs.ReplicationTaskAssessmentRuns?.[0];
  if (!run) throw new Error(`assessment run ${runArn} not found`);
  const individuals: ReplicationTaskIndividualAssessment[] = [];
  let marker: string | undefined;
  do {
    const page = await dms.send(
      new DescribeReplicationTaskIndividualAssessmentsCommand({ Filters: [{ Name: 'replication-task-assessment-run-arn', Values: [runArn] }], Marker: marker }),
    );
    individuals.push(...(page.ReplicationTaskIndividualAssessments ?? []));
    marker = page.Marker || undefined;
  } while (marker);
  return judgeAssessment(run, individuals);
}

export function judgeAssessment(run: ReplicationTaskAssessmentRun, individuals: readonly ReplicationTaskIndividualAssessment[]): AssessmentOutcome {
  const status = run.Status ?? 'unknown';
  const known = ASSESSMENT_RUN_STATUSES[status];
  const findings = individuals
    .map((i) => ({ name: i.IndividualAssessmentName ?? '(unnamed)', status: i.Status ?? 'unknown', verdict: individualVerdict(i.Status) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const folder = run.ResultLocationFolder ? `${run.ResultLocationFolder.replace(/\/$/, '')}/` : '';
  return {
    runArn: run.ReplicationTaskAssessmentRunArn ?? '',
    runName: run.AssessmentRunName ?? '',
    status,
    verdict: runVerdict(status),
    meaning: known?.meaning ?? 'a status not in the DMS API Reference list',
    lastFailureMessage: run.LastFailureMessage || undefined,
    resultLocation: `s3://${run.ResultLocationBucket ?? ''}/${folder}`,
    findings,
    createdAt: run.ReplicationTaskAssessmentRunCreationDate ? new Date(run.ReplicationTaskAssessmentRunCreationDate).toISOString() : undefined,
  };
}

/** The findings a run stops on: failures always; warnings unless accepted. */
export function blockingFindings(outcome: AssessmentOutcome, acceptWarnings: boolean): AssessmentFinding[] {
  return outcome.findings.filter((f) => f.verdict === 'failed' || (f.verdict === 'warning' && !acceptWarnings));
}

/** AssessmentRunName of a runbook run: the task and the run id, lowercase letters, digits and hyphens. */
export function assessmentRunName(taskIdentifier: string, runId: string): string {
  return `${taskIdentifier}-${runId}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/-+/g, '-').slice(0, 128).replace(/-$/, '');
}
