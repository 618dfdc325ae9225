import { createHash } from 'node:crypto';
import { ReplicationControl, ReplicationSnapshot } from './replication-control';

/*
 * A deploy that changes a running task: DMS modifies a task only while it is not running
 * (ModifyReplicationTask fails with InvalidResourceStateFault otherwise; terraform-provider-aws
 * #2236, #16092). Two custom resources bracket the task in the template:
 *
 *   Custom::DmsTaskStop  ->  AWS::DMS::ReplicationTask  ->  Custom::DmsTaskResume
 *
 * The stopper's DefinitionKey changes exactly when what ModifyReplicationTask changes does (the
 * settings, the table mapping, the migration type), so its Update runs first, stops a running
 * task and waits until DMS reports it stopped. It records whether the task was running
 * (StopRecord "<key>:<true|false>"); the resumer, updated after the task, resumes with
 * resume-processing only what the stopper stopped. A task that was stopped, failed, ready or never
 * started is left as it is.
 *
 * Both work on a ReplicationControl, so a DMS Serverless replication fits the same resources.
 */

export const TASK_STOP_TYPE = 'Custom::DmsTaskStop';

/** How long the stopper waits for DMS to stop a task, and the resumer for it to run again (seconds). */
export const TASK_CHANGE_WAIT_SECONDS = 40 * 60;
/**
 * How long a run waiting for the full load bears a plain stop: a deploy's stop, CloudFormation's
 * modification and the resume, each bounded by TASK_CHANGE_WAIT_SECONDS or minutes.
 */
export const DEPLOY_STOP_GRACE_SECONDS = 2 * TASK_CHANGE_WAIT_SECONDS + 10 * 60;

/**
 * The stopper's DefinitionKey: it changes exactly when a deploy makes CloudFormation call
 * ModifyReplicationTask with something new for the task to run with (its settings, table mapping
 * or migration type, "Update requires: No interruption" in the AWS::DMS::ReplicationTask reference).
 */
export function taskDefinitionKey(migrationType: string, settings: unknown, tableMappings: string): string {
  return createHash('sha256').update(JSON.stringify([migrationType, settings, tableMappings])).digest('hex').slice(0, 16);
}
export const TASK_RESUME_TYPE = 'Custom::DmsTaskResume';

/** The properties both resources carry (CloudFormation passes every scalar as a string). */
export interface ReplicationTarget {
  readonly ReplicationArn: string;
  readonly ReplicationName: string;
  /** Seconds the handler waits for DMS before it fails the deploy with the reason. */
  readonly TimeoutSeconds: string;
}

export interface StopProperties extends ReplicationTarget {
  /** Changes exactly when the task's definition (settings, mapping, migration type) changes. */
  readonly DefinitionKey: string;
}

export interface ResumeProperties extends ReplicationTarget {
  /** The stopper's StopRecord attribute: "<DefinitionKey>:<true|false>". */
  readonly StopRecord: string;
}

/** What onEvent decided, passed on to isComplete by the Provider framework. */
export type ChangeAction = 'none' | 'stop' | 'wait' | 'wait-then-stop' | 'resume';

export interface ChangeResponse {
  readonly PhysicalResourceId: string;
  readonly Data: { readonly StopRecord?: string; readonly WasRunning?: string; readonly Resumed?: string };
  readonly Action: ChangeAction;
  /** When onEvent ran (ISO): the wait is measured from it. */
  readonly RequestedAt: string;
}

export interface StopRecord {
  readonly key: string;
  readonly wasRunning: boolean;
}

export function formatStopRecord(record: StopRecord): string {
  return `${record.key}:${record.wasRunning}`;
}

export function parseStopRecord(text: string | undefined): StopRecord | undefined {
  const match = /^(.*):(true|false)$/.exec(text ?? '');
  return match ? { key: match[1], wasRunning: match[2] === 'true' } : undefined;
}

type Request<P> =
  | { readonly RequestType: 'Create'; readonly ResourceProperties: P; readonly PhysicalResourceId?: string }
  | { readonly RequestType: 'Update'; readonly ResourceProperties: P; readonly OldResourceProperties: P; readonly PhysicalResourceId: string }
  | { readonly RequestType: 'Delete'; readonly ResourceProperties: P; readonly PhysicalResourceId: string };

export type StopRequest = Request<StopProperties>;
export type ResumeRequest = Request<ResumeProperties>;

export class TaskChangeError extends Error {
  public override readonly name = 'TaskChangeError';
}

const stoppedRecord = (key: string, wasRunning: boolean) => ({ StopRecord: formatStopRecord({ key, wasRunning }), WasRunning: String(wasRunning) });

/** onEvent of Custom::DmsTaskStop: decides, from what DMS reports, whether the task is stopped (by isComplete). */
export async function onStopEvent(event: StopRequest, control: ReplicationControl, now: Date): Promise<ChangeResponse> {
  const props = event.ResourceProperties;
  const physicalId = event.PhysicalResourceId ?? `task-stop:${props.ReplicationName}`;
  const respond = (action: ChangeAction, wasRunning: boolean): ChangeResponse => ({
    PhysicalResourceId: physicalId,
    Data: stoppedRecord(props.DefinitionKey, wasRunning),
    Action: action,
    RequestedAt: now.toISOString(),
  });
  // Create: the task is created after this resource (a new stack) or was deployed before the
  // stopper existed; nothing in this deploy stops it. Delete: the task is retained, untouched.
  if (event.RequestType !== 'Update') return respond('none', false);
  if (event.OldResourceProperties.DefinitionKey === props.DefinitionKey) return respond('none', false);

  const snapshot = await control.describe();
  if (!snapshot) return respond('none', false);
  switch (snapshot.activity) {
    case 'running':
    case 'starting':
      // isComplete sends the stop when it sees the task running: onEvent has no side effect, so
      // a retried onEvent decides the same (a second look at a stopping task would not).
      return respond('stop', true);
    case 'stopping':
      // Someone else stops it: wait for stopped, and do not resume it after.
      return respond('wait', false);
    case 'busy':
      // Being modified, moved or assessed: wait; if it runs after that, stop it (and resume it after).
      return respond('wait-then-stop', false);
    case 'idle':
      // Stopped, failed, ready or never started: left as it is, and not resumed after.
      return respond('none', false);
    case 'unusable':
      throw new TaskChangeError(
        `${control.description} is ${snapshot.status}: CloudFormation cannot modify it; the deploy stops here, before the task is touched`,
      );
  }
}

/** isComplete of Custom::DmsTaskStop: done once DMS reports the task stopped (or it was never running). */
export async function isStopComplete(
  event: StopRequest & Partial<ChangeResponse>,
  control: ReplicationControl,
  now: Date,
): Promise<{ IsComplete: boolean; Data?: Record<string, string> }> {
  const action = event.Action ?? 'none';
  if (event.RequestType !== 'Update' || action === 'none' || action === 'resume') return { IsComplete: true };
  const props = event.ResourceProperties;
  const requestedAt = new Date(event.RequestedAt ?? now.toISOString());
  const snapshot = await control.describe();
  if (!snapshot) return { IsComplete: true, Data: stoppedRecord(props.DefinitionKey, false) };
  if (snapshot.activity === 'idle') {
    // A task that was busy and ran meanwhile was stopped by this resource (the only stop issued
    // here after it saw the task running): it is resumed after like one found running.
    const stoppedHere =
      action === 'stop' || (action === 'wait-then-stop' && snapshot.stoppedAt !== undefined && snapshot.stoppedAt >= requestedAt && /NORMAL/.test(snapshot.stopReason ?? ''));
    return { IsComplete: true, Data: stoppedRecord(props.DefinitionKey, stoppedHere) };
  }
  if (snapshot.activity === 'unusable') {
    throw new TaskChangeError(`${control.description} became ${snapshot.status} while the deploy waited for it to stop: CloudFormation cannot modify it`);
  }
  checkDeadline(props, requestedAt, now, (minutes) =>
    `${control.description} did not stop within ${minutes} min of ${requestedAt.toISOString()} (now ${describe(snapshot)}). The deploy stops here, before CloudFormation modifies the task, and rolls back. ` +
    'StopReplicationTask was sent, so the task stops later: deploy again once `status` shows it stopped, then resume it with `npm run --silent cli -- run start` (a deploy resumes only a task it found running)',
  );
  if (snapshot.activity === 'running') await stopIgnoringRace(control);
  return { IsComplete: false };
}

/** onEvent of Custom::DmsTaskResume. */
export async function onResumeEvent(event: ResumeRequest, now: Date): Promise<ChangeResponse> {
  const props = event.ResourceProperties;
  const respond = (action: ChangeAction): ChangeResponse => ({
    PhysicalResourceId: event.PhysicalResourceId ?? `task-resume:${props.ReplicationName}`,
    Data: { Resumed: String(action === 'resume') },
    Action: action,
    RequestedAt: now.toISOString(),
  });
  if (event.RequestType !== 'Update') return respond('none');
  const previous = parseStopRecord(event.OldResourceProperties.StopRecord);
  const current = parseStopRecord(props.StopRecord);
  // The stopper acted in this deploy (its key changed) and found the task running.
  const stoppedByThisDeploy = current !== undefined && current.wasRunning && current.key !== previous?.key;
  return respond(stoppedByThisDeploy ? 'resume' : 'none');
}

/** isComplete of Custom::DmsTaskResume: resumes with resume-processing once DMS has applied the change, done when it runs. */
export async function isResumeComplete(
  event: ResumeRequest & Partial<ChangeResponse>,
  control: ReplicationControl,
  now: Date,
): Promise<{ IsComplete: boolean; Data?: Record<string, string> }> {
  if (event.RequestType !== 'Update' || event.Action !== 'resume') return { IsComplete: true };
  const props = event.ResourceProperties;
  const requestedAt = new Date(event.RequestedAt ?? now.toISOString());
  const snapshot = await control.describe();
  if (!snapshot) throw new TaskChangeError(`${control.description} no longer exists: nothing to resume`);
  if (snapshot.activity === 'running') return { IsComplete: true, Data: { Resumed: 'true' } };
  if (snapshot.activity === 'unusable' || snapshot.status === 'failed') {
    throw new TaskChangeError(
      `${control.description} is ${describe(snapshot)} after the change${snapshot.lastFailureMessage ? ` (${snapshot.lastFailureMessage})` : ''}: it was stopped for this deploy and is not resumed; fix the cause, then resume it with \`npm run --silent cli -- run start\``,
    );
  }
  checkDeadline(props, requestedAt, now, (minutes) =>
    `${control.description} was stopped for this deploy and is not running ${minutes} min after the change (now ${describe(snapshot)}): resume it with \`npm run --silent cli -- run start\` (resume-processing, no reload)`,
  );
  if (snapshot.activity === 'idle') {
    if (!snapshot.hasRun) throw new TaskChangeError(`${control.description} has never run: a deploy resumes only what it stopped`);
    try {
      await control.resume();
    } catch (err) {
      // DMS still applying the modification: try again on the next poll.
      if ((err as { name?: string }).name !== 'InvalidResourceStateFault') throw err;
    }
  }
  return { IsComplete: false };
}

function checkDeadline(props: ReplicationTarget, requestedAt: Date, now: Date, message: (minutes: number) => string): void {
  const timeout = Number(props.TimeoutSeconds);
  if ((now.getTime() - requestedAt.getTime()) / 1000 > timeout) throw new TaskChangeError(message(Math.round(timeout / 60)));
}

async function stopIgnoringRace(control: ReplicationControl): Promise<void> {
  try {
    await control.stop();
  } catch (err) {
    // Already stopping (another poll, or someone else): the next poll sees it.
    if ((err as { name?: string }).name !== 'InvalidResourceStateFault') throw err;
  }
}

function describe(snapshot: ReplicationSnapshot): string {
  return snapshot.stopReason ? `${snapshot.status}, ${snapshot.stopReason}` : snapshot.status;
}
