import { z } from 'zod';
import { checkEngineVersion, checkInstanceClass, isoToday, SslEngine, SslModeValue, unsupportedSslMode } from './dms-catalog';
import { changeSafetyShape } from './change-safety';
import { monitoringSchema } from './monitoring';
import { restorationSchema } from './restoration';

/*
 * The schema of one environment in cdk.json (`context.environments.<name>`).
 * Every object is strict: an unknown key is a typo until proven otherwise, and a typo in a
 * migration config (say `multiAZ`) must not silently fall back to a default.
 */

const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/;
const DMS_CERTIFICATE_ARN = /^arn:aws[a-z-]*:dms:[a-z0-9-]+:\d{12}:cert:[A-Za-z0-9-]+$/;
/** DMS identifiers: a letter first, then letters, digits and single hyphens, no trailing hyphen. */
export const DMS_IDENTIFIER = /^[a-zA-Z](?:[a-zA-Z0-9]|-(?!-))*[a-zA-Z0-9]$|^[a-zA-Z]$/;
const HOSTNAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;
const MAINTENANCE_WINDOW = /^(mon|tue|wed|thu|fri|sat|sun):\d{2}:\d{2}-(mon|tue|wed|thu|fri|sat|sun):\d{2}:\d{2}$/;
/** The retention periods CloudWatch Logs accepts (PutRetentionPolicy retentionInDays). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const pattern = (re: RegExp, what: string) => z.string().regex(re, { message: `must be ${what}` });

const secretArn = pattern(SECRET_ARN, 'a Secrets Manager secret ARN (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME)');
const kmsKeyArn = pattern(KMS_KEY_ARN, 'a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/UUID)');
const certificateArn = pattern(DMS_CERTIFICATE_ARN, 'a DMS certificate ARN (arn:aws:dms:REGION:ACCOUNT:cert:ID)');
const port = z.number().int().min(1).max(65535);

/**
 * An endpoint's sslMode: one of DMS's modes that the "Using SSL with AWS DMS" table does not mark
 * "Not supported" for the engine; the message of a refused mode quotes the table (lib/config/dms-catalog).
 */
function sslModeSchema(engine: SslEngine, defaultMode: SslModeValue) {
  return z
    .string()
    .superRefine((mode, ctx) => {
      const problem = unsupportedSslMode(engine, mode);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .transform((mode) => mode as SslModeValue)
    .default(defaultMode);
}

/** Where the README says how to import the RDS CA bundle as a DMS certificate. */
const CERTIFICATE_HINT = 'import the RDS CA bundle as a DMS certificate (README "Endpoint TLS")';

const endpointBase = {
  /** Host name of the database. DMS reads host and port from the secret; these drive the network rules. */
  serverName: pattern(HOSTNAME, 'a host name'),
  /** The database's security group: the stack adds ingress from the replication instance (and the restoration Lambda). */
  securityGroupId: pattern(SECURITY_GROUP_ID, 'a security group id (sg-...)'),
  /** Secret with the DMS keys `username`, `password`, `host`, `port`. */
  secretArn,
  /** The customer managed key the secret is encrypted with, if not the default aws/secretsmanager key. */
  secretKmsKeyArn: kmsKeyArn.optional(),
  /** DMS certificate (the CA bundle) for verify-ca / verify-full. */
  certificateArn: certificateArn.optional(),
};

function requireCertificateForVerify(
  value: { sslMode: string; certificateArn?: string },
  ctx: z.core.$RefinementCtx,
): void {
  if (value.sslMode.startsWith('verify-') && !value.certificateArn) {
    ctx.addIssue({
      code: 'custom',
      path: ['certificateArn'],
      message: `is required when sslMode is "${value.sslMode}" (DMS verifies the server certificate against it): ${CERTIFICATE_HINT}`,
    });
  }
}

export const sourceSchema = z
  .strictObject({
    ...endpointBase,
    port: port.default(1433),
    databaseName: z.string().min(1).max(128),
    /** "Microsoft SQL Server" row of the SSL table: none, require, verify-full. require: SQL Server often has a self-signed certificate. */
    sslMode: sslModeSchema('sqlserver', 'require'),
  })
  .superRefine(requireCertificateForVerify);

export const targetSchema = z
  .strictObject({
    ...endpointBase,
    port: port.default(3306),
    /** Aurora MySQL needs no database on the endpoint: SCT maps each SQL Server schema to its own database. */
    databaseName: z.string().min(1).max(64).optional(),
    /**
     * "MySQL/MariaDB/Amazon Aurora MySQL" row of the SSL table: none, verify-ca, verify-full
     * (require is "Not supported"). verify-full: the chain and the host name, with certificateArn.
     */
    sslMode: sslModeSchema('mysql', 'verify-full'),
    /**
     * Run by DMS on each target connection. The default loads without FK checks, as DMS documents;
     * set to "" to load with checks on.
     */
    afterConnectScript: z.string().max(1024).default('SET FOREIGN_KEY_CHECKS=0'),
  })
  .superRefine(requireCertificateForVerify);

export const replicationInstanceSchema = z.strictObject({
  /** Lowercase identifier (DMS lowercases it anyway; the alarms need the stored form). Default: `dms-<environment>`. */
  identifier: z
    .string()
    .max(63)
    .regex(DMS_IDENTIFIER, { message: 'must start with a letter and contain only letters, digits and single hyphens' })
    .regex(/^[a-z0-9-]+$/, { message: 'must be lowercase (DMS stores it lowercase and the metric dimensions use that form)' })
    .optional(),
  /** A class from the DMS instance-class table (lib/config/dms-catalog.ts); a near miss is refused with "did you mean". */
  instanceClass: z.string().superRefine((value, ctx) => {
    const check = checkInstanceClass(value);
    if (check.kind === 'invalid') ctx.addIssue({ code: 'custom', message: check.message });
  }),
  allocatedStorageGiB: z.number().int().min(5).max(6144).default(100),
  /** A version from the DMS release notes' table (lib/config/dms-catalog.ts). */
  engineVersion: z.string().superRefine((value, ctx) => {
    const check = checkEngineVersion(value, isoToday());
    if (check.kind === 'invalid') ctx.addIssue({ code: 'custom', message: check.message });
  }),
  /**
   * Retention of the task log group DMS writes to (dms-tasks-<identifier>), which the stack creates
   * so that it does not keep logs forever. Default 180 days: a migration's full load, CDC and cutover
   * review fit in it.
   */
  taskLogRetentionDays: z
    .number()
    .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
      message: `must be a CloudWatch Logs retention period: ${LOG_RETENTION_DAYS.join(', ')}`,
    })
    .default(180),
  /** Default: true for an environment marked production, false otherwise. */
  multiAz: z.boolean().optional(),
  /** Key for the instance storage. Default: a key created by the stack, with rotation on. */
  kmsKeyArn: kmsKeyArn.optional(),
  preferredMaintenanceWindow: pattern(MAINTENANCE_WINDOW, 'a window like sun:03:00-sun:04:00').optional(),
  autoMinorVersionUpgrade: z.boolean().default(false),
});

/**
 * The DCU values DMS Serverless accepts for MinCapacityUnits and MaxCapacityUnits (DMS API
 * Reference, "ComputeConfig": "The list of valid DCU values includes 1, 2, 4, 8, 16, 32, 64, 128,
 * 192, 256, and 384"; one DCU is 2 GB of RAM).
 */
export const DMS_SERVERLESS_CAPACITY_UNITS = [1, 2, 4, 8, 16, 32, 64, 128, 192, 256, 384] as const;

const capacityUnits = z
  .number()
  .int()
  .refine((value) => (DMS_SERVERLESS_CAPACITY_UNITS as readonly number[]).includes(value), {
    message: `must be one of the DCU values of the DMS API Reference (ComputeConfig): ${DMS_SERVERLESS_CAPACITY_UNITS.join(', ')}`,
  });

/**
 * DMS Serverless capacity (AWS::DMS::ReplicationConfig ComputeConfig): one serverless replication
 * per task instead of a replication instance. Only the ComputeConfig fields that apply are accepted;
 * what belongs to an instance (class, storage, engine version) is refused by the environment check.
 */
export const serverlessReplicationSchema = z
  .strictObject({
    /** The only DCU field DMS requires. */
    maxCapacityUnits: capacityUnits,
    /** DMS scales down to it when the source is idle. Default: DMS's own minimum, 1 DCU. */
    minCapacityUnits: capacityUnits.optional(),
    /** Default: true for an environment marked production, false otherwise. */
    multiAz: z.boolean().optional(),
    /** Not allowed with multiAz true (ComputeConfig: "You can't set this parameter if the MultiAZ parameter is set to true"). */
    availabilityZone: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, { message: 'must be an Availability Zone name such as eu-west-1a' }).optional(),
    /** Key DMS encrypts the replication's data with. Default: DMS's default key of the account and region. */
    kmsKeyArn: kmsKeyArn.optional(),
    preferredMaintenanceWindow: pattern(MAINTENANCE_WINDOW, 'a window like sun:03:00-sun:04:00').optional(),
  })
  .superRefine((settings, ctx) => {
    if (settings.minCapacityUnits !== undefined && settings.minCapacityUnits > settings.maxCapacityUnits) {
      ctx.addIssue({
        code: 'custom',
        path: ['minCapacityUnits'],
        message: `${settings.minCapacityUnits} is above maxCapacityUnits ${settings.maxCapacityUnits}`,
      });
    }
    if (settings.multiAz === true && settings.availabilityZone !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['availabilityZone'],
        message: `"${settings.availabilityZone}" cannot be set with multiAz true (DMS API Reference, ComputeConfig)`,
      });
    }
  });

export const replicationSchema = z.strictObject({ serverless: serverlessReplicationSchema });

/** Fields of replicationInstance that have no meaning for DMS Serverless, and what replaces them. */
const INSTANCE_ONLY_FIELDS: Readonly<Record<string, string>> = {
  instanceClass: 'capacity is replication.serverless.minCapacityUnits / maxCapacityUnits (DCUs)',
  allocatedStorageGiB: 'DMS Serverless provisions its own storage',
  engineVersion: 'DMS Serverless manages the engine version',
  autoMinorVersionUpgrade: 'DMS Serverless manages the engine version',
  identifier: 'a serverless replication is named after its task',
  taskLogRetentionDays: 'not used by the serverless stack yet',
};

export const migrationTypes = ['full-load', 'cdc', 'full-load-and-cdc'] as const;

/** Task-setting overrides: a JSON object merged over the typed defaults, validated in lib/dms/task-settings. */
const taskSettingsOverrides = z.record(z.string(), z.unknown());

export const taskSchema = z.strictObject({
  /** Short name, unique in the environment; part of the DMS identifiers. */
  name: z
    .string()
    .max(40)
    .regex(/^[a-z][a-z0-9-]*$/, { message: 'must start with a lowercase letter and contain only a-z, 0-9 and -' }),
  migrationType: z.enum(migrationTypes),
  /** Path of the SCT table-mapping JSON, relative to the project root (normally under mappings/). */
  mappingFile: z.string().min(1).regex(/\.json$/, { message: 'must be a .json file' }),
  /** DMS resource identifier (last segment of the task ARN, and the CloudWatch dimension). Default: `<environment>-<name>`. */
  resourceIdentifier: z
    .string()
    .max(31)
    .regex(DMS_IDENTIFIER, { message: 'must start with a letter and contain only letters, digits and single hyphens' })
    .optional(),
  settings: taskSettingsOverrides.default({}),
});

export const environmentSchema = z
  .strictObject({
    account: pattern(ACCOUNT, 'a 12-digit AWS account id').optional(),
    region: pattern(REGION, 'an AWS region such as eu-west-1').optional(),
    /** Marks a production environment: Multi-AZ becomes mandatory (nag rule) and the default. */
    production: z.boolean().default(false),
    vpcId: pattern(VPC_ID, 'a VPC id (vpc-...)'),
    /** At least two subnets in different Availability Zones, as DMS requires for a subnet group. */
    replicationSubnetIds: z.array(pattern(SUBNET_ID, 'a subnet id (subnet-...)')).min(2),
    /** Create the account-wide roles dms-vpc-role and dms-cloudwatch-logs-role. False when they exist already. */
    createAccountRoles: z.boolean(),
    source: sourceSchema,
    target: targetSchema,
    /** Required unless replication.serverless is set. */
    replicationInstance: replicationInstanceSchema.optional(),
    /** DMS Serverless instead of a replication instance. */
    replication: replicationSchema.optional(),
    tasks: z.array(taskSchema).min(1),
    monitoring: monitoringSchema,
    restoration: restorationSchema,
    ...changeSafetyShape,
  })
  .superRefine((env, ctx) => {
    if (env.replication?.serverless && env.replicationInstance) {
      // Name each instance-only field the operator set, with what replaces it.
      // Fields with a schema default are in the parsed value whether set or not: leave them out of the message.
      const defaulted = new Set(['allocatedStorageGiB', 'taskLogRetentionDays', 'autoMinorVersionUpgrade']);
      const set = Object.keys(env.replicationInstance).filter(
        (key) => !defaulted.has(key) && (env.replicationInstance as Record<string, unknown>)[key] !== undefined,
      );
      const details = set.map((key) => `${key} = ${JSON.stringify((env.replicationInstance as Record<string, unknown>)[key])}${INSTANCE_ONLY_FIELDS[key] ? ` (${INSTANCE_ONLY_FIELDS[key]})` : ''}`);
      ctx.addIssue({
        code: 'custom',
        path: ['replicationInstance'],
        message: `does not apply with replication.serverless: remove it (${details.join('; ')})`,
      });
    }
    if (!env.replication?.serverless && !env.replicationInstance) {
      ctx.addIssue({ code: 'custom', path: ['replicationInstance'], message: 'is required unless replication.serverless is set' });
    }
    const seen = new Map<string, number>();
    env.tasks.forEach((task, index) => {
      const first = seen.get(task.name);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['tasks', index, 'name'],
          message: `duplicates tasks[${first}].name: task names must be unique in an environment`,
        });
      }
      seen.set(task.name, index);
    });
    const subnets = new Set<string>();
    env.replicationSubnetIds.forEach((id, index) => {
      if (subnets.has(id)) {
        ctx.addIssue({ code: 'custom', path: ['replicationSubnetIds', index], message: 'is listed twice' });
      }
      subnets.add(id);
    });
  });

export type EnvironmentInput = z.input<typeof environmentSchema>;
export type EnvironmentSettings = z.output<typeof environmentSchema>;
export type SourceSettings = z.output<typeof sourceSchema>;
export type TargetSettings = z.output<typeof targetSchema>;
export type ReplicationInstanceSettings = z.output<typeof replicationInstanceSchema>;
export type TaskSettingsConfig = z.output<typeof taskSchema>;
export type MigrationType = (typeof migrationTypes)[number];
export type ServerlessReplicationSettings = z.output<typeof serverlessReplicationSchema>;
