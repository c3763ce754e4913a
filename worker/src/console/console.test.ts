import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createSite, signIn } from '../../../test/workers/console.js';

const BASE = 'https://edge.test';

describe('console sign-in and sessions', () => {
  it('exchanges a key for an HttpOnly, Secure, SameSite=Strict session cookie; the key is never in the browser', async () => {
    const { keys } = await createSite('console-a');
    const page = await SELF.fetch(`${BASE}/console/sign-in`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const client = await signIn(keys.marketer);
    expect(client.cookie).toMatch(/^ep_console=/);
    expect(client.cookie).not.toContain(keys.marketer);
    const raw = await SELF.fetch(`${BASE}/console/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: 'ep_signin=x', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: 'x', token: keys.marketer }),
    });
    const setCookie = raw.headers.getSetCookie().find((c) => c.startsWith('ep_console='))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/Secure/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\/console/);
    // The marketer lands on its site's links page.
    const home = await client.get('/console');
    expect(home.status).toBe(303);
    expect(home.headers.get('location')).toBe('/console/sites/console-a/links');
  });

  it('refuses unknown, revoked and public keys, and a sign-in form without its CSRF cookie', async () => {
    const { keys } = await createSite('console-b');
    await expect(signIn('ep_mkt_nope')).rejects.toThrow(/401/);
    await expect(signIn(keys.public)).rejects.toThrow(/401/);
    const noCookie = await SELF.fetch(`${BASE}/console/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: 'x', token: keys.marketer }),
    });
    expect(noCookie.status).toBe(403);
  });

  it('a revoked key ends its sessions; signing out ends the session', async () => {
    const { keys } = await createSite('console-c');
    const client = await signIn(keys.developer);
    expect((await client.get('/console/sites/console-c/keys')).status).not.toBe(303);
    const list = (await (
      await SELF.fetch(`${BASE}/v1/admin/sites/console-c/keys`, { headers: { authorization: 'Bearer test-admin-token' } })
    ).json()) as { keys: { id: string; role: string }[] };
    const dev = list.keys.find((k) => k.role === 'developer')!;
    await SELF.fetch(`${BASE}/v1/admin/sites/console-c/keys/${dev.id}`, {
      method: 'DELETE',
      headers: { authorization: 'Bearer test-admin-token' },
    });
    const after = await client.get('/console/sites/console-c/keys');
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toMatch(/^\/console\/sign-in/);
    const owner = await signIn('test-admin-token');
    expect((await owner.post('/console/sign-out')).status).toBe(303);
    expect((await owner.get('/console/sites')).status).toBe(303);
  });

  it('a change without the CSRF token, or from another origin, is refused', async () => {
    const owner = await signIn('test-admin-token');
    expect(owner.csrf).not.toBe('');
    expect((await owner.post('/console/sign-out', {}, { csrf: false })).status).toBe(403);
    expect((await owner.post('/console/sign-out', {}, { headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect((await owner.get('/console/sites')).status).toBe(200);
  });

  it('a marketer cannot open the keys or models pages (403 page) nor another site', async () => {
    const { keys } = await createSite('console-d');
    await createSite('console-e');
    const m = await signIn(keys.marketer);
    for (const path of ['/console/sites/console-d/keys', '/console/sites/console-d/models', '/console/sites/console-e/links']) {
      const res = await m.get(path);
      expect(res.status, path).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
    }
    expect((await m.get('/console/sites/console-d/links')).status).not.toBe(403);
  });

  it('speaks zh-CN by default and English after ?lang=en (remembered)', async () => {
    const zh = await SELF.fetch(`${BASE}/console/sign-in`);
    const zhHtml = await zh.text();
    expect(zhHtml).toContain('<html lang="zh-CN">');
    expect(zhHtml).toContain('登录');
    const en = await SELF.fetch(`${BASE}/console/sign-in?lang=en`);
    expect(await en.text()).toContain('<html lang="en">');
    const remembered = en.headers
      .getSetCookie()
      .find((c) => c.startsWith('ep_lang='))!
      .split(';')[0];
    const again = await SELF.fetch(`${BASE}/console/sign-in`, { headers: { cookie: remembered } });
    expect(await again.text()).toContain('Sign in');
  });
});

describe('session expiry', () => {
  it('ends after 2 h idle and 12 h after sign-in, whatever the activity', async () => {
    const { env } = await import('cloudflare:test');
    const { createSession, readSession, SESSION_IDLE_MS, SESSION_MAX_MS } = await import('./session.js');
    const t0 = 1_800_000_000_000;
    const principal = { subject: 'admin-token', role: 'admin' as const, sites: '*' as const };
    const idle = await createSession(env.DB, principal, t0);
    expect(await readSession(env.DB, idle.cookie, t0 + SESSION_IDLE_MS - 1)).not.toBeNull();
    const later = await createSession(env.DB, principal, t0);
    expect(await readSession(env.DB, later.cookie, t0 + SESSION_IDLE_MS + 1)).toBeNull();
    // Active every hour: still ends at 12 h.
    const busy = await createSession(env.DB, principal, t0);
    let t = t0;
    while (t + 3_600_000 < t0 + SESSION_MAX_MS) {
      t += 3_600_000;
      expect(await readSession(env.DB, busy.cookie, t)).not.toBeNull();
    }
    expect(await readSession(env.DB, busy.cookie, t0 + SESSION_MAX_MS)).toBeNull();
    expect(await readSession(env.DB, 'not-a-session', t0)).toBeNull();
  });
});
