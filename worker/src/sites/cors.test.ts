import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { kvKeys } from '../../../schema/pack-manifest.js';
import { originAllowed } from './cors.js';

const get = (path: string, init?: RequestInit) => SELF.fetch(`https://edge.test${path}`, init);

describe('originAllowed', () => {
  it.each([
    ['http://localhost:3000', ['http://localhost:*'], true],
    ['http://localhost', ['http://localhost:*'], true],
    ['http://localhost.evil.example', ['http://localhost:*'], false],
    ['http://localhost:3000@evil.example', ['http://localhost:*'], false],
    ['https://localhost:3000', ['http://localhost:*'], false],
    ['https://shop.example', ['https://shop.example'], true],
    ['https://shop.example:8443', ['https://shop.example'], false],
    ['https://anything.example', ['*'], true],
    ['null', ['http://localhost:*'], false],
  ])('%s against %j → %s', (origin, patterns, expected) => {
    expect(originAllowed(origin, patterns)).toBe(expected);
  });
});

describe('CORS on /v1/sites/:site/*', () => {
  it('answers allowed origins (on errors too) and preflights', async () => {
    const ok = await get('/v1/sites/demo/recommendations', { headers: { origin: 'http://localhost:3000' } });
    expect(ok.status).toBe(503); // the demo site exists by default; no model in this test's store
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(ok.headers.get('vary')).toContain('Origin');
    const pre = await get('/v1/sites/demo/events', {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    expect(pre.headers.get('access-control-allow-headers')).toBe('Content-Type,X-Edgepick-Key');
    // Never an echo of whatever the preflight asks for.
    const odd = await get('/v1/sites/demo/events', {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-evil, authorization',
      },
    });
    expect(odd.headers.get('access-control-allow-headers')).toBe('Content-Type,X-Edgepick-Key');
    expect(pre.headers.get('access-control-max-age')).toBe('86400');
  });

  it('gives refused origins no CORS headers, so the browser blocks them', async () => {
    const evil = await get('/v1/sites/demo/recommendations', { headers: { origin: 'https://evil.example' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    // The answer still varies by Origin, so a shared cache never serves it to an allowed origin (or back).
    expect(evil.headers.get('vary')).toContain('Origin');
    const pre = await get('/v1/sites/demo/recommendations', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("uses the site's configured origins", async () => {
    await env.PACKS.put(kvKeys.config('cors-shop'), JSON.stringify({ id: 'cors-shop', allowedOrigins: ['https://shop.example'] }));
    const shop = await get('/v1/sites/cors-shop/popular', { headers: { origin: 'https://shop.example' } });
    expect(shop.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    const local = await get('/v1/sites/cors-shop/popular', { headers: { origin: 'http://localhost:3000' } });
    expect(local.headers.get('access-control-allow-origin')).toBeNull();
  });
});
