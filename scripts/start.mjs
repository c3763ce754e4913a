// `npm start`: generate the demo store, train on it, publish the pack to the local KV that
// `wrangler dev` serves, then serve the worker (demo storefront at /) on http://127.0.0.1:8787.
// The steps live in scripts/demo-pipeline.mjs, which the end-to-end tests run too.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { prepareDemo, seedDemoLink, serveDemo, waitForHealth } from './demo-pipeline.mjs';

const port = process.env.PORT ?? '8787';
if (!existsSync('dist/cli.js') || !existsSync('dist/public/sdk/edgepick.js') || process.env.EDGEPICK_REBUILD !== '0') {
  console.log('▶ build');
  const res = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  if (res.status !== 0) process.exit(res.status ?? 1);
}
try {
  prepareDemo({ dir: '.edgepick/demo' });
} catch (e) {
  console.error(e.message);
  process.exit(1);
}

console.log(`\n▶ serving on http://127.0.0.1:${port}/ (demo storefront), API under /v1, docs at /openapi.json\n`);
// The local admin token (docs/routing.md); production uses `wrangler secret put ADMIN_TOKEN`.
const adminToken = process.env.ADMIN_TOKEN ?? 'dev-admin-token';
const dev = serveDemo({ port, adminToken });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => dev.kill(sig));
dev.on('exit', (code) => process.exit(code ?? 0));

const base = `http://127.0.0.1:${port}`;
try {
  await waitForHealth(base, dev, 90_000);
  await seedDemoLink(base, adminToken);
  console.log(`\n▶ demo campaign link ready: ${base}/r/demo (admin token: ${adminToken})\n`);
} catch (e) {
  console.error(`could not seed /r/demo: ${e.message}`);
}
