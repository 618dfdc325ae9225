/**
 * Table mappings: the SCT / DMS console export (`{"rules": [...]}`) loaded, validated against
 * the DMS table-mapping rules and handed to the replication task unchanged in meaning.
 */
export {
  checkTableMappings,
  checkTableMappingsFile,
  formatProblem,
  loadTableMappings,
  mappingGeneration,
  mappingWarningId,
  parseTableMappings,
  ruleLabel,
  TableMappingError,
} from './load';
export type { MappingCheck } from './load';
export { ruleTargetOf, validateTableMappings } from './validate';
export type { ValidateOptions } from './validate';
export { deriveTargetSchemas } from './targets';
export { isPattern, patternMatcher, patternProblem, patternsOverlap } from './patterns';
export { JsonSyntaxError, parseJson } from './json-parser';
export * from './model';
