import { createExecutionContext, createScheduledController, env, SELF, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { publish } from '../../../test/workers/fixtures.js';
import { waitForStored } from '../../../test/workers/stored-events.js';
import worker from '../index.js';
import { forgetTrending, TRENDING_HALF_LIFE_MS, trendingScores } from './trending.js';

describe('trending', () => {
  it('weighs events by type and halves them every 24 h; impressions do not count', () => {
    const now = 10 * TRENDING_HALF_LIFE_MS;
    const scores = trendingScores(
      [
        { item_id: 'old', type: 'purchase', received_at: now - TRENDING_HALF_LIFE_MS }, // 5 · ½
        { item_id: 'new', type: 'click', received_at: now }, // 2
        { item_id: 'new', type: 'view', received_at: now }, // + 1
        { item_id: 'seen', type: 'impression', received_at: now },
      ],
      now,
    );
    expect(scores).toEqual([
      { id: 'new', score: 3 },
      { id: 'old', score: 2.5 },
    ]);
  });

  it('the cron trigger computes each site’s list into KV; the route serves it, new products included', async () => {
    await publish('trend-shop', 'v1');
    const put = await SELF.fetch('https://edge.test/v1/admin/sites/trend-shop/items', {
      method: 'PUT',
      headers: { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' },
      body: JSON.stringify({ items: [{ id: 'fresh-1', title: 'Just arrived', category: 'tea', price: 9 }] }),
    });
    expect(put.status).toBe(200);
    const events = ['fresh-1', 'fresh-1', 'fresh-1', 'a3'].map((itemId, i) => ({
      id: `trend-ev-${i}`,
      type: 'click',
      visitorId: `v_t${i}`,
      itemId,
    }));
    await SELF.fetch('https://edge.test/v1/sites/trend-shop/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    await waitForStored(
      'trend-shop',
      events.map((e) => e.id),
    );
    const ctx = createExecutionContext();
    worker.scheduled(createScheduledController({ cron: '*/10 * * * *' }), env, ctx);
    await waitOnExecutionContext(ctx);
    forgetTrending();
    await new Promise((r) => setTimeout(r, 5_100)); // the site store picks up the live catalog
    const res = await SELF.fetch('https://edge.test/v1/sites/trend-shop/trending?k=5');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { source: string; items: { id: string; title?: string; reason?: { type: string } }[] };
    expect(body.source).toBe('trending');
    expect(body.items[0].reason).toEqual({ type: 'trending' });
    expect(body.items.map((i) => i.id)).toEqual(['fresh-1', 'a3']);
    expect(body.items[0].title).toBe('Just arrived');
    const filtered = (await (await SELF.fetch('https://edge.test/v1/sites/trend-shop/trending?k=5&exclude=fresh-1')).json()) as {
      items: { id: string }[];
    };
    expect(filtered.items.map((i) => i.id)).toEqual(['a3']);
  });
});
