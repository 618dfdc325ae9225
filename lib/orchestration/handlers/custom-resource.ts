import { createHash } from 'node:crypto';
import { DescribeExecutionCommand, ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { parseStopRecord } from '../task-change';

/**
 * The `Custom::PostLoadRestoration` handler (Provider framework onEvent / isComplete).
 *
 * - Create starts the task's runbook.
 * - Update starts a new run only when the run key (mapping + settings generation + the
 *   configured run id) changed.
 * - Delete stops nothing and drops nothing.
 * - When the task's stopper acted in the same deploy (its StopRecord key changed), the run's input
 *   says whether the task was running before the deploy (`deployStop`): a task the deploy found
 *   stopped is left stopped by the run, not resumed (see task-control.ts decideStart).
 * The execution name derives from the CloudFormation request, so a retried request finds the
 * execution it already started instead of starting a second one.
 */

export interface RestorationResourceProperties {
  readonly StateMachineArn: string;
  /** Changes when what the run depends on changes. */
  readonly RunKey: string;
  /** "true": the deployment waits for the run (bounded by CloudFormation's hour). */
  readonly WaitForCompletion: string;
  /** The task stopper's StopRecord ("<definition key>:<was running>"), when the stack brackets the task. */
  readonly TaskStopRecord?: string;
}

/** What the run learns of this deploy's stop of its task. */
export interface DeployStop {
  /** The task was running when the deploy changed it (the deploy stopped it and resumes it). */
  readonly wasRunning: boolean;
}

/** The deploy stop of this request, when the stopper acted in it (its key changed). */
export function deployStopOf(event: RestorationEvent): DeployStop | undefined {
  // A Create, or the first update with a stopper: the stopper was created, it stopped nothing.
  if (event.RequestType !== 'Update') return undefined;
  const current = parseStopRecord(event.ResourceProperties.TaskStopRecord);
  const previous = parseStopRecord(event.OldResourceProperties.TaskStopRecord);
  if (!current || !previous || current.key === previous.key) return undefined;
  return { wasRunning: current.wasRunning };
}

export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly Data: { readonly ExecutionArn: string; readonly RunKey: string; readonly Started: string };
}

export interface IsCompleteResponse {
  readonly IsComplete: boolean;
  readonly Data?: Record<string, string>;
}

export type RestorationEvent = CloudFormationCustomResourceEvent<RestorationResourceProperties, RestorationResourceProperties>;

export async function onEvent(event: RestorationEvent, sfn: SFNClient): Promise<OnEventResponse | { PhysicalResourceId: string }> {
  const props = event.ResourceProperties;
  const physicalId = `runbook:${props.StateMachineArn.split(':').pop()}`;
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  if (event.RequestType === 'Update' && event.OldResourceProperties.RunKey === props.RunKey) {
    // Nothing the run depends on changed: no new run.
    return { PhysicalResourceId: event.PhysicalResourceId, Data: { ExecutionArn: '', RunKey: props.RunKey, Started: 'false' } };
  }
  const name = executionName(props.RunKey, event.RequestId);
  const deployStop = deployStopOf(event);
  const input = { runId: name, trigger: `cloudformation-${event.RequestType.toLowerCase()}`, ...(deployStop ? { deployStop } : {}) };
  const executionArn = await startOnce(sfn, props.StateMachineArn, name, input);
  return { PhysicalResourceId: event.RequestType === 'Create' ? physicalId : event.PhysicalResourceId, Data: { ExecutionArn: executionArn, RunKey: props.RunKey, Started: 'true' } };
}

/** Polled by the Provider framework when the environment waits for the run. */
export async function isComplete(event: RestorationEvent & Partial<OnEventResponse>, sfn: SFNClient): Promise<IsCompleteResponse> {
  const executionArn = event.Data?.ExecutionArn;
  if (event.RequestType === 'Delete' || !executionArn) return { IsComplete: true };
  const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  switch (execution.status) {
    case 'RUNNING':
    case 'PENDING_REDRIVE':
      return { IsComplete: false };
    case 'SUCCEEDED':
      return { IsComplete: true };
    default:
      throw new Error(
        `runbook ${execution.status}: ${execution.cause ?? execution.error ?? 'no cause given'} (execution ${executionArn}; retry with \`npm run --silent cli -- run retry\`)`,
      );
  }
}

/** Step Functions names: at most 80 characters of [A-Za-z0-9-_]. */
export function executionName(runKey: string, requestId: string): string {
  const request = createHash('sha256').update(requestId).digest('hex').slice(0, 12);
  return `cfn-${runKey.replace(/[^A-Za-z0-9-_]/g, '').slice(0, 40)}-${request}`;
}

async function startOnce(sfn: SFNClient, stateMachineArn: string, name: string, input: object): Promise<string> {
  try {
    const out = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    return out.executionArn!;
  } catch (err) {
    // A retried request: the execution of that name exists already (running or finished).
    if (err instanceof ExecutionAlreadyExists || (err as Error).name === 'ExecutionAlreadyExists') {
      return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    }
    throw err;
  }
}

const sfnClient = new SFNClient({});

export async function onEventHandler(event: RestorationEvent) {
  return onEvent(event, sfnClient);
}

export async function isCompleteHandler(event: RestorationEvent & Partial<OnEventResponse>) {
  return isComplete(event, sfnClient);
}
