import { closest, didYouMean } from './suggest';

/*
 * What the AWS DMS User Guide documents about the things this project configures: replication
 * instance classes (and their memory), engine versions, and the SSL modes each endpoint engine
 * supports. One place, each list with the page it comes from; the config schema, the constructs
 * and the alarm thresholds all read it. No CDK imports: the config loader and the CLI use it too.
 *
 * When AWS adds a class or a version, add it here (with the page) and nowhere else.
 */

// ---------------------------------------------------------------------------------------------
// Instance classes
// ---------------------------------------------------------------------------------------------

/** Where the instance-class table comes from. */
export const INSTANCE_CLASSES_PAGE = 'AWS DMS User Guide, "Choosing the right AWS DMS replication instance for your migration"';

const GIB = 1024 * 1024 * 1024;
export const BYTES_PER_GIB = GIB;

function family(name: string, sizes: Record<string, number>): Array<[string, number]> {
  return Object.entries(sizes).map(([size, gib]) => [`dms.${name}.${size}`, gib]);
}

/**
 * Memory in GiB of every class in the page's tables ("The tables above list all of the AWS DMS
 * replication instance types, but the types that are available in your region might vary"):
 * "AWS DMS currently supports the T2, T3, C4, C5, C6i, R4, R5 and R6i Amazon EC2 instance classes".
 * The memory column is the page's own "Memory (GiB)".
 */
export const DMS_INSTANCE_CLASS_MEMORY_GIB: Readonly<Record<string, number>> = Object.freeze(
  Object.fromEntries([
    ...family('t2', { micro: 1, small: 2, medium: 4, large: 8 }),
    ...family('t3', { micro: 1, small: 2, medium: 4, large: 8 }),
    ...family('c4', { large: 3.75, xlarge: 7.5, '2xlarge': 15, '4xlarge': 30 }),
    ...family('c5', { large: 4, xlarge: 8, '2xlarge': 16, '4xlarge': 32, '9xlarge': 72, '12xlarge': 96, '18xlarge': 144, '24xlarge': 192 }),
    ...family('c6i', { large: 4, xlarge: 8, '2xlarge': 16, '4xlarge': 32, '8xlarge': 64, '12xlarge': 96, '16xlarge': 128, '24xlarge': 192, '32xlarge': 256 }),
    ...family('r4', { large: 15.25, xlarge: 30.5, '2xlarge': 61, '4xlarge': 122, '8xlarge': 244 }),
    ...family('r5', { large: 16, xlarge: 32, '2xlarge': 64, '4xlarge': 128, '8xlarge': 256, '12xlarge': 384, '16xlarge': 512, '24xlarge': 768 }),
    ...family('r6i', { large: 16, xlarge: 32, '2xlarge': 64, '4xlarge': 128, '8xlarge': 256, '12xlarge': 384, '16xlarge': 512, '24xlarge': 768, '32xlarge': 1024 }),
  ]),
);

const DOCUMENTED_CLASSES = Object.keys(DMS_INSTANCE_CLASS_MEMORY_GIB);

/** `dms.<EC2 family>.<EC2 size>`: what a class must look like to exist at all. */
const INSTANCE_CLASS_SHAPE = /^dms\.[a-z]+[0-9]+[a-z]*\.(nano|micro|small|medium|large|xlarge|[0-9]+xlarge|metal)$/;

export type InstanceClassCheck =
  /** In the page's table: its memory is known. */
  | { readonly kind: 'documented'; readonly memoryBytes: number }
  /** Shaped like a class but not in the table (a newer family, another Region's offer): DMS may refuse it. */
  | { readonly kind: 'undocumented'; readonly message: string }
  /** Cannot be a DMS class (a typo such as dms.t3.mediun). */
  | { readonly kind: 'invalid'; readonly message: string };

/** Checks a class against the page's table; messages name the value and, for near misses, the class meant. */
export function checkInstanceClass(instanceClass: string): InstanceClassCheck {
  if (Object.prototype.hasOwnProperty.call(DMS_INSTANCE_CLASS_MEMORY_GIB, instanceClass)) {
    return { kind: 'documented', memoryBytes: DMS_INSTANCE_CLASS_MEMORY_GIB[instanceClass] * GIB };
  }
  if (!INSTANCE_CLASS_SHAPE.test(instanceClass)) {
    return {
      kind: 'invalid',
      message: `"${instanceClass}" is not a DMS instance class${didYouMean(instanceClass, DOCUMENTED_CLASSES)}: the classes are listed in ${INSTANCE_CLASSES_PAGE}`,
    };
  }
  const near = closest(instanceClass, DOCUMENTED_CLASSES, 1);
  return {
    kind: 'undocumented',
    message:
      `"${instanceClass}" is not in the table of ${INSTANCE_CLASSES_PAGE}${near ? ` (closest listed: "${near}")` : ''}: ` +
      'DMS refuses a class it does not offer in the Region (aws dms describe-orderable-replication-instances lists them)',
  };
}

/** The memory of a DMS instance class in bytes, or undefined when the class is not in the page's table. */
export function instanceClassMemoryBytes(instanceClass: string): number | undefined {
  const check = checkInstanceClass(instanceClass);
  return check.kind === 'documented' ? check.memoryBytes : undefined;
}

// ---------------------------------------------------------------------------------------------
// Engine versions
// ---------------------------------------------------------------------------------------------

export const RELEASE_NOTES_PAGE = 'AWS DMS User Guide, "AWS DMS release notes"';

export interface EngineVersionFacts {
  readonly version: string;
  /** Release date (ISO). */
  readonly released: string;
  /** "The date after which you can't create new instances with the version" (ISO); undefined while the page says TBD. */
  readonly noNewInstancesAfter?: string;
}

/**
 * The release notes' table of active versions, newest first. The page says: "The current default
 * engine version for AWS DMS is 3.5.4."
 */
export const DMS_ENGINE_VERSIONS: readonly EngineVersionFacts[] = [
  { version: '3.6.1', released: '2025-05-15' },
  { version: '3.6.0', released: '2024-12-27', noNewInstancesAfter: '2026-04-27' },
  { version: '3.5.4', released: '2024-11-15', noNewInstancesAfter: '2027-01-31' },
  { version: '3.5.3', released: '2024-05-17', noNewInstancesAfter: '2026-02-28' },
  { version: '3.5.2', released: '2023-10-29', noNewInstancesAfter: '2025-03-30' },
  { version: '3.5.1', released: '2023-06-30', noNewInstancesAfter: '2024-11-30' },
  { version: '3.4.7', released: '2022-05-31', noNewInstancesAfter: '2024-09-30' },
  { version: '3.4.6', released: '2021-11-30', noNewInstancesAfter: '2024-09-30' },
];

export const DEFAULT_ENGINE_VERSION = '3.5.4';

export type EngineVersionCheck =
  | { readonly kind: 'ok' }
  /** Accepted by DMS, but a new instance cannot be created with it now, or newer than the table. */
  | { readonly kind: 'warning'; readonly message: string }
  /** Not a version DMS runs. */
  | { readonly kind: 'invalid'; readonly message: string };

const parts = (version: string) => version.split('.').map(Number);

/** Checks a version against the release notes' table; `today` is an ISO date (YYYY-MM-DD). */
export function checkEngineVersion(version: string, today: string): EngineVersionCheck {
  const known = DMS_ENGINE_VERSIONS.find((v) => v.version === version);
  const newest = DMS_ENGINE_VERSIONS[0];
  if (known) {
    if (known.noNewInstancesAfter !== undefined && today > known.noNewInstancesAfter) {
      return {
        kind: 'warning',
        message:
          `DMS creates no new instances with engine version ${version} after ${known.noNewInstancesAfter} (${RELEASE_NOTES_PAGE}): ` +
          `creating this instance fails; an existing one is upgraded by DMS at the version's end of life. Choose ${newest.version}`,
      };
    }
    return { kind: 'ok' };
  }
  const [major, minor, patch] = parts(version);
  const [newestMajor, newestMinor, newestPatch] = parts(newest.version);
  if (/^\d+\.\d+\.\d+$/.test(version) && major === newestMajor && minor === newestMinor && patch > newestPatch) {
    return {
      kind: 'warning',
      message: `engine version ${version} is newer than the table of ${RELEASE_NOTES_PAGE} this project was checked against (newest ${newest.version}): if AWS has released it, add it to lib/config/dms-catalog.ts`,
    };
  }
  const versions = DMS_ENGINE_VERSIONS.map((v) => v.version);
  return {
    kind: 'invalid',
    message: `"${version}" is not a DMS engine version in the table of ${RELEASE_NOTES_PAGE}${didYouMean(version, versions, 1)}: use one of ${versions.join(', ')}`,
  };
}

/** Today as an ISO date (UTC), for checkEngineVersion. */
export function isoToday(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// SSL modes
// ---------------------------------------------------------------------------------------------

export const SSL_PAGE = 'AWS DMS User Guide, "Using SSL with AWS DMS"';

/** The SslMode values of a DMS endpoint. */
export const SSL_MODES = ['none', 'require', 'verify-ca', 'verify-full'] as const;
export type SslModeValue = (typeof SSL_MODES)[number];

/** The engines this project connects to, by the row of the SSL page's table that covers them. */
export type SslEngine = 'sqlserver' | 'mysql';

/**
 * The page's table "which SSL modes are supported for each database engine", the two rows this
 * project uses, cell for cell.
 */
export const SSL_MODE_TABLE: Readonly<Record<SslEngine, { readonly row: string; readonly cells: Readonly<Record<SslModeValue, string>> }>> = {
  mysql: {
    row: 'MySQL/MariaDB/Amazon Aurora MySQL',
    cells: { none: 'Default', require: 'Not supported', 'verify-ca': 'Supported', 'verify-full': 'Supported' },
  },
  sqlserver: {
    row: 'Microsoft SQL Server',
    cells: { none: 'Default', require: 'Supported', 'verify-ca': 'Not Supported', 'verify-full': 'Supported' },
  },
};

/** The modes the table does not mark "Not supported" for the engine, in table order. */
export function supportedSslModes(engine: SslEngine): SslModeValue[] {
  return SSL_MODES.filter((mode) => !/^not supported$/i.test(SSL_MODE_TABLE[engine].cells[mode]));
}

/** Why DMS does not support `mode` for `engine`, quoting the table; undefined when it does. */
export function unsupportedSslMode(engine: SslEngine, mode: string): string | undefined {
  const { row, cells } = SSL_MODE_TABLE[engine];
  const supported = supportedSslModes(engine).join(', ');
  if (!(SSL_MODES as readonly string[]).includes(mode)) {
    return `"${mode}" is not a DMS SSL mode${didYouMean(mode, SSL_MODES)}: ${row} supports ${supported} (${SSL_PAGE})`;
  }
  const cell = cells[mode as SslModeValue];
  if (!/^not supported$/i.test(cell)) return undefined;
  return `"${mode}" is marked "${cell}" for ${row} in the table of ${SSL_PAGE}: use one of ${supported}`;
}
