/*
 * Custom::DmsReplacementGuard: every DMS resource of the stack depends on it, so CloudFormation
 * updates it first; its properties are, per DMS resource, the values of the properties whose
 * change makes CloudFormation replace the resource ("Update requires: Replacement" in the
 * CloudFormation reference; createOnlyProperties in the resource schemas cfn-lint ships):
 *
 *   AWS::DMS::ReplicationTask      ResourceIdentifier, ReplicationInstanceArn, SourceEndpointArn, TargetEndpointArn
 *   AWS::DMS::ReplicationInstance  ResourceIdentifier, KmsKeyId, ReplicationSubnetGroupIdentifier, PubliclyAccessible, DnsNameServers
 *   AWS::DMS::Endpoint             ResourceIdentifier, KmsKeyId
 *
 * plus the logical id (a new logical id is a new resource). Comparing the old and new values it
 * refuses, before any DMS resource is touched:
 * - a replacement that keeps the DMS identifier: CloudFormation creates the replacement first and
 *   the old resource is retained (RETAIN), so DMS would refuse a second resource of that name;
 * - any replacement while the environment is migrating (`migrating: true` in cdk.json): a new
 *   task, or a task on a new instance or endpoint, starts the migration over.
 *
 * Synth cannot make this check: it has no access to the deployed values (no lookups, no
 * credentials). The guard sees both, from the request CloudFormation sends it.
 */

export const REPLACEMENT_GUARD_TYPE = 'Custom::DmsReplacementGuard';

/** Per resource type, the properties whose change replaces it. */
export const REPLACEMENT_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  'AWS::DMS::ReplicationTask': ['ResourceIdentifier', 'ReplicationInstanceArn', 'SourceEndpointArn', 'TargetEndpointArn'],
  'AWS::DMS::ReplicationInstance': ['ResourceIdentifier', 'KmsKeyId', 'ReplicationSubnetGroupIdentifier', 'PubliclyAccessible', 'DnsNameServers'],
  'AWS::DMS::Endpoint': ['ResourceIdentifier', 'KmsKeyId'],
};

/** A reference to another guarded resource, written in place of its Ref. */
export const GUARDED_REFERENCE = 'guarded:';

export interface GuardedResource {
  readonly Type: string;
  /** The identifier DMS knows it by (unique in the account and region). */
  readonly Name: string;
  readonly LogicalId: string;
  /** Property -> value ("" when unset); a Ref to another guarded resource is `guarded:<key>`. */
  readonly CreateOnly: Readonly<Record<string, string>>;
}

export interface GuardProperties {
  readonly Environment: string;
  /** "true" when the config marks the environment as migrating. */
  readonly Migrating: string;
  readonly Resources: Readonly<Record<string, GuardedResource>>;
}

export interface Replacement {
  readonly key: string;
  readonly resource: GuardedResource;
  readonly reasons: readonly string[];
  /** The replacement keeps the DMS identifier of the retained old resource. */
  readonly collides: boolean;
}

/** The guarded resources this update replaces, with why (a changed property, or a replaced resource it refers to). */
export function findReplacements(previous: GuardProperties, next: GuardProperties): Replacement[] {
  const reasons = new Map<string, string[]>();
  for (const [key, resource] of Object.entries(next.Resources)) {
    const before = previous.Resources[key];
    if (!before) continue;
    const changed: string[] = [];
    if (before.LogicalId !== resource.LogicalId) changed.push(`logical id ${before.LogicalId} -> ${resource.LogicalId}`);
    for (const property of new Set([...Object.keys(before.CreateOnly), ...Object.keys(resource.CreateOnly)])) {
      const from = before.CreateOnly[property] ?? '';
      const to = resource.CreateOnly[property] ?? '';
      if (from !== to) changed.push(`${property} ${show(from)} -> ${show(to)}`);
    }
    if (changed.length > 0) reasons.set(key, changed);
  }
  // A resource whose Ref another one holds gets a new ARN when replaced: that one is replaced too.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [key, resource] of Object.entries(next.Resources)) {
      if (!previous.Resources[key]) continue;
      for (const [property, value] of Object.entries(resource.CreateOnly)) {
        const target = value.startsWith(GUARDED_REFERENCE) ? value.slice(GUARDED_REFERENCE.length) : undefined;
        if (!target || !reasons.has(target)) continue;
        const list = reasons.get(key) ?? [];
        const reason = `${property}: ${describeResource(next.Resources[target])} is replaced`;
        if (list.includes(reason)) continue;
        reasons.set(key, [...list, reason]);
        changed = true;
      }
    }
  }
  return [...reasons.entries()].map(([key, list]) => {
    const resource = next.Resources[key];
    return { key, resource, reasons: list, collides: resource.Name.toLowerCase() === previous.Resources[key].Name.toLowerCase() };
  });
}

/** Why the update must not go on, or undefined to let it. */
export function refusal(previous: GuardProperties, next: GuardProperties): string | undefined {
  const replacements = findReplacements(previous, next);
  if (replacements.length === 0) return undefined;
  const list = (items: readonly Replacement[]) => items.map((r) => `- ${describeResource(r.resource)}: ${r.reasons.join('; ')}`).join('\n');
  // Both sides: a deploy that sets migrating to false may replace, and so may its rollback.
  if (previous.Migrating === 'true' && next.Migrating === 'true') {
    return (
      `environment "${next.Environment}" is migrating (migrating: true in cdk.json) and this deploy would replace:\n${list(replacements)}\n` +
      'A replacement is a new, empty DMS resource (the old one is retained): the migration would start over. Revert the change. ' +
      'To replace on purpose, once the migration is over or abandoned set migrating to false and give each replaced resource a new identifier (README "Changing a running task").'
    );
  }
  const collisions = replacements.filter((r) => r.collides);
  if (collisions.length > 0) {
    return (
      `this deploy would replace, under the same DMS identifier:\n${list(collisions)}\n` +
      'CloudFormation creates the replacement before it removes the old resource, which is retained (RemovalPolicy RETAIN): DMS refuses a second resource with that identifier. ' +
      'Revert the change, or give the resource a new identifier (replicationInstance.identifier; a task: a new tasks[].name and tasks[].resourceIdentifier) (README "Changing a running task").'
    );
  }
  return undefined;
}

export function describeResource(resource: GuardedResource): string {
  const kind = resource.Type === 'AWS::DMS::ReplicationTask' ? 'DMS task' : resource.Type === 'AWS::DMS::ReplicationInstance' ? 'DMS replication instance' : 'DMS endpoint';
  return `${kind} ${resource.Name}`;
}

function show(value: string): string {
  return value === '' ? '(unset)' : JSON.stringify(value);
}

type GuardRequest =
  | { readonly RequestType: 'Create' | 'Delete'; readonly ResourceProperties: GuardProperties; readonly PhysicalResourceId?: string }
  | { readonly RequestType: 'Update'; readonly ResourceProperties: GuardProperties; readonly OldResourceProperties: GuardProperties; readonly PhysicalResourceId: string };

export class ReplacementRefused extends Error {
  public override readonly name = 'ReplacementRefused';
}

/** onEvent of Custom::DmsReplacementGuard (no AWS calls: CloudFormation's request has both versions). */
export function onGuardEvent(event: GuardRequest): { PhysicalResourceId: string } {
  const physicalId = event.PhysicalResourceId ?? `dms-replacement-guard:${event.ResourceProperties.Environment}`;
  if (event.RequestType === 'Update') {
    const reason = refusal(event.OldResourceProperties, event.ResourceProperties);
    if (reason) throw new ReplacementRefused(reason);
  }
  return { PhysicalResourceId: physicalId };
}
