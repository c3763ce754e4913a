import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mulberry32 } from '../../models/als/random.js';
import type { EventRow } from '../../models/commands/export.js';
import { openLocalKvReader, readActivePointer } from '../../models/publish/read-active.js';
import { applyMigrations, cli, insertEvents, root, type TestEvent } from './local-state.js';

// `--env <name>` of publish, export and retrain: the bindings of [env.<name>] in the wrangler config,
// as `wrangler deploy --env <name>` deploys. A config of its own, whose environments name their KV
// namespaces and D1 databases apart, so a call that misses `--env` shows in its command line (remote,
// through a stub wrangler that records every argv) or in the data it reads (local, getPlatformProxy).

const dir = mkdtempSync(join(tmpdir(), 'edgepick-cli-env-'));
const config = join(dir, 'wrangler.toml');
const migrations = join(root, 'worker/migrations');
writeFileSync(
  config,
  `name = "env-fixture"
compatibility_date = "2026-04-01"

[[kv_namespaces]]
binding = "PACKS"
id = "dev-packs"
preview_id = "dev-packs-preview"

[[d1_databases]]
binding = "DB"
database_name = "shop-dev"
database_id = "00000000-0000-0000-0000-0000000000d1"
migrations_dir = "${migrations}"

[env.production]
[[env.production.kv_namespaces]]
binding = "PACKS"
id = "prod-packs"

[[env.production.d1_databases]]
binding = "DB"
database_name = "shop-prod"
database_id = "00000000-0000-0000-0000-0000000000e1"
migrations_dir = "${migrations}"

# An environment that declares no bindings (environments inherit none).
[env.staging]
`,
);

/**
 * A stand-in for `wrangler`: records each argv as a JSON line in $STUB_LOG. `kv key get|put` keep
 * values under $STUB_STORE/<--env or "top">, as wrangler resolves a binding per environment (and, as
 * wrangler 4, refuses a put without `--preview`); `d1 execute <database> … --json` answers the first
 * page with the rows in $STUB_ROWS/<database>.json (then nothing).
 */
const STUB = `#!/usr/bin/env node
const fs = require('node:fs');
const path = require('node:path');
const args = process.argv.slice(2);
fs.appendFileSync(process.env.STUB_LOG, JSON.stringify(args) + '\\n');
const flag = (name) => { const i = args.indexOf(name); return i < 0 ? undefined : args[i + 1]; };
const die = (m) => { process.stderr.write('✘ [ERROR] ' + m + '\\n'); process.exit(1); };
if (args[0] === 'd1' && args[1] === 'execute') {
  const rows = path.join(process.env.STUB_ROWS, args[2] + '.json');
  const first = flag('--command').includes('received_at > -1');
  process.stdout.write(JSON.stringify([{ results: first && fs.existsSync(rows) ? JSON.parse(fs.readFileSync(rows, 'utf8')) : [], success: true }]));
  process.exit(0);
}
if (args[0] !== 'kv' || args[1] !== 'key') die('unknown command ' + args.join(' '));
const store = path.join(process.env.STUB_STORE, flag('--env') || 'top');
fs.mkdirSync(store, { recursive: true });
const file = path.join(store, encodeURIComponent(args[3]));
if (args[2] === 'put') {
  if (!args.includes('--preview')) die('The binding "PACKS" has both an "id" and a "preview_id" configured.');
  fs.copyFileSync(flag('--path'), file);
  process.exit(0);
}
if (!fs.existsSync(file)) die('Failed to fetch https://api.cloudflare.com/… - 404: Not Found');
process.stdout.write(fs.readFileSync(file));
`;

const bin = join(dir, 'wrangler');
writeFileSync(bin, STUB);
chmodSync(bin, 0o755);

/** D1 rows of a site: `users` shoppers clicking items at random, one a minute from 2026-01-01. */
function rows(users: number, count: number, seed: number): EventRow[] {
  const rand = mulberry32(seed);
  const t0 = Date.UTC(2026, 0, 1);
  return Array.from({ length: count }, (_, i) => {
    const user = `u${Math.floor(rand() * users)}`;
    return {
      id: `event-${String(i).padStart(5, '0')}`,
      type: 'click',
      visitor_id: `v-${user}`,
      user_id: user,
      item_id: `sku-${Math.floor(rand() * 15)}`,
      recommendation_id: null,
      placement: null,
      ref: null,
      quantity: null,
      price: null,
      client_ts: t0 + i * 60_000,
      received_at: t0 + i * 60_000 + 500,
      raw: '-', // not JSON: export rebuilds each event from its columns
      channel: null,
    };
  });
}

let run = 0;
/** A fresh log and store for the stub (through the env the CLI reads), and what it recorded. */
function stubRun() {
  const d = join(dir, `run${run++}`);
  mkdirSync(join(d, 'store'), { recursive: true });
  mkdirSync(join(d, 'rows'));
  writeFileSync(join(d, 'rows', 'shop-prod.json'), JSON.stringify(rows(30, 400, 1)));
  writeFileSync(join(d, 'rows', 'shop-dev.json'), JSON.stringify(rows(30, 250, 2)));
  const log = join(d, 'log.jsonl');
  writeFileSync(log, '');
  vi.stubEnv('EDGEPICK_WRANGLER', bin);
  vi.stubEnv('STUB_LOG', log);
  vi.stubEnv('STUB_STORE', join(d, 'store'));
  vi.stubEnv('STUB_ROWS', join(d, 'rows'));
  vi.stubEnv('CLOUDFLARE_ENV', undefined); // wrangler's own default environment: none here
  return {
    calls: () =>
      readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as string[]),
    /** The environments the stub stored KV values in (`top` for none). */
    stores: () => readdirSync(join(d, 'store')).sort(),
  };
}

/** `--env production`, right after `--config <file>`, in one wrangler argv. */
const hasEnv = (argv: string[]) => {
  const i = argv.indexOf('--env');
  return i > 0 && argv[i + 1] === 'production' && argv[i - 2] === '--config' && argv.indexOf('--env', i + 1) < 0;
};

const pack = join(dir, 'model.pack');
const TRAIN = ['--factors', '4', '--iterations', '2', '--seed', '3', '--threads', '1'];
beforeAll(async () => {
  writeFileSync(join(dir, 'train.csv'), 'user,item\nu1,a\nu1,b\nu2,b\nu2,c\nu3,a\nu3,c\n');
  expect((await cli('train', join(dir, 'train.csv'), '--out', pack, ...TRAIN)).status).toBe(0);
});

describe('--env <name> with --remote: every wrangler call targets that environment', () => {
  beforeEach(() => vi.unstubAllEnvs());
  afterEach(() => vi.unstubAllEnvs());

  it('publish --env production runs each kv get and put with --env production; without --env, none has it', async () => {
    const s = stubRun();
    const res = await cli('publish', pack, '--site', 'shop', '--remote', '--config', config, '--env', 'production');
    expect(res.stderr).toBe('');
    expect(res.stdout).toMatch(/^published pack \w+ as shop@v1 to remote KV of env production \(1 chunk\)\n$/);
    const calls = s.calls();
    expect(calls.filter((a) => a[2] === 'put').length).toBeGreaterThan(3);
    for (const argv of calls) {
      expect(hasEnv(argv), argv.join(' ')).toBe(true);
      expect(argv.slice(-7)).toEqual(['--config', config, '--env', 'production', '--remote', '--preview', 'false']);
    }
    expect(s.stores()).toEqual(['production']);

    const top = stubRun();
    const plain = await cli('publish', pack, '--site', 'shop', '--remote', '--config', config);
    expect(plain.stdout).toMatch(/as shop@v1 to remote KV \(1 chunk\)\n$/);
    expect(top.calls().length).toBeGreaterThan(3);
    expect(top.calls().filter((a) => a.includes('--env'))).toEqual([]);
    expect(top.stores()).toEqual(['top']);
  });

  it('export --env production reads the D1 database of [env.production] (its database_name) with --env production', async () => {
    const s = stubRun();
    const out = join(dir, 'prod.jsonl');
    const res = await cli('export', '--site', 'shop', '--remote', '--config', config, '--env', 'production', '--out', out);
    expect(res.stderr).not.toMatch(/edgepick export:/);
    expect(res.stdout).toMatch(/^wrote 400 events of site shop from remote D1 of env production /);
    const calls = s.calls();
    expect(calls.length).toBeGreaterThan(0);
    for (const argv of calls) {
      expect(argv.slice(0, 7)).toEqual(['d1', 'execute', 'shop-prod', '--config', config, '--env', 'production']);
      expect(argv.slice(7, 10)).toEqual(['--remote', '--json', '--command']);
    }
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(400);

    const top = stubRun();
    const plain = await cli('export', '--site', 'shop', '--remote', '--config', config, '--out', join(dir, 'dev.jsonl'));
    expect(plain.stdout).toMatch(/^wrote 250 events of site shop from remote D1 \(/);
    for (const argv of top.calls()) expect(argv.slice(0, 6)).toEqual(['d1', 'execute', 'shop-dev', '--config', config, '--remote']);
    expect(top.calls().filter((a) => a.includes('--env'))).toEqual([]);
  });

  it('retrain --env production exports, reads the active model and publishes, all with --env production; without, none', async () => {
    const s = stubRun();
    const res = await cli('retrain', '--site', 'shop', '--remote', '--config', config, '--env', 'production', ...TRAIN);
    expect(res.stderr).not.toMatch(/edgepick retrain:/);
    expect(res.status).toBe(0);
    expect(res.stdout).toContain("▶ export: site shop's events from remote D1 of env production");
    expect(res.stdout).toContain('  400 events');
    expect(res.stdout).toContain('▶ publish: remote KV of env production');
    expect(res.stdout).toMatch(/published pack \w+ as shop@v1 to remote KV of env production/);
    const calls = s.calls();
    const kinds = new Set(calls.map((a) => `${a[0]} ${a[a[0] === 'kv' ? 2 : 1]}`));
    expect([...kinds].sort()).toEqual(['d1 execute', 'kv get', 'kv put']);
    for (const argv of calls) expect(hasEnv(argv), argv.join(' ')).toBe(true);
    for (const argv of calls.filter((a) => a[0] === 'd1')) expect(argv[2]).toBe('shop-prod');
    expect(s.stores()).toEqual(['production']);

    const top = stubRun();
    const plain = await cli('retrain', '--site', 'shop', '--remote', '--config', config, ...TRAIN);
    expect(plain.status).toBe(0);
    expect(plain.stdout).toContain('  250 events');
    expect(top.calls().length).toBeGreaterThan(5);
    expect(top.calls().filter((a) => a.includes('--env'))).toEqual([]);
    for (const argv of top.calls().filter((a) => a[0] === 'd1')) expect(argv[2]).toBe('shop-dev');
    expect(top.stores()).toEqual(['top']);
  }, 60_000);

  it('an environment the config does not define: exit 1, one line naming those it does, and no wrangler call', async () => {
    const s = stubRun();
    const unknown = `${config} has no environment "prod" (--env takes one of: production, staging)\n`;
    const commands: [string, string[]][] = [
      ['publish', [pack, '--site', 'shop']],
      ['export', ['--site', 'shop', '--out', join(dir, 'x.jsonl')]],
      ['retrain', ['--site', 'shop', ...TRAIN]],
    ];
    for (const [command, args] of commands)
      for (const where of ['--remote', '--local']) {
        const res = await cli(command, ...args, where, '--config', config, '--env', 'prod');
        expect(res.stderr, `${command} ${where}`).toBe(`edgepick ${command}: ${unknown}`);
        expect(res.status).toBe(1);
        expect(res.stdout).toBe('');
      }
    // A defined environment without the binding, and an empty name.
    const staging = await cli('publish', pack, '--site', 'shop', '--remote', '--config', config, '--env', 'staging');
    expect(staging.stderr).toBe(`edgepick publish: ${config} [env.staging] has no KV binding named PACKS (it has none)\n`);
    const d1 = await cli('export', '--site', 'shop', '--remote', '--config', config, '--env', 'staging', '--out', join(dir, 'x.jsonl'));
    expect(d1.stderr).toBe(`edgepick export: ${config} [env.staging] has no D1 binding named DB (it has none)\n`);
    const empty = await cli('retrain', '--site', 'shop', '--remote', '--config', config, '--env=');
    expect(empty.stderr).toMatch(/^edgepick retrain: --env needs an environment name/);
    expect(s.calls()).toEqual([]);
  });
});

describe('--env <name> with --local: the environment’s local KV namespace and D1 database (getPlatformProxy)', () => {
  const state = join(dir, 'state');
  const prod = { config, env: 'production', database: 'shop-prod' };
  const local = ['--local', '--persist-to', state, '--config', config];
  const events: TestEvent[] = Array.from({ length: 12 }, (_, i) => ({
    id: `ev-${i}`,
    type: 'view',
    visitorId: `v${i % 3}`,
    itemId: `sku-${i % 4}`,
    receivedAt: Date.UTC(2026, 0, 2) + i * 1000,
  }));
  beforeAll(async () => {
    applyMigrations(state, prod); // [env.production]'s database only
    await insertEvents(state, 'shop', events, prod);
  }, 120_000);

  it('export --local --env production reads that database; without --env, the top level’s (not migrated here)', async () => {
    const out = join(dir, 'local-prod.jsonl');
    const res = await cli('export', '--site', 'shop', ...local, '--env', 'production', '--out', out);
    expect(res.stderr).not.toMatch(/edgepick export:/);
    expect(res.stdout).toMatch(/^wrote 12 events of site shop from local D1 of env production /);
    const top = await cli('export', '--site', 'shop', ...local, '--out', out);
    expect(top.status).toBe(1);
    expect(top.stderr).toMatch(/local D1 database has no events table: run `wrangler d1 migrations apply shop-dev --local`/);
  }, 60_000);

  it('publish --local --env production writes the namespace of [env.production], which the top level does not see', async () => {
    const res = await cli('publish', pack, '--site', 'shop', ...local, '--env', 'production');
    expect(res.stdout).toMatch(/as shop@v1 to local KV of env production/);
    const read = async (environment?: string) => {
      const kv = await openLocalKvReader({ config, binding: 'PACKS', persistTo: state, environment });
      try {
        return (await readActivePointer(kv, 'shop'))?.version;
      } finally {
        await kv.close();
      }
    };
    expect(await read('production')).toBe('v1');
    expect(await read()).toBeUndefined();
  }, 60_000);
});
