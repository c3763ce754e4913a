import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { app } from '../index.js';

const get = (path: string) => SELF.fetch(`https://edge.test${path}`);

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, unknown> };
};

describe('meta routes', () => {
  it('answers /health', async () => {
    expect(await (await get('/health')).json()).toEqual({ ok: true });
  });

  it('serves an OpenAPI 3.1 document for every public route, with resolvable refs and error responses', async () => {
    const res = await get('/openapi.json');
    expect(res.headers.get('content-type')).toContain('application/json');
    const text = await res.text();
    const doc = JSON.parse(text) as Doc;
    expect(doc.openapi).toBe('3.1.0');
    const routes: [string, string][] = [
      ['/v1/sites/{site}/recommendations', 'get'],
      ['/v1/sites/{site}/recommendations', 'post'],
      ['/v1/sites/{site}/items/{id}/similar', 'get'],
      ['/v1/sites/{site}/items/{id}', 'get'],
      ['/v1/sites/{site}/popular', 'get'],
      ['/v1/sites/{site}/events', 'post'],
      ['/health', 'get'],
      ['/openapi.json', 'get'],
      ['/demo/img/{file}', 'get'],
    ];
    for (const [path, method] of routes) expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    for (const ref of text.matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g))
      expect(doc.components.schemas[ref[1]], ref[1]).toBeDefined();
    // Query parameters come from the zod query schemas the routes parse.
    const params = doc.paths['/v1/sites/{site}/recommendations'].get.parameters!.map((p) => p.name);
    expect(params).toEqual(
      expect.arrayContaining(['site', 'userId', 'visitorId', 'k', 'recent', 'exclude', 'category', 'minPrice', 'maxPrice', 'placement']),
    );
    const post = doc.paths['/v1/sites/{site}/recommendations'].post.responses;
    expect(Object.keys(post)).toEqual(expect.arrayContaining(['200', '400', '404', '413', '415', '503']));
    expect(JSON.stringify(doc.components.schemas.RecommendationsRequest)).toContain('recent');
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const res = await get('/v1/nothing');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });
});

describe('security headers', () => {
  it('sends nosniff and a Referrer-Policy on API responses, and refuses framing on HTML pages', async () => {
    const api = await SELF.fetch('https://edge.test/health');
    expect(api.headers.get('x-content-type-options')).toBe('nosniff');
    expect(api.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    const err = await SELF.fetch('https://edge.test/v1/nope');
    expect(err.headers.get('x-content-type-options')).toBe('nosniff');
    const page = await SELF.fetch('https://edge.test/r/no-such-link');
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers other methods on /health and /openapi.json with a JSON 405', async () => {
    for (const path of ['/health', '/openapi.json']) {
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
        const res = await SELF.fetch(`https://edge.test${path}`, { method });
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');
        expect(res.headers.get('allow')).toBe('GET');
      }
    }
  });
});

describe('OpenAPI covers every route', () => {
  it('lists every method and path the worker answers, and nothing it does not', async () => {
    const doc = (await (await get('/openapi.json')).json()) as Doc;
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)),
    );
    const served = new Set(
      app.routes
        // ALL: middleware and the 405/404 catch-alls, which answer errors only. /console: HTML pages for
        // people (docs/console.md), not the JSON API this document describes.
        .filter((r) => r.method !== 'ALL' && !r.path.startsWith('/console'))
        .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}').replace(/(.)\/$/, '$1')}`),
    );
    expect([...served].filter((r) => !documented.has(r)).sort(), 'served but not documented').toEqual([]);
    expect([...documented].filter((r) => !served.has(r)).sort(), 'documented but not served').toEqual([]);
    expect(served.size).toBeGreaterThan(20);
  });
});
