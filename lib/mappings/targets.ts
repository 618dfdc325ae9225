import { MappingRule, SchemaMapping, SelectionRule, TableMappingDocument, TargetSchemas, TransformationRule } from './model';
import { isPattern, patternMatcher } from './patterns';
import { ruleTargetOf } from './validate';

/**
 * The source schemas a valid mapping selects and the target databases they land in (SCT maps
 * each SQL Server schema to its own MySQL database, e.g. `Sales` -> `adventureworks_sales`).
 *
 * A schema is selected when an include or explicit rule names it exactly; a rule that names its
 * schema by a pattern makes the list incomplete (the matching schemas are only known on the
 * source). A schema whose every table is excluded (`"table-name": "%"`) is dropped. Its target
 * name is the result of the schema-level transformation that matches it; where several match,
 * DMS applies the one with the lowest rule-id ("Transformation rules and actions"), and so does
 * this function. Names match case-insensitively, as on SQL Server's default collations.
 */
export function deriveTargetSchemas(document: TableMappingDocument): TargetSchemas {
  const selections = document.rules.filter((r): r is SelectionRule => r['rule-type'] === 'selection');
  let complete = true;
  const sources: string[] = [];
  for (const rule of selections) {
    if (rule['rule-action'] === 'exclude') continue;
    const schema = rule['object-locator']['schema-name'] ?? '';
    if (rule['rule-action'] === 'include' && isPattern(schema)) {
      complete = false;
      continue;
    }
    if (!sources.some((s) => s.toLowerCase() === schema.toLowerCase())) sources.push(schema);
  }

  const excludedWhole = selections.filter(
    (r) => r['rule-action'] === 'exclude' && r['object-locator']['table-name'] === '%' && (r['object-locator']['table-type'] ?? 'table') !== 'view',
  );
  const selected = sources.filter((schema) => !excludedWhole.some((r) => patternMatcher(r['object-locator']['schema-name'] ?? '')(schema)));

  const schemaRules = document.rules
    .filter((r): r is TransformationRule => r['rule-type'] === 'transformation' && ruleTargetOf(r) === 'schema')
    .sort((a, b) => compareIds(a, b));

  const schemas: SchemaMapping[] = selected.map((source) => {
    const rule = schemaRules.find((r) => patternMatcher(r['object-locator']['schema-name'] ?? '')(source));
    return { source, target: rule ? applyNameRule(rule, source) : source };
  });
  return { complete, schemas };
}

function compareIds(a: MappingRule, b: MappingRule): number {
  const x = BigInt(a['rule-id']);
  const y = BigInt(b['rule-id']);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The name a name-changing transformation gives `name`; other actions leave it unchanged. */
export function applyNameRule(rule: TransformationRule, name: string): string {
  const value = rule.value ?? '';
  const old = rule['old-value'] ?? '';
  switch (rule['rule-action']) {
    case 'rename':
      return rule.value ?? name;
    case 'convert-lowercase':
      return name.toLowerCase();
    case 'convert-uppercase':
      return name.toUpperCase();
    case 'add-prefix':
      return value + name;
    case 'add-suffix':
      return name + value;
    case 'remove-prefix':
      return value && name.startsWith(value) ? name.slice(value.length) : name;
    case 'remove-suffix':
      return value && name.endsWith(value) ? name.slice(0, name.length - value.length) : name;
    case 'replace-prefix':
      return old && name.startsWith(old) ? value + name.slice(old.length) : name;
    case 'replace-suffix':
      return old && name.endsWith(old) ? name.slice(0, name.length - old.length) + value : name;
    default:
      return name;
  }
}
