import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { topItems } from './store.js';

const site = 'top-items-shop';
const day = (d: string, hour = 12) => Date.parse(`${d}T${String(hour).padStart(2, '0')}:00:00Z`);

/** Rows as the events pipeline stores them (only the columns topItems reads matter). */
async function insert(rows: { id: string; type: string; item: string; rec?: string; at: number; site?: string }[]) {
  await env.DB.batch(
    rows.map((r) =>
      env.DB.prepare(
        `INSERT INTO events (site, id, type, visitor_id, item_id, recommendation_id, received_at, raw) VALUES (?1, ?2, ?3, 'v1', ?4, ?5, ?6, '{}')`,
      ).bind(r.site ?? site, r.id, r.type, r.item, r.rec ?? null, r.at),
    ),
  );
}

describe('topItems', () => {
  it('counts impressions, clicks and purchases of recommended items in the range, most shown first', async () => {
    const rec = 'r_0123456789abcdef01.v1';
    await insert([
      { id: 'a1', type: 'impression', item: 'a', rec, at: day('2026-03-02') },
      { id: 'a2', type: 'impression', item: 'a', rec, at: day('2026-03-03', 23) },
      { id: 'a3', type: 'click', item: 'a', rec, at: day('2026-03-03') },
      { id: 'b1', type: 'impression', item: 'b', rec, at: day('2026-03-02') },
      { id: 'b2', type: 'click', item: 'b', rec, at: day('2026-03-02') },
      { id: 'b3', type: 'purchase', item: 'b', rec, at: day('2026-03-02') },
      { id: 'c1', type: 'impression', item: 'c', rec, at: day('2026-03-02') },
      // Not counted: no recommendationId, outside the range, another site.
      { id: 'x1', type: 'impression', item: 'c', at: day('2026-03-02') },
      { id: 'x2', type: 'impression', item: 'c', rec, at: day('2026-03-04', 0) },
      { id: 'x3', type: 'impression', item: 'c', rec, at: day('2026-03-01', 23) },
      { id: 'x4', type: 'impression', item: 'c', rec, at: day('2026-03-02'), site: 'other-shop' },
    ]);
    expect(await topItems(env.DB, site, '2026-03-02', '2026-03-03')).toEqual([
      { itemId: 'a', impressions: 2, clicks: 1, purchases: 0 },
      { itemId: 'b', impressions: 1, clicks: 1, purchases: 1 },
      { itemId: 'c', impressions: 1, clicks: 0, purchases: 0 },
    ]);
    expect(await topItems(env.DB, site, '2026-03-02', '2026-03-03', 1)).toHaveLength(1);
    expect(await topItems(env.DB, site, '2026-03-05', '2026-03-06')).toEqual([]);
  });
});
