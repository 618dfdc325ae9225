/**
 * The restoration plan: a versioned JSON document listing every secondary index, foreign key and
 * trigger of the selected databases with the exact definition needed to re-create it, plus the
 * state of each object so an interrupted run resumes where it stopped.
 */

export const PLAN_FORMAT = 'dms-restore-plan';
export const PLAN_VERSION = 1;

export type ObjectKind = 'index' | 'foreignKey' | 'trigger';

/** Key of a table inside maps: unambiguous whatever characters the names contain. */
export function tableKey(database: string, table: string): string {
  return JSON.stringify([database, table]);
}

export function objectKey(kind: ObjectKind, database: string, table: string, name: string): string {
  return `${kind}:${JSON.stringify([database, table, name])}`;
}

/** Every kind, in the order apply restores them (defer drops them in the reverse order). */
export const OBJECT_KINDS: readonly ObjectKind[] = ['index', 'foreignKey', 'trigger'];

/**
 * - captured:  read from the server, not touched yet
 * - pending:   to be handled by the current defer or apply run
 * - dropping:  a DROP statement was (or is about to be) issued; see `step`
 * - dropped:   absent from the server because defer dropped it
 * - restoring: a CREATE/ALTER statement was (or is about to be) issued; see `step`
 * - restored:  present on the server with the planned definition
 * - failed:    see `failure`
 */
export type ObjectState = 'captured' | 'pending' | 'dropping' | 'dropped' | 'restoring' | 'restored' | 'failed';

export type FailureReason =
  | 'duplicate-keys'
  | 'orphan-rows'
  | 'missing-referenced-table'
  | 'missing-table'
  | 'different-definition'
  | 'changed-since-capture'
  | 'sql-error';

export interface SampleRow {
  /** Column (or key part) name to value, values rendered as strings (binary as hex), NULL as null. */
  readonly values: Readonly<Record<string, string | null>>;
  /** For duplicate keys: how many rows share these values. */
  readonly rows?: number;
}

export interface Failure {
  readonly action: 'defer' | 'apply';
  readonly run: number;
  readonly reason: FailureReason;
  readonly message: string;
  /** Duplicate key values (unique index) or orphan rows (foreign key). */
  readonly count?: number;
  readonly sample?: readonly SampleRow[];
  readonly at: string;
}

/** A DDL statement recorded before it is sent, so a later call can find it still running. */
export interface StepRecord {
  readonly id: string;
  readonly action: 'drop' | 'create';
  /** The statement as sent, without its tag. */
  readonly sql: string;
  readonly startedAt: string;
}

interface ObjectBase {
  /** Stable unique key of the object inside the plan. */
  readonly key: string;
  readonly database: string;
  readonly table: string;
  readonly name: string;
  state: ObjectState;
  step?: StepRecord;
  failure?: Failure;
  /** Set when apply found the object already present and did not create it. */
  skipped?: boolean;
  updatedAt?: string;
}

export interface IndexColumn {
  /** Column name; null for a functional key part (MySQL 8 expression). */
  readonly name: string | null;
  readonly expression: string | null;
  /** Prefix length (SUB_PART). */
  readonly subPart: number | null;
  readonly order: 'ASC' | 'DESC' | null;
}

export interface IndexObject extends ObjectBase {
  readonly kind: 'index';
  readonly unique: boolean;
  /** BTREE, HASH, FULLTEXT, SPATIAL... as information_schema.STATISTICS reports it. */
  readonly indexType: string;
  readonly columns: readonly IndexColumn[];
  readonly comment: string;
  /** MySQL 8 invisible index (false); null when the server has no such notion. */
  readonly visible: boolean | null;
  /** MariaDB 10.6+ ignored index (true); null when the server has no such notion. */
  readonly ignored: boolean | null;
  /** The index as `SHOW CREATE TABLE` prints it, e.g. "UNIQUE KEY `u` (`a`(10) DESC) COMMENT 'x'". */
  readonly definition: string;
}

export type ReferentialAction = 'RESTRICT' | 'NO ACTION' | 'CASCADE' | 'SET NULL' | 'SET DEFAULT';

export interface ForeignKeyObject extends ObjectBase {
  readonly kind: 'foreignKey';
  readonly columns: readonly string[];
  readonly referencedDatabase: string;
  readonly referencedTable: string;
  readonly referencedColumns: readonly string[];
  readonly onDelete: ReferentialAction;
  readonly onUpdate: ReferentialAction;
  /** The constraint as `SHOW CREATE TABLE` prints it. */
  readonly definition: string;
}

export interface TriggerObject extends ObjectBase {
  readonly kind: 'trigger';
  readonly timing: 'BEFORE' | 'AFTER';
  readonly event: 'INSERT' | 'UPDATE' | 'DELETE';
  /** ACTION_ORDER among the triggers of the same table, timing and event (1-based). */
  readonly order: number;
  readonly definer: string;
  readonly sqlMode: string;
  readonly characterSetClient: string;
  readonly collationConnection: string;
  readonly databaseCollation: string;
  /** `SQL Original Statement` of SHOW CREATE TRIGGER, re-executed verbatim. */
  readonly statement: string;
  /** information_schema.TRIGGERS.ACTION_STATEMENT. */
  readonly body: string;
}

export type PlanObject = IndexObject | ForeignKeyObject | TriggerObject;

/** An object as read from the live server (no state). */
export type LiveIndex = Omit<IndexObject, 'state' | 'step' | 'failure' | 'skipped' | 'updatedAt'>;
export type LiveForeignKey = Omit<ForeignKeyObject, 'state' | 'step' | 'failure' | 'skipped' | 'updatedAt'>;
export type LiveTrigger = Omit<TriggerObject, 'state' | 'step' | 'failure' | 'skipped' | 'updatedAt'>;
export type LiveObject = LiveIndex | LiveForeignKey | LiveTrigger;

export type ServerFlavor = 'mariadb' | 'mysql';

export interface ServerInfo {
  readonly flavor: ServerFlavor;
  /** VERSION() as reported. */
  readonly version: string;
  /** [major, minor, patch] */
  readonly versionNumber: readonly [number, number, number];
  /** Aurora MySQL version when the server is Aurora, else null. */
  readonly aurora: string | null;
  readonly features: ServerFeatures;
}

export interface ServerFeatures {
  /** STATISTICS.IGNORED (MariaDB 10.6+). */
  readonly ignoredIndexes: boolean;
  /** STATISTICS.IS_VISIBLE (MySQL 8). */
  readonly invisibleIndexes: boolean;
  /** STATISTICS.EXPRESSION (MySQL 8.0.13+ functional key parts). */
  readonly functionalIndexes: boolean;
}

export type PlanPhase = 'captured' | 'deferring' | 'deferred' | 'applying' | 'applied';

export interface PlanRun {
  readonly number: number;
  readonly action: 'defer' | 'apply';
  /** The kinds the run works on; absent: every kind (plans written before runs had kinds). */
  readonly kinds?: readonly ObjectKind[];
  readonly startedAt: string;
  finishedAt?: string;
  calls: number;
}

export interface Plan {
  readonly format: typeof PLAN_FORMAT;
  readonly version: typeof PLAN_VERSION;
  readonly planId: string;
  readonly createdAt: string;
  updatedAt: string;
  readonly server: ServerInfo;
  readonly databases: readonly string[];
  phase: PlanPhase;
  /** Number of the last step issued; step ids are `s<number>`. */
  lastStep: number;
  runs: PlanRun[];
  objects: PlanObject[];
}

// ---------------------------------------------------------------------------------------------
// Results

export interface ObjectRef {
  readonly key: string;
  readonly kind: ObjectKind;
  readonly database: string;
  readonly table: string;
  readonly name: string;
}

export interface FailedObject extends ObjectRef {
  readonly reason: FailureReason;
  readonly message: string;
  readonly count?: number;
  readonly sample?: readonly SampleRow[];
}

export interface RunningObject extends ObjectRef {
  readonly stepId: string;
  readonly since: string;
}

export interface Counts {
  readonly total: number;
  /** apply: present with the planned definition (created by the engine or found present). */
  readonly restored: number;
  /** defer: dropped (or found absent). */
  readonly dropped: number;
  /** Found already in the wanted state, no statement issued (a subset of restored/dropped). */
  readonly skipped: number;
  readonly failed: number;
  /** Not yet handled by this run. */
  readonly pending: number;
  /** A statement issued for it is still running on the server. */
  readonly running: number;
}

/** Counts of one kind of object over the whole plan. */
export interface KindCounts extends Counts {
  /** Dropped by a defer and not restored since (not on the server, waiting for an apply). */
  readonly deferred: number;
}

export interface RunResult {
  readonly action: 'defer' | 'apply';
  readonly planId: string;
  readonly run: number;
  readonly phase: PlanPhase;
  /** The kinds this run works on. */
  readonly kinds: readonly ObjectKind[];
  /** True when every object of the run's kinds has been handled; false when the call ran out of time. */
  readonly done: boolean;
  /** done and nothing failed. */
  readonly ok: boolean;
  /** Objects of the run's kinds. */
  readonly counts: Counts;
  /** Every kind of the plan, whether this run works on it or not (e.g. triggers still deferred). */
  readonly byKind: Readonly<Record<ObjectKind, KindCounts>>;
  readonly failed: readonly FailedObject[];
  readonly running: readonly RunningObject[];
  /** Foreign keys not restored because of orphan rows (also listed in `failed`). */
  readonly orphans: readonly FailedObject[];
  readonly elapsedMs: number;
}

export type VerifyStatus = 'ok' | 'missing' | 'different' | 'orphans' | 'order';

export interface VerifiedObject extends ObjectRef {
  readonly status: VerifyStatus;
  readonly message?: string;
  readonly expected?: string;
  readonly actual?: string;
  readonly count?: number;
  readonly sample?: readonly SampleRow[];
}

export interface VerifyCounts {
  readonly total: number;
  readonly ok: number;
  readonly missing: number;
  readonly different: number;
  readonly orphans: number;
  readonly order: number;
}

export interface VerifyResult {
  readonly planId: string;
  /** The kinds compared with the server. */
  readonly kinds: readonly ObjectKind[];
  readonly ok: boolean;
  /** Objects of the verified kinds. */
  readonly counts: VerifyCounts;
  /** Per verified kind. */
  readonly byKind: Readonly<Partial<Record<ObjectKind, VerifyCounts>>>;
  /** Objects whose status is not ok. */
  readonly problems: readonly VerifiedObject[];
  /** Secondary objects on the server that the plan does not list (information only). */
  readonly extra: readonly ObjectRef[];
  readonly elapsedMs: number;
}
