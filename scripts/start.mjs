// `npm start`: generate the demo store, train on it, publish the pack to the local KV that
// `wrangler dev` serves, then serve the worker (demo storefront at /) on http://127.0.0.1:8787.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const port = process.env.PORT ?? '8787';
const dir = '.edgepick/demo';
const step = (label, args) => {
  console.log(`\n▶ ${label}`);
  const res = spawnSync(process.execPath, ['bin/edgepick.js', ...args], { stdio: 'inherit' });
  if (res.status !== 0) process.exit(res.status ?? 1);
};

if (!existsSync('dist/cli.js') || !existsSync('dist/public/sdk/edgepick.js') || process.env.EDGEPICK_REBUILD !== '0') {
  console.log('▶ build');
  const res = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  if (res.status !== 0) process.exit(res.status ?? 1);
}
step('generate the demo store', ['demo-data', '--out', dir]);
step('train', ['train', `${dir}/interactions.csv`, '--out', `${dir}/model.pack`]);
console.log('\n▶ apply D1 migrations (local)');
const wrangler = 'node_modules/wrangler/bin/wrangler.js';
const mig = spawnSync(process.execPath, [wrangler, 'd1', 'migrations', 'apply', 'edgepick', '--local'], {
  stdio: 'inherit',
  env: { ...process.env, CI: 'true' },
});
if (mig.status !== 0) process.exit(mig.status ?? 1);
step('publish to local KV', ['publish', `${dir}/model.pack`, '--site', 'demo', '--local', '--catalog', `${dir}/catalog.json`]);

step('publish the demo campaign link /r/demo', ['link', 'publish', 'examples/demo-link.json', '--site', 'demo', '--local']);

console.log(`\n▶ serving on http://127.0.0.1:${port}/ (demo storefront), API under /v1, docs at /openapi.json\n`);
const dev = spawn(process.execPath, [wrangler, 'dev', '--ip', '127.0.0.1', '--port', port], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => dev.kill(sig));
dev.on('exit', (code) => process.exit(code ?? 0));
