import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { ADMIN_TOKEN, cli } from './demo-server.js';

const url = inject('demoUrl');
const dir = inject('demoDir');
const catalog: { id: string; category: string }[] = JSON.parse(readFileSync(join(dir, 'catalog.json'), 'utf8')).items;
const categoryOf = new Map(catalog.map((i) => [i.id, i.category]));

async function recs(query: string) {
  const res = await fetch(`${url}/v1/sites/demo/recommendations?${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as {
    source: string;
    recommendationId: string;
    items: { id: string; title: string; image: string; url: string; category: string }[];
  };
}

describe('demo-data → train → publish --local → wrangler dev', () => {
  it('serves personalized picks for a trained shopper, different from popular ones', async () => {
    const popular = await recs('k=20');
    expect(popular.source).toBe('popular');
    const mine = await recs('userId=u0001&k=20');
    expect(mine.source).toBe('model');
    expect(mine.items).toHaveLength(20);
    expect(mine.recommendationId).toMatch(/\w{8,}/);
    const overlap = mine.items.filter((i) => popular.items.some((p) => p.id === i.id)).length;
    expect(overlap).toBeLessThan(10);
    // Catalog fields for widgets, with worker-relative images made absolute.
    expect(mine.items[0].title).toBeTruthy();
    expect(mine.items[0].image.startsWith(`${url}/demo/img/`)).toBe(true);
  });

  it('folds a visitor’s recent clicks into the next picks (no retraining)', async () => {
    const pets = catalog
      .filter((i) => i.category === 'pets')
      .slice(0, 3)
      .map((i) => i.id);
    const before = await recs('visitorId=v-e2e&k=10');
    const after = await recs(`visitorId=v-e2e&k=10&recent=${pets.map((p) => `${p}:click`).join(',')}`);
    expect(after.source).toBe('realtime');
    const share = (r: typeof after) => r.items.filter((i) => categoryOf.get(i.id) === 'pets').length / r.items.length;
    expect(share(after)).toBeGreaterThan(share(before));
    expect(share(after)).toBeGreaterThanOrEqual(0.5);
    for (const p of pets) expect(after.items.map((i) => i.id)).not.toContain(p);
  });

  it('serves the demo storefront, the SDK bundle, item images and the OpenAPI document', async () => {
    const home = await fetch(`${url}/`);
    // Static files carry the headers from examples/demo/_headers (a strict CSP, no framing, nosniff).
    expect(home.headers.get('content-security-policy')).toMatch(/script-src 'self';.*frame-ancestors 'none'/);
    expect(home.headers.get('x-content-type-options')).toBe('nosniff');
    expect(home.headers.get('x-frame-options')).toBe('DENY');
    const page = await home.text();
    expect(page).toContain('<edgepick-recs');
    expect(page).toContain('/sdk/edgepick.js');
    const sdk = await fetch(`${url}/sdk/edgepick.js`);
    expect(sdk.status).toBe(200);
    const img = await fetch(`${url}/demo/img/p0001.svg?c=tea`);
    expect(img.headers.get('content-type')).toContain('image/svg+xml');
    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain('/v1/sites/{site}/recommendations');
  });

  it('answers bad input with 4xx JSON errors, never 500', async () => {
    for (const [path, status] of [
      ['/v1/sites/demo/recommendations?k=0', 400],
      ['/v1/sites/demo/recommendations?k=abc', 400],
      ['/v1/sites/no-such-site/recommendations', 404],
      ['/v1/sites/demo/items/nope/similar', 404],
    ] as const) {
      const res = await fetch(`${url}${path}`);
      expect(res.status, path).toBe(status);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBeTruthy();
    }
    const res = await fetch(`${url}/v1/sites/demo/recommendations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"k":',
    });
    expect(res.status).toBe(400);
  });
});

describe('CLI errors', () => {
  it('gives one line and a non-zero exit for a missing file, a malformed row and a bad option', () => {
    const missing = cli(['train', '/nonexistent.csv', '--out', join(dir, 'x.pack')]);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    const bad = cli(['train', join(dir, 'interactions.csv'), '--out', join(dir, 'x.pack'), '--factors', 'many']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/factors/);
    const unknown = cli(['publish', join(dir, 'model.pack')]);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toMatch(/--site/);
  });
});

describe('the demo campaign link /r/demo', () => {
  const swan =
    'Mozilla/5.0 (iPhone; CPU iPhone OS 12_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 swan/2.4.0 swan-baiduboxapp/11.9.0.1 baiduboxapp/11.9.0.1 (Baidu; P2 12.2)';
  it('routes the Baidu swan web-view to the Baidu smart mini-program and desktops to the QR page', async () => {
    const res = await fetch(`${url}/r/demo?utm_source=baidu`, { headers: { 'user-agent': swan }, redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(
      /^baiduboxapp:\/\/swan\/DemoSwanAppKey2026\/pages\/index\/index\?from=edgepick&utm_source=baidu$/,
    );
    const desk = await fetch(`${url}/r/demo`, {
      headers: { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120 Safari/537.36' },
      redirect: 'manual',
    });
    expect(desk.status).toBe(200);
    expect(await desk.text()).toContain(`${url}/r/demo`);
  });

  it('is managed through the admin API with the local token', async () => {
    const unauth = await fetch(`${url}/v1/admin/sites/demo/links`);
    expect(unauth.status).toBe(401);
    const list = await fetch(`${url}/v1/admin/sites/demo/links`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(((await list.json()) as { links: { slug: string; version: number }[] }).links).toContainEqual(
      expect.objectContaining({ slug: 'demo', version: 1 }),
    );
  });
});
