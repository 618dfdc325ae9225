import { parseCdkDiff, ParsedDiff, PropertyChange, ResourceChange, StackDiff } from './diff-parse';

/*
 * Turns a `cdk diff` of a migration stack into what a reviewer has to know before merging:
 * which DMS resources are replaced or deleted, which running tasks a deploy stops, which task
 * settings and table mappings change, and which task runbooks the deploy starts again.
 *
 * The facts behind the words (AWS documentation):
 * - DMS User Guide, "Modifying a task": "Tasks that have run must have a status of Stopped or
 *   Failed to be modified"; DMS API Reference, ModifyReplicationTask: "The task must be stopped
 *   before you can modify it."
 * - DMS User Guide, "Rebooting a replication instance": "If migration tasks are running on the
 *   replication instance when a reboot occurs, no data loss occurs but the task stops, and the
 *   task status changes to an error state."
 * - Which property forces a replacement comes from the CloudFormation resource schemas
 *   (createOnlyProperties); the CDK CLI prints it as "(requires replacement)".
 * - The runbook: Custom::PostLoadRestoration starts a new run when its RunKey changes, and the
 *   run key hashes the task's table mapping, its merged settings and restoration.runId
 *   (lib/orchestration/handlers/custom-resource.ts, lib/stacks/migration-stack.ts runKey()).
 */

export type Severity = 'caution' | 'warning' | 'note';

export interface DiffWarning {
  readonly severity: Severity;
  /** One line, for annotations and the comment's bold lead. */
  readonly title: string;
  readonly detail: string;
  readonly logicalId?: string;
}

export interface StackReport {
  readonly stackName: string;
  readonly changed: boolean;
  readonly resources: readonly ResourceChange[];
  readonly warnings: readonly DiffWarning[];
}

const TASK = 'AWS::DMS::ReplicationTask';
const INSTANCE = 'AWS::DMS::ReplicationInstance';
const ENDPOINT = 'AWS::DMS::Endpoint';
const RUN_TRIGGER = 'Custom::PostLoadRestoration';
/** Replication-instance properties whose modification can take the instance down for a while. */
const INSTANCE_DISRUPTIVE = new Set(['ReplicationInstanceClass', 'EngineVersion', 'AllocatedStorage', 'MultiAZ']);

const MODIFY_NEEDS_STOP =
  'DMS modifies a task only while it is stopped or failed ("Tasks that have run must have a status of Stopped or Failed to be modified", DMS User Guide, Modifying a task): ' +
  'if it is running, stop it before this deploys; replication pauses (SQL Server keeps its log) until the task is resumed';
/** A mapping or settings change changes the run key: the run the deploy starts resumes the task. */
const RESUMED_BY_RUN = `${MODIFY_NEEDS_STOP}, which the runbook run this deploy starts does (resume-processing).`;
const resumeYourself = (task: string) =>
  `${MODIFY_NEEDS_STOP}: after the deploy, start a runbook run to resume it (\`npm run --silent cli -- run start --env <environment> --task ${task}\`).`;

/** Classifies every stack of a `cdk diff` output. */
export function classifyDiff(text: string): StackReport[] {
  const parsed = parseCdkDiff(text);
  return parsed.stacks.map((stack) => classifyStack(stack, parsed));
}

export function classifyStack(stack: StackDiff, parsed: Pick<ParsedDiff, 'accessWarnings'> = { accessWarnings: [] }): StackReport {
  const warnings: DiffWarning[] = [];
  for (const line of parsed.accessWarnings) {
    warnings.push({
      severity: 'caution',
      title: 'The diff may not compare against the deployed stack',
      detail: `The CDK CLI reported: \`${line}\`. Check the diff role and the CDK bootstrap lookup role of the account.`,
    });
  }
  const resources = stack.resources;
  if (isNewStack(resources)) {
    warnings.push({
      severity: 'note',
      title: `${stack.stackName} is not deployed yet`,
      detail: 'Every resource is new: merging creates the environment, and each task runbook starts its first run.',
    });
    return { stackName: stack.stackName, changed: true, resources, warnings };
  }
  for (const change of resources) warnings.push(...classifyResource(change));
  const order: Record<Severity, number> = { caution: 0, warning: 1, note: 2 };
  warnings.sort((a, b) => order[a.severity] - order[b.severity]);
  return { stackName: stack.stackName, changed: !stack.noDifferences && (resources.length > 0 || stack.otherSections.length > 0), resources, warnings };
}

function isNewStack(resources: readonly ResourceChange[]): boolean {
  return resources.length > 0 && resources.every((r) => r.kind === 'add') && resources.some((r) => r.resourceType === INSTANCE);
}

export function classifyResource(change: ResourceChange): DiffWarning[] {
  switch (change.resourceType) {
    case TASK:
      return classifyTask(change);
    case RUN_TRIGGER:
      return classifyRunTrigger(change);
    case INSTANCE:
      return classifyInstance(change);
    case ENDPOINT:
      return classifyEndpoint(change);
    default:
      return change.resourceType.startsWith('AWS::DMS::') ? classifyOtherDms(change) : [];
  }
}

function classifyTask(change: ResourceChange): DiffWarning[] {
  const task = `Task \`${taskName(change)}\``;
  const base = { logicalId: change.logicalId };
  if (change.impact === 'replace' || change.impact === 'may-replace') {
    return [
      {
        ...base,
        severity: 'caution',
        title: `${task} ${change.impact === 'replace' ? 'is' : 'may be'} replaced${forcedBy(change)}`,
        detail:
          'CloudFormation creates a new DMS task and takes the old one out of the stack. The new task has never run: it has no CDC checkpoint, so it starts with a full load ' +
          '(start-replication) instead of resuming where the old task stopped. This app retains tasks (UpdateReplacePolicy Retain): the old task stays in the account and, ' +
          'if it is running, goes on replicating into the same target. Stop the old task and plan the reload before merging.',
      },
    ];
  }
  if (change.kind === 'remove') {
    return [
      change.impact === 'orphan'
        ? {
            ...base,
            severity: 'warning',
            title: `${task} leaves the stack (retained)`,
            detail:
              'CloudFormation neither stops nor deletes it: if it is running it keeps running, without the alarms and the runbook this stack gave it. Stop it yourself if that is the intent.',
          }
        : {
            ...base,
            severity: 'caution',
            title: `${task} is deleted`,
            detail: 'DMS deletes the task with its CDC checkpoint: replication by this task ends and cannot be resumed.',
          },
    ];
  }
  if (change.kind === 'add') {
    return [{ ...base, severity: 'note', title: `${task} is created`, detail: 'A new DMS task; its runbook starts it after the deploy.' }];
  }
  const warnings: DiffWarning[] = [];
  const mapping = change.properties.find((p) => p.name === 'TableMappings');
  const settings = change.properties.find((p) => p.name === 'ReplicationTaskSettings');
  if (mapping) {
    warnings.push({ ...base, severity: 'warning', title: `${task}: the table mapping changes`, detail: `${describeMappingChange(mapping)} ${RESUMED_BY_RUN}` });
  }
  if (settings) {
    warnings.push({ ...base, severity: 'warning', title: `${task}: the task settings change`, detail: `${describeSettingsChange(settings)} ${RESUMED_BY_RUN}` });
  }
  const others = change.properties.filter((p) => p !== mapping && p !== settings).map((p) => p.name);
  if (others.length > 0 && !mapping && !settings) {
    warnings.push({ ...base, severity: 'warning', title: `${task} is modified (${others.join(', ')})`, detail: resumeYourself(taskName(change)) });
  }
  return warnings;
}

function classifyRunTrigger(change: ResourceChange): DiffWarning[] {
  const task = `task \`${runTaskName(change)}\``;
  const base = { logicalId: change.logicalId };
  if (change.kind === 'add') {
    return [{ ...base, severity: 'note', title: `The deploy starts the first runbook run of ${task}`, detail: 'Custom::PostLoadRestoration is created, which starts a run.' }];
  }
  if (change.kind === 'remove') {
    return [{ ...base, severity: 'note', title: `The runbook trigger of ${task} is removed`, detail: 'Deleting Custom::PostLoadRestoration stops nothing and drops nothing.' }];
  }
  const runKey = change.properties.find((p) => p.name === 'RunKey');
  if (!runKey && change.impact === 'none') return [];
  return [
    {
      ...base,
      severity: 'warning',
      title: `Merging restarts the runbook of ${task}`,
      detail:
        'Custom::PostLoadRestoration starts a new run of the task\'s state machine because its RunKey changes (the task\'s table mapping, its settings or restoration.runId changed). ' +
        'The run starts the task if it is not running (resume-processing for a task that ran before, never reload-target), waits for the post-load point, ' +
        'then restores and verifies secondary indexes, foreign keys and triggers on the target.',
    },
  ];
}

function classifyInstance(change: ResourceChange): DiffWarning[] {
  const base = { logicalId: change.logicalId };
  if (change.impact === 'replace' || change.impact === 'may-replace') {
    return [
      {
        ...base,
        severity: 'caution',
        title: `The replication instance ${change.impact === 'replace' ? 'is' : 'may be'} replaced${forcedBy(change)}`,
        detail:
          'A new instance is created; every task on it is replaced too (ReplicationInstanceArn requires replacement), so each one starts again with a full load, ' +
          'while the retained old instance and tasks stay in the account.',
      },
    ];
  }
  if (change.kind === 'remove') {
    return [
      {
        ...base,
        severity: change.impact === 'orphan' ? 'warning' : 'caution',
        title: change.impact === 'orphan' ? 'The replication instance leaves the stack (retained)' : 'The replication instance is deleted',
        detail: change.impact === 'orphan' ? 'It keeps running, and costing, outside the stack.' : 'Every task on it stops for good.',
      },
    ];
  }
  if (change.kind !== 'update') return [];
  const disruptive = change.properties.filter((p) => INSTANCE_DISRUPTIVE.has(p.name));
  if (disruptive.length === 0) {
    return [{ ...base, severity: 'note', title: `The replication instance is modified (${change.properties.map((p) => p.name).join(', ')})`, detail: '' }];
  }
  return [
    {
      ...base,
      severity: 'warning',
      title: `The replication instance is modified: ${disruptive.map(describeValueChange).join('; ')}`,
      detail:
        'DMS applies these to the running instance. A modification that reboots it stops the tasks running on it ("no data loss occurs but the task stops, and the task status ' +
        'changes to an error state", DMS User Guide, Rebooting a replication instance): deploy when the tasks may be interrupted, and resume them afterwards.',
    },
  ];
}

function classifyEndpoint(change: ResourceChange): DiffWarning[] {
  const endpoint = `Endpoint \`${change.path ?? change.logicalId}\``;
  const base = { logicalId: change.logicalId };
  if (change.impact === 'replace' || change.impact === 'may-replace') {
    return [
      {
        ...base,
        severity: 'caution',
        title: `${endpoint} ${change.impact === 'replace' ? 'is' : 'may be'} replaced${forcedBy(change)}`,
        detail: 'Every task that uses it is replaced too (SourceEndpointArn / TargetEndpointArn require replacement) and starts again with a full load.',
      },
    ];
  }
  if (change.kind === 'remove') {
    return [{ ...base, severity: 'caution', title: `${endpoint} is ${change.impact === 'orphan' ? 'taken out of the stack' : 'deleted'}`, detail: 'Tasks that use it cannot run.' }];
  }
  if (change.kind === 'update') {
    return [{ ...base, severity: 'note', title: `${endpoint} is modified (${change.properties.map((p) => p.name).join(', ')})`, detail: 'The tasks that use it keep their identity.' }];
  }
  return [];
}

function classifyOtherDms(change: ResourceChange): DiffWarning[] {
  const what = `${change.resourceType} \`${change.path ?? change.logicalId}\``;
  const base = { logicalId: change.logicalId };
  if (change.impact === 'replace' || change.impact === 'may-replace') {
    return [{ ...base, severity: 'warning', title: `${what} ${change.impact === 'replace' ? 'is' : 'may be'} replaced${forcedBy(change)}`, detail: 'CloudFormation creates a new one and deletes the old one.' }];
  }
  if (change.kind === 'remove') {
    return [{ ...base, severity: change.impact === 'orphan' ? 'note' : 'warning', title: `${what} is ${change.impact === 'orphan' ? 'taken out of the stack (retained)' : 'deleted'}`, detail: '' }];
  }
  return [];
}

function forcedBy(change: ResourceChange): string {
  const forcing = change.properties.filter((p) => p.impact !== 'none').map((p) => p.name);
  return forcing.length > 0 ? ` (forced by ${forcing.join(', ')})` : '';
}

/** `Task-<name>` is the task's construct id in MigrationStack; anything else is shown as it is. */
export function taskName(change: Pick<ResourceChange, 'path' | 'logicalId'>): string {
  const match = /(?:^|\/)Task-([^/]+)$/.exec(change.path ?? '');
  return match ? match[1] : (change.path ?? change.logicalId);
}

/** `RunbookTrigger/Run-<name>` is the run trigger's construct path in MigrationStack. */
export function runTaskName(change: Pick<ResourceChange, 'path' | 'logicalId'>): string {
  const match = /(?:^|\/)Run-([^/]+)$/.exec(change.path ?? '');
  return match ? match[1] : (change.path ?? change.logicalId);
}

function describeValueChange(p: PropertyChange): string {
  if (p.oldValue !== undefined && p.newValue !== undefined) return `${p.name} ${short(p.oldValue)} → ${short(p.newValue)}`;
  if (p.newValue !== undefined) return `${p.name} set to ${short(p.newValue)}`;
  return p.name;
}

const LIST_LIMIT = 12;

function listed(items: readonly string[]): string {
  const shown = items.slice(0, LIST_LIMIT).join(', ');
  return items.length > LIST_LIMIT ? `${shown} and ${items.length - LIST_LIMIT} more` : shown;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function parseJson(text: string | undefined): Json | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

interface MappingRule {
  readonly key: string;
  readonly label: string;
  readonly json: string;
}

function mappingRules(doc: Json | undefined): MappingRule[] | undefined {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc) || !Array.isArray(doc.rules)) return undefined;
  return doc.rules.map((rule, index) => {
    const r = rule && typeof rule === 'object' && !Array.isArray(rule) ? rule : {};
    const name = typeof r['rule-name'] === 'string' ? r['rule-name'] : undefined;
    const id = typeof r['rule-id'] === 'string' || typeof r['rule-id'] === 'number' ? String(r['rule-id']) : undefined;
    const key = name ?? (id !== undefined ? `#${id}` : `[${index}]`);
    const kind = [r['rule-type'], r['rule-action']].filter((v) => typeof v === 'string').join(' ');
    return { key, label: kind ? `\`${key}\` (${kind})` : `\`${key}\``, json: JSON.stringify(rule) };
  });
}

/** Which mapping rules are added, removed or changed, by rule name (or rule id). */
export function describeMappingChange(p: PropertyChange): string {
  const before = mappingRules(parseJson(p.oldValue));
  const after = mappingRules(parseJson(p.newValue));
  if (!before || !after) return 'The table-mapping document changes.';
  const old = new Map(before.map((r) => [r.key, r]));
  const now = new Map(after.map((r) => [r.key, r]));
  const added = after.filter((r) => !old.has(r.key)).map((r) => r.label);
  const removed = before.filter((r) => !now.has(r.key)).map((r) => r.label);
  const changed = after.filter((r) => old.has(r.key) && old.get(r.key)!.json !== r.json).map((r) => r.label);
  const parts = [
    added.length > 0 ? `rules added: ${listed(added)}` : '',
    removed.length > 0 ? `rules removed: ${listed(removed)}` : '',
    changed.length > 0 ? `rules changed: ${listed(changed)}` : '',
  ].filter(Boolean);
  return parts.length > 0 ? `Table mapping: ${parts.join('; ')}.` : 'Table mapping: the same rules in another order.';
}

/** Which task settings change, as dotted paths with their old and new values. */
export function describeSettingsChange(p: PropertyChange): string {
  const before = parseJson(p.oldValue);
  const after = parseJson(p.newValue);
  if (before === undefined || after === undefined) return 'The task-settings document changes.';
  const oldLeaves = leaves(before);
  const newLeaves = leaves(after);
  const changes: string[] = [];
  for (const [path, value] of newLeaves) {
    const previous = oldLeaves.get(path);
    if (previous === undefined) changes.push(`\`${path}\` set to ${short(value)}`);
    else if (previous !== value) changes.push(`\`${path}\` ${short(previous)} → ${short(value)}`);
  }
  for (const path of oldLeaves.keys()) if (!newLeaves.has(path)) changes.push(`\`${path}\` removed`);
  return changes.length > 0 ? `Settings: ${listed(changes)}.` : 'Settings: the same values, written differently.';
}

function leaves(value: Json, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) leaves(child, prefix ? `${prefix}.${key}` : key, out);
  } else {
    out.set(prefix, JSON.stringify(value));
  }
  return out;
}

function short(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}...` : value;
}
