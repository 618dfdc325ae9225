/*
 * Reads the text `cdk diff` prints (CDK CLI 2.x, @aws-cdk/cloudformation-diff's formatter) into
 * resource changes. The formatter prints, per stack:
 *
 *   Stack DmsMigration-dev
 *   Resources
 *   [~] AWS::DMS::ReplicationTask Task-adventureworks TaskadventureworksA9ED84BE replace
 *    ├─ [~] TableMappings
 *    │   ├─ [-] <old value>
 *    │   └─ [+] <new value>
 *    └─ [~] ResourceIdentifier (requires replacement)
 *
 * A resource line is `[+|~|-|←] TYPE [CONSTRUCT PATH] LOGICAL_ID [IMPACT]`, the impact one of
 * `replace`, `may be replaced`, `destroy`, `orphan`, `import`; a first-level property line is
 * ` ├─ [~] NAME` or ` └─ [~] NAME`, with ` (requires replacement)` or ` (may cause replacement)`.
 */

export type ChangeKind = 'add' | 'update' | 'remove' | 'import';
export type ResourceImpact = 'replace' | 'may-replace' | 'destroy' | 'orphan' | 'import' | 'none';
export type PropertyImpact = 'replace' | 'may-replace' | 'none';

export interface PropertyChange {
  readonly name: string;
  readonly kind: ChangeKind;
  readonly impact: PropertyImpact;
  /** The whole old / new value when the diff prints it on one line each (strings, e.g. a JSON document). */
  readonly oldValue?: string;
  readonly newValue?: string;
}

export interface ResourceChange {
  readonly kind: ChangeKind;
  readonly resourceType: string;
  readonly logicalId: string;
  /** The construct path below the stack, when the diff knows it (e.g. `Task-adventureworks`). */
  readonly path?: string;
  readonly impact: ResourceImpact;
  readonly properties: readonly PropertyChange[];
}

export interface StackDiff {
  readonly stackName: string;
  /** The formatter said "There were no differences". */
  readonly noDifferences: boolean;
  readonly resources: readonly ResourceChange[];
  /** Names of the other sections with changes (IAM Statement Changes, Outputs, ...). */
  readonly otherSections: readonly string[];
}

export interface ParsedDiff {
  readonly stacks: readonly StackDiff[];
  /** CLI lines that say the diff may not compare against the deployed stack (lookup role not assumed, ...). */
  readonly accessWarnings: readonly string[];
}

const ANSI = /\x1b\[[0-9;]*m/g;
const SECTIONS = new Set([
  'Template',
  'IAM Statement Changes',
  'Security Group Changes',
  'Parameters',
  'Metadata',
  'Mappings',
  'Conditions',
  'Resources',
  'Outputs',
  'Other Changes',
]);
const MARKERS: Record<string, ChangeKind> = { '+': 'add', '~': 'update', '-': 'remove', '\u2190': 'import' };
const RESOURCE_LINE = /^\[([+~\-\u2190])\] (\S+) (.+)$/;
const PROPERTY_LINE = /^ [\u251c\u2514]\u2500 \[([+~\-])\] (.+?)( \((?:requires|may cause) replacement\))?$/;
const VALUE_LINE = /^ [ \u2502]   [\u251c\u2514]\u2500 \[([+-])\] (.*)$/;
const IMPACTS: ReadonlyArray<[string, ResourceImpact]> = [
  [' may be replaced', 'may-replace'],
  [' replace', 'replace'],
  [' destroy', 'destroy'],
  [' orphan', 'orphan'],
  [' import', 'import'],
];
const MOVE_SUFFIX = / \(OR move .*\)$/;
const ACCESS_WARNING = /Could not assume|was not assumed|Could not access stack|AccessDenied|not authorized to perform|ExpiredToken|Unable to resolve AWS account/i;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** Parses the output of one `cdk diff` run (any number of stacks). */
export function parseCdkDiff(text: string): ParsedDiff {
  const stacks: StackDiff[] = [];
  const accessWarnings: string[] = [];
  let stack: { stackName: string; noDifferences: boolean; resources: MutableResource[]; otherSections: string[] } | undefined;
  let section: string | undefined;
  let resource: MutableResource | undefined;
  let property: MutableProperty | undefined;

  const finishStack = () => {
    if (stack) stacks.push({ ...stack, resources: stack.resources.map(freeze) });
    stack = undefined;
    section = undefined;
    resource = undefined;
    property = undefined;
  };

  for (const raw of stripAnsi(text).split(/\r?\n/)) {
    const line = raw.replace(/\s+$/, '');
    const stackHeader = /^Stack (\S+)$/.exec(line);
    if (stackHeader) {
      finishStack();
      stack = { stackName: stackHeader[1], noDifferences: false, resources: [], otherSections: [] };
      continue;
    }
    if (ACCESS_WARNING.test(line)) accessWarnings.push(line.trim());
    if (!stack) continue;
    if (line === 'There were no differences' || line.startsWith('There were no differences ')) {
      stack.noDifferences = true;
      continue;
    }
    if (SECTIONS.has(line)) {
      section = line;
      resource = undefined;
      property = undefined;
      if (line !== 'Resources') stack.otherSections.push(line);
      continue;
    }
    if (section !== 'Resources') continue;
    const resourceMatch = RESOURCE_LINE.exec(line);
    if (resourceMatch) {
      resource = parseResourceLine(MARKERS[resourceMatch[1]], resourceMatch[2], resourceMatch[3]);
      stack.resources.push(resource);
      property = undefined;
      continue;
    }
    if (!resource) continue;
    const propertyMatch = PROPERTY_LINE.exec(line);
    if (propertyMatch) {
      const suffix = propertyMatch[3] ?? '';
      property = {
        name: propertyMatch[2],
        kind: MARKERS[propertyMatch[1]],
        impact: suffix.includes('requires') ? 'replace' : suffix.includes('may cause') ? 'may-replace' : 'none',
      };
      resource.properties.push(property);
      continue;
    }
    const valueMatch = VALUE_LINE.exec(line);
    if (valueMatch && property) {
      if (valueMatch[1] === '-') property.oldValue = valueMatch[2];
      else property.newValue = valueMatch[2];
    }
  }
  finishStack();
  return { stacks, accessWarnings };
}

interface MutableProperty {
  name: string;
  kind: ChangeKind;
  impact: PropertyImpact;
  oldValue?: string;
  newValue?: string;
}

interface MutableResource {
  kind: ChangeKind;
  resourceType: string;
  logicalId: string;
  path?: string;
  impact: ResourceImpact;
  properties: MutableProperty[];
}

function parseResourceLine(kind: ChangeKind, resourceType: string, rest: string): MutableResource {
  let remainder = rest.replace(MOVE_SUFFIX, '');
  let impact: ResourceImpact = 'none';
  for (const [suffix, value] of IMPACTS) {
    if (remainder.endsWith(suffix)) {
      impact = value;
      remainder = remainder.slice(0, -suffix.length);
      break;
    }
  }
  // The logical id has no spaces; a construct path may (e.g. "SourceSecurityGroup/from Sg:1433").
  const lastSpace = remainder.lastIndexOf(' ');
  const logicalId = lastSpace < 0 ? remainder : remainder.slice(lastSpace + 1);
  const path = lastSpace < 0 ? undefined : remainder.slice(0, lastSpace);
  return { kind, resourceType, logicalId, path, impact, properties: [] };
}

function freeze(resource: MutableResource): ResourceChange {
  return { ...resource, properties: resource.properties.map((p) => ({ ...p })) };
}
