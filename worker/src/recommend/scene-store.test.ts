import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScenePriors } from '../../../models/pack/serve/scene.js';
import { kvKeys } from '../../../schema/pack-manifest.js';
import { recordActivity } from '../events/activity.js';
import { asScenePriors, forgetScenePriors, refreshScenePriors, sceneKey, scenePriorsFor } from './scene-store.js';

// A clock far from the other tests' events, so the 30-day window holds only the events inserted here.
const NOW = Date.UTC(2040, 5, 15, 12);
const DAY = 86_400_000;

interface Row {
  site: string;
  id: string;
  type: string;
  item: string;
  channel: string | null;
  placement?: string;
  clientTs: number | null;
  receivedAt: number;
}

async function insert(rows: Row[]) {
  const stmt = env.DB.prepare(
    `INSERT INTO events (site, id, type, visitor_id, item_id, placement, client_ts, received_at, raw, channel) VALUES (?1, ?2, ?3, 'v-scene', ?4, ?5, ?6, ?7, '{}', ?8)`,
  );
  for (let i = 0; i < rows.length; i += 100)
    await env.DB.batch(
      rows.slice(i, i + 100).map((r) => stmt.bind(r.site, r.id, r.type, r.item, r.placement ?? null, r.clientTs, r.receivedAt, r.channel)),
    );
  await recordActivity(
    env.DB,
    rows.map((r) => ({ site: r.site, at: r.receivedAt, type: r.type })),
  );
}

/**
 * Ten items with 20 clicks each over the last days: snacks s0–s4 mostly in WeChat at 04:xx UTC
 * (12:xx in China), the others o0–o4 mostly on the web at 12:xx UTC (20:xx in China); half the
 * events carry a client time, the others only the time received. Plus 300 impressions of o0 in
 * WeChat at lunch, which must count for nothing.
 */
function shopEvents(site: string): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < 10; i++) {
    const snack = i < 5;
    const item = snack ? `s${i}` : `o${i - 5}`;
    for (let k = 0; k < 20; k++) {
      const usual = k < 16;
      const channel = usual === snack ? 'wechat' : 'web';
      const t = NOW - (1 + (k % 20)) * DAY + (snack ? 4 : 12) * 3_600_000 - NOW_OF_DAY + k * 60_000;
      const id = `${site}-${item}-${k}`;
      rows.push({ site, id, type: 'click', item, channel, clientTs: k % 2 ? t : null, receivedAt: k % 2 ? t + 5_000 : t });
    }
  }
  for (let k = 0; k < 300; k++) {
    const t = NOW - 2 * DAY + 4 * 3_600_000 - NOW_OF_DAY + k * 1_000;
    rows.push({ site, id: `${site}-imp-${k}`, type: 'impression', item: 'o0', channel: 'wechat', clientTs: t, receivedAt: t });
  }
  // Older than 30 days: left out.
  rows.push({ site, id: `${site}-old`, type: 'purchase', item: 'o1', channel: 'wechat', clientTs: null, receivedAt: NOW - 31 * DAY });
  return rows;
}
const NOW_OF_DAY = NOW % DAY;

const liftOf = (p: ScenePriors, dim: keyof ScenePriors['contexts'], value: string, item: string) => {
  const c = p.contexts[dim][value];
  const j = c ? c.items.indexOf(item) : -1;
  return j < 0 ? 0 : c!.lifts[j];
};

describe('scene priors store', () => {
  beforeAll(async () => {
    await insert([...shopEvents('scene-cst'), ...shopEvents('scene-utc')]);
    // scene-cst has no config (UTC+8 by default); scene-utc says it keeps UTC.
    await env.PACKS.put(kvKeys.config('scene-utc'), JSON.stringify({ id: 'scene-utc', utcOffsetMinutes: 0 }));
  });

  it('learns each site’s priors from 30 days of D1 events into KV, hours in the site’s time zone', async () => {
    const sites = await refreshScenePriors(env, NOW);
    expect(sites.sort()).toEqual(['scene-cst', 'scene-utc']);
    const cst = asScenePriors(await env.PACKS.get(sceneKey('scene-cst'), 'json'))!;
    expect(cst).not.toBeNull();
    expect(cst).toMatchObject({ version: 1, events: 200, computedAt: new Date(NOW).toISOString() });
    // Snacks: WeChat and lunchtime in China; the others: web, evening. Impressions of o0 in WeChat did not count.
    expect(liftOf(cst, 'channel', 'wechat', 's0')).toBeGreaterThan(0.3);
    expect(liftOf(cst, 'channel', 'wechat', 'o0')).toBeLessThan(-0.3);
    expect(liftOf(cst, 'hour', 'lunch', 's3')).toBeGreaterThan(0.3);
    expect(liftOf(cst, 'hour', 'evening', 'o2')).toBeGreaterThan(0.3);
    // The same events in a site on UTC: 04:xx is night, 12:xx lunch.
    const utc = asScenePriors(await env.PACKS.get(sceneKey('scene-utc'), 'json'))!;
    expect(liftOf(utc, 'hour', 'night', 's3')).toBeGreaterThan(0.3);
    expect(liftOf(utc, 'hour', 'lunch', 'o2')).toBeGreaterThan(0.3);
    expect(utc.contexts.hour.evening).toBeUndefined();
  });

  it('does not learn again within 6 hours; after that it does', async () => {
    await refreshScenePriors(env, NOW);
    expect(await refreshScenePriors(env, NOW + 3_600_000)).toEqual([]);
    expect((await refreshScenePriors(env, NOW + 7 * 3_600_000)).sort()).toEqual(['scene-cst', 'scene-utc']);
    const p = (await env.PACKS.get<ScenePriors>(sceneKey('scene-cst'), 'json'))!;
    expect(p.computedAt).toBe(new Date(NOW + 7 * 3_600_000).toISOString());
    expect(await refreshScenePriors(env, NOW + 8 * 3_600_000, { everyMs: 0 })).toHaveLength(2);
  });

  it('serves priors from KV cached per isolate for a minute; an invalid value reads as null', async () => {
    forgetScenePriors();
    const t = NOW;
    expect(await scenePriorsFor(env.PACKS, 'scene-none', t)).toBeNull();
    const before = await scenePriorsFor(env.PACKS, 'scene-cst', t);
    expect(before?.version).toBe(1);
    const changed = { ...before!, events: 1 };
    await env.PACKS.put(sceneKey('scene-cst'), JSON.stringify(changed));
    expect((await scenePriorsFor(env.PACKS, 'scene-cst', t + 59_000))?.events).toBe(before!.events);
    expect((await scenePriorsFor(env.PACKS, 'scene-cst', t + 60_000))?.events).toBe(1);
    await env.PACKS.put(sceneKey('scene-cst'), JSON.stringify({ ...changed, version: 2 }));
    expect(await scenePriorsFor(env.PACKS, 'scene-cst', t + 120_000)).toBeNull();
    await env.PACKS.put(sceneKey('scene-cst'), '{"version":1,');
    expect(await scenePriorsFor(env.PACKS, 'scene-cst', t + 180_000)).toBeNull();
    const lifts = JSON.parse(JSON.stringify(changed)) as ScenePriors;
    lifts.contexts.channel.wechat.lifts.pop();
    expect(asScenePriors(lifts)).toBeNull();
    expect(asScenePriors(JSON.parse(JSON.stringify(changed)))).toEqual(changed);
  });
});
