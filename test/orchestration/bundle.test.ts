import * as path from 'node:path';
import * as esbuild from 'esbuild';

/**
 * The Lambda handlers bundle with the local esbuild, as `cdk synth` does (NodejsFunction with the
 * same options), and the bundles load and export their handlers. Sizes are printed.
 */
const HANDLERS = path.resolve(__dirname, '..', '..', 'lib', 'orchestration', 'handlers');

const entries = [
  ['restoration.ts', ['handler']],
  ['control.ts', ['handler']],
  ['custom-resource.ts', ['onEventHandler', 'isCompleteHandler']],
  ['vpc-role-probe.ts', ['onEventHandler', 'isCompleteHandler']],
  ['deploy-control.ts', ['onEventHandler', 'isCompleteHandler']],
] as const;

test.each(entries)('%s bundles with esbuild and exports its handlers', async (file, exported) => {
  const result = await esbuild.build({
    entryPoints: [path.join(HANDLERS, file)],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  expect(result.errors).toEqual([]);
  const code = result.outputFiles[0].text;
  const bytes = Buffer.byteLength(code);
  console.log(`${file}: ${(bytes / 1024).toFixed(0)} KiB minified`);
  const module = { exports: {} as Record<string, unknown> };
  new Function('module', 'exports', 'require', code)(module, module.exports, require);
  for (const name of exported) expect(typeof module.exports[name]).toBe('function');
});
