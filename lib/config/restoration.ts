import { z } from 'zod';

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
/** MySQL database names the engine may work on: plain names only, as SCT produces them. */
const DATABASE_NAME = /^[A-Za-z0-9_$]{1,64}$/;

/** CloudFormation waits at most one hour for a custom resource (ServiceTimeout 1..3600 s). */
export const MAX_DEPLOY_WAIT_MINUTES = 60;
/**
 * The longest the runbook waits for the full load. A Standard execution may run a year, but its
 * history holds 25,000 events; polling every 15 minutes uses about 900 a day, so 25 days is the
 * bound that leaves room for the restoration steps.
 */
export const MAX_FULL_LOAD_WAIT_HOURS = 600;

/**
 * `environments.<name>.restoration` in cdk.json: the post-load runbook (defer, wait for the full
 * load, restore secondary objects, verify, resume CDC) that `cdk deploy` starts for every task.
 */
export const restorationSchema = z
  .strictObject({
    /** Deploy the runbook (state machine, Lambdas, custom resource). Default true. */
    enabled: z.boolean().default(true),
    /**
     * Drop secondary indexes, foreign keys and triggers on the target before the first full load
     * (after capturing them durably), as the DMS runbook recommends for load speed. Default false.
     */
    deferBeforeLoad: z.boolean().default(false),
    /**
     * Target databases whose secondary objects the engine manages.
     * Default: the target databases the task's table mappings select (after SCT renames).
     */
    databases: z.array(z.string().regex(DATABASE_NAME, { message: 'must be a plain database name (letters, digits, _ and $)' })).min(1).optional(),
    /** Database (created if missing) holding the restoration plans. Default "dms_restoration". */
    controlDatabase: z.string().regex(DATABASE_NAME, { message: 'must be a plain database name (letters, digits, _ and $)' }).default('dms_restoration'),
    /** Credentials the engine uses on the target. Default: the target endpoint's secret. */
    secretArn: z.string().regex(SECRET_ARN, { message: 'must be a Secrets Manager secret ARN' }).optional(),
    secretKmsKeyArn: z.string().regex(KMS_KEY_ARN, { message: 'must be a KMS key ARN' }).optional(),
    /** Private subnets of the restoration Lambda. Default: the replication subnets. */
    subnetIds: z.array(z.string().regex(SUBNET_ID, { message: 'must be a subnet id (subnet-...)' })).min(1).optional(),
    /** Tables restored at once. Default 2. */
    concurrency: z.number().int().min(1).max(16).default(2),
    /** Change it to start a new run on the next deploy even though mappings and settings did not change. */
    runId: z.string().min(1).max(64).optional(),
    /**
     * Make `cdk deploy` wait for the run to finish, and fail if the run fails, up to this many
     * minutes. Default: unset, the deploy returns once the run has started (a production full
     * load takes longer than CloudFormation can wait).
     */
    waitForCompletionMinutes: z
      .number()
      .int()
      .min(1)
      .max(MAX_DEPLOY_WAIT_MINUTES, {
        message: `must be at most ${MAX_DEPLOY_WAIT_MINUTES}: CloudFormation waits at most one hour for a custom resource; leave it unset to return once the run has started`,
      })
      .optional(),
    /** How long the runbook waits for the full load before it fails the run (the task keeps running). Default 504 h (21 days). */
    maxFullLoadWaitHours: z
      .number()
      .int()
      .min(1)
      .max(MAX_FULL_LOAD_WAIT_HOURS, {
        message: `must be at most ${MAX_FULL_LOAD_WAIT_HOURS}: a Step Functions execution history holds 25,000 events`,
      })
      .default(504),
  })
  .prefault({});

export type RestorationSettings = z.output<typeof restorationSchema>;
