/**
 * The restoration engine: capture, defer, apply and verify the secondary indexes, foreign keys
 * and triggers of one or more databases on a MySQL-compatible target (Aurora MySQL 3 / MySQL 8.0,
 * MariaDB 10.11). No CDK, no AWS SDK: connections and the plan store come in through
 * {@link ConnectionFactory} and {@link PlanStore}.
 */
export * from './types';
export * from './connection';
export * from './store';
export * from './progress';
export { capture, defer, apply, buildPlan, buildResult, summarize, stagesOf, PlanError } from './engine';
export type { EngineOptions, CaptureOptions, DeferOptions, ApplyOptions, RunOptions } from './engine';
export { verify } from './verify';
export type { VerifyOptions } from './verify';
export { applyChange, stateRecord, definitionOf, headerState, normalizeKinds } from './plan-state';
export type { PlanChange, PlanHeaderState, ObjectStateRecord } from './plan-state';
export { detectServer, describeServer, prepareSession, ENGINE_SQL_MODE } from './server';
export { readCatalog, showCreateTable, showCreateTrigger } from './catalog';
export type { LiveSchema, LiveTable } from './catalog';
export { difference, normalizeRule } from './compare';
export { quoteId, quoteTable, statementTag, parseTag, parseCreateTable, tokenize } from './sql';
export * from './privileges';
export { formatRunReport, formatVerifyReport, formatCaptureReport } from './report';
