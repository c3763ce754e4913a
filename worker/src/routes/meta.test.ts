import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

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
    for (const ref of text.matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)) expect(doc.components.schemas[ref[1]], ref[1]).toBeDefined();
    // Query parameters come from the zod query schemas the routes parse.
    const params = doc.paths['/v1/sites/{site}/recommendations'].get.parameters!.map((p) => p.name);
    expect(params).toEqual(expect.arrayContaining(['site', 'userId', 'visitorId', 'k', 'recent', 'exclude', 'category', 'minPrice', 'maxPrice', 'placement']));
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
