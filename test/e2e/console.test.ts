import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser } from './browser.js';
import { ADMIN_TOKEN } from './demo-server.js';

// The console in Debian's Chromium against `wrangler dev` (the e2e demo server): a marketer's whole
// path — sign in, create a link, add a rule, simulate, publish, follow /r/, roll back, results —
// plus the refusals, escaping, the 360 px layout and a screenshot of each main page in both languages;
// and a placement's rules saved through the form, previewed as a shopper and served by the public API.

const url = inject('demoUrl');
const SHOTS = join(new URL('../..', import.meta.url).pathname, 'test-results/console');
const SITE = `console-${Date.now().toString(36)}`;
const SLUG = `launch-${Date.now().toString(36)}`;
const BAIDU_UA =
  'Mozilla/5.0 (Linux; Android 12; PEHM00 Build/SKQ1.210216.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/97.0.4692.98 Mobile Safari/537.36 T7/13.42 SP-engine/2.80.0 baiduboxapp/13.42.0.10 (Baidu; P1 12) NABar/1.0';
const WECHAT_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN';

let browser: Browser;
let keys: { marketer: string; developer: string };

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchBrowser();
  const res = await fetch(`${url}/v1/admin/sites`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      id: SITE,
      name: 'Console shop',
      allowedOrigins: ['https://shop.example'],
      linkHosts: ['shop.example'],
      currency: 'CNY',
    }),
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { keys: { marketer: { token: string }; developer: { token: string } } };
  keys = { marketer: body.keys.marketer.token, developer: body.keys.developer.token };
});
afterAll(async () => {
  await browser?.close();
});

/** A fresh browser context signed in with `token` through the form; fails on page errors or CSP violations. */
async function signedIn(token: string, lang: 'zh-CN' | 'en' = 'zh-CN'): Promise<{ ctx: BrowserContext; page: Page; errors: string[] }> {
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && !/status of 40[034]/.test(m.text()) && errors.push(m.text()));
  page.on('dialog', (d) => void d.accept());
  await page.goto(`${url}/console/sign-in?lang=${lang}`);
  await page.fill('#token', token);
  await Promise.all([page.waitForURL(/\/console\/sites/), page.click('form[action="/console/sign-in"] button[type="submit"]')]);
  return { ctx, page, errors };
}

/**
 * [] when the page has no horizontal scroll; else the elements that stick out of the viewport and are
 * not inside a scroll box (a wide table in .table-wrap scrolls on its own), or all that stick out.
 */
const overflowing = (page: Page) =>
  page.evaluate(() => {
    if (document.documentElement.scrollWidth <= window.innerWidth) return [];
    // Inside a scroll box (a wide table in .table-wrap) sticking out is fine: that box scrolls, not the page.
    const clipped = (e: HTMLElement) => {
      for (let p = e.parentElement; p && p !== document.body; p = p.parentElement)
        if (/(auto|scroll|hidden)/.test(getComputedStyle(p).overflowX)) return true;
      return false;
    };
    const out = [...document.querySelectorAll<HTMLElement>('body *')].filter(
      (e) => e.getBoundingClientRect().right > window.innerWidth + 0.5,
    );
    const free = out.filter((e) => !clipped(e));
    const wide = [...document.querySelectorAll<HTMLElement>('body, body *')].filter(
      (e) => e.scrollWidth > window.innerWidth && !clipped(e),
    );
    return [`scrollWidth ${document.documentElement.scrollWidth}`, ...wide.slice(-4), ...(free.length ? free : out)]
      .slice(0, 14)
      .map((e) =>
        typeof e === 'string'
          ? e
          : `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}.${e.className} (${Math.round(e.getBoundingClientRect().right)} px, scroll ${e.scrollWidth}, ${getComputedStyle(e).position})`,
      );
  });

async function visit(ua: string) {
  const res = await fetch(`${url}/r/${SLUG}`, { redirect: 'manual', headers: { 'user-agent': ua } });
  return `${res.status} ${res.headers.get('location') ?? ''} ${await res.text()}`;
}

/** Fields of the placement rules form by input name (ids `pr-{name}`; `pins` is the textarea, one `itemId position` a line). */
type RulesFields = Partial<Record<'category' | 'pins' | 'maxPerCategory' | 'minPrice' | 'maxPrice', string>>;

/** Fills the rules form of the open placement page and posts it; resolves with the answer's status (303 → the page again). */
async function postRules(page: Page, fields: RulesFields): Promise<number> {
  for (const [name, value] of Object.entries(fields)) await page.fill(`#pr-${name}`, value);
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/placements/')),
    page.click('section[aria-labelledby="rules-h"] form button[type="submit"]'),
  ]);
  await page.waitForLoadState();
  return res.status();
}

/** Opens `placement` of `site` in the console and saves `fields` through the form (a fresh placement: version 1). */
async function saveRules(page: Page, site: string, placement: string, fields: RulesFields) {
  await page.goto(`${url}/console/sites/${site}/placements/${placement}`);
  expect(await postRules(page, fields)).toBe(303);
  await page.waitForURL(/\?saved=1$/);
}

describe('console (Chromium, wrangler dev)', () => {
  it('a marketer creates a link, adds a Baidu rule, simulates, publishes, follows /r/, rolls back and sees the visits', async () => {
    const { ctx, page, errors } = await signedIn(keys.marketer);
    // The session cookie is HttpOnly (invisible to scripts) and the key is nowhere in the browser.
    const cookies = await ctx.cookies();
    const session = cookies.find((c) => c.name === 'ep_console')!;
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' });
    expect(JSON.stringify(cookies)).not.toContain(keys.marketer);
    expect(await page.evaluate(() => document.cookie)).not.toContain('ep_console');
    expect(page.url()).toContain(`/console/sites/${SITE}/links`);

    // Create: slug, a name with markup, default target = WeChat mini-program.
    await page.fill('#slug', SLUG);
    await page.fill('#name', '<script>window.__xss=1</script>春季上新');
    await page.selectOption('#kind', 'wechat-miniprogram');
    await page.fill('#appId', 'wx0123456789abcdef');
    await page.fill('#path', 'pages/index/index');
    await Promise.all([page.waitForURL(new RegExp(`/links/${SLUG}$`)), page.click('form[action$="/links"] button[type="submit"]')]);
    expect(await page.textContent('h1')).toBe('<script>window.__xss=1</script>春季上新');
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await page.waitForSelector('#editor[data-state="ready"]');

    // Add the rule "Baidu app → Baidu smart mini-program".
    await page.click('#add-rule');
    await page.fill('[data-path="rules.0.name"]', 'Baidu app');
    const hosts = page.locator('fieldset[data-path="rules.0.conditions.0.values"]');
    await hosts.locator('input[value="wechat"]').uncheck();
    await hosts.locator('input[value="baidu"]').check();
    await hosts.locator('input[value="baidu-swan"]').check();
    await page.selectOption('[data-path="rules.0.action.target.kind"]', 'baidu-swan');
    await page.fill('[data-path="rules.0.action.target.appKey"]', 'AbCd1234EfGh');
    await page.fill('[data-path="rules.0.action.target.fallbackUrl"]', 'https://shop.example/h5');

    // Reorder: a second rule moves up with its button and back down by dragging; then it is deleted.
    await page.click('#add-rule');
    const order = () => page.$$eval('ol.rules > li.rule', (lis) => lis.map((li) => li.getAttribute('data-rule')));
    expect(await order()).toEqual(['rule-1', 'rule-2']);
    await page.click('li.rule[data-rule="rule-2"] button[data-focus="rule-rule-2-up"]');
    expect(await order()).toEqual(['rule-2', 'rule-1']);
    await page.$eval('li.rule[data-rule="rule-2"]', (li) => li.scrollIntoView({ block: 'start' }));
    const from = (await page.locator('li.rule[data-rule="rule-2"] .handle').boundingBox())!;
    const to = (await page.locator('li.rule[data-rule="rule-1"] .handle').boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width / 2 + 5, from.y + from.height / 2 + 5, { steps: 5 });
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 10 });
    await page.mouse.up();
    expect(await order()).toEqual(['rule-1', 'rule-2']);
    // Switched off, a rule stays in the list but is marked as off.
    await page.uncheck('li.rule[data-rule="rule-2"] .inline-check input');
    expect(await page.getAttribute('li.rule[data-rule="rule-2"]', 'class')).toMatch(/\boff\b/);
    await page.click('li.rule[data-rule="rule-2"] button.danger');
    expect(await order()).toEqual(['rule-1']);

    // A split that does not add up to 100 blocks publishing (and says so).
    await page.selectOption('[data-path="default.type"]', 'split');
    await page.fill('[data-path="default.variants.0.weight"]', '70');
    expect(await page.locator('#publish').isDisabled()).toBe(true);
    expect(await page.textContent('[data-path="default.variants"]')).toMatch(/120/);
    await page.selectOption('[data-path="default.type"]', 'target');
    expect(await page.locator('#publish').isDisabled()).toBe(false);

    // A bad AppKey: the server's own schema message appears next to the field.
    await page.fill('[data-path="rules.0.action.target.appKey"]', 'no!');
    await page.click('#publish');
    await page.waitForSelector('[data-path="rules.0.action.target.appKey"][aria-invalid="true"]');
    expect(await page.locator('.field-error').first().textContent()).toMatch(/appKey|AppKey/);
    await page.fill('[data-path="rules.0.action.target.appKey"]', 'AbCd1234EfGh');

    // Simulate the draft with both presets.
    const simulate = async (preset: string) => {
      await page.selectOption('[data-path="sim.preset"]', preset);
      await page.evaluate(() => document.getElementById('simulate-result')!.replaceChildren());
      await page.click('#simulate-form button[type="submit"]');
      await page.waitForSelector('.decision-target');
      const kind = await page.getAttribute('.decision-target', 'data-kind');
      const matched = await page.getAttribute('.decision', 'data-rule');
      return { kind, matched };
    };
    expect(await simulate('baidu-android')).toEqual({ kind: 'baidu-swan', matched: 'rule-1' });
    expect(await page.locator('li.rule.matched').count()).toBe(1);
    expect(await simulate('wechat-ios')).toEqual({ kind: 'wechat-miniprogram', matched: 'default' });
    expect(await page.textContent('#simulate-result')).toMatch(/rule-1/); // why the earlier rule did not match
    await page.screenshot({ path: join(SHOTS, 'link-editor-zh-CN.png'), fullPage: true });

    // Publish → version 2.
    await Promise.all([page.waitForURL(/published=2/), page.click('#publish')]);
    expect(await page.textContent('#current-version')).toBe('2');
    await new Promise((r) => setTimeout(r, 5_500)); // the link store's per-isolate cache (5 s)
    expect(await visit(BAIDU_UA)).toContain('baiduboxapp://swan/AbCd1234EfGh');
    const wx = await visit(WECHAT_UA);
    expect(wx).toContain('wx0123456789abcdef');
    expect(wx).not.toContain('baiduboxapp');

    // Roll back to version 1 (confirm dialog accepted) → version 3; Baidu visitors get WeChat again.
    await Promise.all([
      page.waitForURL(/rolledback=1/),
      page.click('form[action$="/rollback"]:has(input[name="version"][value="1"]) button'),
    ]);
    expect(await page.textContent('#current-version')).toBe('3');
    await new Promise((r) => setTimeout(r, 5_500));
    expect(await visit(BAIDU_UA)).not.toContain('baiduboxapp://swan');

    // The charts show the visits just made (3 visits: Baidu, WeChat, Baidu after the rollback).
    await page.reload();
    const results = page.locator('section[aria-labelledby="results"]');
    expect(await results.textContent()).toMatch(/3/);
    expect(await results.locator('svg title').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'link-results-zh-CN.png'), fullPage: true });

    // A change without the CSRF token is refused (the session cookie alone is not enough).
    const status = await page.evaluate(async (u) => {
      const r = await fetch(u, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      return r.status;
    }, `${url}/console/sites/${SITE}/links/${SLUG}/publish`);
    expect(status).toBe(403);

    // A marketer cannot open the keys or models pages.
    for (const p of ['keys', 'models']) {
      const res = await page.goto(`${url}/console/sites/${SITE}/${p}`);
      expect(res!.status()).toBe(403);
    }
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('every main page: no horizontal scroll at 360 px, and a screenshot in both languages', async () => {
    // Some recommendation traffic on the demo site, so its Recommendations page has numbers to show.
    for (const placement of ['for-you', 'similar']) {
      const recs = (await (await fetch(`${url}/v1/sites/demo/recommendations?k=6&placement=${placement}`)).json()) as {
        recommendationId: string;
        items: { id: string }[];
      };
      const events = recs.items.flatMap((it, i) => [
        {
          id: `shot-${placement}-imp-${i}-${Date.now()}`,
          type: 'impression',
          visitorId: `v-shot-${i}`,
          itemId: it.id,
          placement,
          recommendationId: recs.recommendationId,
        },
        ...(i < 2
          ? [
              {
                id: `shot-${placement}-clk-${i}-${Date.now()}`,
                type: 'click',
                visitorId: `v-shot-${i}`,
                itemId: it.id,
                placement,
                recommendationId: recs.recommendationId,
              },
            ]
          : []),
      ]);
      const res = await fetch(`${url}/v1/sites/demo/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ events }),
      });
      expect(res.status).toBe(200);
    }
    // A share arrival and a purchase on the demo site, so its Referrals page has a sharer row.
    const stamp = Date.now().toString(36);
    const shared = (await (await fetch(`${url}/v1/sites/demo/popular?k=1`)).json()) as { items: { id: string; price?: number }[] };
    const arrival = { visitorId: `v-shot-friend-${stamp}`, itemId: shared.items[0].id, ref: `v-shot-sharer-${stamp}` };
    const referral = await fetch(`${url}/v1/sites/demo/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        events: [
          { id: `shot-ref-view-${stamp}`, type: 'view', ...arrival },
          { id: `shot-ref-buy-${stamp}`, type: 'purchase', ...arrival, quantity: 2, price: shared.items[0].price ?? 10 },
        ],
      }),
    });
    expect(referral.status).toBe(200);
    // Rules so the placement pages have content: the shop's marketer saves them through the form; on the
    // demo site (a model, so the page's shopper preview has picks) through the admin API.
    const marketer = await signedIn(keys.marketer);
    await saveRules(marketer.page, SITE, 'home', { category: 'tea, 茶具', pins: 'p0042 1\np0107 3', maxPerCategory: '2', minPrice: '5' });
    expect(marketer.errors).toEqual([]);
    await marketer.ctx.close();
    const put = await fetch(`${url}/v1/admin/sites/demo/placements/shot-home/rules`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ pins: [{ itemId: shared.items[0].id, position: 2 }], maxPerCategory: 2 }),
    });
    expect(put.status).toBe(200);
    await new Promise((r) => setTimeout(r, 3_000)); // the events queue stores them
    for (const lang of ['zh-CN', 'en'] as const) {
      const anon = await browser.newPage({ viewport: { width: 360, height: 800 } });
      await anon.goto(`${url}/console/sign-in?lang=${lang}`);
      expect(await overflowing(anon)).toEqual([]);
      await anon.screenshot({ path: join(SHOTS, `sign-in-${lang}-360.png`), fullPage: true });
      await anon.close();
      // The shop's pages as its own keys see them (both roles may open placements and referrals, so each role's
      // screenshots get a prefix), and the demo site (a trained model, events, a sharer) as the owner.
      for (const [token, site, prefix, pages] of [
        [keys.marketer, SITE, '', ['links', `links/${SLUG}`, 'placements', 'placements/home', 'referrals']],
        [keys.developer, SITE, 'developer-', ['keys', 'models', 'recommendations', 'placements', 'referrals']],
        [
          ADMIN_TOKEN,
          'demo',
          'demo-',
          ['models', 'recommendations', 'links/demo', 'placements', 'placements/shot-home?visitorId=v-shot-0&see=1', 'referrals'],
        ],
      ] as const) {
        const { ctx, page, errors } = await signedIn(token, lang);
        for (const p of pages) {
          for (const width of [1200, 360]) {
            await page.setViewportSize({ width, height: 800 });
            const res = await page.goto(`${url}/console/sites/${site}/${p}`);
            expect(res!.status(), p).toBe(200);
            expect(await page.getAttribute('html', 'lang')).toBe(lang);
            if (width === 360) expect(await overflowing(page), `${p} at 360 px (${lang})`).toEqual([]);
            await page.screenshot({
              path: join(SHOTS, `${prefix}${p.replace(/[/?&=]/g, '_')}-${lang}-${width}.png`),
              fullPage: true,
            });
          }
        }
        expect(errors).toEqual([]);
        await ctx.close();
      }
    }
  });

  it("a placement's rules through the form: a bad price range is refused, then a pin shows first in the preview and the API", async () => {
    // Two categories of the demo catalog's most popular items; the pin is the least popular item of the first.
    const popular = (await (await fetch(`${url}/v1/sites/demo/popular?k=30`)).json()) as { items: { id: string; category?: string }[] };
    const [catA, catB] = [...new Set(popular.items.map((it) => it.category).filter((c) => c !== undefined))];
    expect(catB).toBeDefined();
    const pinned = popular.items.filter((it) => it.category === catA).at(-1)!.id;
    expect(pinned).not.toBe(popular.items[0].id);
    const placement = `e2e-home-${Date.now().toString(36)}`;
    const rulesApi = `${url}/v1/admin/sites/demo/placements/${placement}/rules`;
    const admin = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };

    // The demo site has no site keys (it was not created through the admin API), so no marketer can sign in to
    // it: its owner edits here; the shop's own marketer saves rules through the same form in the test above.
    const { ctx, page, errors } = await signedIn(ADMIN_TOKEN, 'en');
    await page.goto(`${url}/console/sites/demo/placements`);
    await page.fill('#open', placement);
    await Promise.all([page.waitForURL(new RegExp(`/placements/${placement}$`)), page.click('#open ~ .actions button')]);
    expect(await page.textContent('#current-version')).toMatch(/No rules yet/);

    // Lowest price above highest price: the schema's message next to the field, nothing saved.
    const fields = { category: `${catA}, ${catB}`, pins: `${pinned} 1`, maxPerCategory: '2' };
    expect(await postRules(page, { ...fields, minPrice: '500', maxPrice: '10' })).toBe(400);
    expect(await page.getAttribute('#pr-minPrice', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#pr-minPrice', 'aria-describedby')).toContain('pr-minPrice-error');
    expect(await page.textContent('#pr-minPrice-error')).toMatch(/minPrice must be ≤ maxPrice/);
    expect(await page.textContent('#pr-form-error')).toMatch(/Nothing was saved/);
    expect(await page.inputValue('#pr-pins')).toBe(`${pinned} 1`); // what was typed is kept
    expect(await page.textContent('#current-version')).toMatch(/No rules yet/);
    expect(((await (await fetch(rulesApi, admin)).json()) as { version: number }).version).toBe(0);
    await page.setViewportSize({ width: 360, height: 800 });
    expect(await overflowing(page), 'the rules form with an error at 360 px').toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'placement-error-en-360.png'), fullPage: true });
    await page.setViewportSize({ width: 1200, height: 900 });

    // Fixed: saved as version 1.
    expect(await postRules(page, { minPrice: '', maxPrice: '' })).toBe(303);
    await page.waitForURL(/\?saved=1$/);
    expect(await page.textContent('.notice[role="status"]')).toMatch(/Saved as version 1/);
    expect(await page.textContent('#current-version')).toMatch(/^version 1 · /);
    const stored = (await (await fetch(rulesApi, admin)).json()) as { version: number; rules: Record<string, unknown> };
    expect(stored.version).toBe(1);
    expect(stored.rules).toMatchObject({ filter: { category: [catA, catB] }, pins: [{ itemId: pinned, position: 1 }], maxPerCategory: 2 });

    // See as a shopper: the pinned item first, labelled pinned.
    await page.fill('#shopper-visitorId', 'e2e-x');
    await Promise.all([page.waitForURL(/see=1/), page.click('#shopper button[name="see"]')]);
    const first = page.locator('#shopper-picks tbody tr').first();
    expect(await first.locator('code').textContent()).toBe(pinned);
    expect(await first.locator('[data-reason]').getAttribute('data-reason')).toBe('pinned');
    expect(await first.textContent()).toContain('pinned (a fixed position in the rules)');
    expect(await page.locator('#shopper-picks [data-reason="pinned"]').count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'placement-preview-en.png'), fullPage: true });
    expect(errors).toEqual([]);
    await ctx.close();

    // The public API: the pin first, only the two categories, at most 2 of each.
    const res = await fetch(`${url}/v1/sites/demo/recommendations?visitorId=e2e-x&k=5&placement=${placement}`);
    expect(res.status).toBe(200);
    const recs = (await res.json()) as { items: { id: string; category?: string; reason?: unknown }[] };
    expect(recs.items[0]).toMatchObject({ id: pinned, reason: { type: 'pinned' } });
    expect(recs.items[0].reason).toEqual({ type: 'pinned' });
    const perCategory = new Map<string | undefined, number>();
    for (const it of recs.items) perCategory.set(it.category, (perCategory.get(it.category) ?? 0) + 1);
    expect(
      [...perCategory.keys()].every((c) => c === catA || c === catB),
      JSON.stringify(recs.items),
    ).toBe(true);
    expect(Math.max(...perCategory.values())).toBeLessThanOrEqual(2);
  });
});
