import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { CreateSiteResponse, KeyInfo } from '../../../schema/sites.js';
import { publish } from '../../../test/workers/fixtures.js';
import { tokenHash } from './tokens.js';

const OWNER = 'test-admin-token';
const req = (method: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}) =>
  SELF.fetch(`https://edge.test${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

async function newSite(id: string, over: object = {}): Promise<CreateSiteResponse> {
  const res = await req('POST', '/v1/admin/sites', OWNER, {
    id,
    name: `Shop ${id}`,
    allowedOrigins: ['https://shop.example'],
    linkHosts: ['shop.example'],
    currency: 'CNY',
    ...over,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as CreateSiteResponse;
}

describe('sites and keys', () => {
  it('the owner creates a site with one token per role, shown once and stored only as SHA-256', async () => {
    const made = await newSite('shop-keys');
    expect(made.site).toMatchObject({ id: 'shop-keys', name: 'Shop shop-keys', allowedOrigins: ['https://shop.example'], currency: 'CNY' });
    expect(made.keys.public.token).toMatch(/^ep_pub_[A-Za-z0-9_-]{32}$/);
    expect(made.keys.developer.token).toMatch(/^ep_dev_/);
    expect(made.keys.marketer.token).toMatch(/^ep_mkt_/);
    const rows = await env.DB.prepare('SELECT * FROM site_keys WHERE site = ?1').bind('shop-keys').all<Record<string, unknown>>();
    expect(rows.results).toHaveLength(3);
    const dump = JSON.stringify(rows.results) + JSON.stringify(await env.DB.prepare('SELECT * FROM sites').all());
    for (const k of Object.values(made.keys)) {
      expect(dump).not.toContain(k.token);
      expect(rows.results.map((r) => r.hash)).toContain(await tokenHash(k.token));
    }
    // Listing keys never shows a secret.
    const list = (await (await req('GET', '/v1/admin/sites/shop-keys/keys', made.keys.developer.token)).json()) as { keys: KeyInfo[] };
    expect(list.keys.map((k) => k.role).sort()).toEqual(['developer', 'marketer', 'public']);
    expect(JSON.stringify(list)).not.toMatch(/ep_(pub|dev|mkt)_[A-Za-z0-9_-]{32}/);
    expect(list.keys.every((k) => k.hint.length === 4)).toBe(true);
  });

  it('refuses duplicate, reserved and invalid sites, and site creation by anyone but the owner', async () => {
    const made = await newSite('shop-dup');
    expect((await req('POST', '/v1/admin/sites', OWNER, { id: 'shop-dup', name: 'again' })).status).toBe(409);
    expect((await req('POST', '/v1/admin/sites', OWNER, { id: 'demo', name: 'the demo' })).status).toBe(409);
    const bad = await req('POST', '/v1/admin/sites', OWNER, { id: 'Bad Id', name: '' });
    expect(bad.status).toBe(400);
    expect(await code(bad)).toBe('invalid_request');
    expect((await req('POST', '/v1/admin/sites', made.keys.developer.token, { id: 'shop-x', name: 'x' })).status).toBe(403);
    expect((await req('POST', '/v1/admin/sites', null, { id: 'shop-x', name: 'x' })).status).toBe(401);
  });

  it('gives each role its routes: 401 unknown or revoked, 403 wrong role, public key or another site', async () => {
    const a = await newSite('shop-role-a');
    const b = await newSite('shop-role-b');
    const links = (site: string, token: string) => req('GET', `/v1/admin/sites/${site}/links`, token);
    const keys = (site: string, token: string) => req('GET', `/v1/admin/sites/${site}/keys`, token);
    expect((await links('shop-role-a', a.keys.marketer.token)).status).toBe(200);
    expect((await keys('shop-role-a', a.keys.developer.token)).status).toBe(200);
    // A marketer on a developer route, a developer on a marketer route.
    const mk = await keys('shop-role-a', a.keys.marketer.token);
    expect([mk.status, await code(mk)]).toEqual([403, 'forbidden']);
    expect((await req('POST', '/v1/admin/sites/shop-role-a/keys', a.keys.marketer.token, { role: 'marketer' })).status).toBe(403);
    expect((await links('shop-role-a', a.keys.developer.token)).status).toBe(403);
    // Another site's token, and a public key on the admin API.
    expect((await links('shop-role-b', a.keys.marketer.token)).status).toBe(403);
    expect((await keys('shop-role-b', a.keys.developer.token)).status).toBe(403);
    expect((await keys('shop-role-a', a.keys.public.token)).status).toBe(403);
    // Unknown tokens.
    expect((await keys('shop-role-a', 'ep_dev_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(401);
    expect((await keys('shop-role-a', 'nonsense')).status).toBe(401);
    // Revoked: refused at once in the isolate that revoked it.
    const extra = (await (
      await req('POST', '/v1/admin/sites/shop-role-a/keys', a.keys.developer.token, { role: 'developer', label: 'ci' })
    ).json()) as {
      id: string;
      token: string;
    };
    expect((await keys('shop-role-a', extra.token)).status).toBe(200);
    expect((await req('DELETE', `/v1/admin/sites/shop-role-a/keys/${extra.id}`, a.keys.developer.token)).status).toBe(204);
    const revoked = await keys('shop-role-a', extra.token);
    expect([revoked.status, await code(revoked)]).toEqual([401, 'unauthorized']);
    expect((await req('DELETE', `/v1/admin/sites/shop-role-a/keys/${extra.id}`, a.keys.developer.token)).status).toBe(404);
    expect((await keys('shop-role-b', b.keys.developer.token)).status).toBe(200);
  });

  it("requires the site's public key on its public routes (header or ?key=), never another site's or a secret token", async () => {
    const a = await newSite('shop-pub-a');
    const b = await newSite('shop-pub-b');
    await publish('shop-pub-a', 'v1');
    const popular = (headers: Record<string, string> = {}, query = '') =>
      req('GET', `/v1/sites/shop-pub-a/popular?k=3${query}`, null, undefined, headers);
    const none = await popular();
    expect([none.status, await code(none)]).toEqual([401, 'unauthorized']);
    expect((await popular({ 'x-edgepick-key': a.keys.public.token })).status).toBe(200);
    expect((await popular({}, `&key=${a.keys.public.token}`)).status).toBe(200);
    expect((await popular({ 'x-edgepick-key': b.keys.public.token })).status).toBe(403);
    expect((await popular({ 'x-edgepick-key': a.keys.developer.token })).status).toBe(403);
    expect((await popular({ 'x-edgepick-key': 'ep_pub_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })).status).toBe(401);
    // A beacon (no custom headers) sends the key in the query.
    const beacon = await SELF.fetch(`https://edge.test/v1/sites/shop-pub-a/events?key=${a.keys.public.token}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ events: [{ id: 'beacon-0001', type: 'view', visitorId: 'v_1', itemId: 'a1' }] }),
    });
    expect(beacon.status).toBe(200);
    // A CORS preflight carries no key and is still answered for the allowed origin.
    const pre = await SELF.fetch('https://edge.test/v1/sites/shop-pub-a/recommendations', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-edgepick-key',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    // The demo site keeps working without a key.
    expect((await req('GET', '/v1/sites/demo/links/nope/resolve', null)).status).toBe(404);
  });

  it('reads and changes settings; CORS follows allowedOrigins', async () => {
    const a = await newSite('shop-patch');
    const got = await req('GET', '/v1/admin/sites/shop-patch', a.keys.marketer.token);
    expect(((await got.json()) as { linkHosts: string[] }).linkHosts).toEqual(['shop.example']);
    const patched = await req('PATCH', '/v1/admin/sites/shop-patch', a.keys.developer.token, {
      allowedOrigins: ['https://m.shop.example'],
      name: 'Renamed',
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({
      name: 'Renamed',
      allowedOrigins: ['https://m.shop.example'],
      linkHosts: ['shop.example'],
    });
    // The site's time zone (its days and hours for share counts and scene), validated.
    const tz = await req('PATCH', '/v1/admin/sites/shop-patch', a.keys.developer.token, { utcOffsetMinutes: -300 });
    expect(await tz.json()).toMatchObject({ utcOffsetMinutes: -300 });
    expect((await req('PATCH', '/v1/admin/sites/shop-patch', a.keys.developer.token, { utcOffsetMinutes: 900 })).status).toBe(400);
    expect((await req('PATCH', '/v1/admin/sites/shop-patch', a.keys.marketer.token, { name: 'no' })).status).toBe(403);
    expect((await req('PATCH', '/v1/admin/sites/shop-patch', a.keys.developer.token, { id: 'other' })).status).toBe(400);
    const cors = await req('GET', `/v1/sites/shop-patch/popular?key=${a.keys.public.token}`, null, undefined, {
      origin: 'https://m.shop.example',
    });
    expect(cors.headers.get('access-control-allow-origin')).toBe('https://m.shop.example');
  });
});
