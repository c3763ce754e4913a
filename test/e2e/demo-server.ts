import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareDemo, seedDemoLink, serveDemo, waitForHealth } from '../../scripts/demo-pipeline.mjs';

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
 * The pipeline `npm start` runs (scripts/demo-pipeline.mjs: demo-data → train → D1 migrations →
 * publish --local → `wrangler dev` → seed /r/demo), into a fresh persisted store on a free port.
 */
export async function startDemoServer(
  options: { beforeServe?: (dir: string, state: string) => Promise<void> | void } = {},
): Promise<DemoServer> {
  const dir = mkdtempSync(join(tmpdir(), 'edgepick-e2e-'));
  const state = join(dir, 'state');
  prepareDemo({ dir, state, seed: 1, quiet: true });
  await options.beforeServe?.(dir, state);
  const port = await freePort();
  const child: ChildProcess = serveDemo({ port, state, adminToken: ADMIN_TOKEN, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url, child, 90_000);
    await seedDemoLink(url, ADMIN_TOKEN);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${(e as Error).message}\n${log}`);
  }
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

/**
 * `wrangler dev` on `state` with only the D1 migrations applied (no demo pack): enough for the
 * events pipeline. Its own process group, so `kill()` takes wrangler and workerd down together, as
 * a crash would (SIGKILL) or a stop (SIGTERM).
 */
export async function startBareServer(
  state: string,
  args: string[] = [],
): Promise<{ url: string; child: ChildProcess; kill(signal?: NodeJS.Signals): void; log(): string }> {
  const migrate = spawnSync(
    process.execPath,
    [join(root, 'node_modules/wrangler/bin/wrangler.js'), 'd1', 'migrations', 'apply', 'edgepick', '--local', '--persist-to', state],
    { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } },
  );
  if (migrate.status !== 0) throw new Error(`d1 migrations apply failed: ${migrate.stderr}`);
  const port = await freePort();
  const child = serveDemo({ port, state, adminToken: ADMIN_TOKEN, stdio: ['ignore', 'pipe', 'pipe'], detached: true, args });
  let log = '';
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const kill = (signal: NodeJS.Signals = 'SIGTERM') => {
    try {
      process.kill(-child.pid!, signal);
    } catch {}
  };
  try {
    await waitForHealth(url, child, 90_000);
  } catch (e) {
    kill('SIGKILL');
    throw new Error(`${(e as Error).message}\n${log}`);
  }
  return { url, child, kill, log: () => log };
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
