import * as path from 'node:path';
import type { ReplicationTask } from '@aws-sdk/client-database-migration-service';
import type { EnvironmentConfig, TaskSettingsConfig } from '../config';
import { buildTaskSettings } from '../dms/task-settings';
import { loadTableMappings } from '../mappings/load';

/*
 * Drift of a task: where the ReplicationTaskSettings and TableMappings DMS runs with
 * (DescribeReplicationTasks) differ from what the stack deploys. The deployed side is computed
 * from cdk.json exactly as the stack does it (buildTaskSettings for the settings, loadTableMappings
 * for the mapping: the functions the ReplicationTask construct and MigrationStack call), so there
 * is one source of truth and no cdk.out to keep current.
 *
 * DMS adds and rewrites parts of both documents by itself; those differences are not drift. What
 * is ignored, and why, is this list (the only place that decides it):
 */
export const DMS_NORMALISATIONS: ReadonlyArray<{ readonly rule: string; readonly evidence: string }> = [
  {
    rule: 'settings keys the deployed settings do not set: DMS fills in its defaults for every section and setting',
    evidence:
      'aws-cloudformation/cloudformation-coverage-roadmap #2563 ("service default enrichment"; it also duplicates keys such as historyTimeslotInMinutes beside HistoryTimeslotInMinutes); hashicorp/terraform-provider-aws #19883, #31136 and PR #36936, which compares only the keys the configuration sets',
  },
  {
    rule: 'Logging.CloudWatchLogGroup and Logging.CloudWatchLogStream, which DMS assigns',
    evidence: 'DMS User Guide, "Logging task settings": "You can\'t set these values directly"; terraform-provider-aws #21512, #43974 and PR #36936 (removed before comparing)',
  },
  {
    rule: 'the order of Logging.LogComponents, and components DMS adds: compared by Id, the deployed components only',
    evidence: 'terraform-provider-aws #19883 (components reordered, COMMON, FILE_FACTORY, FILE_TRANSFER added) and PR #36936 (LogComponents as a map of Id to Severity); cloudformation-coverage-roadmap #2563 ("log-component ordering", extra components)',
  },
  {
    rule: 'table-mapping keys DMS writes with a null value, and the order of the rules (paired by rule-id)',
    evidence: 'aws/aws-cli #7057 (DMS returns the mapping with "value": null, "load-order": null, "before-image-def": null, "tag-set": null)',
  },
  {
    rule: 'a deployed null and a key DMS leaves out',
    evidence: 'the same default enrichment: DMS writes sections it has no value for as null (cloudformation-coverage-roadmap #2563)',
  },
];

/** DMS assigns these (the first list entry above). */
const ASSIGNED_BY_DMS = new Set(['Logging.CloudWatchLogGroup', 'Logging.CloudWatchLogStream']);

export type DriftKind = 'changed' | 'missing' | 'added';

export interface DriftDifference {
  /** e.g. FullLoadSettings.CommitRate, Logging.LogComponents[Id=SOURCE_CAPTURE].Severity, rules[rule-id=3].object-locator.table-name */
  readonly path: string;
  /** changed: both have it; missing: DMS does not have what is deployed; added: DMS has what is not deployed. */
  readonly kind: DriftKind;
  /** null when absent. */
  readonly deployed: unknown;
  readonly live: unknown;
}

export interface TaskDrift {
  /** Whether a comparison was made: DMS returned both documents and the deployed ones could be built. */
  readonly checked: boolean;
  /** Why not, when not. */
  readonly reason: string | null;
  readonly settings: readonly DriftDifference[];
  readonly tableMappings: readonly DriftDifference[];
}

/** What the stack deploys for a task: its settings object and its table-mapping JSON. */
export interface DeployedDefinition {
  readonly settings: Record<string, unknown>;
  readonly tableMappings: string;
}

/** The deployed definition of a task, computed from the config as the stack computes it. */
export function deployedDefinition(env: EnvironmentConfig, task: TaskSettingsConfig): DeployedDefinition {
  const index = env.tasks.findIndex((t) => t.name === task.name);
  const { settings } = buildTaskSettings(task.migrationType, task.settings, `${env.configFile}: environment "${env.name}": tasks[${index}].settings`);
  const mappings = loadTableMappings(path.resolve(env.baseDir, task.mappingFile), task.mappingFile);
  return { settings, tableMappings: mappings.json };
}

/** The drift of one task: the live documents (DescribeReplicationTasks with settings) against the deployed ones. */
export function taskDrift(live: Pick<ReplicationTask, 'ReplicationTaskSettings' | 'TableMappings'>, deployed: DeployedDefinition | Error): TaskDrift {
  const notChecked = (reason: string): TaskDrift => ({ checked: false, reason, settings: [], tableMappings: [] });
  if (deployed instanceof Error) return notChecked(`the deployed settings cannot be built from the config: ${deployed.message.split('\n')[0]}`);
  if (!live.ReplicationTaskSettings || !live.TableMappings) return notChecked('DMS returned no task settings or table mapping');
  let liveSettings: unknown;
  let liveMappings: unknown;
  try {
    liveSettings = JSON.parse(live.ReplicationTaskSettings);
    liveMappings = JSON.parse(live.TableMappings);
  } catch (err) {
    return notChecked(`DMS returned a document that is not JSON (${(err as Error).message})`);
  }
  return {
    checked: true,
    reason: null,
    settings: compareSettings(deployed.settings, liveSettings, ''),
    tableMappings: compareMappings(JSON.parse(deployed.tableMappings) as unknown, liveMappings),
  };
}

export function driftCount(drift: TaskDrift): number {
  return drift.settings.length + drift.tableMappings.length;
}

function compareSettings(deployed: unknown, live: unknown, at: string): DriftDifference[] {
  if (isObject(deployed) && isObject(live)) {
    const out: DriftDifference[] = [];
    for (const [key, value] of Object.entries(deployed)) {
      const p = at ? `${at}.${key}` : key;
      if (ASSIGNED_BY_DMS.has(p)) continue;
      if (p === 'Logging.LogComponents' && Array.isArray(value) && Array.isArray(live[key])) {
        out.push(...compareLogComponents(value, live[key] as unknown[], p));
        continue;
      }
      out.push(...compareSettings(value, live[key], p));
    }
    return out;
  }
  return compareValues(deployed, live, at);
}

function compareLogComponents(deployed: readonly unknown[], live: readonly unknown[], at: string): DriftDifference[] {
  const byId = (list: readonly unknown[]) => new Map(list.filter(isObject).map((c) => [String(c.Id), c.Severity]));
  const liveById = byId(live);
  return [...byId(deployed).entries()].flatMap(([id, severity]) => compareValues(severity, liveById.get(id), `${at}[Id=${id}].Severity`));
}

function compareMappings(deployed: unknown, live: unknown): DriftDifference[] {
  if (!isObject(deployed) || !isObject(live)) return compareValues(deployed, live, '');
  const out: DriftDifference[] = [];
  const rules = (doc: Record<string, unknown>) => new Map((Array.isArray(doc.rules) ? doc.rules : []).filter(isObject).map((r) => [String(r['rule-id']), r]));
  const deployedRules = rules(deployed);
  const liveRules = rules(live);
  for (const [id, rule] of deployedRules) out.push(...compareMappingValue(rule, liveRules.get(id), `rules[rule-id=${id}]`));
  for (const [id, rule] of liveRules) if (!deployedRules.has(id)) out.push(...compareValues(undefined, rule, `rules[rule-id=${id}]`));
  const withoutRules = (doc: Record<string, unknown>) => Object.fromEntries(Object.entries(doc).filter(([key]) => key !== 'rules'));
  out.push(...compareMappingValue(withoutRules(deployed), withoutRules(live), ''));
  return out;
}

/** Every key of both sides, except keys empty on both (DMS writes missing ones as null). */
function compareMappingValue(deployed: unknown, live: unknown, at: string): DriftDifference[] {
  if (isObject(deployed) && isObject(live)) {
    const keys = new Set([...Object.keys(deployed), ...Object.keys(live)]);
    return [...keys].flatMap((key) => {
      // A key DMS adds as null, or an empty value on both sides (absent, null, [] or {}).
      if (isEmpty(deployed[key]) && isEmpty(live[key])) return [];
      return compareMappingValue(deployed[key], live[key], at ? `${at}.${key}` : key);
    });
  }
  return compareValues(deployed, live, at);
}

function compareValues(deployed: unknown, live: unknown, at: string): DriftDifference[] {
  const absent = (v: unknown) => v === undefined || v === null;
  if (absent(deployed) && absent(live)) return [];
  if (JSON.stringify(deployed) === JSON.stringify(live)) return [];
  const kind: DriftKind = absent(live) ? 'missing' : absent(deployed) ? 'added' : 'changed';
  return [{ path: at || '(document)', kind, deployed: deployed ?? null, live: live ?? null }];
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || (Array.isArray(value) && value.length === 0) || (isObject(value) && Object.keys(value).length === 0);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One line per difference, e.g. `FullLoadSettings.CommitRate: deployed 10000, live 50000`. */
export function describeDifference(d: DriftDifference): string {
  const show = (v: unknown) => {
    const text = JSON.stringify(v);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  };
  if (d.kind === 'missing') return `${d.path}: deployed ${show(d.deployed)}, not in DMS`;
  if (d.kind === 'added') return `${d.path}: not deployed, DMS has ${show(d.live)}`;
  return `${d.path}: deployed ${show(d.deployed)}, live ${show(d.live)}`;
}
