import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Target } from '../../../schema/routing.js';
import { clearDouyinLinks, DOUYIN_LINK_URL, DOUYIN_QUERY_LIMIT, douyinLiveLink, douyinQuery, GENERATE_PER_MINUTE } from './douyin-link.js';
import { clearDouyinTokens, DOUYIN_TOKEN_URL } from './douyin-token.js';

type Dy = Extract<Target, { kind: 'douyin-miniprogram' }>;
const NOW = Date.parse('2026-11-22T08:00:00Z');

/**
 * A stand-in for Douyin's open platform (no network in tests): client_token for the right secret, and
 * "生成 Link V2" answering `https://z.douyin.com/<n>` for a valid token — shapes as in the docs cited in
 * douyin-token.ts and douyin-link.ts. Records every call.
 */
function fakeDouyin(opts: { secret?: string; linkHost?: string; down?: boolean; refuseFirstToken?: boolean } = {}) {
  const calls: { url: string; headers: Record<string, string>; body: Record<string, unknown> }[] = [];
  let tokens = 0;
  let links = 0;
  const fetcher = async (url: string, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body ?? '{}')) as Record<string, unknown>;
    calls.push({ url, headers: Object.fromEntries(new Headers(init?.headers).entries()), body });
    if (opts.down) throw new TypeError('network connection lost');
    if (url === DOUYIN_TOKEN_URL) {
      if (body.client_secret !== (opts.secret ?? 'dy-secret') || body.grant_type !== 'client_credential')
        return Response.json({ data: { description: 'client_key 或者 client_secret 报错', error_code: 10013 }, message: 'error' });
      return Response.json({
        data: { access_token: `clt.token${++tokens}`, description: '', error_code: 0, expires_in: 7200 },
        message: 'success',
      });
    }
    if (url === DOUYIN_LINK_URL) {
      const token = new Headers(init?.headers).get('access-token');
      if (!token?.startsWith('clt.') || (opts.refuseFirstToken && token === 'clt.token1'))
        return Response.json({ err_no: 28001003, err_msg: 'access_token无效', log_id: 'L1' });
      return Response.json({
        err_no: 0,
        err_msg: '',
        log_id: 'L2',
        data: { url_link: `https://${opts.linkHost ?? 'z.douyin.com'}/L${++links}` },
      });
    }
    return new Response('unexpected', { status: 599 });
  };
  return { fetcher, calls };
}

let n = 0;
/** A fresh app per test (KV persists within the file): "tt" + 16 hex. */
const target = (over: Partial<Dy> = {}): Dy => ({
  kind: 'douyin-miniprogram',
  appId: `tt${(0xa0000000 + ++n).toString(16).padStart(16, '0')}`,
  path: '/pages/item/item',
  query: 'id=42',
  ...over,
});
const withSecret = (t: Dy, secret = 'dy-secret') => ({ PACKS: env.PACKS, DOUYIN_APP_SECRETS: JSON.stringify({ [t.appId]: secret }) });

beforeEach(() => {
  clearDouyinLinks();
  clearDouyinTokens();
});

describe('douyinLiveLink', () => {
  it('gets a client_token, then asks Link V2 for the page with the attribution params as JSON', async () => {
    const t = target();
    const { fetcher, calls } = fakeDouyin();
    const link = await douyinLiveLink(
      withSecret(t),
      t,
      [
        ['utm_source', 'dy'],
        ['ref', 'v_1'],
      ],
      { now: NOW, fetcher },
    );
    expect(link).toEqual({ url: 'https://z.douyin.com/L1', expiresAt: new Date(NOW + 179 * 86_400_000).toISOString(), dropped: [] });
    expect(calls.map((c) => c.url)).toEqual([DOUYIN_TOKEN_URL, DOUYIN_LINK_URL]);
    expect(calls[0].body).toEqual({ client_key: t.appId, client_secret: 'dy-secret', grant_type: 'client_credential' });
    expect(calls[1].headers).toMatchObject({ 'access-token': 'clt.token1', 'content-type': 'application/json' });
    expect(calls[1].body).toEqual({
      app_id: t.appId,
      app_name: 'douyin',
      path: 'pages/item/item',
      query: '{"id":"42","utm_source":"dy","ref":"v_1"}',
      expire_time: NOW / 1000 + 179 * 86_400,
    });
    // At most 180 days ahead (docs).
    expect((calls[1].body.expire_time as number) - NOW / 1000).toBeLessThanOrEqual(180 * 86_400);
  });

  it('caches per (app, page, query): the isolate, then KV, until a day before expiry', async () => {
    const t = target();
    const { fetcher, calls } = fakeDouyin();
    const e = withSecret(t);
    const first = await douyinLiveLink(e, t, [['ref', 'v_1']], { now: NOW, fetcher });
    expect(await douyinLiveLink(e, t, [['ref', 'v_1']], { now: NOW + 1000, fetcher })).toEqual(first);
    clearDouyinLinks(); // a new isolate: KV still has it
    expect(await douyinLiveLink(e, t, [['ref', 'v_1']], { now: NOW + 2000, fetcher })).toEqual(first);
    expect(calls.filter((c) => c.url === DOUYIN_LINK_URL)).toHaveLength(1);
    // Another sharer is another Link (the token is reused).
    expect((await douyinLiveLink(e, t, [['ref', 'v_2']], { now: NOW, fetcher }))?.url).toBe('https://z.douyin.com/L2');
    expect(calls.filter((c) => c.url === DOUYIN_TOKEN_URL)).toHaveLength(1);
    // 178.5 days on, less than a day is left: generated again.
    const later = NOW + 178.5 * 86_400_000;
    expect((await douyinLiveLink(e, t, [['ref', 'v_1']], { now: later, fetcher }))?.url).toBe('https://z.douyin.com/L3');
  });

  it('concurrent requests for the same Link each do their own I/O, within the per-minute budget', async () => {
    const t = target();
    const { fetcher, calls } = fakeDouyin();
    const e = withSecret(t);
    const all = await Promise.all(Array.from({ length: 5 }, () => douyinLiveLink(e, t, [], { now: NOW, fetcher })));
    expect(all.every((l) => l?.url.startsWith('https://z.douyin.com/'))).toBe(true);
    expect(calls.filter((c) => c.url === DOUYIN_LINK_URL).length).toBeLessThanOrEqual(5);
    // Once one is stored, later requests are served from the cache.
    const before = calls.length;
    await douyinLiveLink(e, t, [], { now: NOW + 1000, fetcher });
    expect(calls.length).toBe(before);
  });

  it('without a secret for the app, or with a wrong one, gives null (the pasted Link applies)', async () => {
    const t = target();
    const { fetcher, calls } = fakeDouyin();
    expect(await douyinLiveLink({ PACKS: env.PACKS }, t, [], { now: NOW, fetcher })).toBeNull();
    expect(await douyinLiveLink({ PACKS: env.PACKS, DOUYIN_APP_SECRETS: 'not json' }, t, [], { now: NOW, fetcher })).toBeNull();
    expect(calls).toHaveLength(0);
    expect(await douyinLiveLink(withSecret(t, 'wrong'), t, [], { now: NOW, fetcher })).toBeNull();
    expect(calls.map((c) => c.url)).toEqual([DOUYIN_TOKEN_URL]);
  });

  it('when Douyin is down: null at once, and no new calls for a minute (redirects stay fast)', async () => {
    const t = target();
    const down = fakeDouyin({ down: true });
    const e = withSecret(t);
    expect(await douyinLiveLink(e, t, [], { now: NOW, fetcher: down.fetcher })).toBeNull();
    const made = down.calls.length;
    expect(await douyinLiveLink(e, t, [['ref', 'v_1']], { now: NOW + 30_000, fetcher: down.fetcher })).toBeNull();
    expect(down.calls).toHaveLength(made);
    const up = fakeDouyin();
    expect((await douyinLiveLink(e, t, [], { now: NOW + 61_000, fetcher: up.fetcher }))?.url).toBe('https://z.douyin.com/L1');
  });

  it('asks for a fresh token once when Douyin refuses the cached one', async () => {
    const t = target();
    const { fetcher, calls } = fakeDouyin({ refuseFirstToken: true });
    expect((await douyinLiveLink(withSecret(t), t, [], { now: NOW, fetcher }))?.url).toBe('https://z.douyin.com/L1');
    expect(calls.map((c) => [c.url === DOUYIN_TOKEN_URL ? 'token' : 'link', c.headers['access-token'] ?? '-'])).toEqual([
      ['token', '-'],
      ['link', 'clt.token1'],
      ['token', '-'],
      ['link', 'clt.token2'],
    ]);
  });

  it('refuses a Link on any host but z.douyin.com (the redirect guard would refuse it too)', async () => {
    const t = target();
    const { fetcher } = fakeDouyin({ linkHost: 'evil.example' });
    expect(await douyinLiveLink(withSecret(t), t, [], { now: NOW, fetcher })).toBeNull();
  });

  it(`over ${GENERATE_PER_MINUTE} fresh Links a minute, gives the target's Link without attribution`, async () => {
    const t = target();
    const { fetcher, calls } = fakeDouyin();
    const e = withSecret(t);
    for (let i = 0; i < GENERATE_PER_MINUTE; i++)
      expect(await douyinLiveLink(e, t, [['utm_x', `r${i}`]], { now: NOW, fetcher })).not.toBeNull();
    const over = await douyinLiveLink(
      e,
      t,
      [
        ['utm_x', 'flood'],
        ['ref', 'v_9'],
      ],
      { now: NOW, fetcher },
    );
    expect(over).toMatchObject({ url: `https://z.douyin.com/L${GENERATE_PER_MINUTE + 1}`, dropped: ['utm_x', 'ref'] });
    const bare = calls.filter((c) => c.url === DOUYIN_LINK_URL).at(-1)!;
    expect(bare.body.query).toBe('{"id":"42"}');
    // The next minute has a fresh budget.
    expect((await douyinLiveLink(e, t, [['utm_x', 'next']], { now: NOW + 60_000, fetcher }))?.dropped).toEqual([]);
  });
});

describe('douyinQuery', () => {
  it("keeps the target's own keys (they win), URL-encodes other characters, and stays within 1024 characters", () => {
    expect(douyinQuery(undefined, [])).toEqual({ json: '{}', dropped: [] });
    expect(
      douyinQuery('id=42&from=ad', [
        ['id', '7'],
        ['utm_campaign', '春季 sale'],
        ['ref', 'v_1'],
      ]),
    ).toEqual({
      json: '{"id":"42","from":"ad","utm_campaign":"%E6%98%A5%E5%AD%A3%20sale","ref":"v_1"}',
      dropped: [],
    });
    const { json, dropped } = douyinQuery('id=42', [
      ['utm_content', 'x'.repeat(1000)],
      ['ref', 'v_1'],
    ]);
    expect(dropped).toEqual(['utm_content']);
    expect(json).toBe('{"id":"42","ref":"v_1"}');
    expect(json.length).toBeLessThanOrEqual(DOUYIN_QUERY_LIMIT);
  });
});
