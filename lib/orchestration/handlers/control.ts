import { CloudWatchClient, PutMetricDataCommand, StandardUnit } from '@aws-sdk/client-cloudwatch';
import {
  DatabaseMigrationServiceClient,
  DescribeReplicationTasksCommand,
  ModifyReplicationTaskCommand,
  ReplicationTask,
  StartReplicationTaskCommand,
} from '@aws-sdk/client-database-migration-service';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssessmentFinding, assessmentRunName, blockingFindings, readAssessment, startAssessment } from '../assessment';
import { RUNBOOK_METRIC_NAMESPACE } from '../names';
import { checkSecrets, PreflightFinding, SecretExpectation } from '../preflight';
import { RunReport, RunReportAssessment } from '../run-report';
import { DEPLOY_STOP_GRACE_SECONDS } from '../task-change';
import {
  classifyLoad,
  decideStart,
  LoadPhase,
  MigrationType,
  needsResume,
  nextPollSeconds,
  prepModeSettings,
  StartDecision,
  StartOptions,
  StartType,
  TargetTablePrepMode,
  targetTablePrepMode,
} from '../task-control';

/**
 * The runbook's control Lambda: everything that talks to DMS, SNS and CloudWatch (not the
 * database). Each action is one short, idempotent step of the state machine.
 */

/** What the state machine carries between steps (JSONPath `$`). */
export interface RunState {
  readonly runId: string;
  /** Set only by an operator (`run start --reload-target`): never chosen implicitly. */
  readonly startType?: StartType;
  /** Set by the deploy that changed the task (handlers/custom-resource.ts): whether it was running before. */
  readonly deployStop?: { readonly wasRunning: boolean };
  /** Set by an operator (`run start --accept-assessment-warnings`): start even if the assessment warns. */
  readonly acceptAssessmentWarnings?: boolean;
  readonly startedAt?: string;
  readonly preflight?: PreflightResult;
  readonly prepare?: PrepareResult;
  readonly assessment?: AssessmentResult;
  readonly start?: StartResult;
  readonly poll?: PollResult;
  readonly apply?: RestorationSummary;
  readonly verify?: RestorationSummary;
  readonly resume?: ResumeResult;
  /** Set by the state machine's Catch: the error that ended the run. */
  readonly error?: { readonly Error?: string; readonly Cause?: string };
}

/** What the restoration Lambda returns from defer / apply / verify. */
export interface RestorationSummary {
  readonly done: boolean;
  readonly counts: { readonly restored: number; readonly skipped: number; readonly failed: number; readonly orphans: number; readonly pending?: number };
  readonly failures: ReadonlyArray<{ readonly object: string; readonly reason: string }>;
  readonly waitSeconds?: number;
  /** verify only: the live schema matches the plan. */
  readonly verified?: boolean;
}

export interface PrepareResult {
  readonly startedAt: string;
  readonly defer: boolean;
  readonly restore: boolean;
  /** A premigration assessment runs first (a first start, with assessments on). */
  readonly assess: boolean;
  readonly start: StartDecision;
}

/** The premigration assessment step: started, then polled until DMS finishes the run. */
export interface AssessmentResult {
  readonly runArn: string;
  readonly runName: string;
  readonly startedAt: string;
  /** running: poll again after waitSeconds; passed: start the task; stopped: the run ends with the findings. */
  readonly phase: 'running' | 'passed' | 'stopped';
  readonly status: string;
  readonly detail: string;
  readonly waitSeconds: number;
  readonly resultLocation?: string;
  /** The individual assessments that stop the run (failed, error, cancelled; warnings unless accepted). */
  readonly blocking: readonly AssessmentFinding[];
  /** Accepted warnings and names left out of Exclude / IncludeOnly. */
  readonly warnings: readonly string[];
}

export interface PreflightResult {
  /** No errors (warnings do not stop a run). */
  readonly ok: boolean;
  readonly findings: readonly PreflightFinding[];
}

export interface StartResult {
  readonly started: boolean;
  readonly startType?: StartType;
  /** When StartReplicationTask was called (the poll ignores stops and loads from before). */
  readonly startedAt?: string;
  /** Not started yet: call again after waitSeconds (the task is changing, or was just modified). Always present: the state machine tests it. */
  readonly pending: boolean;
  readonly waitSeconds?: number;
  readonly detail: string;
}

export interface PollResult {
  readonly phase: LoadPhase['phase'];
  readonly detail: string;
  readonly waitSeconds: number;
  readonly polls: number;
  readonly waitingSince: string;
  /** Since when the task has been stopped for a transient reason (DMS restarts it). */
  readonly transientSince?: string;
}

export interface ResumeResult {
  readonly cdcResumed: boolean;
  readonly detail: string;
  /** Not done yet: call again after waitSeconds (the prep mode is being set back). Always present: the state machine tests it. */
  readonly pending: boolean;
  readonly waitSeconds?: number;
}

export type ControlEvent =
  | { readonly action: 'preflight'; readonly state: RunState }
  | { readonly action: 'prepare'; readonly state: RunState }
  | { readonly action: 'assess'; readonly state: RunState }
  | { readonly action: 'start'; readonly state: RunState }
  | { readonly action: 'poll'; readonly state: RunState }
  | { readonly action: 'resume'; readonly state: RunState }
  | { readonly action: 'report'; readonly state: RunState };

/** Read once per cold start from the function's environment (set by the stack). */
export interface ControlConfig {
  readonly environment: string;
  readonly taskName: string;
  readonly taskArn: string;
  readonly migrationType: MigrationType;
  readonly expectStopAfterLoad: boolean;
  readonly deferBeforeLoad: boolean;
  readonly topicArn: string;
  readonly maxWaitHours: number;
  /** How long a task may stay stopped for a transient reason before the run gives up (dms-task-state.ts). */
  readonly transientGraceSeconds: number;
  /** The task's TargetTablePrepMode as deployed: a reload changes it for the reload and sets it back after. */
  readonly targetTablePrepMode: TargetTablePrepMode;
  /** The secrets the preflight step checks (the endpoints', with the host and port in cdk.json). */
  readonly secrets: readonly SecretExpectation[];
  /** The premigration assessment before the first start; undefined when off. */
  readonly assessment?: AssessmentConfig;
}

export interface AssessmentConfig {
  readonly taskIdentifier: string;
  readonly roleArn: string;
  readonly bucket: string;
  readonly folder: string;
  readonly exclude: readonly string[];
  readonly includeOnly?: readonly string[];
  readonly acceptWarnings: boolean;
  readonly timeoutMinutes: number;
}

export interface ControlClients {
  readonly dms: DatabaseMigrationServiceClient;
  readonly sns: SNSClient;
  readonly cloudwatch: CloudWatchClient;
  readonly secrets: SecretsManagerClient;
  readonly now: () => Date;
}

/** Wait between two calls while a task is being modified or changing status. */
export const PENDING_WAIT_SECONDS = 30;

export function controlConfigFromEnv(env: NodeJS.ProcessEnv): ControlConfig {
  const need = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`environment variable ${name} is not set`);
    return value;
  };
  return {
    environment: need('RUNBOOK_ENVIRONMENT'),
    taskName: need('RUNBOOK_TASK'),
    taskArn: need('RUNBOOK_TASK_ARN'),
    migrationType: need('RUNBOOK_MIGRATION_TYPE') as MigrationType,
    expectStopAfterLoad: need('RUNBOOK_EXPECT_STOP_AFTER_LOAD') === 'true',
    deferBeforeLoad: need('RUNBOOK_DEFER_BEFORE_LOAD') === 'true',
    topicArn: need('RUNBOOK_TOPIC_ARN'),
    maxWaitHours: Number(need('RUNBOOK_MAX_WAIT_HOURS')),
    transientGraceSeconds: Number(need('RUNBOOK_TRANSIENT_GRACE_SECONDS')),
    targetTablePrepMode: need('RUNBOOK_TARGET_TABLE_PREP_MODE') as TargetTablePrepMode,
    secrets: JSON.parse(need('RUNBOOK_PREFLIGHT_SECRETS')) as SecretExpectation[],
    assessment: env.RUNBOOK_ASSESSMENT ? (JSON.parse(env.RUNBOOK_ASSESSMENT) as AssessmentConfig) : undefined,
  };
}

/** Thrown when DMS's task cannot be found: a configuration or deployment problem, not a retryable one. */
export class TaskNotFoundError extends Error {
  public override readonly name = 'TaskNotFoundError';
}

export async function describeTask(dms: DatabaseMigrationServiceClient, taskArn: string, withSettings = false): Promise<ReplicationTask> {
  const out = await dms.send(
    new DescribeReplicationTasksCommand({
      Filters: [{ Name: 'replication-task-arn', Values: [taskArn] }],
      WithoutSettings: !withSettings,
    }),
  );
  const task = out.ReplicationTasks?.[0];
  if (!task) throw new TaskNotFoundError(`replication task ${taskArn} not found`);
  return task;
}

export async function handleControl(event: ControlEvent, config: ControlConfig, clients: ControlClients): Promise<unknown> {
  switch (event.action) {
    case 'preflight':
      return preflight(config, clients);
    case 'prepare':
      return prepare(event.state, config, clients);
    case 'assess':
      return assess(event.state, config, clients);
    case 'start':
      return start(event.state, config, clients);
    case 'poll':
      return poll(event.state, config, clients);
    case 'resume':
      return resume(config, clients);
    case 'report':
      return report(event.state, config, clients);
  }
}

function startOptions(state: RunState): StartOptions {
  return { foundNotRunningByDeploy: state.deployStop?.wasRunning === false };
}

async function preflight(config: ControlConfig, clients: ControlClients): Promise<PreflightResult> {
  const findings = await checkSecrets(clients.secrets, config.secrets);
  return { ok: !findings.some((f) => f.severity === 'error'), findings };
}

async function prepare(state: RunState, config: ControlConfig, clients: ControlClients): Promise<PrepareResult> {
  const task = await describeTask(clients.dms, config.taskArn);
  const startDecision = decideStart(task, state.startType, startOptions(state));
  // A CDC-only task has no full load: nothing was deferred and nothing needs restoring.
  const restore = config.migrationType !== 'cdc';
  // Deferring only makes sense before a load: once DMS has loaded rows, dropping would gain
  // nothing. A reload loads every table again, so its objects are deferred again whatever
  // deferBeforeLoad says: triggers would fire for every reloaded row.
  const loads = startDecision.action === 'start' && startDecision.startType !== 'resume-processing';
  const reload = startDecision.action === 'start' && startDecision.startType === 'reload-target';
  const defer = restore && loads && (config.deferBeforeLoad || reload);
  // DMS's own checks of the source, target and task come before the first start, before anything is deferred.
  const assess = Boolean(config.assessment) && startDecision.action === 'start' && startDecision.startType === 'start-replication';
  return { startedAt: clients.now().toISOString(), defer, restore, assess, start: startDecision };
}

/** Seconds between two looks at a running assessment. */
export const ASSESSMENT_POLL_SECONDS = 60;

/** Starts the premigration assessment run (once per runbook run), then reads it until DMS finishes it. */
async function assess(state: RunState, config: ControlConfig, clients: ControlClients): Promise<AssessmentResult> {
  const settings = config.assessment;
  if (!settings) throw new Error('the runbook has no assessment configured (RUNBOOK_ASSESSMENT)');
  const now = clients.now();
  const previous = state.assessment;
  let runArn = previous?.runArn;
  let warnings = previous?.warnings ?? [];
  const runName = previous?.runName ?? assessmentRunName(settings.taskIdentifier, state.runId);
  const startedAt = previous?.startedAt ?? now.toISOString();
  if (!runArn) {
    const started = await startAssessment(clients.dms, {
      taskArn: config.taskArn,
      runName,
      roleArn: settings.roleArn,
      bucket: settings.bucket,
      folder: settings.folder,
      exclude: settings.exclude,
      includeOnly: settings.includeOnly,
    });
    runArn = started.runArn;
    warnings = [...started.warnings];
  }
  const outcome = await readAssessment(clients.dms, runArn);
  const base = { runArn, runName, startedAt, status: outcome.status, resultLocation: outcome.resultLocation, waitSeconds: ASSESSMENT_POLL_SECONDS };
  if (outcome.verdict === 'pending') {
    const minutes = (now.getTime() - Date.parse(startedAt)) / 60_000;
    if (minutes > settings.timeoutMinutes) {
      return {
        ...base,
        phase: 'stopped',
        detail: `the assessment run ${runName} did not finish within ${settings.timeoutMinutes} min (status ${outcome.status}); the task was not started`,
        blocking: [],
        warnings,
      };
    }
    return { ...base, phase: 'running', detail: `assessment ${outcome.status}: ${outcome.meaning}`, blocking: [], warnings };
  }
  const acceptWarnings = settings.acceptWarnings || state.acceptAssessmentWarnings === true;
  const blocking = blockingFindings(outcome, acceptWarnings);
  const accepted = outcome.findings.filter((f) => f.verdict === 'warning' && acceptWarnings).map((f) => `assessment ${f.name}: ${f.status} (accepted)`);
  const runFailed = outcome.verdict === 'failed' || (outcome.verdict === 'warning' && !acceptWarnings);
  const stops = runFailed || blocking.length > 0;
  const failure = outcome.lastFailureMessage ? `: ${outcome.lastFailureMessage}` : '';
  return {
    ...base,
    phase: stops ? 'stopped' : 'passed',
    detail: `assessment ${outcome.status} (${outcome.meaning})${stops ? failure : ''}; results in ${outcome.resultLocation}`,
    blocking,
    warnings: [...warnings, ...accepted],
  };
}

async function start(state: RunState, config: ControlConfig, clients: ControlClients): Promise<StartResult> {
  // Describe again: a retried call must not start the task a second time.
  const reload = state.startType === 'reload-target';
  const task = await describeTask(clients.dms, config.taskArn, reload);
  const decision = decideStart(task, state.startType, startOptions(state));
  if (decision.action === 'wait') return { started: false, pending: true, waitSeconds: PENDING_WAIT_SECONDS, detail: decision.reason };
  if (decision.action !== 'start') return { started: false, pending: false, detail: decision.reason };
  if (decision.startType === 'reload-target') {
    // DO_NOTHING would reload into tables that still hold rows: DMS empties them first with
    // TRUNCATE_BEFORE_LOAD ("Data is truncated without affecting the table metadata"). A task
    // can be modified only while stopped or failed, which decideStart made sure of.
    const mode = targetTablePrepMode(task);
    if (mode === undefined) throw new Error('DescribeReplicationTasks returned no TargetTablePrepMode for the task: refusing to reload without knowing whether DMS empties the tables');
    if (mode === 'DO_NOTHING') {
      await clients.dms.send(new ModifyReplicationTaskCommand({ ReplicationTaskArn: config.taskArn, ReplicationTaskSettings: prepModeSettings('TRUNCATE_BEFORE_LOAD') }));
      return {
        started: false,
        pending: true,
        waitSeconds: PENDING_WAIT_SECONDS,
        detail: 'ModifyReplicationTask TargetTablePrepMode DO_NOTHING -> TRUNCATE_BEFORE_LOAD for the reload',
      };
    }
  }
  const startedAt = clients.now().toISOString();
  await clients.dms.send(new StartReplicationTaskCommand({ ReplicationTaskArn: config.taskArn, StartReplicationTaskType: decision.startType }));
  return { started: true, pending: false, startType: decision.startType, startedAt, detail: `StartReplicationTask ${decision.startType}` };
}

async function poll(state: RunState, config: ControlConfig, clients: ControlClients): Promise<PollResult> {
  const task = await describeTask(clients.dms, config.taskArn);
  const polls = (state.poll?.polls ?? 0) + 1;
  const now = clients.now();
  const waitingSince = state.poll?.waitingSince ?? now.toISOString();
  const load = classifyLoad(task, config.expectStopAfterLoad, {
    pollsSoFar: polls - 1,
    startedTaskAt: state.start?.startedAt,
    startedWith: state.start?.startType,
    transientSince: state.poll?.transientSince,
    transientGraceSeconds: config.transientGraceSeconds,
    deployStopGraceSeconds: DEPLOY_STOP_GRACE_SECONDS,
    now,
  });
  const waitSeconds = nextPollSeconds(state.poll?.waitSeconds);
  if (load.phase === 'loading') {
    const hours = (now.getTime() - Date.parse(waitingSince)) / 3_600_000;
    if (hours > config.maxWaitHours) {
      return {
        phase: 'failed',
        detail: `the full load did not reach the post-load point within ${config.maxWaitHours} h (last: ${load.detail}); the task keeps running: retry the run to wait again`,
        waitSeconds,
        polls,
        waitingSince,
      };
    }
    return { phase: 'loading', detail: load.detail, waitSeconds, polls, waitingSince, transientSince: load.transientSince };
  }
  const detail = load.phase === 'failed' ? load.reason : load.detail;
  return { phase: load.phase, detail, waitSeconds, polls, waitingSince };
}

async function resume(config: ControlConfig, clients: ControlClients): Promise<ResumeResult> {
  const task = await describeTask(clients.dms, config.taskArn, true);
  // After a reload (this run's or a failed earlier one's) the prep mode is TRUNCATE_BEFORE_LOAD:
  // set it back to what the stack deployed before CDC resumes. DMS modifies a task only while it
  // is stopped or failed.
  const mode = targetTablePrepMode(task);
  const modeDiffers = mode !== undefined && mode !== config.targetTablePrepMode;
  if (task.Status === 'modifying') return { cdcResumed: false, pending: true, waitSeconds: PENDING_WAIT_SECONDS, detail: 'the task is modifying' };
  if (modeDiffers && (task.Status === 'stopped' || task.Status === 'failed')) {
    await clients.dms.send(new ModifyReplicationTaskCommand({ ReplicationTaskArn: config.taskArn, ReplicationTaskSettings: prepModeSettings(config.targetTablePrepMode) }));
    return {
      cdcResumed: false,
      pending: true,
      waitSeconds: PENDING_WAIT_SECONDS,
      detail: `ModifyReplicationTask TargetTablePrepMode ${mode} -> ${config.targetTablePrepMode} (set back after the reload)`,
    };
  }
  const modeNote = modeDiffers ? `; TargetTablePrepMode is still ${mode} (the task is ${task.Status}): it applies only to another reload` : '';
  if (!needsResume(config.migrationType, task)) {
    const detail = config.migrationType === 'full-load-and-cdc' ? `task already ${task.Status}` : `no CDC for a ${config.migrationType} task`;
    return { cdcResumed: task.Status === 'running' && config.migrationType === 'full-load-and-cdc', pending: false, detail: detail + modeNote };
  }
  await clients.dms.send(new StartReplicationTaskCommand({ ReplicationTaskArn: config.taskArn, StartReplicationTaskType: 'resume-processing' }));
  return { cdcResumed: true, pending: false, detail: 'StartReplicationTask resume-processing' + modeNote };
}

/** Builds the run's report from the state, publishes it to the alarm topic and to CloudWatch. */
async function report(state: RunState, config: ControlConfig, clients: ControlClients): Promise<RunReport> {
  const runReport = buildReport(state, config, clients.now());
  const subject = `[${runReport.outcome}] DMS runbook ${config.environment}/${config.taskName}`.slice(0, 99);
  await clients.sns.send(new PublishCommand({ TopicArn: config.topicArn, Subject: subject, Message: formatReport(runReport) }));
  const dimensions = [
    { Name: 'Environment', Value: config.environment },
    { Name: 'Task', Value: config.taskName },
  ];
  const metric = (MetricName: string, Value: number, Unit: StandardUnit) => ({ MetricName, Value, Unit, Dimensions: dimensions });
  await clients.cloudwatch.send(
    new PutMetricDataCommand({
      Namespace: RUNBOOK_METRIC_NAMESPACE,
      MetricData: [
        metric('RunDuration', runReport.durationSeconds, 'Seconds'),
        metric('ObjectsRestored', runReport.counts.restored, 'Count'),
        metric('ObjectsFailed', runReport.counts.failed, 'Count'),
        metric('ForeignKeyOrphans', runReport.counts.orphans, 'Count'),
        metric('RunSucceeded', runReport.outcome === 'SUCCEEDED' ? 1 : 0, 'Count'),
      ],
    }),
  );
  return runReport;
}

export function buildReport(state: RunState, config: ControlConfig, now: Date): RunReport {
  const startedAt = state.prepare?.startedAt ?? state.startedAt;
  const durationSeconds = startedAt ? Math.max(0, Math.round((now.getTime() - Date.parse(startedAt)) / 1000)) : 0;
  const apply = state.apply;
  const verify = state.verify;
  const preflightErrors = (state.preflight?.findings ?? []).filter((f) => f.severity === 'error').map((f) => ({ object: f.object, reason: f.reason }));
  const left = state.prepare?.start.action === 'leave' ? [{ object: 'task', reason: state.prepare.start.reason }] : [];
  const assessment = state.assessment;
  const assessmentStopped = assessment?.phase === 'stopped';
  const assessmentFailures = !assessmentStopped
    ? []
    : assessment.blocking.length > 0
      ? assessment.blocking.map((f) => ({ object: `premigration assessment ${f.name}`, reason: `${f.status} (results in ${assessment.resultLocation ?? 'the results bucket'})` }))
      : [{ object: `premigration assessment ${assessment.runName}`, reason: assessment.detail }];
  const failures = [...preflightErrors, ...left, ...assessmentFailures, ...(apply?.failures ?? []), ...(verify?.failures ?? [])];
  const uniqueFailures = failures.filter((f, i) => failures.findIndex((g) => g.object === f.object && g.reason === f.reason) === i);
  const restore = state.prepare?.restore ?? true;
  const restorationVerified = restore ? Boolean(verify?.verified) : true;
  const orphans = verify?.counts.orphans ?? apply?.counts.orphans ?? 0;
  const errorCause = state.error ? describeError(state.error) : undefined;
  const dmsReason = state.poll?.phase === 'failed' ? state.poll.detail : undefined;
  const failed = Boolean(errorCause) || uniqueFailures.length > 0 || orphans > 0 || !restorationVerified;
  const step = state.error
    ? 'error'
    : state.preflight && !state.preflight.ok
      ? 'preflight'
      : left.length > 0
        ? 'prepare'
        : assessmentStopped
          ? 'assessment'
          : state.resume
            ? 'resume'
            : state.verify
              ? 'verify'
              : state.apply
                ? 'apply'
                : 'wait-for-full-load';
  const assessmentSummary: RunReportAssessment | undefined = assessment
    ? { runName: assessment.runName, status: assessment.status, resultLocation: assessment.resultLocation, warnings: assessment.warnings }
    : undefined;
  return {
    version: 1,
    environment: config.environment,
    task: config.taskName,
    outcome: failed ? 'FAILED' : 'SUCCEEDED',
    step,
    restorationVerified,
    counts: {
      restored: apply?.counts.restored ?? 0,
      skipped: apply?.counts.skipped ?? 0,
      failed: Math.max(apply?.counts.failed ?? 0, uniqueFailures.length),
      orphans,
    },
    failures: errorCause && !dmsReason ? [...uniqueFailures, { object: 'run', reason: errorCause }] : uniqueFailures,
    cdcResumed: Boolean(state.resume?.cdcResumed),
    durationSeconds,
    dmsReason,
    ...(assessmentSummary ? { assessment: assessmentSummary } : {}),
  };
}

function describeError(error: { Error?: string; Cause?: string }): string {
  let cause = error.Cause ?? '';
  try {
    // Lambda errors arrive as a JSON string with errorMessage.
    const parsed = JSON.parse(cause) as { errorMessage?: string };
    if (parsed.errorMessage) cause = parsed.errorMessage;
  } catch {
    // not JSON: keep as is
  }
  return [error.Error, cause].filter(Boolean).join(': ');
}

export function formatReport(r: RunReport): string {
  const lines = [
    `DMS runbook ${r.environment}/${r.task}: ${r.outcome} at step ${r.step} after ${r.durationSeconds} s`,
    `restoration verified: ${r.restorationVerified ? 'yes' : 'no'}; CDC resumed: ${r.cdcResumed ? 'yes' : 'no'}`,
    `objects restored ${r.counts.restored}, skipped ${r.counts.skipped}, failed ${r.counts.failed}; FK orphans ${r.counts.orphans}`,
  ];
  if (r.dmsReason) lines.push(`DMS: ${r.dmsReason}`);
  if (r.assessment) {
    lines.push(`premigration assessment ${r.assessment.runName}: ${r.assessment.status}${r.assessment.resultLocation ? `, results in ${r.assessment.resultLocation}` : ''}`);
    for (const w of r.assessment.warnings) lines.push(`  warning: ${w}`);
  }
  for (const f of r.failures.slice(0, 50)) lines.push(`- ${f.object}: ${f.reason}`);
  if (r.failures.length > 50) lines.push(`... and ${r.failures.length - 50} more (see the execution output)`);
  if (r.outcome === 'FAILED') lines.push(nextStep(r));
  return lines.join('\n');
}

function nextStep(r: RunReport): string {
  const cli = (args: string) => `\`npm run --silent cli -- ${args} --env ${r.environment} --task ${r.task}\``;
  if (r.step === 'assessment') {
    return `Next: read the results (${cli('assess status')}), fix what failed, then ${cli('run start')}; to start despite warnings: ${cli('run start --accept-assessment-warnings')}, or assessment.acceptWarnings in cdk.json.`;
  }
  if (r.step === 'prepare') return `Next: resume the task when it should run: ${cli('run start')}.`;
  return `Next: fix the cause, then ${cli('run retry')}.`;
}

let cached: { config: ControlConfig; clients: ControlClients } | undefined;

/** Lambda entry point. */
export async function handler(event: ControlEvent): Promise<unknown> {
  cached ??= {
    config: controlConfigFromEnv(process.env),
    clients: {
      dms: new DatabaseMigrationServiceClient({}),
      sns: new SNSClient({}),
      cloudwatch: new CloudWatchClient({}),
      secrets: new SecretsManagerClient({}),
      now: () => new Date(),
    },
  };
  return handleControl(event, cached.config, cached.clients);
}
