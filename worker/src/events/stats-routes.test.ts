import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { publish } from '../../../test/workers/fixtures.js';
import { waitForStored } from '../../../test/workers/stored-events.js';

const OWNER = 'test-admin-token';
const site = 'stats-shop';

describe('GET /v1/admin/sites/:site/stats', () => {
  it('counts impressions, clicks, CTR, carts, purchases and revenue per day × placement × model version', async () => {
    await publish(site, 'v1');
    const recs = (await (
      await SELF.fetch(`https://edge.test/v1/sites/${site}/recommendations?userId=alice&k=2&placement=for-you`)
    ).json()) as {
      recommendationId: string;
      items: { id: string }[];
    };
    expect(recs.recommendationId).toMatch(/\.v1$/);
    const base = { visitorId: 'v_stats', recommendationId: recs.recommendationId, placement: 'for-you' };
    const events = [
      ...recs.items.map((it, i) => ({ ...base, id: `stats-imp-${i}`, type: 'impression', itemId: it.id })),
      { ...base, id: 'stats-imp-x', type: 'impression', itemId: 'a5' },
      { ...base, id: 'stats-imp-y', type: 'impression', itemId: 'a6' },
      { ...base, id: 'stats-click-1', type: 'click', itemId: recs.items[0].id },
      { ...base, id: 'stats-cart-1', type: 'add_to_cart', itemId: recs.items[0].id, quantity: 2 },
      { ...base, id: 'stats-buy-1', type: 'purchase', itemId: recs.items[0].id, price: 12.5, quantity: 2 },
      { id: 'stats-buy-2', type: 'purchase', visitorId: 'v_other', itemId: 'b1', price: 3 },
    ];
    const sent = await SELF.fetch(`https://edge.test/v1/sites/${site}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    expect(((await sent.json()) as { accepted: number }).accepted).toBe(events.length);
    await waitForStored(
      site,
      events.map((e) => e.id),
    );
    const today = new Date().toISOString().slice(0, 10);
    const res = await SELF.fetch(`https://edge.test/v1/admin/sites/${site}/stats?from=${today}&to=${today}`, {
      headers: { authorization: `Bearer ${OWNER}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { totals: Record<string, number>; rows: Record<string, unknown>[] };
    expect(body.rows).toEqual([
      { day: today, placement: null, modelVersion: null, impressions: 0, clicks: 0, ctr: null, addToCarts: 0, purchases: 1, revenue: 3 },
      {
        day: today,
        placement: 'for-you',
        modelVersion: 'v1',
        impressions: 4,
        clicks: 1,
        ctr: 0.25,
        addToCarts: 1,
        purchases: 1,
        revenue: 25,
      },
    ]);
    expect(body.totals).toEqual({ impressions: 4, clicks: 1, addToCarts: 1, purchases: 2, revenue: 28, ctr: 0.25 });
  });

  it('refuses bad ranges and tokens', async () => {
    await publish(site, 'v1');
    const get = (q: string, token = OWNER) =>
      SELF.fetch(`https://edge.test/v1/admin/sites/${site}/stats${q}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await get('?from=2026-02-30')).status).toBe(400);
    expect((await get('?from=2026-03-02&to=2026-03-01')).status).toBe(400);
    expect((await get('?from=2024-01-01&to=2026-01-01')).status).toBe(400);
    expect((await get('', 'ep_mkt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(401);
    expect((await get('')).status).toBe(200);
  });
});
