import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CliIo } from '../../lib/operator/io';
import { main, usage } from '../../lib/cli/main';

const ROOT = path.resolve(__dirname, '../..');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(args: string[], cwd = ROOT): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env: {},
    cwd,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

describe('npm run cli -- mappings', () => {
  it('is listed in the usage', () => {
    expect(usage()).toContain('  mappings\n');
  });

  it('exits 0 when every file is valid, with ok lines and a summary on stderr', async () => {
    const result = await run(['mappings', 'validate', 'mappings/adventureworks.json', 'test/mappings/fixtures/valid/filters.json']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^mappings\/adventureworks\.json: ok \(18 rules, \d+ bytes, generation [0-9a-f]{12}\)\n/);
    expect(result.stderr).toMatch(/\ntest\/mappings\/fixtures\/valid\/filters\.json: ok \(8 rules, \d+ bytes, generation [0-9a-f]{12}\)\n/);
    expect(result.stderr).toMatch(/\n2 mapping files: 2 passed \(0 errors, 0 warnings\)\n$/);
  });

  it('is silent on success with --quiet', async () => {
    expect(await run(['mappings', 'validate', '--quiet', 'mappings/adventureworks.json'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await run(['mappings', 'validate', '-q', 'mappings/adventureworks.json'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  const duplicateNames = 'test/mappings/fixtures/real-world/duplicate-rule-names.json';
  const duplicateNameWarnings = [
    `${duplicateNames}: rule 2 "include-table": warning: rule-name "include-table" is also used by rule 1 "include-table": the guide asks for a unique name (DMS does not enforce it) (line 14 column 7)`,
    `${duplicateNames}: rule 3 "include-table": warning: rule-name "include-table" is also used by rule 1 "include-table": the guide asks for a unique name (DMS does not enforce it) (line 22 column 7)`,
    `${duplicateNames}: rule 5 "lowercase": warning: rule-name "lowercase" is also used by rule 4 "lowercase": the guide asks for a unique name (DMS does not enforce it) (line 40 column 7)`,
  ];

  it('exits 0 on a file with only warnings, printing them as FILE: rule <id> "<name>": warning: <problem>', async () => {
    const result = await run(['mappings', 'validate', duplicateNames]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([...duplicateNameWarnings, '']);
    expect(result.stderr).toMatch(new RegExp(`^${duplicateNames.replace(/[./]/g, '\\$&')}: ok with 3 warnings \\(6 rules, \\d+ bytes, generation [0-9a-f]{12}\\)\\n`));
    expect(result.stderr).toMatch(/\n1 mapping file: 1 passed \(0 errors, 3 warnings\)\n$/);
  });

  it('exits 1 on warnings with --strict, as cdk synth --strict does', async () => {
    const result = await run(['mappings', 'validate', '--strict', duplicateNames, 'mappings/adventureworks.json']);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual([...duplicateNameWarnings, '']);
    expect(result.stderr).toMatch(/\n2 mapping files: 1 passed, 1 failed \(0 errors, 3 warnings; --strict: warnings fail\)\n$/);
    expect((await run(['mappings', 'validate', '--strict', '-q', 'mappings/adventureworks.json'])).code).toBe(0);
  });

  it('exits 1 and prints every error and warning of every file on stdout', async () => {
    const broken = 'test/mappings/fixtures/invalid/broken-rules.json';
    const result = await run(['mappings', 'validate', 'test/mappings/fixtures/invalid/syntax-error.json', 'mappings/adventureworks.json', broken]);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      "test/mappings/fixtures/invalid/syntax-error.json: invalid JSON: trailing comma before '}' (line 8 column 31)",
      `${broken}: rule 2 "include-person": "rule-action" "Include" is not valid for a selection rule: expected include, exclude or explicit (values are case-sensitive: did you mean "include"?) (line 22 column 7)`,
      `${broken}: rule 3 "rename-sales": warning: unknown field "vaule": did you mean "value"? DMS does not read "vaule" (line 34 column 7)`,
      `${broken}: rule 3 "rename-sales": rule-action rename needs "value" (the new name) (line 25 column 5)`,
      `${broken}: rule 3 "lowercase-columns": rule-target column needs "object-locator.column-name" (line 42 column 7)`,
      `${broken}: rule 3 "lowercase-columns": warning: rule-id 3 is also used by rules[2] "rename-sales": the guide asks for a unique rule-id, and DMS picks between transformation rules on one object by it (line 39 column 7)`,
      `${broken}: rule 4 "parallel-sales": table-settings need an exact schema and table name: "object-locator.table-name" "%" contains "%" (DMS rejects it: "Exact schema and table name required when using table settings rule") (line 56 column 9)`,
      `${broken}: rule 4 "parallel-sales": parallel-load type ranges needs "parallel-load.boundaries" (line 58 column 7)`,
      '',
    ]);
    expect(result.stderr).toMatch(/^mappings\/adventureworks\.json: ok /);
    expect(result.stderr).toMatch(/\n3 mapping files: 1 passed, 2 failed \(6 errors, 2 warnings\)\n$/);
  });

  it('resolves files against the working directory and names them as given', async () => {
    const result = await run(['mappings', 'validate', 'invalid/syntax-error.json'], path.join(ROOT, 'test/mappings/fixtures'));
    expect(result).toEqual({
      code: 1,
      stdout: "invalid/syntax-error.json: invalid JSON: trailing comma before '}' (line 8 column 31)\n",
      stderr: '1 mapping file: 0 passed, 1 failed (1 error, 0 warnings)\n',
    });
  });

  it('exits 2 naming a file it cannot read, after checking the others', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mappings-cli-'));
    try {
      const result = await run(['mappings', 'validate', 'missing.json', path.join(ROOT, 'test/mappings/fixtures/invalid/syntax-error.json')], dir);
      expect(result.code).toBe(2);
      expect(result.stdout).toContain("syntax-error.json: invalid JSON: trailing comma before '}' (line 8 column 31)");
      expect(result.stderr).toContain('error: missing.json: cannot read the file: no such file or directory\n');
      expect(result.stderr).toMatch(/2 mapping files: 0 passed, 1 failed, 1 unreadable \(1 error, 0 warnings\)\n$/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [['mappings'], 'error: missing subcommand'],
    [['mappings', 'check', 'x.json'], 'error: unknown subcommand "check"'],
    [['mappings', 'validate'], 'error: validate needs at least one FILE'],
    [['mappings', 'validate', '--strict=yes', 'x.json'], "error: Option '--strict' does not take an argument"],
  ])('exits 2 on a usage error: %j', async (args, message) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${message}`);
    expect(result.stderr).toContain('usage: npm run --silent cli -- mappings validate [--strict] [--quiet] FILE...');
  });

  it('prints its help on stdout with --help', async () => {
    const result = await run(['mappings', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('exit status: 0 no errors (warnings allowed unless --strict), 1 errors found (or\nwarnings with --strict), 2 usage error or unreadable file');
  });
});
