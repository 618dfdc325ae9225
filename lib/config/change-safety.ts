import { z } from 'zod';

/*
 * What protects a running migration from a deploy, and what checks a task before its first start:
 * `environments.<name>.migrating` and `environments.<name>.assessment` in cdk.json. Both are read
 * by the stack (lib/stacks/migration-stack.ts) and the operator CLI (`assess`).
 */

/**
 * Names of individual assessments, as StartReplicationTaskAssessmentRun takes them in Exclude and
 * IncludeOnly ("These names come from the default list of individual assessments that DMS supports
 * for the associated migration task"): the API keys of the user guide's "Individual assessments"
 * pages are lowercase words joined by hyphens. The list that applies to a task is DMS's own
 * (DescribeApplicableIndividualAssessments): the runbook and `assess start` check against it.
 */
export const ASSESSMENT_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** How long the runbook waits for an assessment run before it gives up on it, at most (a day). */
export const MAX_ASSESSMENT_WAIT_MINUTES = 1440;

/** `environments.<name>.assessment`: the premigration assessment run before a task's first start. */
export const assessmentSchema = z
  .strictObject({
    /**
     * Run a premigration assessment before the task's first start, and start the task only when it
     * passes. Default: true for an environment marked production, false otherwise.
     */
    enabled: z.boolean().optional(),
    /** Start the task when the assessment ends with warnings (and no failure). Default false: the run stops for the operator. */
    acceptWarnings: z.boolean().default(false),
    /** Individual assessments left out (StartReplicationTaskAssessmentRun Exclude). */
    exclude: z.array(z.string().min(1).max(255)).default([]),
    /** Only these individual assessments (IncludeOnly). DMS refuses both lists in one run. */
    includeOnly: z.array(z.string().min(1).max(255)).min(1).optional(),
    /** How long the runbook waits for the assessment run to finish. Default 120 minutes. */
    timeoutMinutes: z.number().int().min(5).max(MAX_ASSESSMENT_WAIT_MINUTES).default(120),
    /** Days the results bucket keeps an assessment's results (a lifecycle rule). Default 365. */
    resultRetentionDays: z.number().int().min(1).max(3650).default(365),
  })
  .superRefine((value, ctx) => {
    if (value.includeOnly && value.exclude.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['includeOnly'],
        message: 'cannot be set together with exclude: StartReplicationTaskAssessmentRun refuses a value for IncludeOnly when Exclude is set; keep one of them',
      });
    }
  })
  .prefault({});

/**
 * The two fields, spread into the environment schema in one place. `migrating`: the environment's
 * tasks are migrating; a deploy that would replace the replication instance, an endpoint or a task
 * is refused before CloudFormation touches any of them (lib/orchestration/replacement-guard.ts).
 */
export const changeSafetyShape = {
  /** A migration is under way: refuse any change that replaces the instance, an endpoint or a task. Default false. */
  migrating: z.boolean().default(false),
  assessment: assessmentSchema,
};

export type AssessmentSettings = z.output<typeof assessmentSchema>;

/** Whether the runbook assesses a task before its first start: explicit, or on in production. */
export function assessmentEnabled(env: { readonly production: boolean; readonly assessment: AssessmentSettings }): boolean {
  return env.assessment.enabled ?? env.production;
}
