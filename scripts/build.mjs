// Builds every artefact: the CLI (dist/cli.js + its ALS thread entry), the SDK (ESM for bundlers,
// IIFE for the script tag) and the static public site the worker serves (demo storefront, SDK).

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir } from 'node:fs/promises';
import { build } from 'esbuild';

const only = process.argv[2];
await mkdir('dist/public', { recursive: true });

const jobs = [];
if (!only || only === 'cli') {
  jobs.push(
    build({
      entryPoints: { cli: 'models/cli.ts', 'als-worker': 'models/als/als-worker.ts' },
      outdir: 'dist',
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      packages: 'external',
      sourcemap: true,
      logLevel: 'warning',
    }),
  );
}
if (!only || only === 'sdk') {
  // ESM for bundlers targets ES2022 (native class fields); the script tag targets ES2020 for older in-app browsers.
  const common = { bundle: true, target: 'es2022', logLevel: 'warning', legalComments: 'none' };
  jobs.push(
    // ESM for bundlers: unminified, tree-shakable; types come from tsc (see package.json exports).
    build({ ...common, entryPoints: { index: 'sdk/src/index.ts' }, outdir: 'dist/sdk', format: 'esm', platform: 'neutral', sourcemap: true }),
    // Minified ESM entries only used to measure the size budgets (test/node/sdk-size.test.ts).
    build({
      ...common,
      entryPoints: { core: 'sdk/src/core.ts', full: 'sdk/src/index.ts' },
      outdir: 'dist/size',
      format: 'esm',
      platform: 'neutral',
      minify: true,
    }),
    // IIFE for `<script src=".../sdk/edgepick.js" data-site="…">`.
    build({
      ...common,
      entryPoints: { edgepick: 'sdk/src/script-tag.ts' },
      outdir: 'dist/public/sdk',
      format: 'iife',
      target: 'es2020',
      minify: true,
      sourcemap: true,
    }),
  );
}
await Promise.all(jobs);
if (!only || only === 'sdk') {
  // Declarations for `import … from 'edgepick'` (package.json exports: types first).
  const tsc = spawnSync(
    process.execPath,
    [
      'node_modules/typescript/bin/tsc',
      '-p',
      'sdk/tsconfig.json',
      '--noEmit',
      'false',
      '--declaration',
      '--emitDeclarationOnly',
      '--rootDir',
      '.',
      '--outDir',
      'dist/types',
    ],
    { stdio: 'inherit' },
  );
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}
if (!only || only === 'sdk') {
  // The worker also serves the ESM build at /sdk/index.js, for import maps and CDN-style use.
  await cp('dist/sdk/index.js', 'dist/public/sdk/index.js');
  if (existsSync('examples/demo')) await cp('examples/demo', 'dist/public', { recursive: true });
}
