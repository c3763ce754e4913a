import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import demoLink from '../../../examples/demo-link.json';
import { SimulateResponse } from '../../../schema/routing-decision.js';
import { pickVariant } from './split.js';

const TOKEN = 'test-admin-token';
const call = (method: string, path: string, body?: unknown, token: string | null = TOKEN) =>
  SELF.fetch(`https://edge.test/v1/admin/sites/demo/links${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;
const withSlug = (slug: string, over: object = {}) => ({ ...demoLink, slug, ...over });

describe('admin links API', () => {
  it('refuses calls without the right token', async () => {
    expect((await call('GET', '/', undefined, null)).status).toBe(401);
    const wrong = await call('GET', '/', undefined, 'nope');
    expect(wrong.status).toBe(401);
    expect((await json<{ error: { code: string } }>(wrong)).error.code).toBe('unauthorized');
  });

  it('accepts the Bearer scheme in any case (RFC 7235)', async () => {
    for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
      const res = await SELF.fetch('https://edge.test/v1/admin/sites/demo/links', { headers: { authorization: `${scheme} ${TOKEN}` } });
      expect(res.status, scheme).toBe(200);
    }
    expect((await SELF.fetch('https://edge.test/v1/admin/sites/demo/links', { headers: { authorization: `Basic ${TOKEN}` } })).status).toBe(
      401,
    );
  });

  it('answers unknown, malformed and overlong site ids with 404 site_not_found (never 200 or 500)', async () => {
    for (const site of ['zzz-unknown', 'UPPER', 'a'.repeat(600), '-dash', '%E2%80%8B']) {
      const res = await SELF.fetch(`https://edge.test/v1/admin/sites/${site}/links`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status, site.slice(0, 20)).toBe(404);
      expect((await json<{ error: { code: string } }>(res)).error.code).toBe('site_not_found');
    }
    // The token is checked first: nothing about sites leaks to a caller without one.
    expect((await SELF.fetch('https://edge.test/v1/admin/sites/zzz-unknown/links')).status).toBe(401);
  });

  it('refuses bodies over the admin limit with 413 before parsing them', async () => {
    const big = JSON.stringify({ ...withSlug('too-big'), name: 'x'.repeat(300 * 1024) });
    for (const [method, path] of [
      ['POST', ''],
      ['PUT', '/too-big'],
      ['POST', '/too-big/simulate'],
      ['POST', '/too-big/rollback'],
    ]) {
      const res = await SELF.fetch(`https://edge.test/v1/admin/sites/demo/links${path}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: big,
      });
      expect(res.status, `${method} ${path}`).toBe(413);
      expect((await json<{ error: { code: string } }>(res)).error.code).toBe('payload_too_large');
    }
  });

  it('creates a link, compiles it to KV and serves it at /r/:slug at once', async () => {
    const res = await call('POST', '/', withSlug('spring'));
    expect(res.status).toBe(201);
    expect(await json(res)).toEqual({ slug: 'spring', version: 1 });
    expect(await env.PACKS.get('link/spring', 'json')).toEqual({ site: 'demo', version: 1 });
    expect(await env.PACKS.get('site/demo/link/spring/v1', 'json')).toMatchObject({ site: 'demo', version: 1, link: { slug: 'spring' } });
    const r = await SELF.fetch('https://edge.test/r/spring', {
      headers: {
        'user-agent':
          'Mozilla/5.0 (iPhone; CPU iPhone OS 10_3_1 like Mac OS X) AppleWebKit/603.1.30 (KHTML, like Gecko) Version/10.0 Mobile/14E304 Safari/602.1',
      },
      redirect: 'manual',
    });
    expect(r.status).toBe(302);
    expect((await json<{ links: { slug: string }[] }>(await call('GET', '/'))).links.map((l) => l.slug)).toContain('spring');
    expect((await call('POST', '/', withSlug('spring'))).status).toBe(409);
  });

  it('versions every change, diffs, rolls back in one call and keeps an audit trail', async () => {
    await call('POST', '/', withSlug('autumn'));
    const changed = withSlug('autumn', {
      name: 'Autumn sale',
      default: { type: 'target', target: { kind: 'h5', url: 'https://edgepick.example/autumn' } },
    });
    expect(await json(await call('PUT', '/autumn', changed))).toEqual({ slug: 'autumn', version: 2 });
    const versions = await json<{ versions: { version: number; createdBy: string }[] }>(await call('GET', '/autumn/versions'));
    expect(versions.versions.map((v) => v.version)).toEqual([2, 1]);
    const diff = await json<{ changes: { path: string; from?: unknown; to?: unknown }[] }>(await call('GET', '/autumn/diff?from=1&to=2'));
    expect(diff.changes.map((c) => c.path).sort()).toEqual(['default.target.url', 'name']);
    const rb = await json(await call('POST', '/autumn/rollback', { version: 1 }));
    expect(rb).toEqual({ slug: 'autumn', version: 3, restored: 1 });
    const current = await json<{ version: number; link: { name: string; default: unknown } }>(await call('GET', '/autumn'));
    expect(current.version).toBe(3);
    expect(current.link.name).toBe(demoLink.name);
    expect(await env.PACKS.get('link/autumn', 'json')).toEqual({ site: 'demo', version: 3 });
    expect(await env.PACKS.get('site/demo/link/autumn/v3', 'json')).toMatchObject({ version: 3, link: { name: demoLink.name } });
    const audit = await json<{ audit: { action: string; version: number; actor: string }[] }>(await call('GET', '/autumn/audit'));
    expect(audit.audit.map((a) => `${a.action}@${a.version}`)).toEqual(['rollback@3', 'update@2', 'create@1']);
    expect(audit.audit[0].actor).toBe('admin-token');
    expect((audit.audit[1] as { note?: string }).note).toBe('changed: name, default.target.url');
  });

  it('validates link bodies with precise issue paths', async () => {
    const res = await call(
      'POST',
      '/',
      withSlug('bad', { default: { type: 'target', target: { kind: 'h5', url: 'http://evil.example/' } } }),
    );
    expect(res.status).toBe(400);
    const body = await json<{ error: { code: string; issues: { path: (string | number)[] }[] } }>(res);
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.issues[0].path.join('.')).toMatch(/^default\.target\.url/);
    expect((await call('PUT', '/spring', withSlug('other'))).status).toBe(400);
    // An https target off the site's linkHosts would make /r/ an open redirect.
    const off = await call(
      'POST',
      '/',
      withSlug('offsite', { default: { type: 'target', target: { kind: 'h5', url: 'https://evil.example/' } } }),
    );
    expect(off.status).toBe(400);
    const offBody = await json<{ error: { issues: { code: string; path: (string | number)[] }[] } }>(off);
    expect(offBody.error.issues[0]).toMatchObject({ code: 'host_not_allowed', path: ['default', 'target', 'url'] });
    expect(
      (
        await call(
          'POST',
          '/',
          withSlug('onsite', { default: { type: 'target', target: { kind: 'h5', url: 'https://shop.edgepick.example/x' } } }),
        )
      ).status,
    ).toBe(201);
    expect((await call('PUT', '/ghost', withSlug('ghost'))).status).toBe(404);
  });

  it('simulates a request: decision, detected env, why earlier rules failed', async () => {
    await call('POST', '/', withSlug('sim'));
    const res = await call('POST', '/sim/simulate', {
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 12_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 swan/2.4.0 swan-baiduboxapp/11.9.0.1 baiduboxapp/11.9.0.1 (Baidu; P2 12.2)',
      country: 'CN',
      query: { utm_source: 'baidu', utm_content: 'x'.repeat(1100), partner: 'p1' },
      time: '2026-11-23T10:00:00+08:00',
    });
    expect(res.status).toBe(200);
    const out = await json<{
      ruleId: string;
      env: Record<string, unknown>;
      skipped: { ruleId: string; reason: string }[];
      dropped: string[];
      plan: { location: string };
    }>(res);
    expect(out.ruleId).toBe('baidu');
    expect(out.env).toMatchObject({ host: 'baidu-swan', os: 'ios', bot: false, country: 'CN' });
    expect(out.skipped).toEqual([{ ruleId: 'bots', condition: 0, reason: 'failed: bot equals true' }]);
    expect(out.dropped).toEqual(['utm_content']);
    expect(SimulateResponse.parse(out)).toEqual(out);
    expect(out.plan.location).toContain('utm_source=baidu');
    // `partner` is listed in the link's passThrough keys.
    expect(out.plan.location).toContain('partner=p1');
    expect((await call('POST', '/sim/simulate', { time: 'yesterday' })).status).toBe(400);
  });

  it('simulate warns when a WeChat visitor can only get the "open in your browser" page', async () => {
    const wx = { kind: 'wechat-miniprogram', appId: 'wx0123456789abcdef', path: 'pages/index/index' };
    const wechatUa =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47';
    const sim = async (slug: string, target: object) => {
      expect((await call('POST', '/', { slug, default: { type: 'target', target } })).status).toBe(201);
      return json<{ plan: { kind: string; page?: string }; warnings: string[]; warningCodes: string[] }>(
        await call('POST', `/${slug}/simulate`, { ua: wechatUa }),
      );
    };
    const bare = await sim('wx-bare', wx);
    expect(bare.plan).toMatchObject({ kind: 'page', page: 'wechat-in-app' });
    expect(bare.warningCodes).toEqual(['wechat_hint_page_only']);
    expect(bare.warnings[0]).toMatch(/only get the "open in your browser" page/);
    expect(SimulateResponse.parse(bare)).toMatchObject({ warningCodes: ['wechat_hint_page_only'] });
    // The test worker has the WECHAT_OA_* secrets: with the original id the open tag works, so no warning.
    const tagged = await sim('wx-tagged', { ...wx, username: 'gh_0123456789ab' });
    expect(tagged).toMatchObject({ plan: { page: 'wechat-open-tag' }, warnings: [], warningCodes: [] });
    // A live URL Link opens it inside WeChat too.
    expect(await sim('wx-linked', { ...wx, urlLink: 'https://wxaurl.cn/abc' })).toMatchObject({
      plan: { kind: 'redirect' },
      warningCodes: [],
    });
  });

  it('counts decisions per link, rule, target and day', async () => {
    await call('POST', '/', withSlug('counted'));
    for (let i = 0; i < 3; i++)
      await SELF.fetch('https://edge.test/r/counted', {
        headers: { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/75.0 Safari/537.36' },
        redirect: 'manual',
      });
    let stats: { rule: string; target: string; count: number }[] = [];
    for (let attempt = 0; attempt < 20 && !stats.length; attempt++) {
      await new Promise((r) => setTimeout(r, 50));
      stats = (await json<{ stats: typeof stats }>(await call('GET', '/counted/stats'))).stats;
    }
    expect(stats).toMatchObject([{ rule: 'desktop', target: 'qr', count: 3 }]);
    const today = new Date().toISOString().slice(0, 10);
    const summary = await json(await call('GET', `/counted/stats?from=${today}&to=${today}`));
    expect(summary).toMatchObject({ from: today, to: today, total: 3, byRule: { desktop: 3 }, byTarget: { qr: 3 } });
    expect((await json<{ total: number }>(await call('GET', '/counted/stats?to=2001-01-01'))).total).toBe(0);
    const bad = await call('GET', '/counted/stats?from=yesterday');
    expect(bad.status).toBe(400);
    expect((await json<{ error: { issues: { path: string[] }[] } }>(bad)).error.issues[0].path).toEqual(['from']);
  });

  it('warns on save when a pre-generated URL Link has expired or expires within 7 days', async () => {
    const soon = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const target = (expiresAt: string) => ({
      kind: 'wechat-miniprogram',
      appId: 'wx1234567890abcdef',
      path: 'pages/index/index',
      urlLink: 'https://wxaurl.cn/abcDEF123',
      urlLinkExpiresAt: expiresAt,
    });
    const res = await call('POST', '/', withSlug('expiring', { default: { type: 'target', target: target('2020-01-01T00:00:00Z') } }));
    expect(res.status).toBe(201);
    const body = await json<{ warnings: { path: string; message: string }[] }>(res);
    expect(body.warnings).toEqual([
      { path: 'default.target.urlLinkExpiresAt', message: expect.stringMatching(/^URL Link expired at 2020-01-01/) },
    ]);
    const later = await json<{ warnings: { message: string }[] }>(
      await call('PUT', '/expiring', withSlug('expiring', { default: { type: 'target', target: target(soon) } })),
    );
    expect(later.warnings[0].message).toMatch(/expires at .* \(in 2 d\)/);
    const fine = await call(
      'PUT',
      '/expiring',
      withSlug('expiring', { default: { type: 'target', target: target('2099-01-01T00:00:00Z') } }),
    );
    expect(await json(fine)).not.toHaveProperty('warnings');
  });

  it('counts split variants apart (kind:vN)', async () => {
    const split = {
      type: 'split',
      variants: [
        { weight: 50, target: { kind: 'h5', url: '/a' } },
        { weight: 50, target: { kind: 'h5', url: '/b' } },
      ],
    };
    await call('POST', '/', withSlug('ab', { rules: [], default: split }));
    const visitors = ['v_aaaaaaaa', 'v_bbbbbbbb', 'v_cccccccc', 'v_dddddddd'];
    for (const v of visitors)
      await SELF.fetch('https://edge.test/r/ab', {
        headers: { cookie: `ep_vid=${v}`, 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 10_3_1 like Mac OS X)' },
        redirect: 'manual',
      });
    const expected: Record<string, number> = {};
    for (const v of visitors) {
      const key = `h5:v${pickVariant([50, 50], v, 'ab:default')}`;
      expected[key] = (expected[key] ?? 0) + 1;
    }
    let byTarget: Record<string, number> = {};
    for (let attempt = 0; attempt < 20 && Object.values(byTarget).reduce((a, b) => a + b, 0) < 4; attempt++) {
      await new Promise((r) => setTimeout(r, 50));
      byTarget = (await json<{ byTarget: Record<string, number> }>(await call('GET', '/ab/stats'))).byTarget;
    }
    expect(byTarget).toEqual(expected);
  });

  it('deletes a link: gone from the API and from /r/:slug', async () => {
    await call('POST', '/', withSlug('gone'));
    const ua = {
      'user-agent':
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
    };
    expect((await SELF.fetch('https://edge.test/r/gone', { headers: ua, redirect: 'manual' })).status).toBe(302);
    expect((await call('DELETE', '/gone')).status).toBe(204);
    expect((await call('GET', '/gone')).status).toBe(404);
    expect(await env.PACKS.get('link/gone')).toBeNull();
    // The isolate cached the link for up to 5 s; after that /r/gone is the not-found page.
    await new Promise((r) => setTimeout(r, 5_100));
    const after = await SELF.fetch('https://edge.test/r/gone', { headers: ua, redirect: 'manual' });
    expect(after.status).toBe(404);
    expect(after.headers.get('location')).toBeNull();
  });

  describe('concurrent writers', () => {
    it('ten concurrent PUTs on one link: every one 200, versions contiguous, D1 and KV agree', async () => {
      expect((await call('POST', '/', withSlug('race-put'))).status).toBe(201);
      const puts = await Promise.all(
        Array.from({ length: 10 }, (_, i) => call('PUT', '/race-put', withSlug('race-put', { name: `writer ${i}` }))),
      );
      expect(puts.map((r) => r.status)).toEqual(Array(10).fill(200));
      const got = (await Promise.all(puts.map((r) => json<{ version: number }>(r)))).map((b) => b.version).sort((a, b) => a - b);
      expect(got).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      const versions = await json<{ versions: { version: number }[] }>(await call('GET', '/race-put/versions'));
      expect(versions.versions.map((v) => v.version)).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
      const row = await env.DB.prepare('SELECT current_version AS v FROM links WHERE slug = ?1').bind('race-put').first<{ v: number }>();
      expect(row?.v).toBe(11);
      expect(await env.PACKS.get('link/race-put', 'json')).toEqual({ site: 'demo', version: 11 });
      const audit = await json<{ audit: { version?: number }[] }>(await call('GET', '/race-put/audit'));
      expect(audit.audit.map((a) => a.version).sort((a, b) => a! - b!)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    });

    it('concurrent creates of one slug: exactly one 201, the others 409', async () => {
      const res = await Promise.all(
        Array.from({ length: 8 }, (_, i) => call('POST', '/', withSlug('race-create', { name: `creator ${i}` }))),
      );
      const statuses = res.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
      for (const r of res.filter((x) => x.status === 409)) expect((await json<{ error: { code: string } }>(r)).error.code).toBe('conflict');
      const versions = await json<{ versions: { version: number }[] }>(await call('GET', '/race-create/versions'));
      expect(versions.versions.map((v) => v.version)).toEqual([1]);
    });

    it('concurrent rollbacks and updates stay contiguous and end with KV on the newest version', async () => {
      await call('POST', '/', withSlug('race-mix'));
      await call('PUT', '/race-mix', withSlug('race-mix', { name: 'second' }));
      const res = await Promise.all([
        ...Array.from({ length: 4 }, () => call('POST', '/race-mix/rollback', { version: 1 })),
        ...Array.from({ length: 4 }, (_, i) => call('PUT', '/race-mix', withSlug('race-mix', { name: `mix ${i}` }))),
      ]);
      expect(res.map((r) => r.status)).toEqual(Array(8).fill(200));
      const row = await env.DB.prepare('SELECT current_version AS v FROM links WHERE slug = ?1').bind('race-mix').first<{ v: number }>();
      expect(row?.v).toBe(10);
      expect(await env.PACKS.get('link/race-mix', 'json')).toEqual({ site: 'demo', version: 10 });
    });
  });
});
