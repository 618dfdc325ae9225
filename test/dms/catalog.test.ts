import {
  checkEngineVersion,
  checkInstanceClass,
  DEFAULT_ENGINE_VERSION,
  DMS_ENGINE_VERSIONS,
  DMS_INSTANCE_CLASS_MEMORY_GIB,
  instanceClassMemoryBytes,
  supportedSslModes,
  unsupportedSslMode,
} from '../../lib/dms';
import { closest, editDistance } from '../../lib/config/suggest';
import { EVENTBRIDGE_MIN_ENGINE_VERSION } from '../../lib/monitoring/event-subscriptions';

const GIB = 1024 ** 3;

describe('instance classes (the table of "Choosing the right AWS DMS replication instance")', () => {
  test.each([
    ['dms.t2.micro', 1],
    ['dms.t3.micro', 1],
    ['dms.t3.medium', 4],
    ['dms.t3.large', 8],
    ['dms.c4.large', 3.75],
    ['dms.c5.24xlarge', 192],
    ['dms.c6i.32xlarge', 256],
    ['dms.r4.large', 15.25],
    ['dms.r4.8xlarge', 244],
    ['dms.r5.large', 16],
    ['dms.r6i.xlarge', 32],
    ['dms.r6i.32xlarge', 1024],
  ])('%s has %d GiB', (cls, gib) => {
    expect(instanceClassMemoryBytes(cls)).toBe(gib * GIB);
  });

  test('lists exactly the page\'s families: T2, T3, C4, C5, C6i, R4, R5 and R6i', () => {
    const families = new Set(Object.keys(DMS_INSTANCE_CLASS_MEMORY_GIB).map((cls) => cls.split('.')[1]));
    expect([...families]).toEqual(['t2', 't3', 'c4', 'c5', 'c6i', 'r4', 'r5', 'r6i']);
  });

  test('a class that cannot exist is invalid, with the class meant', () => {
    expect(checkInstanceClass('dms.t3.mediun')).toEqual({
      kind: 'invalid',
      message:
        '"dms.t3.mediun" is not a DMS instance class (did you mean "dms.t3.medium"?): the classes are listed in AWS DMS User Guide, "Choosing the right AWS DMS replication instance for your migration"',
    });
    expect(checkInstanceClass('dms.r6i.larg').kind).toBe('invalid');
    expect(checkInstanceClass('constructor').kind).toBe('invalid');
  });

  test('a well-formed class the table does not list is undocumented (DMS may still offer it), not invalid', () => {
    for (const cls of ['dms.r7i.large', 'dms.c7i.xlarge', 'dms.t3.xlarge', 'dms.r4.16xlarge']) {
      expect(checkInstanceClass(cls).kind).toBe('undocumented');
      expect(instanceClassMemoryBytes(cls)).toBeUndefined();
    }
  });
});

describe('engine versions (the table of "AWS DMS release notes")', () => {
  test('the default engine version is listed', () => {
    expect(DMS_ENGINE_VERSIONS.map((v) => v.version)).toContain(DEFAULT_ENGINE_VERSION);
  });

  test('a listed version is fine until DMS stops creating instances with it', () => {
    expect(checkEngineVersion('3.5.4', '2027-01-31')).toEqual({ kind: 'ok' });
    expect(checkEngineVersion('3.5.4', '2027-02-01')).toEqual({
      kind: 'warning',
      message:
        'DMS creates no new instances with engine version 3.5.4 after 2027-01-31 (AWS DMS User Guide, "AWS DMS release notes"): creating this instance fails; an existing one is upgraded by DMS at the version\'s end of life. Choose 3.6.1',
    });
  });

  test('a version without a date yet (TBD on the page) never warns', () => {
    expect(checkEngineVersion('3.6.1', '2099-01-01')).toEqual({ kind: 'ok' });
  });

  test('a newer patch of the newest series is a warning (a release after this table), not an error', () => {
    expect(checkEngineVersion('3.6.2', '2026-01-01')).toEqual({
      kind: 'warning',
      message:
        'engine version 3.6.2 is newer than the table of AWS DMS User Guide, "AWS DMS release notes" this project was checked against (newest 3.6.1): if AWS has released it, add it to lib/config/dms-catalog.ts',
    });
  });

  test('every engine version synth accepts sends DMS events to EventBridge (the default delivery)', () => {
    // Synth refuses versions outside this table, so the EventBridge default needs no version check
    // of its own as long as the table starts at the first version the User Guide names for it.
    const asNumber = (v: string) => v.split('.').reduce((n, part) => n * 1000 + Number(part), 0);
    for (const { version } of DMS_ENGINE_VERSIONS) expect(asNumber(version)).toBeGreaterThanOrEqual(asNumber(EVENTBRIDGE_MIN_ENGINE_VERSION));
  });

  test.each(['3.9.9', '3.5.0', '3.7.0', '2.4.5', '3.6.2.1', 'latest', ''])('%s is not a DMS engine version', (version) => {
    expect(checkEngineVersion(version, '2026-01-01').kind).toBe('invalid');
  });
});

describe('SSL modes (the table of "Using SSL with AWS DMS")', () => {
  test('MySQL-compatible endpoints: none, verify-ca, verify-full; require is "Not supported"', () => {
    expect(supportedSslModes('mysql')).toEqual(['none', 'verify-ca', 'verify-full']);
    expect(unsupportedSslMode('mysql', 'require')).toBe(
      '"require" is marked "Not supported" for MySQL/MariaDB/Amazon Aurora MySQL in the table of AWS DMS User Guide, "Using SSL with AWS DMS": use one of none, verify-ca, verify-full',
    );
  });
  test('SQL Server: none, require, verify-full; verify-ca is "Not Supported"', () => {
    expect(supportedSslModes('sqlserver')).toEqual(['none', 'require', 'verify-full']);
    expect(unsupportedSslMode('sqlserver', 'verify-ca')).toBe(
      '"verify-ca" is marked "Not Supported" for Microsoft SQL Server in the table of AWS DMS User Guide, "Using SSL with AWS DMS": use one of none, require, verify-full',
    );
  });
  test.each([
    ['mysql', 'none'],
    ['mysql', 'verify-ca'],
    ['mysql', 'verify-full'],
    ['sqlserver', 'none'],
    ['sqlserver', 'require'],
    ['sqlserver', 'verify-full'],
  ] as const)('%s accepts %s', (engine, mode) => {
    expect(unsupportedSslMode(engine, mode)).toBeUndefined();
  });
});

describe('did you mean', () => {
  test('counts an adjacent transposition as one edit', () => {
    expect(editDistance('verfiy-full', 'verify-full')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
  test('suggests only within the distance, case-insensitively', () => {
    expect(closest('LOGING', ['Logging', 'TargetMetadata'])).toBe('Logging');
    expect(closest('FullLoad', ['FullLoadSettings', 'Logging'])).toBeUndefined();
  });
});
