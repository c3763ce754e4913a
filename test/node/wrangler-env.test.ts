import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
type Config = Record<string, unknown> & {
  name: string;
  vars: Record<string, string>;
  assets?: { directory: string; binding: string; run_worker_first: string[] };
  kv_namespaces: { binding: string }[];
  d1_databases: { binding: string; migrations_dir?: string }[];
  r2_buckets: { binding: string; bucket_name: string }[];
  queues: { producers?: { binding: string; queue: string }[]; consumers?: { queue: string; max_retries?: number }[] };
  ratelimits: { name: string; simple: { limit: number; period: number } }[];
  durable_objects: { bindings: { name: string; class_name: string }[] };
  triggers: { crons: string[] };
  migrations: unknown[];
};

async function read(env?: string): Promise<Config> {
  const { unstable_readConfig } = (await import(join(root, 'node_modules/wrangler/wrangler-dist/cli.js'))) as {
    unstable_readConfig(a: { config: string; env?: string }): Config;
  };
  return unstable_readConfig({ config: join(root, 'wrangler.toml'), ...(env ? { env } : {}) });
}

/** Every binding a config declares, as `kind:name[:detail]` (what the worker code relies on). */
const bindings = (c: Config) =>
  [
    ...c.kv_namespaces.map((b) => `kv:${b.binding}`),
    ...c.d1_databases.map((b) => `d1:${b.binding}:${b.migrations_dir}`),
    ...c.r2_buckets.map((b) => `r2:${b.binding}`),
    ...(c.queues.producers ?? []).map((b) => `queue:${b.binding}:${b.queue}`),
    ...(c.queues.consumers ?? []).map((b) => `consumer:${b.queue}:${b.max_retries}`),
    ...c.ratelimits.map((b) => `ratelimit:${b.name}:${b.simple.limit}/${b.simple.period}`),
    ...c.durable_objects.bindings.map((b) => `do:${b.name}:${b.class_name}`),
    ...c.triggers.crons.map((t) => `cron:${t}`),
    `assets:${c.assets?.binding}:${c.assets?.run_worker_first.join(',')}`,
    ...Object.keys(c.vars).map((v) => `var:${v}`),
  ].sort();

describe('wrangler.toml [env.production]', () => {
  it('declares every binding, cron, var and migration of the top level (environments inherit none of them)', async () => {
    const [dev, prod] = await Promise.all([read(), read('production')]);
    expect(bindings(prod)).toEqual(bindings(dev));
    expect(prod.migrations).toEqual(dev.migrations);
    expect(prod.compatibility_date).toBe(dev.compatibility_date);
  });

  it('the per-visitor event limit the API documents is the one configured', async () => {
    const { EVENTS_VISITOR_LIMIT, EVENTS_VISITOR_PERIOD_S } = await import('../../worker/src/events/limits.js');
    for (const c of await Promise.all([read(), read('production')]))
      expect(c.ratelimits.find((r) => r.name === 'EVENTS_VISITOR_LIMIT')?.simple).toEqual({
        limit: EVENTS_VISITOR_LIMIT,
        period: EVENTS_VISITOR_PERIOD_S,
      });
  });

  it('ships no demo site and no demo storefront', async () => {
    const prod = await read('production');
    expect(prod.vars.DEMO_SITE).toBe('');
    expect(prod.assets!.directory).toMatch(/dist\/public-production$/);
    const dir = join(root, 'dist/public-production');
    expect(existsSync(dir), 'npm run build writes dist/public-production').toBe(true);
    const files = readdirSync(dir, { recursive: true }).map(String).sort();
    expect(files).toContain(join('sdk', 'edgepick.js'));
    expect(files).toContain(join('sdk', 'index.js'));
    expect(files).toContain(join('console-assets', 'console.js'));
    // The SDK, the console's script and stylesheet, and their headers: no storefront page.
    expect(files.filter((f) => !f.startsWith('sdk') && !f.startsWith('console-assets') && f !== '_headers')).toEqual([]);
  });

  it('bundles for deployment (wrangler deploy --env production --dry-run)', () => {
    const res = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules/wrangler/bin/wrangler.js'),
        'deploy',
        '--env',
        'production',
        '--dry-run',
        '--outdir',
        join(root, '.tmp/dry-run-production'),
      ],
      { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' } },
    );
    expect(res.status, res.stderr + res.stdout).toBe(0);
    expect(res.stdout).toMatch(/EVENTS_QUEUE/);
    expect(res.stdout).toMatch(/DEMO_SITE/);
  });
});
