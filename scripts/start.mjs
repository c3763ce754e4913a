// `npm start`: generate the demo store, train on it, publish the pack to the local KV that
// `wrangler dev` serves, then serve the worker (demo storefront at /) on http://127.0.0.1:8787.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

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

console.log(`\n▶ serving on http://127.0.0.1:${port}/ (demo storefront), API under /v1, docs at /openapi.json\n`);
// The local admin token (docs/routing.md); production uses `wrangler secret put ADMIN_TOKEN`.
const adminToken = process.env.ADMIN_TOKEN ?? 'dev-admin-token';
const dev = spawn(process.execPath, [wrangler, 'dev', '--ip', '127.0.0.1', '--port', port, '--var', `ADMIN_TOKEN:${adminToken}`], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => dev.kill(sig));
dev.on('exit', (code) => process.exit(code ?? 0));

// Seed the demo campaign link /r/demo through the admin API once the worker answers
// (D1 keeps its versions and audit; KV gets the compiled copy /r/:slug reads).
const base = `http://127.0.0.1:${port}`;
const link = JSON.parse(readFileSync('examples/demo-link.json', 'utf8'));
for (let i = 0; i < 120; i++) {
  await new Promise((r) => setTimeout(r, 500));
  try {
    const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
    const res = await fetch(`${base}/v1/admin/sites/demo/links`, { method: 'POST', headers, body: JSON.stringify(link) });
    if (res.status === 409) await fetch(`${base}/v1/admin/sites/demo/links/demo`, { method: 'PUT', headers, body: JSON.stringify(link) });
    else if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
    console.log(`\n▶ demo campaign link ready: ${base}/r/demo (admin token: ${adminToken})\n`);
    break;
  } catch (e) {
    if (i === 119) console.error(`could not seed /r/demo: ${e.message}`);
  }
}
