import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What the e2e tests get: the served worker and the files the CLI made. */
export interface DemoServer {
  url: string;
  dir: string;
  stop(): Promise<void>;
}

const root = new URL('../..', import.meta.url).pathname;
/** Admin token the e2e worker runs with. */
export const ADMIN_TOKEN = 'e2e-admin-token';

export function cli(args: string[]) {
  const res = spawnSync(process.execPath, [join(root, 'bin/edgepick.js'), ...args], { cwd: root, encoding: 'utf8' });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * The real pipeline a user runs with `npm start`: demo-data → train → publish --local into a
 * fresh persisted store, then `wrangler dev` (workerd) serving that store on a free port.
 */
export async function startDemoServer(options: { beforeServe?: (dir: string, state: string) => Promise<void> | void } = {}): Promise<DemoServer> {
  const dir = mkdtempSync(join(tmpdir(), 'edgepick-e2e-'));
  const state = join(dir, 'state');
  for (const args of [
    ['demo-data', '--out', dir],
    ['train', join(dir, 'interactions.csv'), '--out', join(dir, 'model.pack'), '--seed', '1'],
    ['publish', join(dir, 'model.pack'), '--site', 'demo', '--local', '--persist-to', state, '--catalog', join(dir, 'catalog.json')],
  ]) {
    const res = cli(args);
    if (res.status !== 0) throw new Error(`edgepick ${args[0]} failed (${res.status}): ${res.stderr}`);
  }
  const migrate = spawnSync(
    process.execPath,
    [join(root, 'node_modules/wrangler/bin/wrangler.js'), 'd1', 'migrations', 'apply', 'edgepick', '--local', '--persist-to', state],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
    },
  );
  if (migrate.status !== 0) throw new Error(`wrangler d1 migrations apply failed: ${migrate.stderr}${migrate.stdout}`);
  await options.beforeServe?.(dir, state);
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(root, 'node_modules/wrangler/bin/wrangler.js'),
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--persist-to',
      state,
      '--show-interactive-dev-session=false',
      '--var',
      `ADMIN_TOKEN:${ADMIN_TOKEN}`,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' } },
  );
  let log = '';
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${log}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {}
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`wrangler dev did not answer within 90 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  // The demo campaign link, through the admin API, as `npm start` does.
  const seeded = await fetch(`${url}/v1/admin/sites/demo/links`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: readFileSync(join(root, 'examples/demo-link.json'), 'utf8'),
  });
  if (seeded.status !== 201) throw new Error(`seeding /r/demo failed: ${seeded.status} ${await seeded.text()}`);
  return {
    url,
    dir,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** Reads the local D1 that `wrangler dev` writes under `dir/state` (the e2e server's persisted state). */
export function queryD1<T = Record<string, unknown>>(dir: string, sql: string): T[] {
  const res = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/wrangler/bin/wrangler.js'),
      'd1',
      'execute',
      'edgepick',
      '--local',
      '--persist-to',
      join(dir, 'state'),
      '--json',
      '--command',
      sql,
    ],
    { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } },
  );
  if (res.status !== 0) throw new Error(res.stderr);
  return JSON.parse(res.stdout)[0].results;
}
