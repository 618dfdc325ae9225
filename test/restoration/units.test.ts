import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  FilePlanStore,
  MemoryPlanStore,
  Plan,
  PlanFormatError,
  grantStatements,
  parseCreateTable,
  parseTag,
  parseTargetUrl,
  quoteAccount,
  quoteId,
  parsePlan,
  serializeChange,
  statementTag,
} from '../../lib/restoration';
import { PlanState } from '../../lib/restoration/plan-state';
import { widePlan } from './plan-fixtures';
import { splitTriggerStatement, withTriggerOrder } from '../../lib/restoration/sql';
import { normalizeRule } from '../../lib/restoration/compare';
import type { Connection } from 'mysql2/promise';
import type { SqlConnection } from '../../lib/restoration';

// Compile-time check (tsc): a mysql2/promise connection is a SqlConnection as is.
export const asSqlConnection = (c: Connection): SqlConnection => c;

describe('identifier quoting and statement tags', () => {
  it('doubles backticks and refuses NUL', () => {
    expect(quoteId('a`b')).toBe('`a``b`');
    expect(quoteId('sp ace, ünï')).toBe('`sp ace, ünï`');
    expect(() => quoteId('a\u0000b')).toThrow(/NUL/);
  });

  it('tags statements so they can be found again', () => {
    const tag = statementTag('abc123', 's7');
    expect(tag).toBe('/* dms-restore plan=abc123 step=s7 */ ');
    expect(parseTag(`${tag}ALTER TABLE x`)).toEqual({ planId: 'abc123', stepId: 's7' });
    expect(parseTag('ALTER TABLE x')).toBeUndefined();
    expect(() => statementTag('a*/b', 's1')).toThrow();
  });
});

describe('SHOW CREATE TABLE parsing', () => {
  const ddl = [
    'CREATE TABLE `we``ird, (t)` (',
    '  `id` int(11) NOT NULL,',
    "  `c,1` varchar(10) DEFAULT 'a,b)' COMMENT 'x''y\\\\z',",
    '  `g` point NOT NULL,',
    '  PRIMARY KEY (`id`),',
    '  UNIQUE KEY `u,``1` (`c,1`(3) DESC) COMMENT \'it\'\'s, (odd)\',',
    '  KEY `k` (`id`) /*!80000 INVISIBLE */,',
    '  SPATIAL KEY `s` (`g`),',
    '  FULLTEXT KEY `f` (`c,1`),',
    '  CONSTRAINT `fk, x` FOREIGN KEY (`id`) REFERENCES `other db`.`p` (`id`) ON DELETE CASCADE,',
    '  CONSTRAINT `chk` CHECK (`id` > 0)',
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='a, (b)'",
  ].join('\n');

  it('splits elements whatever the names contain', () => {
    const elements = parseCreateTable(ddl);
    expect(elements.map((e) => [e.kind, e.name])).toEqual([
      ['column', 'id'],
      ['column', 'c,1'],
      ['column', 'g'],
      ['primary', undefined],
      ['index', 'u,`1'],
      ['index', 'k'],
      ['index', 's'],
      ['index', 'f'],
      ['foreignKey', 'fk, x'],
      ['check', 'chk'],
    ]);
    expect(elements[4].text).toBe("UNIQUE KEY `u,``1` (`c,1`(3) DESC) COMMENT 'it''s, (odd)'");
    expect(elements[5].text).toBe('KEY `k` (`id`) /*!80000 INVISIBLE */');
    expect(elements[8].text).toBe('CONSTRAINT `fk, x` FOREIGN KEY (`id`) REFERENCES `other db`.`p` (`id`) ON DELETE CASCADE');
  });
});

describe('trigger statements', () => {
  const statement = 'CREATE DEFINER=`u`@`%` TRIGGER `x` BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1';
  const body = 'SET NEW.a = 1';

  it('splits header and body', () => {
    expect(splitTriggerStatement(statement, body)).toEqual({ header: 'CREATE DEFINER=`u`@`%` TRIGGER `x` BEFORE INSERT ON t FOR EACH ROW ', body });
    expect(splitTriggerStatement(statement, 'other')).toBeUndefined();
  });

  it('adds an order clause between header and body', () => {
    expect(withTriggerOrder(statement, body, { follows: 'a`b' })).toBe('CREATE DEFINER=`u`@`%` TRIGGER `x` BEFORE INSERT ON t FOR EACH ROW FOLLOWS `a``b`SET NEW.a = 1');
    expect(withTriggerOrder(statement, body, { precedes: 'p' })).toBe('CREATE DEFINER=`u`@`%` TRIGGER `x` BEFORE INSERT ON t FOR EACH ROW PRECEDES `p`SET NEW.a = 1');
  });
});

describe('foreign key rules', () => {
  it('treats RESTRICT and NO ACTION as the same', () => {
    expect(normalizeRule('NO ACTION')).toBe(normalizeRule('RESTRICT'));
    expect(normalizeRule('CASCADE')).toBe('CASCADE');
  });
});

describe('target URL', () => {
  it('parses user, password, host and port', () => {
    expect(parseTargetUrl('mysql://admin:p%40ss@db.example.com:3307')).toEqual({ host: 'db.example.com', port: 3307, user: 'admin', password: 'p@ss', ssl: {} });
    expect(parseTargetUrl('mysql://admin@db.example.com?ssl=false').ssl).toBeUndefined();
    expect(parseTargetUrl('mysql://admin@127.0.0.1:3307').ssl).toBeUndefined();
  });

  it('takes the password from the fallback and turns TLS on', () => {
    expect(parseTargetUrl('mysql://admin@h?ssl=true', 'env')).toMatchObject({ port: 3306, password: 'env', ssl: {} });
  });

  it('refuses what it cannot use', () => {
    expect(() => parseTargetUrl('postgres://a@h')).toThrow(/scheme/);
    expect(() => parseTargetUrl('mysql://h:3306')).toThrow(/no user/);
    expect(() => parseTargetUrl('mysql://a@h:3306/db')).toThrow(/--databases/);
    expect(() => parseTargetUrl('nonsense')).toThrow(/invalid target URL/);
  });
});

describe('privileges', () => {
  it('lists the least privileges per database', () => {
    expect(grantStatements(quoteAccount('restore', '%'), { flavor: 'mariadb', databases: ['app', 'r`f'], referencedDatabases: ['ext'], otherDefiners: true })).toEqual([
      "GRANT SELECT, ALTER, TRIGGER ON `app`.* TO 'restore'@'%'",
      "GRANT SELECT, ALTER, TRIGGER ON `r``f`.* TO 'restore'@'%'",
      "GRANT SELECT ON `ext`.* TO 'restore'@'%'",
      "GRANT SET USER ON *.* TO 'restore'@'%'",
    ]);
    expect(grantStatements("'r'@'%'", { flavor: 'mysql', databases: ['app'], otherDefiners: true, versionNumber: [8, 0, 39] })).toEqual([
      "GRANT SELECT, INSERT, CREATE, ALTER, REFERENCES, TRIGGER ON `app`.* TO 'r'@'%'",
      "GRANT SET_USER_ID ON *.* TO 'r'@'%'",
    ]);
  });
});

/** A two-table plan saved in `dir`, and its state. */
async function savedPlan(dir: string): Promise<{ file: string; store: FilePlanStore; p: Plan; state: PlanState }> {
  const file = path.join(dir, 'plan.json');
  const store = new FilePlanStore(file);
  const p = widePlan(2);
  await store.save(p);
  return { file, store, p, state: new PlanState(p) };
}

/** Runs `fn` in a new temporary directory, removed afterwards. */
async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-store-'));
  try {
    await fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('plan stores', () => {
  const plan: Plan = { ...widePlan(0), planId: 'abcdef' };

  it('file store: atomic whole-document saves, no temporary file left', () =>
    inTempDir(async (dir) => {
      const file = path.join(dir, 'plan.json');
      const store = new FilePlanStore(file);
      expect(await store.load()).toBeUndefined();
      await store.save(plan);
      await store.save({ ...plan, phase: 'deferred' });
      expect(await store.load()).toEqual({ ...plan, phase: 'deferred' });
      expect(fs.readdirSync(dir)).toEqual(['plan.json']);
    }));

  it('file store: a record appends what changed to the journal; load applies it; the next save folds it into the plan', () =>
    inTempDir(async (dir) => {
      const file = path.join(dir, 'plan.json');
      const store = new FilePlanStore(file);
      const big = widePlan(2500);
      await store.save(big);
      const written = fs.readFileSync(file, 'utf8');
      const inode = fs.statSync(file).ino;

      const state = new PlanState(big);
      state.beginStep([big.objects[7]], 'create', 'ALTER TABLE `app`.`t1` ADD KEY `x` (`a`)');
      await store.record(state.take());
      state.settle(big.objects[8], 'restored');
      await store.record(state.take());

      // 10,000 objects, 5 MB of plan: two records append a few hundred bytes, the plan file is untouched.
      expect(big.objects).toHaveLength(10000);
      expect(fs.statSync(store.journal).size).toBeLessThan(2000);
      expect(fs.statSync(file).ino).toBe(inode);
      expect(fs.readFileSync(file, 'utf8')).toBe(written);
      const loaded = (await store.load())!;
      expect(loaded.objects[7]).toMatchObject({ state: 'restoring', step: { id: 's1', action: 'create' } });
      expect(loaded.objects[8]).toMatchObject({ state: 'restored' });
      expect(loaded.lastStep).toBe(1);
      expect(loaded).toEqual(big);

      await store.save(loaded);
      expect(fs.readdirSync(dir)).toEqual(['plan.json']);
      expect(parsePlan(fs.readFileSync(file, 'utf8'))).toEqual(big);
    }));

  it('file store journal: a line cut short at the end is ignored, lines of another plan too; a bad line elsewhere is an error', () =>
    inTempDir(async (dir) => {
      const { store, p, state } = await savedPlan(dir);
      state.settle(p.objects[0], 'dropped');
      const line = serializeChange(state.take());
      const other = line.replace(`"plan":"${p.planId}"`, '"plan":"0ther"').replace('"state":"dropped"', '"state":"failed"');
      fs.writeFileSync(store.journal, other + line + line.slice(0, 40));
      expect((await store.load())!.objects[0].state).toBe('dropped');
      fs.writeFileSync(store.journal, line.slice(0, 40) + '\n' + line);
      await expect(store.load()).rejects.toThrow(`${store.journal}: line 1 is not JSON`);
      fs.writeFileSync(store.journal, '{"plan":"x"}\n');
      await expect(store.load()).rejects.toThrow(/line 1 is not a journal entry/);
    }));

  it('file store: a journal left by a process that died after writing the plan, before removing the journal, is not applied again', () =>
    inTempDir(async (dir) => {
      const { file, store, p, state } = await savedPlan(dir);
      state.beginStep([p.objects[0]], 'create', 'ALTER ...');
      await store.record(state.take());
      // The statement ended and the call saved the plan; the process died before the journal went.
      state.endStep([p.objects[0]], ['pending']);
      state.settle(p.objects[0], 'restored');
      const journal = fs.readFileSync(store.journal, 'utf8');
      await store.save(p);
      const marker = `{"folded":"${createHash('sha256').update(fs.readFileSync(file, 'utf8')).digest('hex')}"}\n`;
      fs.writeFileSync(store.journal, journal + marker);
      expect((await store.load())!.objects[0]).toMatchObject({ state: 'restored' });
      expect((await store.load())!.objects[0].step).toBeUndefined();
      // Died before the rename: the marker does not name the plan on disk, the journal applies.
      fs.writeFileSync(store.journal, journal + '{"folded":"0000"}\n');
      expect((await store.load())!.objects[0]).toMatchObject({ state: 'restoring', step: { id: 's1' } });
    }));

  it('refuses documents of another format or version', () =>
    inTempDir(async (dir) => {
      const file = path.join(dir, 'plan.json');
      fs.writeFileSync(file, JSON.stringify({ ...plan, version: 99 }));
      await expect(new FilePlanStore(file).load()).rejects.toThrow(PlanFormatError);
      await expect(new FilePlanStore(file).load()).rejects.toThrow(/version 99 is not supported/);
      fs.writeFileSync(file, '{"format":"other"}');
      await expect(new FilePlanStore(file).load()).rejects.toThrow(/not a restoration plan/);
      fs.writeFileSync(file, 'not json');
      await expect(new FilePlanStore(file).load()).rejects.toThrow(/not JSON/);
    }));

  it('memory store keeps a copy and a journal', async () => {
    const store = new MemoryPlanStore();
    await store.save(plan);
    const loaded = await store.load();
    expect(loaded).toEqual(plan);
    expect(loaded).not.toBe(plan);
    expect(store.saves).toBe(1);
    await store.record({ planId: plan.planId, header: { updatedAt: 'later', phase: 'deferring', lastStep: 3, runs: [] }, objects: [] });
    expect(store.peek()).toEqual({ ...plan, updatedAt: 'later', phase: 'deferring', lastStep: 3 });
    expect(store.records).toBe(1);
  });
});
