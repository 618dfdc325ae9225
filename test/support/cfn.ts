/**
 * A little of what CloudFormation does with two versions of a template, enough to walk an update
 * in a test: which resources change, in which order they are updated (dependencies: DependsOn,
 * Ref, Fn::GetAtt), and their properties with intrinsics resolved to stand-in values (a Ref is
 * the logical id, a GetAtt "<id>.<attribute>" unless `attributes` gives the value).
 */

type Json = unknown;
export interface CfnTemplate {
  readonly Resources: Record<string, { readonly Type: string; readonly Properties?: Record<string, Json>; readonly DependsOn?: string | string[] }>;
}

export function resolve(value: Json, attributes: Record<string, string> = {}): Json {
  if (Array.isArray(value)) return value.map((v) => resolve(v, attributes));
  if (typeof value !== 'object' || value === null) return value;
  const o = value as Record<string, Json>;
  if ('Ref' in o) return `ref:${String(o.Ref)}`;
  if ('Fn::GetAtt' in o) {
    const [id, attribute] = o['Fn::GetAtt'] as [string, string];
    return attributes[`${id}.${attribute}`] ?? `${id}.${attribute}`;
  }
  if ('Fn::Join' in o) {
    const [separator, parts] = o['Fn::Join'] as [string, Json[]];
    return parts.map((p) => String(resolve(p, attributes))).join(separator);
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolve(v, attributes)]));
}

/** Resources whose properties differ (intrinsics resolved the same way on both sides), or that only one version has. */
export function changedResources(before: CfnTemplate, after: CfnTemplate, attributes: Record<string, string> = {}): string[] {
  const ids = new Set([...Object.keys(before.Resources), ...Object.keys(after.Resources)]);
  return [...ids].filter((id) => {
    const a = before.Resources[id];
    const b = after.Resources[id];
    return !a || !b || JSON.stringify(resolve(a.Properties ?? {}, attributes)) !== JSON.stringify(resolve(b.Properties ?? {}, attributes));
  });
}

/** The direct dependencies of a resource: DependsOn, and every Ref / Fn::GetAtt in its properties. */
export function dependenciesOf(template: CfnTemplate, id: string): Set<string> {
  const resource = template.Resources[id];
  const out = new Set<string>([resource.DependsOn ?? []].flat());
  const walk = (v: Json): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (typeof v !== 'object' || v === null) return;
    const o = v as Record<string, Json>;
    if (typeof o.Ref === 'string' && template.Resources[o.Ref]) out.add(o.Ref);
    if (Array.isArray(o['Fn::GetAtt'])) out.add((o['Fn::GetAtt'] as string[])[0]);
    Object.values(o).forEach(walk);
  };
  walk(resource.Properties ?? {});
  return out;
}

/** Whether `later` depends on `earlier`, directly or through others: CloudFormation updates `earlier` first. */
export function dependsOn(template: CfnTemplate, later: string, earlier: string): boolean {
  const seen = new Set<string>();
  const stack = [...dependenciesOf(template, later)];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === earlier) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...dependenciesOf(template, id));
  }
  return false;
}

export function logicalIdsOfType(template: CfnTemplate, type: string): string[] {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id]) => id);
}
