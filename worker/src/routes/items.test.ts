import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { publish } from '../../../test/workers/fixtures.js';

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

  it('answers CORS for allowed origins only, preflight included', async () => {
    const ok = await get('/v1/sites/demo/recommendations', { headers: { origin: 'http://localhost:3000' } });
    expect(ok.status).toBe(503); // demo site exists by default, no model in this isolated store
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    const pre = await get('/v1/sites/demo/recommendations', {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    const evil = await get('/v1/sites/demo/recommendations', { headers: { origin: 'https://evil.example' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('documents and assets', () => {
  it('serves an OpenAPI 3.1 document for every public route', async () => {
    const doc = (await (await get('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const p of ['/v1/sites/{site}/recommendations', '/v1/sites/{site}/items/{id}/similar', '/v1/sites/{site}/popular', '/v1/sites/{site}/events'])
      expect(doc.paths[p]).toBeDefined();
    expect(doc.paths['/v1/sites/{site}/recommendations'].post).toBeDefined();
    expect(JSON.stringify(doc.components.schemas.RecommendationsRequest)).toContain('recent');
  });

  it('serves deterministic, escaped SVG placeholders', async () => {
    const res = await get('/demo/img/p0001.svg?c=tea');
    expect(res.headers.get('content-type')).toContain('image/svg+xml');
    const svg = await res.text();
    expect(svg).toContain('<svg');
    expect(svg).toBe(await (await get('/demo/img/p0001.svg?c=tea')).text());
    expect((await get('/demo/img/%3Cscript%3E.svg')).status).toBe(404);
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const res = await get('/v1/nothing');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });
});
