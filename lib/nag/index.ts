export * from './dms-checks';
export * as rules from './rules';
export { PRODUCTION_TAG } from './rules';
