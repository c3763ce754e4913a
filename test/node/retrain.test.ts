import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../models/als/random.js';
import { openLocalKvReader, readActivePack, readActivePointer } from '../../models/publish/read-active.js';
import { kvKeys } from '../../schema/pack-manifest.js';
import { applyMigrations, cli, insertEvents, parseDemoCsv, root, type TestEvent } from './local-state.js';

// The training loop on a persisted local state, as a shop runs it: a model was published a while
// ago (trained on the oldest 40% of the demo store's interactions); D1 now holds 70% of them. Site
// shop-a's events are clean, so retrain publishes v2; shop-b's older events carry random item ids
// (a broken integration), so its candidate is far worse than the active model and the gate refuses
// until --force.

const dir = mkdtempSync(join(tmpdir(), 'edgepick-retrain-'));
const state = join(dir, 'state');
const TRAIN = ['--factors', '16', '--iterations', '8', '--seed', '5'];
const local = ['--local', '--persist-to', state];
let rowCount = 0;

async function pointer(site: string) {
  const kv = await openLocalKvReader({ config: join(root, 'wrangler.toml'), binding: 'PACKS', persistTo: state });
  try {
    return await readActivePointer(kv, site);
  } finally {
    await kv.close();
  }
}

beforeAll(async () => {
  expect((await cli('demo-data', '--out', dir, '--products', '300', '--users', '600', '--interactions', '12000')).status).toBe(0);
  const rows = parseDemoCsv(readFileSync(join(dir, 'interactions.csv'), 'utf8'));
  rowCount = rows.length;
  const old = rows.slice(0, Math.floor(rows.length * 0.4));
  writeFileSync(
    join(dir, 'old.csv'),
    `user,item,event,timestamp\n${old.map((r) => `${r.user},${r.item},${r.event},${r.timestamp}`).join('\n')}\n`,
  );
  expect((await cli('train', join(dir, 'old.csv'), '--out', join(dir, 'old.pack'), ...TRAIN)).status).toBe(0);
  applyMigrations(state);
  for (const site of ['shop-a', 'shop-b']) {
    const res = await cli('publish', join(dir, 'old.pack'), '--site', site, ...local, '--catalog', join(dir, 'catalog.json'));
    expect(res.stdout).toMatch(new RegExp(`as ${site}@v1`));
  }
  const now = rows.slice(0, Math.floor(rows.length * 0.7));
  const items = [...new Set(rows.map((r) => r.item))];
  const rand = mulberry32(11);
  const toEvent = (r: (typeof rows)[number], i: number, item = r.item): TestEvent => ({
    id: `ev-${String(i).padStart(6, '0')}`,
    type: r.event,
    visitorId: `vis-${r.user}`,
    userId: r.user,
    itemId: item,
    ts: r.timestamp,
    receivedAt: r.timestamp + 2_000,
  });
  await insertEvents(
    state,
    'shop-a',
    now.map((r, i) => toEvent(r, i)),
  );
  // shop-b: the events before the gate's cut (80% of them) name random items.
  const cut = Math.floor(now.length * 0.8);
  await insertEvents(
    state,
    'shop-b',
    now.map((r, i) => toEvent(r, i, i < cut ? items[Math.floor(rand() * items.length)] : r.item)),
  );
  // shop-c: a new shop, events and no model yet.
  await insertEvents(
    state,
    'shop-c',
    rows.slice(0, 3000).map((r, i) => toEvent(r, i)),
  );
}, 180_000);

describe('npm run retrain', () => {
  it('publishes the first model of a site without one (nothing to compare with)', async () => {
    const res = await cli('retrain', '--site', 'shop-c', ...local, ...TRAIN, '--catalog', join(dir, 'catalog.json'));
    expect(res.status).toBe(0);
    expect(res.stdout).toContain('candidate vs no active model');
    expect(res.stdout).toMatch(/gate: pass — no active model: nothing to compare with/);
    expect(res.stdout).toMatch(/published pack \w+ as shop-c@v1 .*catalog of 300 items/);
    expect((await pointer('shop-c'))?.version).toBe('v1');
  }, 60_000);

  it('refuses bad options with one line before touching anything', async () => {
    for (const [args, message] of [
      [['--max-drop', 'lots'], /--max-drop must be a number in 0..1/],
      [['--max-drop=-0.1'], /--max-drop must be a number in 0..1/],
      [['--holdout', '1'], /--holdout must be a number between 0 and 1/],
      [['--since', '2026-13-01'], /--since must be a date/],
      [['--factors', 'many'], /--factors must be an integer/],
      [['--catalog', join(dir, 'nope.json')], /catalog file not found: .*nope\.json/],
    ] as [string[], RegExp][]) {
      const res = await cli('retrain', '--site', 'shop-a', ...local, ...args);
      expect(res.status).toBe(1);
      expect(res.stderr).toMatch(message);
    }
    expect((await cli('retrain', ...local)).stderr).toBe('edgepick retrain: retrain needs --site <id>\n');
  });

  it('exports, gates, trains and publishes a new active version when the candidate holds up', async () => {
    const res = await cli('retrain', '--site', 'shop-a', ...local, ...TRAIN);
    expect(res.stderr).not.toMatch(/edgepick retrain:/);
    expect(res.status).toBe(0);
    for (const step of ['▶ export', '▶ eval gate', '▶ train', '▶ publish']) expect(res.stdout).toContain(step);
    expect(res.stdout).toMatch(/NDCG@10 +\d\.\d{4} +\d\.\d{4} +\d\.\d{4}/);
    expect(res.stdout).toMatch(/gate: Δ NDCG@10 [+-]\d\.\d{4} \(max drop 0\.005\): pass/);
    const p = await pointer('shop-a');
    expect(p?.version).toBe('v2');
    expect(p?.previous[0]?.version).toBe('v1');
    // The new pack records its data window and the candidate's holdout score; the catalog stays.
    const kv = await openLocalKvReader({ config: join(root, 'wrangler.toml'), binding: 'PACKS', persistTo: state });
    try {
      const active = await readActivePack(kv, 'shop-a');
      expect(active?.pack.manifest.model.params.dataWindow).toMatchObject({ events: Math.floor(rowCount * 0.7) });
      expect(active?.pack.manifest.metrics?.['holdout.ndcg@10']).toBeGreaterThan(0);
      expect(active?.pointer.catalogKey).toBe(kvKeys.catalog('shop-a', 'v1'));
    } finally {
      await kv.close();
    }
  }, 120_000);

  it('refuses a much worse candidate (exit 3, pointer unchanged); --force publishes it', async () => {
    const refused = await cli('retrain', '--site', 'shop-b', ...local, ...TRAIN);
    expect(refused.status).toBe(3);
    expect(refused.stdout).toMatch(/gate: Δ NDCG@10 -\d\.\d{4} \(max drop 0\.005\): REFUSED/);
    expect(refused.stderr).toMatch(/^edgepick retrain: refused to publish: candidate NDCG@10 .* below the active model v1's/m);
    expect(refused.stdout).not.toContain('▶ publish');
    expect((await pointer('shop-b'))?.version).toBe('v1');

    // The npm script, as a shop runs it (the built CLI).
    const forced = spawnSync('npm', ['run', '--silent', 'retrain', '--', '--site', 'shop-b', ...local, ...TRAIN, '--force'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(forced.status).toBe(0);
    expect(forced.stdout).toContain('--force: publishing despite the gate');
    expect((await pointer('shop-b'))?.version).toBe('v2');
  }, 120_000);
});
