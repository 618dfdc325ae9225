import { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import { onGuardEvent, REPLACEMENT_GUARD_TYPE } from '../replacement-guard';
import { dmsTaskControl } from '../replication-control';
import {
  ChangeResponse,
  isResumeComplete,
  isStopComplete,
  onResumeEvent,
  onStopEvent,
  ReplicationTarget,
  ResumeRequest,
  StopRequest,
  TASK_RESUME_TYPE,
  TASK_STOP_TYPE,
} from '../task-change';

/*
 * The Provider framework handlers of the deploy-time control resources (one provider per stack):
 * Custom::DmsTaskStop and Custom::DmsTaskResume around each task (task-change.ts) and
 * Custom::DmsReplacementGuard before every DMS resource (replacement-guard.ts).
 */

export interface DeployControlEvent {
  readonly ResourceType: string;
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResourceProperties: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
  readonly PhysicalResourceId?: string;
}

export interface DeployControlClients {
  readonly dms: DatabaseMigrationServiceClient;
  readonly now: () => Date;
}

function control(clients: DeployControlClients, props: ReplicationTarget) {
  return dmsTaskControl(clients.dms, props.ReplicationArn, props.ReplicationName);
}

export async function onEvent(event: DeployControlEvent, clients: DeployControlClients): Promise<unknown> {
  switch (event.ResourceType) {
    case TASK_STOP_TYPE: {
      const request = event as unknown as StopRequest;
      return onStopEvent(request, control(clients, request.ResourceProperties), clients.now());
    }
    case TASK_RESUME_TYPE:
      return onResumeEvent(event as unknown as ResumeRequest, clients.now());
    case REPLACEMENT_GUARD_TYPE:
      return onGuardEvent(event as unknown as Parameters<typeof onGuardEvent>[0]);
    default:
      throw new Error(`unknown resource type ${event.ResourceType}`);
  }
}

export async function isComplete(event: DeployControlEvent & Partial<ChangeResponse>, clients: DeployControlClients): Promise<unknown> {
  switch (event.ResourceType) {
    case TASK_STOP_TYPE: {
      const request = event as unknown as StopRequest & Partial<ChangeResponse>;
      return isStopComplete(request, control(clients, request.ResourceProperties), clients.now());
    }
    case TASK_RESUME_TYPE: {
      const request = event as unknown as ResumeRequest & Partial<ChangeResponse>;
      return isResumeComplete(request, control(clients, request.ResourceProperties), clients.now());
    }
    default:
      return { IsComplete: true };
  }
}

let clients: DeployControlClients | undefined;
const defaults = (): DeployControlClients => (clients ??= { dms: new DatabaseMigrationServiceClient({}), now: () => new Date() });

export async function onEventHandler(event: DeployControlEvent) {
  return onEvent(event, defaults());
}

export async function isCompleteHandler(event: DeployControlEvent & Partial<ChangeResponse>) {
  return isComplete(event, defaults());
}
