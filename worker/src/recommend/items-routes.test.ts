import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { kvKeys } from '../../../schema/pack-manifest.js';
import { catalog, publish } from '../../../test/workers/fixtures.js';

const get = (path: string, init?: RequestInit) => SELF.fetch(`https://edge.test${path}`, init);
type List = { source: string; items: { id: string; score: number }[] };

describe('similar, popular, item', () => {
  it('returns items similar to an item by cosine, without the item itself', async () => {
    await publish('items-1', 'v1');
    const body = (await (await get('/v1/sites/items-1/items/a0/similar?k=3')).json()) as List;
    expect(body.source).toBe('similar');
    expect(body.items.map((i) => i.id)).toHaveLength(3);
    expect(body.items.every((i) => i.id.startsWith('a') && i.id !== 'a0')).toBe(true);
    expect(body.items[0].score).toBeLessThanOrEqual(1);
    expect(body.items[0].score).toBeGreaterThan(0.9);
  });

  it('answers 404 item_not_found for an unknown item', async () => {
    await publish('items-2', 'v1');
    const res = await get('/v1/sites/items-2/items/nope/similar');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('item_not_found');
    expect((await get('/v1/sites/items-2/items/nope')).status).toBe(404);
  });

  it('lists popular items with exclude and category', async () => {
    await publish('items-3', 'v1');
    const body = (await (await get('/v1/sites/items-3/popular?k=3&exclude=b0')).json()) as List;
    expect(body.items.map((i) => i.id)).toEqual(['b1', 'b2', 'b3']);
    const tea = (await (await get('/v1/sites/items-3/popular?k=2&category=tea')).json()) as List;
    expect(tea.items.map((i) => i.id)).toEqual(['a0', 'a1']);
    expect((await get('/v1/sites/items-3/popular?k=-1')).status).toBe(400);
  });

  it('returns one catalog item with absolute URLs', async () => {
    await publish('items-4', 'v1');
    const item = (await (await get('/v1/sites/items-4/items/a1')).json()) as { id: string; title: string; url: string };
    expect(item).toMatchObject({ id: 'a1', title: 'Tea 1', url: 'https://edge.test/#/p/a1' });
  });

  it('applies exclude, category and price to similar items', async () => {
    await publish('items-6', 'v1');
    const body = (await (await get('/v1/sites/items-6/items/a0/similar?k=3&exclude=a1,a2')).json()) as List;
    expect(body.items.map((i) => i.id)).not.toContain('a1');
    expect(body.items.map((i) => i.id)).not.toContain('a2');
    const cheap = (await (await get('/v1/sites/items-6/items/a0/similar?k=20&maxPrice=30')).json()) as List;
    expect(cheap.items.map((i) => i.id).sort()).toEqual(['a1', 'a2', ...Array.from({ length: 10 }, (_, i) => `b${i}`)].sort());
    const pricey = (await (await get('/v1/sites/items-6/popular?k=20&minPrice=90')).json()) as List;
    expect(pricey.items.map((i) => i.id)).toEqual(['a8', 'a9']);
    expect((await get('/v1/sites/items-6/items/a0/similar?k=101')).status).toBe(400);
  });

  it('returns catalog items the pack does not know yet, but has no neighbours for them', async () => {
    await publish('items-5', 'v1');
    const extra = { id: 'n1', title: 'New arrival', price: 9, currency: 'CNY', image: '/demo/img/n1.svg', category: 'tea' };
    await env.PACKS.put(kvKeys.catalog('items-5', 'v1'), JSON.stringify({ items: [...catalog.items, extra] }));
    expect(await (await get('/v1/sites/items-5/items/n1')).json()).toEqual({ ...extra, image: 'https://edge.test/demo/img/n1.svg' });
    expect((await get('/v1/sites/items-5/items/n1/similar')).status).toBe(404);
  });
});
