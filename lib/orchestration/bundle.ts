import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decode, encode, SourceMapMappings, SourceMapSegment } from '@jridgewell/sourcemap-codec';
import * as esbuild from 'esbuild';

/**
 * The Lambda handlers' bundles. esbuild's API bundles every handler in one build, once per
 * process, however many environments, tasks and functions use them; each handler gets its own
 * directory (its asset), named by the hash of what is in it, so a function's asset hash changes
 * exactly when its handler's code or the build options change.
 */

/** The project root: the source-map paths are relative to it, so bundles are the same on every machine. */
const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const HANDLERS_DIR = path.join(__dirname, 'handlers');

/** Every Lambda entry point: the file in lib/orchestration/handlers and the bundle it becomes. */
export const HANDLER_ENTRIES = {
  restoration: 'restoration.ts',
  control: 'control.ts',
  'custom-resource': 'custom-resource.ts',
  'vpc-role-probe': 'vpc-role-probe.ts',
  'deploy-control': 'deploy-control.ts',
} as const;
export type HandlerBundleName = keyof typeof HANDLER_ENTRIES;

/** Target of the bundles: the Node.js of the functions' runtime (RUNBOOK_RUNTIME, nodejs24.x). */
export const BUNDLE_TARGET = 'node24';

/**
 * Left out of the bundles, loaded at run time instead:
 * - `@aws-sdk/*`: every supported Lambda Node.js runtime includes the AWS SDK for JavaScript v3
 *   ("Runtime-included SDK versions", AWS Lambda Developer Guide, Building Lambda functions with
 *   Node.js). The handlers call only operations much older than the runtime (DMS DescribeReplicationTasks,
 *   Start/Stop/ModifyReplicationTask, CreateReplicationSubnetGroup, the 2020 premigration-assessment
 *   operations; SNS Publish, CloudWatch PutMetricData, Step Functions
 *   StartExecution and DescribeExecution, Secrets Manager GetSecretValue), so the runtime's minor
 *   version serves them; see README "Development".
 * - iconv-lite's double-byte tables (Japanese, Chinese, Korean: about 390 KB): mysql2 needs them
 *   only to decode a result in such a character set, and the engine's connections ask for utf8mb4
 *   results (lib/restoration/connection.ts), which mysql2 decodes with Buffer. A connection that
 *   did need one fails loudly ("Cannot find module './tables/...json'"), never decodes wrongly.
 *   The pattern matches any `./tables/*.json` import; only iconv-lite has them today, and
 *   test/orchestration/bundle.test.ts lists every module a bundle leaves out.
 */
export const BUNDLE_EXTERNALS: readonly string[] = ['@aws-sdk/*', './tables/*.json'];

/** The esbuild options of every bundle; part of what the asset hash covers (through the output). */
export const BUNDLE_OPTIONS: Readonly<esbuild.BuildOptions> = {
  bundle: true,
  platform: 'node',
  target: BUNDLE_TARGET,
  format: 'cjs',
  minify: true,
  // The map holds line mappings only (no copy of the sources) and is trimmed to the project's own
  // code below; the functions run with NODE_OPTIONS=--enable-source-maps.
  sourcemap: 'linked',
  sourcesContent: false,
  external: [...BUNDLE_EXTERNALS],
  logLevel: 'silent',
};

export interface BundleFile {
  /** `index.js` or `index.js.map`. */
  readonly name: string;
  readonly bytes: number;
}

export interface HandlerBundle {
  readonly name: string;
  /** The handler's source file. */
  readonly entry: string;
  /** Directory with index.js and index.js.map: the function's code asset. */
  readonly directory: string;
  readonly files: readonly BundleFile[];
  /** Size on disk of everything the function ships. */
  readonly bytes: number;
  /** sha256 of the files (names and contents). */
  readonly hash: string;
}

let cached: ReadonlyMap<HandlerBundleName, HandlerBundle> | undefined;

/** HANDLER_ENTRIES with the full path of each file. */
export function handlerEntryFiles(): Record<HandlerBundleName, string> {
  return Object.fromEntries(Object.entries(HANDLER_ENTRIES).map(([name, file]) => [name, path.join(HANDLERS_DIR, file)])) as Record<HandlerBundleName, string>;
}

/** Every handler's bundle, built on the first call and reused for the rest of the process. */
export function handlerBundles(): ReadonlyMap<HandlerBundleName, HandlerBundle> {
  cached ??= buildBundles(handlerEntryFiles()) as ReadonlyMap<HandlerBundleName, HandlerBundle>;
  return cached;
}

/** The bundle of the handler in `entry` (a file of lib/orchestration/handlers). */
export function handlerBundleOf(entry: string): HandlerBundle {
  const file = path.relative(HANDLERS_DIR, path.resolve(entry));
  const name = (Object.keys(HANDLER_ENTRIES) as HandlerBundleName[]).find((n) => HANDLER_ENTRIES[n] === file);
  if (!name) {
    throw new Error(`${entry}: not a Lambda entry point; add it to HANDLER_ENTRIES in lib/orchestration/bundle.ts`);
  }
  return handlerBundles().get(name)!;
}

/** Where bundles are written by default: one directory per content, shared by every synth on the machine. */
export const DEFAULT_BUNDLE_ROOT = path.join(os.tmpdir(), 'dms-migration-lambda-bundles');

/**
 * Bundles every entry (bundle name -> entry file of the project) in one esbuild build with
 * BUNDLE_OPTIONS, and writes each bundle to `<outputRoot>/<name>-<hash>/` (written once: a
 * directory of that name holds exactly that content).
 */
export function buildBundles(entries: Readonly<Record<string, string>>, outputRoot: string = DEFAULT_BUNDLE_ROOT): Map<string, HandlerBundle> {
  // A virtual output directory: nothing is written there (write: false), it only anchors the paths.
  const outdir = path.join(PROJECT_ROOT, 'cdk.out', 'handler-bundles');
  const names = Object.keys(entries);
  const result = esbuild.buildSync({
    ...BUNDLE_OPTIONS,
    entryPoints: names.map((name) => ({ in: entries[name]!, out: `${name}/index` })),
    outdir,
    absWorkingDir: PROJECT_ROOT,
    write: false,
  });
  const bundles = new Map<string, HandlerBundle>();
  for (const name of names) {
    const jsPath = path.join(outdir, name, 'index.js');
    const js = result.outputFiles.find((f) => f.path === jsPath);
    const map = result.outputFiles.find((f) => f.path === `${jsPath}.map`);
    if (!js || !map) throw new Error(`esbuild produced no ${name}/index.js and map (got ${result.outputFiles.map((f) => f.path).join(', ')})`);
    const files: Array<[string, Buffer]> = [
      ['index.js', Buffer.from(js.contents)],
      ['index.js.map', Buffer.from(ownCodeSourceMap(map.text, path.dirname(jsPath)))],
    ];
    const hash = hashFiles(files);
    const directory = path.join(outputRoot, `${name}-${hash.slice(0, 32)}`);
    writeOnce(directory, files);
    bundles.set(name, {
      name,
      entry: entries[name]!,
      directory,
      files: files.map(([file, bytes]) => ({ name: file, bytes: bytes.length })),
      bytes: files.reduce((sum, [, bytes]) => sum + bytes.length, 0),
      hash,
    });
  }
  return bundles;
}

interface SourceMapV3 {
  version: number;
  sources: string[];
  names: string[];
  mappings: string;
  sourceRoot?: string;
  sourcesContent?: Array<string | null>;
}

/**
 * The source map reduced to the project's own code: its sources become paths relative to the
 * project root (the same on every machine), and positions in node_modules code are marked
 * unmapped instead of mapped, so a stack trace names our TypeScript lines and leaves a frame in
 * a dependency at its bundle position (never attributed to a line of ours).
 */
export function ownCodeSourceMap(mapText: string, mapDirectory: string): string {
  const map = JSON.parse(mapText) as SourceMapV3;
  const sourceIndex: Array<number | undefined> = [];
  const sources: string[] = [];
  for (const source of map.sources) {
    const relative = path.relative(PROJECT_ROOT, path.resolve(mapDirectory, source)).split(path.sep).join('/');
    if (/(^|\/)node_modules\//.test(relative)) {
      sourceIndex.push(undefined);
    } else {
      sourceIndex.push(sources.length);
      sources.push(relative);
    }
  }
  const nameIndex = new Map<number, number>();
  const names: string[] = [];
  // Whether the last segment so far is mapped: a position maps to the closest segment before it,
  // on its line or an earlier one, so the state carries across lines.
  let mapped = false;
  const mappings: SourceMapMappings = decode(map.mappings).map((line) => {
    const out: SourceMapSegment[] = [];
    for (const segment of line) {
      const source = segment.length > 1 ? sourceIndex[segment[1]!] : undefined;
      if (segment.length === 1 || source === undefined) {
        // One "unmapped from here" marker ends the previous mapping; repeats add nothing.
        if (mapped) out.push([segment[0]]);
        mapped = false;
        continue;
      }
      mapped = true;
      if (segment.length === 5) {
        let name = nameIndex.get(segment[4]);
        if (name === undefined) {
          name = names.length;
          names.push(map.names[segment[4]]!);
          nameIndex.set(segment[4], name);
        }
        out.push([segment[0], source, segment[2], segment[3], name]);
      } else {
        out.push([segment[0], source, segment[2]!, segment[3]!]);
      }
    }
    return out;
  });
  return JSON.stringify({ version: 3, sources, names, mappings: encode(mappings) });
}

function hashFiles(files: ReadonlyArray<readonly [string, Buffer]>): string {
  const hash = createHash('sha256');
  for (const [name, bytes] of files) hash.update(`${name}\0${bytes.length}\0`).update(bytes);
  return hash.digest('hex');
}

/** Writes the files to `directory` unless it exists; a rename makes it appear complete or not at all. */
function writeOnce(directory: string, files: ReadonlyArray<readonly [string, Buffer]>): void {
  if (fs.existsSync(directory)) return;
  fs.mkdirSync(path.dirname(directory), { recursive: true });
  const staging = fs.mkdtempSync(`${directory}.tmp-`);
  // Lambda needs to read the directory (755), as every asset directory CDK stages.
  fs.chmodSync(staging, 0o755);
  for (const [name, bytes] of files) fs.writeFileSync(path.join(staging, name), bytes);
  try {
    fs.renameSync(staging, directory);
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    // Another process wrote the same content first.
    if (!fs.existsSync(directory)) throw err;
  }
}
