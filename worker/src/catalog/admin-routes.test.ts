import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { kvKeys } from '../../../schema/pack-manifest.js';
import type { CreateSiteResponse } from '../../../schema/sites.js';
import { publish } from '../../../test/workers/fixtures.js';
import { CATALOG_BUCKETS } from './store.js';

const OWNER = 'test-admin-token';
const admin = (method: string, path: string, token: string, body?: unknown) =>
  SELF.fetch(`https://edge.test/v1/admin/sites/${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
/** Past the site store's 5 s TTL: the edge has re-read KV. */
const afterTtl = () => new Promise((r) => setTimeout(r, 5_100));

describe('catalog API', () => {
  it('upserts a batch item by item: valid ones stored, invalid ones listed with their issues', async () => {
    await publish('cat-upsert', 'v1');
    const res = await admin('PUT', 'cat-upsert/items', OWNER, {
      items: [
        { id: 'a1', title: 'Tea one, renamed', price: 12, inStock: true, tags: ['gift'] },
        { id: 'new-1', title: 'Brand new', price: 3, category: 'tea' },
        { id: '', title: 'no id' },
        { id: 'bad\u0000id', title: 'control char' },
        { title: 'missing id' },
      ],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { upserted: number; rejected: { index: number; issues: { path: (string | number)[] }[] }[] };
    expect(body.upserted).toBe(2);
    expect(body.rejected.map((r) => r.index)).toEqual([2, 3, 4]);
    expect(body.rejected[2].issues[0].path).toEqual(['id']);
    const meta = (await env.PACKS.get(kvKeys.liveCatalog('cat-upsert'), 'json')) as { buckets: number };
    expect(meta.buckets).toBe(CATALOG_BUCKETS);
    await afterTtl();
    const item = (await (await SELF.fetch('https://edge.test/v1/sites/cat-upsert/items/a1')).json()) as { title: string };
    expect(item.title).toBe('Tea one, renamed');
    // A product the pack does not know yet is served by /items/:id.
    expect((await SELF.fetch('https://edge.test/v1/sites/cat-upsert/items/new-1')).status).toBe(200);
    expect((await admin('PUT', 'cat-upsert/items', OWNER, { items: [] })).status).toBe(400);
    expect(
      (await admin('PUT', 'cat-upsert/items', OWNER, { items: Array.from({ length: 1001 }, (_, i) => ({ id: `x${i}`, title: 'x' })) }))
        .status,
    ).toBe(400);
  });

  it('an item set out of stock or deleted leaves picks, similar and popular within the TTL, without a new pack', async () => {
    await publish('cat-stock', 'v1');
    const ids = async (path: string) =>
      ((await (await SELF.fetch(`https://edge.test/v1/sites/cat-stock/${path}`)).json()) as { items: { id: string }[] }).items.map(
        (i) => i.id,
      );
    // Popularity favours b0 > b1 > …; alice (a-items) gets a0, a1, … first.
    expect((await ids('popular?k=3'))[0]).toBe('b0');
    expect(await ids('recommendations?userId=alice&k=3')).toContain('a0');
    expect(await ids('items/a1/similar?k=3')).toContain('a0');
    expect((await admin('PUT', 'cat-stock/items', OWNER, { items: [{ id: 'b0', title: 'Pet 0', inStock: false }] })).status).toBe(200);
    expect((await admin('DELETE', 'cat-stock/items/a0', OWNER)).status).toBe(204);
    await afterTtl();
    expect(await ids('popular?k=3')).not.toContain('b0');
    expect(await ids('recommendations?userId=alice&k=3')).not.toContain('a0');
    expect(await ids('items/a1/similar?k=3')).not.toContain('a0');
    // Out of stock is still a product page; deleted is gone.
    expect((await SELF.fetch('https://edge.test/v1/sites/cat-stock/items/b0')).status).toBe(200);
    expect((await SELF.fetch('https://edge.test/v1/sites/cat-stock/items/a0')).status).toBe(404);
    expect((await admin('DELETE', 'cat-stock/items/a0', OWNER)).status).toBe(404);
    // Back in stock: back in popular.
    await admin('PUT', 'cat-stock/items', OWNER, { items: [{ id: 'b0', title: 'Pet 0', inStock: true }] });
    await afterTtl();
    expect((await ids('popular?k=3'))[0]).toBe('b0');
  });

  it('is a developer route: a marketer token is refused, a developer token of the site accepted', async () => {
    const made = (await (
      await admin('POST', '', OWNER, { id: 'cat-roles', name: 'Cat roles', allowedOrigins: [], linkHosts: [], currency: 'CNY' })
    ).json()) as CreateSiteResponse;
    const put = (token: string) => admin('PUT', 'cat-roles/items', token, { items: [{ id: 'x1', title: 'X' }] });
    expect((await put(made.keys.marketer.token)).status).toBe(403);
    expect((await put(made.keys.developer.token)).status).toBe(200);
    expect((await admin('PUT', 'nope-site/items', OWNER, { items: [{ id: 'x1', title: 'X' }] })).status).toBe(404);
  });
});
