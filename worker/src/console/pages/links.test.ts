import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createSite, signIn } from '../../../../test/workers/console.js';

const BASE = 'https://edge.test';
const WECHAT_IOS =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN';
const BAIDU =
  'Mozilla/5.0 (Linux; Android 12; PEHM00 Build/SKQ1.210216.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/97.0.4692.98 Mobile Safari/537.36 T7/13.42 SP-engine/2.80.0 baiduboxapp/13.42.0.10 (Baidu; P1 12) NABar/1.0';

const wechat = { kind: 'wechat-miniprogram', appId: 'wx0123456789abcdef', path: 'pages/index/index', envVersion: 'release' };
const baidu = { kind: 'baidu-swan', appKey: 'AbCd1234EfGh', path: 'pages/index/index', fallbackUrl: 'https://shop.example/h5' };

describe('console links pages', () => {
  it('creates a link from the form, with errors next to the fields, and the name rendered as text', async () => {
    const { keys } = await createSite('links-a');
    const m = await signIn(keys.marketer);
    const bad = await m.post('/console/sites/links-a/links', { slug: 'Bad Slug', name: 'x', kind: 'h5', url: 'http://evil.example/' });
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toMatch(/id="slug-error"/);
    expect(badHtml).toMatch(/id="url-error"/);
    const offsite = await m.post('/console/sites/links-a/links', { slug: 'offsite', kind: 'h5', url: 'https://evil.example/' });
    expect(offsite.status).toBe(400);
    expect(await offsite.text()).toMatch(/id="url-error"/);
    const ok = await m.post('/console/sites/links-a/links', {
      slug: 'spring',
      name: '<script>alert(1)</script>',
      kind: 'h5',
      url: 'https://shop.example/spring',
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/console/sites/links-a/links/spring');
    const list = await (await m.get('/console/sites/links-a/links')).text();
    expect(list).not.toContain('<script>alert(1)</script>');
    expect(list).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const page = await m.get('/console/sites/links-a/links/spring');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('id="link-data"');
    const dup = await m.post('/console/sites/links-a/links', { slug: 'spring', kind: 'h5', url: 'https://shop.example/x' });
    expect(dup.status).toBe(400);
    expect(await dup.text()).toMatch(/id="slug-error"/);
  });

  it('publishes a rule set (issues by path on bad input), simulates a draft, rolls back in two steps, serves the QR', async () => {
    const { keys } = await createSite('links-b');
    const m = await signIn(keys.marketer);
    await m.post('/console/sites/links-b/links', { slug: 'launch', kind: 'wechat-miniprogram', appId: wechat.appId, path: wechat.path });
    const draft = {
      slug: 'launch',
      rules: [
        {
          id: 'baidu',
          name: 'Baidu app',
          conditions: [{ field: 'host', op: 'in', values: ['baidu', 'baidu-swan'] }],
          action: { type: 'target', target: baidu },
        },
      ],
      default: { type: 'target', target: wechat },
    };
    const invalid = await m.postJson('/console/sites/links-b/links/launch/publish', {
      ...draft,
      rules: [
        {
          ...draft.rules[0],
          action: {
            type: 'split',
            variants: [
              { weight: 60, target: baidu },
              { weight: 30, target: wechat },
            ],
          },
        },
      ],
    });
    expect(invalid.status).toBe(400);
    const err = (await invalid.json()) as { error: { issues: { path: (string | number)[]; message: string }[] } };
    expect(err.error.issues[0].path).toEqual(['rules', 0, 'action', 'variants']);
    expect((await m.postJson('/console/sites/links-b/links/launch/publish', draft, { csrf: false })).status).toBe(403);
    // Simulate the draft before publishing.
    const sim = async (preset: string) =>
      (await (
        await m.postJson('/console/sites/links-b/links/launch/simulate', { link: draft, preset, sim: { country: 'CN' } })
      ).json()) as {
        ruleId: string | null;
        target: { kind: string };
        skipped: { ruleId: string }[];
        warningCodes: string[];
      };
    expect(await sim('baidu-android')).toMatchObject({ ruleId: 'baidu', target: { kind: 'baidu-swan' }, warningCodes: [] });
    // Inside WeChat a target without a URL Link or open tag only reaches the "open in your browser" page: warned.
    expect(await sim('wechat-ios')).toMatchObject({
      ruleId: null,
      target: { kind: 'wechat-miniprogram' },
      skipped: [{ ruleId: 'baidu' }],
      plan: { page: 'wechat-in-app' },
      warningCodes: ['wechat_hint_page_only'],
    });
    // Publish → version 2; /r/ follows.
    const pub = await m.postJson('/console/sites/links-b/links/launch/publish', draft);
    expect(pub.status).toBe(200);
    expect(((await pub.json()) as { version: number }).version).toBe(2);
    const visit = async (ua: string) => {
      const r = await SELF.fetch(`${BASE}/r/launch`, { redirect: 'manual', headers: { 'user-agent': ua } });
      return `${r.headers.get('location') ?? ''} ${await r.text()}`;
    };
    await new Promise((r) => setTimeout(r, 5_100)); // the link store's 5 s cache
    expect(await visit(BAIDU)).toContain('baiduboxapp://swan/AbCd1234EfGh');
    expect(await visit(WECHAT_IOS)).toContain('wx0123456789abcdef');
    // Rollback: without confirm=yes, a confirmation page; with it, version 3 = version 1.
    const ask = await m.post('/console/sites/links-b/links/launch/rollback', { version: '1' });
    expect(ask.status).toBe(200);
    expect(await ask.text()).toContain('name="confirm" value="yes"');
    const done = await m.post('/console/sites/links-b/links/launch/rollback', { version: '1', confirm: 'yes' });
    expect(done.status).toBe(303);
    const page = await (await m.get('/console/sites/links-b/links/launch')).text();
    expect(page).toMatch(/id="current-version">3</);
    // QR code as SVG and PNG.
    const svg = await m.get('/console/sites/links-b/links/launch/qr.svg?download=1');
    expect(svg.headers.get('content-type')).toMatch(/image\/svg\+xml/);
    expect(svg.headers.get('content-disposition')).toMatch(/launch\.svg/);
    const png = new Uint8Array(await (await m.get('/console/sites/links-b/links/launch/qr.png')).arrayBuffer());
    expect([...png.slice(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  });

  it('a developer key cannot open the links pages; another site is refused', async () => {
    const { keys } = await createSite('links-c');
    const d = await signIn(keys.developer);
    expect((await d.get('/console/sites/links-c/links')).status).toBe(403);
    const other = await createSite('links-d');
    const m = await signIn(other.keys.marketer);
    expect((await m.get('/console/sites/links-c/links')).status).toBe(403);
    expect((await m.post('/console/sites/links-c/links', { slug: 'x', kind: 'h5', url: 'https://shop.example/' })).status).toBe(403);
  });
});
