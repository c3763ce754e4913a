// The demo pipeline `npm start` runs — demo-data → train → D1 migrations → publish → wrangler dev →
// seed /r/demo — as functions, so the end-to-end suite (test/e2e/demo-server.ts) runs exactly this.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wrangler = join(root, 'node_modules/wrangler/bin/wrangler.js');
const persist = (state) => (state ? ['--persist-to', state] : []);

function run(label, args, { quiet, env } = {}) {
  if (!quiet) console.log(`\n▶ ${label}`);
  const res = spawnSync(process.execPath, args, {
    cwd: root,
    encoding: 'utf8',
    stdio: quiet ? 'pipe' : 'inherit',
    env: { ...process.env, CI: 'true', ...env },
  });
  if (res.status !== 0) throw new Error(`${label} failed (exit ${res.status}): ${res.stderr ?? ''}${res.stdout ?? ''}`);
}

/**
 * Makes the demo store in `dir` and publishes it into the local KV/D1 (`state`: a `--persist-to`
 * folder; default: wrangler's own `.wrangler/state`). `seed` pins the trainer's seed.
 */
export function prepareDemo({ dir, state, seed, quiet = false }) {
  const cli = (label, args) => run(label, [join(root, 'bin/edgepick.js'), ...args], { quiet });
  cli('generate the demo store', ['demo-data', '--out', dir]);
  cli('train', [
    'train',
    join(dir, 'interactions.csv'),
    '--out',
    join(dir, 'model.pack'),
    ...(seed === undefined ? [] : ['--seed', String(seed)]),
  ]);
  run('apply D1 migrations (local)', [wrangler, 'd1', 'migrations', 'apply', 'edgepick', '--local', ...persist(state)], { quiet });
  cli('publish to local KV', [
    'publish',
    join(dir, 'model.pack'),
    '--site',
    'demo',
    '--local',
    ...persist(state),
    '--catalog',
    join(dir, 'catalog.json'),
  ]);
}

/** Starts `wrangler dev` on 127.0.0.1:`port` with the admin token; returns the child process. */
export function serveDemo({ port, state, adminToken, stdio = 'inherit', args = [], detached = false }) {
  return spawn(
    process.execPath,
    [
      wrangler,
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      ...persist(state),
      '--show-interactive-dev-session=false',
      '--var',
      `ADMIN_TOKEN:${adminToken}`,
      // GET /__scheduled runs the cron handler on demand (events sweep, trending) — local only.
      '--test-scheduled',
      ...args,
    ],
    // detached: its own process group, so a test can kill wrangler and workerd together.
    { cwd: root, stdio, detached, env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' } },
  );
}

/** Resolves once `${url}/health` answers 200; rejects when `child` exits first or after `timeoutMs`. */
export async function waitForHealth(url, child, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early (code ${child.exitCode})`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`wrangler dev did not answer within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Creates (or updates) the demo campaign link /r/demo through the admin API, as a marketer would. */
export async function seedDemoLink(url, adminToken) {
  const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const body = readFileSync(join(root, 'examples/demo-link.json'), 'utf8');
  const res = await fetch(`${url}/v1/admin/sites/demo/links`, { method: 'POST', headers, body });
  if (res.status === 409) {
    const put = await fetch(`${url}/v1/admin/sites/demo/links/demo`, { method: 'PUT', headers, body });
    if (!put.ok) throw new Error(`updating /r/demo failed: ${put.status} ${await put.text()}`);
  } else if (res.status !== 201) throw new Error(`seeding /r/demo failed: ${res.status} ${await res.text()}`);
}
