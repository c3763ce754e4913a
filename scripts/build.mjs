// Builds every artefact: the CLI (dist/cli.js + its ALS thread entry), the SDK (ESM for bundlers,
// IIFE for the script tag, CommonJS for mini-programs) and the static public site the worker serves
// (demo storefront, SDK).

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { build } from 'esbuild';

const only = process.argv[2];
// Copies of the mini-program build live in the example projects (gitignored), so they must not be linted.
const MINIPROGRAM_BANNER = [
  '// edgepick SDK for mini-programs (CommonJS, ES2015): built by scripts/build.mjs from sdk/src/miniprogram.ts.',
  '// biome-ignore-all lint: generated file',
  '// biome-ignore-all format: generated file',
].join('\n');
/** Mini-program projects that `require('./libs/edgepick.js')`: the build copies the bundle into each. */
const MINIPROGRAM_EXAMPLES = ['examples/wechat-miniprogram', 'examples/baidu-smartprogram'];
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
    build({
      ...common,
      entryPoints: { index: 'sdk/src/index.ts' },
      outdir: 'dist/sdk',
      format: 'esm',
      platform: 'neutral',
      sourcemap: true,
    }),
    // Minified ESM entries only used to measure the size budgets (test/node/sdk-size.test.ts).
    build({
      ...common,
      entryPoints: { core: 'sdk/src/core.ts', full: 'sdk/src/index.ts' },
      outdir: 'dist/size',
      format: 'esm',
      platform: 'neutral',
      minify: true,
    }),
    // CommonJS for mini-programs (WeChat, Baidu, Douyin), which load `require()` modules only: the
    // headless client, no DOM, no widgets. Their runtimes polyfill missing built-ins (core-js) but not
    // syntax, and WeChat base library 2.15 still runs on iOS 10 (WeChat 7.0.20), whose JavaScriptCore
    // lacks `**` and async functions before iOS 10.3: so ES2015, with async/await lowered to generators.
    // https://developers.weixin.qq.com/miniprogram/dev/framework/runtime/js-support.html
    build({
      entryPoints: { edgepick: 'sdk/src/miniprogram.ts' },
      outdir: 'dist/miniprogram',
      bundle: true,
      format: 'cjs',
      platform: 'neutral',
      target: 'es2015',
      logLevel: 'warning',
      legalComments: 'none',
      banner: { js: MINIPROGRAM_BANNER },
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
  // The console's script and stylesheet (worker/console-client), served as static files.
  await build({
    entryPoints: { console: 'worker/console-client/console.ts' },
    outdir: 'dist/public/console-assets',
    bundle: true,
    format: 'iife',
    target: 'es2020',
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
  });
  await cp('worker/console-client/console.css', 'dist/public/console-assets/console.css');
  // Production assets (wrangler.toml [env.production]): the SDK bundles and their headers, no demo storefront.
  await rm('dist/public-production', { recursive: true, force: true });
  await mkdir('dist/public-production', { recursive: true });
  await cp('dist/public/sdk', 'dist/public-production/sdk', { recursive: true });
  await cp('dist/public/console-assets', 'dist/public-production/console-assets', { recursive: true });
  await cp('worker/assets-production/_headers', 'dist/public-production/_headers');
  // The package is "type": "module": this marks the mini-program build as CommonJS for Node's require().
  await writeFile('dist/miniprogram/package.json', '{ "type": "commonjs" }\n');
  // A mini-program cannot reach node_modules (nor anything outside its project) without its own npm
  // build step, so each example gets a copy of the bundle in its libs/.
  for (const dir of MINIPROGRAM_EXAMPLES.filter((d) => existsSync(d))) {
    await mkdir(`${dir}/libs`, { recursive: true });
    await cp('dist/miniprogram/edgepick.js', `${dir}/libs/edgepick.js`);
  }
}
