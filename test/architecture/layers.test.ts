import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

// The layer check of .dependency-cruiser.cjs, run here so that `npm test` fails on an import that
// runs back up the layers.
const ROOT = path.resolve(__dirname, '../..');
const DEPCRUISE = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');

function cruise(cwd: string, targets: readonly string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [DEPCRUISE, '--config', CONFIG, '--output-type', 'err', ...targets], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    // CI=true makes dependency-cruiser's colour library colour even a pipe: ask for none, and strip what remains.
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');
  return { status: result.status, output: plain(`${result.stdout}${result.stderr}`) };
}

function fixture(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'layers-'));
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true } }));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

describe('one-way layers', () => {
  jest.setTimeout(180_000);

  test('no import in lib/ or bin/ runs back up a layer, and there is no cycle', () => {
    const { status, output } = cruise(ROOT, ['lib', 'bin']);
    expect(output).toContain('no dependency violations found');
    expect(status).toBe(0);
  });

  test.each([
    ['a low layer importing a high one', 'lib/config/a.ts', "import { b } from '../stacks/b';\nexport const a = b;\n", 'lib/stacks/b.ts', 'layer-config-not-stacks'],
    ['nag importing stacks (type only)', 'lib/nag/a.ts', "import type { B } from '../stacks/b';\nexport type A = B;\n", 'lib/stacks/b.ts', 'layer-nag-not-stacks'],
    ['operator importing cli', 'lib/operator/a.ts', "import { b } from '../cli/b';\nexport const a = b;\n", 'lib/cli/b.ts', 'layer-operator-not-cli'],
    ['a construct layer importing the AWS helpers', 'lib/dms/a.ts', "import { b } from '../aws/b';\nexport const a = b;\n", 'lib/aws/b.ts', 'layer-dms-not-aws'],
  ])('fails on %s', (_label, from, text, to, rule) => {
    const dir = fixture({ [from]: text, [to]: 'export const b = 1;\nexport type B = number;\n' });
    try {
      const { status, output } = cruise(dir, ['lib']);
      expect(output).toContain(`${rule}: ${from} → ${to}`);
      expect(status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
