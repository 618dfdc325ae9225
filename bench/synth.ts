/**
 * Benchmark of `cdk synth` (npm run bench:synth).
 *
 * Times, in one run and interleaved, `npx cdk synth` of the app and of an empty CDK app
 * (bench/empty-app.ts) run the same way: the same CLI, the runner of cdk.json's `app` with the
 * entry file swapped, the same cdk.json settings and context, a fresh output directory each time.
 * Prints each time, the medians, their ratio (app / empty; wall clock, and CPU time where the OS
 * reports it, which other load on the machine disturbs less), and the size of each Lambda bundle
 * in the app's cloud assembly.
 *
 * Modes (BENCH_MODE, default both):
 *   example    the environments of cdk.json;
 *   generated  BENCH_ENVIRONMENTS (default 10) environments of BENCH_TASKS (default 2) tasks each,
 *              written to a temporary file like cdk.json and passed with
 *              `-c environmentsFile=<file>` (to the empty app too); cdk.json is not changed.
 * BENCH_RUNS (default 5) timed runs of each app per mode, after one untimed warm-up of each.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ENVIRONMENTS_FILE_CONTEXT } from '../bin/app';
import { handlerBundles } from '../lib/orchestration/bundle';

const ROOT = path.resolve(__dirname, '..');
const RUNS = positiveInt('BENCH_RUNS', 5);
const ENVIRONMENTS = positiveInt('BENCH_ENVIRONMENTS', 10);
const TASKS = positiveInt('BENCH_TASKS', 2);
const MODE = process.env.BENCH_MODE ?? 'both';
if (!['example', 'generated', 'both'].includes(MODE)) throw new Error(`BENCH_MODE must be example, generated or both (got ${MODE})`);

type Json = Record<string, unknown>;
interface CdkJson {
  app: string;
  context: { environments: Record<string, Json> };
}

const cdkJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as CdkJson;
if (!cdkJson.app.includes('bin/app.ts')) throw new Error(`cdk.json: app "${cdkJson.app}" does not run bin/app.ts: cannot derive the empty app's command`);
const EMPTY_APP = cdkJson.app.replace('bin/app.ts', 'bench/empty-app.ts');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));

function runMode(title: string, extraArgs: readonly string[], reportBundles: boolean): void {
  console.log(`\n== ${title} (${RUNS} runs each, interleaved, after one warm-up; cwd ${ROOT})`);
  console.log(`   app:   npx cdk synth ${extraArgs.join(' ')}`.trimEnd());
  console.log(`   empty: npx cdk synth --app "${EMPTY_APP}" ${extraArgs.join(' ')}`.trimEnd());
  const appTimes: Timing[] = [];
  const emptyTimes: Timing[] = [];
  let lastAppOut = '';
  for (let i = -1; i < RUNS; i++) {
    // Alternate which goes first, so a change in the machine's load falls on both alike.
    const order: Array<'app' | 'empty'> = i % 2 === 0 ? ['app', 'empty'] : ['empty', 'app'];
    for (const which of order) {
      const out = path.join(work, `out-${which}-${i + 1}`);
      const timing = synth(which === 'app' ? [] : ['--app', EMPTY_APP], extraArgs, out);
      if (i < 0) continue;
      (which === 'app' ? appTimes : emptyTimes).push(timing);
      if (which === 'app') lastAppOut = out;
    }
    if (i >= 0) console.log(`   run ${i + 1}: app ${show(appTimes[i]!)}, empty ${show(emptyTimes[i]!)}, load ${os.loadavg()[0]!.toFixed(1)}`);
  }
  const summary = (label: string, values: readonly number[]) =>
    `${label} median ${median(values).toFixed(2)} s (min ${Math.min(...values).toFixed(2)}, max ${Math.max(...values).toFixed(2)})`;
  const wall = (t: readonly Timing[]) => t.map((x) => x.wall);
  console.log(`   ${summary('app  ', wall(appTimes))}`);
  console.log(`   ${summary('empty', wall(emptyTimes))}`);
  console.log(`   ratio app/empty (wall-clock medians): ${(median(wall(appTimes)) / median(wall(emptyTimes))).toFixed(2)}`);
  if (appTimes.every((t) => t.cpu !== undefined) && emptyTimes.every((t) => t.cpu !== undefined)) {
    const cpu = (t: readonly Timing[]) => t.map((x) => x.cpu!);
    const [app, empty] = [median(cpu(appTimes)), median(cpu(emptyTimes))];
    console.log(`   ratio app/empty (CPU-time medians ${app.toFixed(2)} / ${empty.toFixed(2)} s, less sensitive to other load): ${(app / empty).toFixed(2)}`);
  }
  if (reportBundles) printBundles(lastAppOut);
}

interface Timing {
  /** Wall-clock seconds. */
  readonly wall: number;
  /** CPU seconds (user + system) of the process tree, where the OS tells (Linux). */
  readonly cpu?: number;
}

function show(t: Timing): string {
  return `${t.wall.toFixed(2)} s${t.cpu === undefined ? '' : ` (cpu ${t.cpu.toFixed(2)} s)`}`;
}

/** One `npx cdk synth` into `out`. Fails the benchmark if synth fails. */
function synth(appArgs: readonly string[], extraArgs: readonly string[], out: string): Timing {
  const cpuBefore = childrenCpuSeconds();
  const started = process.hrtime.bigint();
  const result = spawnSync('npx', ['cdk', 'synth', '--quiet', ...appArgs, ...extraArgs, '--output', out], { cwd: ROOT, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuAfter = childrenCpuSeconds();
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    throw new Error(`cdk synth ${appArgs.join(' ')} ${extraArgs.join(' ')} failed (exit ${result.status})`);
  }
  return { wall, cpu: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore };
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

/**
 * CPU time of this process's waited-for children and their descendants (/proc/self/stat cutime +
 * cstime); a helper that outlives its parent (esbuild's service process) is not counted.
 */
function childrenCpuSeconds(): number | undefined {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    // Fields after "pid (comm) ": state is field 3, cutime 16, cstime 17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/**
 * The size of each handler's bundle as the cloud assembly holds it (what the function ships),
 * found by content among the assembly's assets; then any other Lambda code asset (aws-cdk-lib's own).
 */
function printBundles(assembly: string): void {
  console.log('   Lambda code assets in the cloud assembly (bytes on disk, what each function ships):');
  const assets = new Map(
    fs
      .readdirSync(assembly)
      .filter((d) => d.startsWith('asset.') && fs.statSync(path.join(assembly, d)).isDirectory())
      .map((d) => [d, fs.readdirSync(path.join(assembly, d)).sort()] as const),
  );
  const line = (label: string, asset: string, files: readonly string[]) => {
    const sizes = files.map((f) => [f, fs.statSync(path.join(assembly, asset, f)).size] as const);
    const total = sizes.reduce((sum, [, size]) => sum + size, 0);
    const verdict = total <= 1_000_000 ? '<= 1 MB' : '> 1 MB';
    console.log(`   ${label.padEnd(30)} ${String(total).padStart(9)} ${verdict}  (${sizes.map(([f, size]) => `${f} ${size}`).join(', ')}; ${asset})`);
  };
  for (const bundle of handlerBundles().values()) {
    const code = fs.readFileSync(path.join(bundle.directory, 'index.js'));
    const asset = [...assets.keys()].find((a) => assets.get(a)!.includes('index.js') && code.equals(fs.readFileSync(path.join(assembly, a, 'index.js'))));
    if (!asset) throw new Error(`the ${bundle.name} bundle is not in ${assembly}`);
    line(bundle.name, asset, assets.get(asset)!);
    assets.delete(asset);
  }
  for (const [asset, files] of assets) line('(aws-cdk-lib framework)', asset, files);
}

/**
 * `count` environments alternating the example's first and last (dev-like and prod-like), each
 * with `tasks` tasks that split the example mapping's schemas between them, as a team splits a
 * database across tasks. Returns the file (cdk.json's shape) to pass as environmentsFile.
 */
function writeGeneratedEnvironments(dir: string, count: number, tasks: number): string {
  const examples = Object.values(cdkJson.context.environments);
  const template = examples[0]!;
  const mappingFile = (template.tasks as Array<{ mappingFile: string }>)[0]!.mappingFile;
  const mappings = splitMapping(JSON.parse(fs.readFileSync(path.join(ROOT, mappingFile), 'utf8')) as { rules: Json[] }, tasks);
  fs.mkdirSync(path.join(dir, 'mappings'));
  const taskConfigs = mappings.map((mapping, t) => {
    const file = `mappings/part${t + 1}.json`;
    fs.writeFileSync(path.join(dir, file), JSON.stringify(mapping, null, 2));
    return { name: `part${t + 1}`, migrationType: 'full-load-and-cdc', mappingFile: file };
  });
  const environments: Record<string, Json> = {};
  for (let i = 0; i < count; i++) {
    const base = examples[i % 2 === 0 ? 0 : examples.length - 1]!;
    environments[`bench${String(i + 1).padStart(2, '0')}`] = { ...base, tasks: taskConfigs };
  }
  const file = path.join(dir, 'environments.json');
  fs.writeFileSync(file, JSON.stringify({ context: { environments } }, null, 2));
  const digest = createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 12);
  console.log(`\n(generated ${count} environments x ${tasks} tasks in ${file}, sha256 ${digest})`);
  return file;
}

/** Splits a mapping's explicitly named schemas round-robin into `parts` mappings; rules for every schema (%) go to all. */
function splitMapping(mapping: { rules: Json[] }, parts: number): Array<{ rules: Json[] }> {
  const schemaOf = (rule: Json) => String((rule['object-locator'] as Json | undefined)?.['schema-name'] ?? '%');
  const schemas = [...new Set(mapping.rules.filter((r) => r['rule-type'] === 'selection').map(schemaOf))].filter((s) => s !== '%');
  if (schemas.length < parts) throw new Error(`the example mapping selects ${schemas.length} schemas: cannot split it into ${parts} tasks`);
  const partOf = new Map(schemas.map((schema, i) => [schema, i % parts]));
  return Array.from({ length: parts }, (_, part) => ({
    rules: mapping.rules.filter((rule) => {
      const schema = schemaOf(rule);
      return schema === '%' || partOf.get(schema) === part;
    }),
  }));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer (got ${raw})`);
  return value;
}

function main(): void {
  try {
    if (MODE !== 'generated') runMode('example cdk.json', [], true);
    if (MODE !== 'example') {
      const file = writeGeneratedEnvironments(work, ENVIRONMENTS, TASKS);
      runMode(`generated: ${ENVIRONMENTS} environments x ${TASKS} tasks`, ['-c', `${ENVIRONMENTS_FILE_CONTEXT}=${file}`], false);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main();
