import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CliIo } from '../../lib/cli/io';
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
    expect(result.stderr).toMatch(/\n2 mapping files: 2 valid\n$/);
  });

  it('is silent on success with --quiet', async () => {
    expect(await run(['mappings', 'validate', '--quiet', 'mappings/adventureworks.json'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await run(['mappings', 'validate', '-q', 'mappings/adventureworks.json'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('exits 1 and prints every problem of every file on stdout', async () => {
    const result = await run([
      'mappings',
      'validate',
      'test/mappings/fixtures/invalid/syntax-error.json',
      'mappings/adventureworks.json',
      'test/mappings/fixtures/invalid/broken-rules.json',
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      "test/mappings/fixtures/invalid/syntax-error.json: invalid JSON at line 8 column 31: trailing comma before '}'",
      'test/mappings/fixtures/invalid/broken-rules.json: rule 2 "include-person": "rule-action" "Include" is not valid for a selection rule: expected include, exclude or explicit (values are case-sensitive: did you mean "include"?)',
      'test/mappings/fixtures/invalid/broken-rules.json: rule 3 "rename-sales": unknown field "vaule": did you mean "value"?',
      'test/mappings/fixtures/invalid/broken-rules.json: rule 3 "rename-sales": rule-action rename needs "value" (the new name)',
      'test/mappings/fixtures/invalid/broken-rules.json: rule 3 "lowercase-columns": rule-target column needs "object-locator.column-name"',
      'test/mappings/fixtures/invalid/broken-rules.json: rule 3 "lowercase-columns": rule-id 3 is also used by rules[2] "rename-sales"',
      'test/mappings/fixtures/invalid/broken-rules.json: rule 4 "parallel-sales": table-settings need an exact schema and table name: "object-locator.table-name" "%" contains "%" (DMS rejects it: "Exact schema and table name required when using table settings rule")',
      'test/mappings/fixtures/invalid/broken-rules.json: rule 4 "parallel-sales": parallel-load type ranges needs "parallel-load.boundaries"',
      '',
    ]);
    expect(result.stderr).toMatch(/^mappings\/adventureworks\.json: ok /);
    expect(result.stderr).toMatch(/\n3 mapping files: 1 valid, 2 with 8 problems\n$/);
  });

  it('resolves files against the working directory and names them as given', async () => {
    const result = await run(['mappings', 'validate', 'invalid/syntax-error.json'], path.join(ROOT, 'test/mappings/fixtures'));
    expect(result).toEqual({
      code: 1,
      stdout: "invalid/syntax-error.json: invalid JSON at line 8 column 31: trailing comma before '}'\n",
      stderr: '1 mapping file: 0 valid, 1 with 1 problem\n',
    });
  });

  it('exits 2 naming a file it cannot read, after checking the others', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mappings-cli-'));
    try {
      const result = await run(['mappings', 'validate', 'missing.json', path.join(ROOT, 'test/mappings/fixtures/invalid/syntax-error.json')], dir);
      expect(result.code).toBe(2);
      expect(result.stdout).toContain('syntax-error.json: invalid JSON at line 8 column 31');
      expect(result.stderr).toContain('error: missing.json: cannot read the file: no such file or directory\n');
      expect(result.stderr).toMatch(/2 mapping files: 0 valid, 1 with 1 problem, 1 unreadable\n$/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [['mappings'], 'error: missing subcommand'],
    [['mappings', 'check', 'x.json'], 'error: unknown subcommand "check"'],
    [['mappings', 'validate'], 'error: validate needs at least one FILE'],
    [['mappings', 'validate', '--strict', 'x.json'], "error: Unknown option '--strict'"],
  ])('exits 2 on a usage error: %j', async (args, message) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${message}`);
    expect(result.stderr).toContain('usage: npm run --silent cli -- mappings validate [--quiet] FILE...');
  });

  it('prints its help on stdout with --help', async () => {
    const result = await run(['mappings', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('exit status: 0 every file is valid, 1 problems found, 2 usage error or unreadable file');
  });
});
