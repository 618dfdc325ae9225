import { LiveForeignKey, LiveIndex, LiveObject, LiveTrigger, ReferentialAction } from './types';

/**
 * InnoDB treats RESTRICT and NO ACTION the same, and a key added in place with FK checks off
 * records an explicit RESTRICT as NO ACTION: compare them as equal.
 */
export function normalizeRule(rule: ReferentialAction): ReferentialAction {
  return rule === 'NO ACTION' ? 'RESTRICT' : rule;
}

/**
 * Describes how a live object differs from the planned one; undefined when they are the same.
 * Indexes compare as the server prints them (columns, order, prefix, type, comment, visibility all
 * show there); foreign keys compare field by field; triggers by statement, timing, event and the
 * session context they were created in (the trigger order is checked separately).
 */
export function difference(planned: LiveObject, live: LiveObject): string | undefined {
  if (planned.kind !== live.kind) return `kind ${live.kind} instead of ${planned.kind}`;
  switch (planned.kind) {
    case 'index':
      return indexDifference(planned, live as LiveIndex);
    case 'foreignKey':
      return foreignKeyDifference(planned, live as LiveForeignKey);
    case 'trigger':
      return triggerDifference(planned, live as LiveTrigger);
  }
}

function indexDifference(planned: LiveIndex, live: LiveIndex): string | undefined {
  if (planned.definition === live.definition) return undefined;
  return `server has ${live.definition}, plan has ${planned.definition}`;
}

function foreignKeyDifference(p: LiveForeignKey, l: LiveForeignKey): string | undefined {
  const diffs: string[] = [];
  if (!sameList(p.columns, l.columns)) diffs.push(`columns (${l.columns.join(', ')}) instead of (${p.columns.join(', ')})`);
  if (p.referencedDatabase !== l.referencedDatabase || p.referencedTable !== l.referencedTable) {
    diffs.push(`references ${l.referencedDatabase}.${l.referencedTable} instead of ${p.referencedDatabase}.${p.referencedTable}`);
  }
  if (!sameList(p.referencedColumns, l.referencedColumns)) {
    diffs.push(`referenced columns (${l.referencedColumns.join(', ')}) instead of (${p.referencedColumns.join(', ')})`);
  }
  if (normalizeRule(p.onDelete) !== normalizeRule(l.onDelete)) diffs.push(`ON DELETE ${l.onDelete} instead of ${p.onDelete}`);
  if (normalizeRule(p.onUpdate) !== normalizeRule(l.onUpdate)) diffs.push(`ON UPDATE ${l.onUpdate} instead of ${p.onUpdate}`);
  return diffs.length ? diffs.join('; ') : undefined;
}

function triggerDifference(p: LiveTrigger, l: LiveTrigger): string | undefined {
  const diffs: string[] = [];
  if (p.timing !== l.timing || p.event !== l.event) diffs.push(`${l.timing} ${l.event} instead of ${p.timing} ${p.event}`);
  if (p.statement !== l.statement) diffs.push(`statement differs: server has ${JSON.stringify(l.statement)}`);
  if (p.definer !== l.definer) diffs.push(`definer ${l.definer} instead of ${p.definer}`);
  if (p.sqlMode !== l.sqlMode) diffs.push(`sql_mode ${l.sqlMode} instead of ${p.sqlMode}`);
  if (p.characterSetClient !== l.characterSetClient) diffs.push(`character_set_client ${l.characterSetClient} instead of ${p.characterSetClient}`);
  if (p.collationConnection !== l.collationConnection) diffs.push(`collation_connection ${l.collationConnection} instead of ${p.collationConnection}`);
  return diffs.length ? diffs.join('; ') : undefined;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
