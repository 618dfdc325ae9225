// One-way layers (issue 13). A module may import only its own layer and the layers listed in
// `may`; every other project layer is forbidden. Two stacks of layers share the low ones:
//   restoration, config, mappings -> dms -> monitoring -> orchestration -> nag -> stacks -> app
//   aws -> operator -> cli -> bin/cli            (these may read the low layers up to orchestration)
// lib/delivery (the CI/CD pipeline's own model) sits beside nag: stacks/delivery-stack reads it;
// lib/delivery/app.ts (and the index that re-exports it), like bin/app.ts, is an app entry point on top.
// Run by test/architecture/layers.test.ts (part of `npm test`).
const LAYERS = [
  { name: 'restoration', path: '^lib/restoration/', may: [] },
  { name: 'config', path: '^lib/config/', may: [] },
  { name: 'mappings', path: '^lib/mappings/', may: [] },
  { name: 'dms', path: '^lib/dms/', may: ['restoration', 'config', 'mappings'] },
  { name: 'monitoring', path: '^lib/monitoring/', may: ['restoration', 'config', 'mappings', 'dms'] },
  { name: 'orchestration', path: '^lib/orchestration/', may: ['restoration', 'config', 'mappings', 'dms', 'monitoring'] },
  { name: 'nag', path: '^lib/nag/', may: ['restoration', 'config', 'mappings', 'dms', 'monitoring', 'orchestration'] },
  { name: 'delivery', path: '^lib/delivery/', pathNot: '^lib/delivery/(app|index)\\.ts$', may: ['config'] },
  {
    name: 'stacks',
    path: '^lib/stacks/',
    may: ['restoration', 'config', 'mappings', 'dms', 'monitoring', 'orchestration', 'nag', 'delivery'],
  },
  {
    name: 'app',
    path: '^(bin/app\\.ts|bin/delivery\\.ts|lib/delivery/(app|index)\\.ts)$',
    may: ['restoration', 'config', 'mappings', 'dms', 'monitoring', 'orchestration', 'nag', 'delivery', 'stacks'],
  },
  { name: 'aws', path: '^lib/aws/', may: ['restoration', 'config', 'mappings', 'operator-io'] },
  { name: 'operator-io', path: '^lib/operator/io\\.ts$', may: [] },
  {
    name: 'operator',
    path: '^lib/operator/',
    pathNot: '^lib/operator/io\\.ts$',
    may: ['restoration', 'config', 'mappings', 'dms', 'monitoring', 'orchestration', 'aws', 'operator-io'],
  },
  {
    name: 'cli',
    path: '^lib/cli/',
    may: ['restoration', 'config', 'mappings', 'dms', 'monitoring', 'orchestration', 'aws', 'operator-io', 'operator'],
  },
  {
    name: 'cli-bin',
    path: '^bin/cli\\.ts$',
    may: ['restoration', 'config', 'mappings', 'dms', 'monitoring', 'orchestration', 'aws', 'operator-io', 'operator', 'cli'],
  },
];

function selector(layer) {
  return layer.pathNot ? { path: layer.path, pathNot: layer.pathNot } : { path: layer.path };
}

const forbidden = LAYERS.flatMap((from) =>
  LAYERS.filter((to) => to !== from && !from.may.includes(to.name)).map((to) => ({
    name: `layer-${from.name}-not-${to.name}`,
    comment: `${from.name} must not import ${to.name}: layers point one way (.dependency-cruiser.cjs)`,
    severity: 'error',
    from: selector(from),
    to: selector(to),
  })),
);

forbidden.push({
  name: 'no-circular',
  comment: 'an import cycle ties modules together so that neither can change alone',
  severity: 'error',
  from: {},
  to: { circular: true },
});

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are dependencies too: a type from a higher layer ties the layers together.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '(^|/)node_modules/' },
  },
};
