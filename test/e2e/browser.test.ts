import { createServer, type Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser } from './browser.js';
import { queryD1 as queryD1In } from './demo-server.js';

const url = inject('demoUrl');
const dir = inject('demoDir');

const queryD1 = <T>(sql: string) => queryD1In<T>(dir, sql);

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function openDemo(path = '/'): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.addInitScript(() => {
    (window as unknown as { __cls: number; __csp: string[] }).__cls = 0;
    (window as unknown as { __csp: string[] }).__csp = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
        if (!entry.hadRecentInput) (window as unknown as { __cls: number }).__cls += entry.value;
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto(url + path);
  return { page, errors };
}

const cardIds = (page: Page, widget: string) =>
  page.$$eval(`${widget} .ep-card:not(.ep-sk)`, (els) => els.map((e) => (e as HTMLElement).dataset.itemId));
const waitCards = (page: Page, widget: string, n = 8) =>
  page.waitForFunction(([w, k]) => document.querySelectorAll(`${w} .ep-card:not(.ep-sk)`).length >= (k as number), [widget, n] as const);
const source = (page: Page) => page.$eval('#source', (e) => (e as HTMLElement).dataset.source);

describe('demo storefront in Chromium', () => {
  it('shows product cards, then personal picks for a known shopper', async () => {
    const { page, errors } = await openDemo();
    await waitCards(page, '#for-you');
    expect(await source(page)).toBe('popular');
    const popular = await cardIds(page, '#for-you');
    await page.selectOption('#shopper', 'u0001');
    await page.waitForFunction(() => document.querySelector('#source')?.getAttribute('data-source') === 'model');
    await waitCards(page, '#for-you');
    const personal = await cardIds(page, '#for-you');
    expect(personal).not.toEqual(popular);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('changes the next picks after viewing three products, without reloading', async () => {
    const { page } = await openDemo();
    await waitCards(page, '#for-you');
    const before = await cardIds(page, '#for-you');
    const viewed: string[] = [];
    for (let n = 0; n < 3; n++) {
      const id = (await cardIds(page, '#popular'))[n]!;
      viewed.push(id);
      await page.click(`#popular .ep-card[data-item-id="${id}"]`);
      await page.waitForFunction((i) => document.querySelector('#product')?.getAttribute('data-item-id') === i, id);
    }
    await page.waitForFunction(() => document.querySelector('#source')?.getAttribute('data-source') === 'realtime');
    await waitCards(page, '#for-you');
    const after = await cardIds(page, '#for-you');
    expect(after).not.toEqual(before);
    for (const id of viewed) expect(after).not.toContain(id);
    // Still the same document: no navigation happened.
    expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
    await page.close();
  });

  it('shares a product with a link that names this visitor as ref', async () => {
    const { page, errors } = await openDemo('/#/p/p0003');
    await page.waitForFunction(() => document.querySelector('#product')?.getAttribute('data-item-id') === 'p0003');
    await page.click('#share');
    await page.waitForFunction(() => document.querySelector('#share-link')?.textContent?.includes('ref='));
    const visitor = await page.evaluate(
      () => (window as unknown as { edgepick: { client: { visitorId: string } } }).edgepick.client.visitorId,
    );
    expect(await page.$eval('#share-link', (e) => e.textContent)).toBe(`${url}/?ref=${visitor}#/p/p0003`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('sends a click with its recommendationId to the worker', async () => {
    const { page } = await openDemo();
    await waitCards(page, '#for-you');
    const sent = page.waitForRequest(
      (r) => r.url().endsWith('/v1/sites/demo/events') && r.method() === 'POST' && (r.postData() ?? '').includes('"type":"click"'),
      { timeout: 15_000 },
    );
    const first = (await cardIds(page, '#for-you'))[0]!;
    await page.click(`#for-you .ep-card[data-item-id="${first}"]`);
    const req = await sent;
    const body = JSON.parse(req.postData()!) as {
      events: { type: string; itemId: string; recommendationId?: string; placement?: string }[];
    };
    const click = body.events.find((e) => e.type === 'click')!;
    expect(click).toMatchObject({ itemId: first, placement: 'for-you' });
    expect(click.recommendationId).toMatch(/^r_/);
    const res = await req.response();
    expect(res?.status()).toBe(200);
    const out = (await res!.json()) as { accepted: number; duplicates: number; rejected: unknown[] };
    expect(out.rejected).toEqual([]);
    expect(out.accepted + out.duplicates).toBe(body.events.length);
    await page.close();
  });

  it('records an impression for a card visible for a second, with its recommendationId', async () => {
    const { page } = await openDemo();
    await waitCards(page, '#for-you');
    const sent = page.waitForRequest(
      (r) => r.url().endsWith('/v1/sites/demo/events') && (r.postData() ?? '').includes('"type":"impression"'),
      {
        timeout: 15_000,
      },
    );
    const body = JSON.parse((await sent).postData()!) as {
      events: { type: string; itemId: string; recommendationId?: string; placement?: string }[];
    };
    const impressions = body.events.filter((e) => e.type === 'impression');
    expect(impressions.length).toBeGreaterThan(0);
    const visible = await cardIds(page, '#for-you');
    for (const e of impressions.filter((i) => i.placement === 'for-you')) {
      expect(visible).toContain(e.itemId);
      expect(e.recommendationId).toMatch(/^r_/);
    }
    await page.close();
  });

  it('hands queued events to sendBeacon when the page goes away, and the worker stores them', async () => {
    const { page } = await openDemo();
    await waitCards(page, '#popular');
    const id = (await cardIds(page, '#popular'))[0]!;
    const visitor = await page.evaluate((i) => {
      const { client } = (window as unknown as { edgepick: { client: { track(e: object): void; visitorId: string } } }).edgepick;
      client.track({ type: 'add_to_cart', itemId: i, quantity: 2 });
      return client.visitorId;
    }, id);
    // Leave at once: far sooner than the 2 s flush interval, so only the beacon can deliver it.
    await page.goto('about:blank');
    await page.close();
    const sql = `SELECT item_id, quantity FROM events WHERE site = 'demo' AND type = 'add_to_cart' AND visitor_id = '${visitor}'`;
    let rows: { item_id: string; quantity: number }[] = [];
    for (let attempt = 0; attempt < 10 && rows.length === 0; attempt++) {
      await new Promise((r) => setTimeout(r, 500));
      rows = queryD1<{ item_id: string; quantity: number }>(sql);
    }
    expect(rows).toEqual([{ item_id: id, quantity: 2 }]);
  });

  it('works the carousel with the keyboard and labels its slides', async () => {
    const { page } = await openDemo();
    await waitCards(page, '#popular');
    const region = page.locator('#popular [aria-roledescription="carousel"]');
    expect(await region.getAttribute('role')).toBe('region');
    expect(await region.getAttribute('aria-labelledby')).toBeTruthy();
    const slides = page.locator('#popular [aria-roledescription="slide"]');
    expect(await slides.count()).toBe(8);
    expect(await slides.nth(2).getAttribute('aria-label')).toMatch(/3.*8/);
    expect(await page.locator('#popular button').count()).toBe(2);
    await page.focus('#popular .ep-card');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    const focusedSlide = await page.evaluate(() =>
      document.activeElement?.closest('[aria-roledescription="slide"]')?.getAttribute('aria-label'),
    );
    expect(focusedSlide).toMatch(/^(3 of 8|第 3 个)/);
    await page.keyboard.press('ArrowLeft');
    expect(
      await page.evaluate(() => document.activeElement?.closest('[aria-roledescription="slide"]')?.getAttribute('aria-label')),
    ).toMatch(/^(2 of 8|第 2 个)/);
    await page.close();
  });

  it('loads without layout shift and without CSP violations under its strict CSP', async () => {
    const { page, errors } = await openDemo();
    await waitCards(page, '#for-you');
    await waitCards(page, '#popular');
    await page.waitForTimeout(500);
    const cls = await page.evaluate(() => (window as unknown as { __cls: number }).__cls);
    expect(cls).toBeLessThan(0.05);
    expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
    // The widget stylesheet applied (constructable stylesheet, allowed by the CSP).
    expect(await page.$eval('#for-you .ep-list', (e) => getComputedStyle(e).display)).toBe('grid');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('renders a hostile product title as text', async () => {
    const page = await browser.newPage();
    await page.route('**/v1/sites/demo/popular*', (route) =>
      route.fulfill({
        contentType: 'application/json',
        body: JSON.stringify({
          recommendationId: 'r_x',
          source: 'popular',
          items: [
            {
              id: 'evil',
              score: 1,
              title: '<img src=x onerror="window.__xss=1">',
              price: 1,
              image: 'javascript:alert(1)',
              url: 'javascript:alert(2)',
            },
          ],
        }),
      }),
    );
    await page.goto(`${url}/`);
    await page.waitForSelector('#popular .ep-card[data-item-id="evil"]');
    const title = await page.$eval('#popular .ep-card[data-item-id="evil"] .ep-t', (e) => e.textContent);
    expect(title).toBe('<img src=x onerror="window.__xss=1">');
    expect(await page.$$('#popular img[src="x"]')).toHaveLength(0);
    expect(await page.$eval('#popular .ep-card[data-item-id="evil"]', (e) => e.getAttribute('href'))).toBeNull();
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await page.close();
  });

  it('falls back to popular picks when personal picks fail, and hides when everything fails', async () => {
    const page = await browser.newPage();
    await page.route('**/v1/sites/demo/recommendations*', (route) =>
      route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":{"code":"model_unavailable","message":"x"}}' }),
    );
    await page.goto(`${url}/`);
    await waitCards(page, '#for-you');
    expect(await page.$eval('#source', (e) => (e as HTMLElement).dataset.source)).toBe('popular');
    await page.route('**/v1/sites/demo/popular*', (route) => route.abort());
    await page.evaluate(() => (document.querySelector('#for-you') as HTMLElement).setAttribute('limit', '4'));
    await page.waitForFunction(() => (document.querySelector('#for-you') as HTMLElement).hidden === true, undefined, { timeout: 20_000 });
    expect(await page.$$('#for-you .ep-sk')).toHaveLength(0);
    await page.close();
  });
});

describe('the script tag on a storefront from another origin', () => {
  let server: Server;
  let shop: string;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><meta charset="utf-8"><title>My shop</title>
        <script src="${url}/sdk/edgepick.js" data-site="demo" data-locale="en" data-share-slug="spring-share"></script>
        <h1>My shop</h1><edgepick-recs placement="for-you" limit="4"></edgepick-recs>
        <edgepick-recs id="sim" placement="similar" item-id="p0001" limit="3" shadow></edgepick-recs>`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    shop = `http://localhost:${(server.address() as { port: number }).port}/`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('renders cards through CORS, in light and shadow DOM', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(shop);
    await page.waitForFunction(() => document.querySelectorAll('edgepick-recs[placement="for-you"] .ep-card:not(.ep-sk)').length === 4);
    await page.waitForFunction(
      () => (document.querySelector('#sim')?.shadowRoot?.querySelectorAll('.ep-card:not(.ep-sk)').length ?? 0) === 3,
    );
    const img = await page.$eval('edgepick-recs .ep-card img', (e) => (e as HTMLImageElement).src);
    expect(img.startsWith(`${url}/demo/img/`)).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('styles widgets with a <style> element where constructable stylesheets are missing (Safari < 16.4)', async () => {
    const page = await browser.newPage();
    await page.addInitScript(() => {
      delete (Document.prototype as { adoptedStyleSheets?: unknown }).adoptedStyleSheets;
      delete (ShadowRoot.prototype as { adoptedStyleSheets?: unknown }).adoptedStyleSheets;
    });
    await page.goto(shop);
    await page.waitForFunction(
      () => (document.querySelector('#sim')?.shadowRoot?.querySelectorAll('.ep-card:not(.ep-sk)').length ?? 0) === 3,
    );
    await page.waitForSelector('edgepick-recs[placement="for-you"] .ep-card:not(.ep-sk)');
    expect(await page.$eval('edgepick-recs[placement="for-you"] .ep-list', (e) => getComputedStyle(e).display)).toBe('grid');
    expect(await page.$eval('#sim', (e) => getComputedStyle(e.shadowRoot!.querySelector('.ep-list')!).display)).toBe('grid');
    expect(await page.$$eval('head style', (els) => els.length)).toBe(1);
    await page.close();
  });

  it('uses data-locale for the widgets and carries the sharer of a shared link on events', async () => {
    const page = await browser.newPage();
    await page.goto(`${shop}?ref=v_friend42`);
    await page.waitForSelector('edgepick-recs[placement="for-you"] .ep-card:not(.ep-sk)');
    expect(await page.$eval('edgepick-recs[placement="for-you"] .ep-h', (e) => e.textContent)).toBe('Recommended for you');
    const sent = page.waitForRequest((r) => r.url().endsWith('/v1/sites/demo/events') && (r.postData() ?? '').includes('"add_to_cart"'), {
      timeout: 15_000,
    });
    await page.evaluate(() =>
      (window as unknown as { edgepick: { client: { track(e: object): void; flush(): Promise<void> } } }).edgepick.client.track({
        type: 'add_to_cart',
        itemId: 'p0001',
      }),
    );
    const events = JSON.parse((await sent).postData()!).events as { type: string; ref?: string }[];
    expect(events.find((e) => e.type === 'add_to_cart')?.ref).toBe('v_friend42');
    // data-share-slug: this storefront's shares go through its campaign link (routed into mini-programs).
    const link = await page.evaluate(() =>
      (
        window as unknown as { edgepick: { client: { shareLink(id: string, o: object): string; visitorId: string } } }
      ).edgepick.client.shareLink('p0001', { channel: 'wechat' }),
    );
    const visitor = await page.evaluate(
      () => (window as unknown as { edgepick: { client: { visitorId: string } } }).edgepick.client.visitorId,
    );
    expect(link).toBe(`${url}/r/spring-share?ref=${visitor}&item=p0001&ch=wechat`);
    await page.close();
  });
});
