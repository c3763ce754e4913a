import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleClient, createSite, signIn } from '../../../../test/workers/console.js';
import { publish } from '../../../../test/workers/fixtures.js';
import { waitForStored } from '../../../../test/workers/stored-events.js';

const BASE = 'https://edge.test';
const site = 'pl-shop';
const EVIL = '<script>alert(1)</script>';
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';
const page = (placement: string, query = '') => `/console/sites/${site}/placements/${encodeURIComponent(placement)}${query}`;

/** The rules as the admin API answers them. */
async function apiRules(placement: string, token: string) {
  const res = await SELF.fetch(`${BASE}/v1/admin/sites/${site}/placements/${encodeURIComponent(placement)}/rules`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { version: number; updatedBy?: string; rules: Record<string, unknown> };
}

/** The `base` version of the page's rules form. */
const baseOf = (html: string) => /name="base" value="(\d+)"/.exec(html)?.[1] ?? '';
/** The text of the messages under a field (`pr-{name}-error`), tags stripped. */
const errorsOf = (html: string, name: string) =>
  (new RegExp(`<ul class="field-error plain" id="pr-${name}-error">(.*?)</ul>`, 's').exec(html)?.[1] ?? '')
    .split('</li>')
    .map((s) => s.replace(/<[^>]+>/g, '').trim())
    .filter(Boolean);
/** Cells of each body row of `<table id="{id}">`, tags stripped. */
const rowsOf = (html: string, id: string) =>
  [...(new RegExp(`<table id="${id}"[^>]*>.*?<tbody>(.*?)</tbody>`, 's').exec(html)?.[1] ?? '').matchAll(/<tr>(.*?)<\/tr>/gs)].map((m) =>
    [...m[1].matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/gs)].map((c) =>
      c[1]
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    ),
  );

/** Opens the placement's page and posts its form with `fields` (the page's own CSRF token and base version). */
async function save(client: ConsoleClient, placement: string, fields: Record<string, string>) {
  const html = await (await client.get(page(placement, '?lang=en'))).text();
  return client.post(page(placement, '?lang=en'), { base: baseOf(html), ...fields });
}

let keys: Awaited<ReturnType<typeof createSite>>['keys'];
let marketer: ConsoleClient;

beforeAll(async () => {
  ({ keys } = await createSite(site));
  await publish(site, 'v1');
  marketer = await signIn(keys.marketer);
});

describe('console placements (merchandising rules)', () => {
  it('lets a marketer create rules through the form: filter, pin, boost and cap, stored as version 1', async () => {
    const home = await marketer.get(`/console/sites/${site}/placements?lang=en`);
    expect(home.status).toBe(200);
    const homeHtml = await home.text();
    expect(homeHtml).toMatch(/<a href="\/console\/sites\/pl-shop\/placements" aria-current="page">Placements<\/a>/);
    expect(homeHtml).toContain('No placement has rules yet.');

    const res = await save(marketer, 'home', {
      category: 'tea, pets',
      excludeTags: 'adult',
      maxPrice: '60',
      pins: 'b9 1\n\na7   3',
      b0_category: 'pets',
      b0_weight: '-2',
      b1_tags: 'new-season，spring',
      b1_minPrice: '10',
      b1_weight: '1.5',
      b2_category: '',
      b2_weight: '',
      excludePurchased: '1',
      maxPerCategory: '3',
      rotation: '1',
      afterImpressions: '',
      hours: '48',
      exploreRate: '10',
      explorePosition: '5',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/sites/pl-shop/placements/home?saved=1');

    const stored = await apiRules('home', keys.marketer);
    expect(stored.version).toBe(1);
    expect(stored.updatedBy).toMatch(/^key:/);
    expect(stored.rules).toEqual({
      filter: { category: ['tea', 'pets'], excludeTags: ['adult'], maxPrice: 60 },
      pins: [
        { itemId: 'b9', position: 1 },
        { itemId: 'a7', position: 3 },
      ],
      boosts: [
        { when: { category: ['pets'] }, weight: -2 },
        { when: { tags: ['new-season', 'spring'], minPrice: 10 }, weight: 1.5 },
      ],
      excludePurchased: true,
      maxPerCategory: 3,
      rotation: { afterImpressions: 3, hours: 48 },
      explore: { rate: 0.1, position: 5 },
    });

    const after = await (await marketer.get(res.headers.get('location')!.replace('?', '?lang=en&'))).text();
    const hint = keys.marketer.slice(-4);
    expect(after).toMatch(
      new RegExp(`Saved as version 1 by marketer key …${hint} at <time datetime="[^"]+">\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC</time>`),
    );
    // The form shows what is stored, as a marketer typed it.
    expect(after).toMatch(/id="pr-category" name="category" type="text" value="tea, pets"/);
    expect(after).toMatch(/<textarea id="pr-pins"[^>]*>\s*b9 1\na7 3<\/textarea>/);
    expect(after).toContain('name="b1_tags" type="text" value="new-season, spring"');
    expect(after).toMatch(/id="pr-rotation" name="rotation" value="1" checked/);
    expect(after).toContain('name="exploreRate" type="text" value="10"');
    expect(baseOf(after)).toBe('1');

    const list = await (await marketer.get(`/console/sites/${site}/placements?lang=en`)).text();
    expect(rowsOf(list, 'placements')).toEqual([['home', '1', expect.stringMatching(/ UTC$/), `marketer key …${hint}`]]);
  });

  it('refuses bad input with each message next to its field, keeps what was typed and stores nothing', async () => {
    const res = await save(marketer, 'bad', {
      minPrice: '50',
      maxPrice: '10',
      pins: 'a1 1\na2 1\njust-an-id',
      b0_category: 'tea',
      b0_weight: '0',
      b1_tags: 'x',
      b1_weight: '',
      maxPerCategory: 'lots',
      exploreRate: '150',
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(errorsOf(html, 'minPrice')).toEqual(['minPrice must be ≤ maxPrice']);
    expect(errorsOf(html, 'pins')).toEqual([
      'line 3: write “itemId position” on each line, e.g. p0042 1',
      'line 2: position 1 is already taken (line 1)',
    ]);
    expect(errorsOf(html, 'b0_weight')).toEqual([expect.stringContaining('a weight of 0 changes nothing')]);
    expect(errorsOf(html, 'b1_weight')).toEqual(['enter a weight (−5 to 5, not 0)']);
    expect(errorsOf(html, 'maxPerCategory')).toEqual(['“lots”: not a number']);
    expect(errorsOf(html, 'exploreRate')).toEqual(['enter a percentage from 0 to 100']);
    expect(html).toMatch(/id="pr-minPrice"[^>]*aria-invalid="true" aria-describedby="pr-minPrice-error"/);
    expect(html).toMatch(/<div class="notice error" role="alert" id="pr-form-error"><p>Nothing was saved: fix the 7 problem/);
    // What was typed is still there.
    expect(html).toContain('name="minPrice" type="text" value="50"');
    expect(html).toMatch(/<textarea[^>]*>\s*a1 1\na2 1\njust-an-id<\/textarea>/);
    expect(html).toContain('name="b0_weight" type="number" value="0"');
    expect(html).toContain('name="maxPerCategory" type="text" value="lots"');
    expect((await apiRules('bad', keys.marketer)).version).toBe(0);
  });

  it('refuses a public key at sign-in; a developer may edit, and a save over a newer version asks first', async () => {
    await expect(signIn(keys.public)).rejects.toThrow(/sign-in failed: 401/);
    const developer = await signIn(keys.developer);
    const opened = await (await developer.get(page('cart', '?lang=en'))).text();
    expect(opened).toContain('No rules yet');
    // Meanwhile a marketer saves version 1.
    expect((await save(marketer, 'cart', { maxPerCategory: '2', excludePurchased: '1' })).status).toBe(303);
    const stale = await developer.post(page('cart', '?lang=en'), { base: baseOf(opened), maxPerCategory: '4' });
    expect(stale.status).toBe(409);
    const staleHtml = await stale.text();
    expect(staleHtml).toContain('Version 1 was saved by marketer key');
    expect(staleHtml).toContain('name="maxPerCategory" type="text" value="4"');
    expect((await apiRules('cart', keys.developer)).rules).toEqual({ excludePurchased: true, maxPerCategory: 2 });
    // Saving again (the page now carries version 1) replaces it.
    const again = await developer.post(page('cart', '?lang=en'), { base: baseOf(staleHtml), maxPerCategory: '4' });
    expect(again.status).toBe(303);
    const stored = await apiRules('cart', keys.developer);
    expect(stored).toMatchObject({ version: 2, rules: { excludePurchased: false, maxPerCategory: 4 } });
  });

  it('previews the saved rules as a shopper: the pinned item labelled, and the rules fallback explained', async () => {
    expect((await save(marketer, 'preview', { pins: 'b9 1', excludePurchased: '1', exploreRate: '0' })).status).toBe(303);
    const html = await (await marketer.get(page('preview', '?lang=en&see=1&userId=&visitorId=v_preview&recent=a0,a1:click'))).text();
    expect(html).toMatch(/<span class="badge" data-source="realtime">realtime<\/span>/);
    const picks = rowsOf(html, 'shopper-picks');
    expect(picks[0]).toEqual(['1', 'Pet 9 b9', expect.any(String), '14 CNY', 'pinned pinned (a fixed position in the rules)']);
    expect(picks[1][4]).toMatch(/^because_you_viewed like what they viewed: a[01]$/);
    expect(html).toContain('value="v_preview"');

    // Tea only, and the shopper has seen every tea: no personal pick is left, popular tea comes back.
    expect((await save(marketer, 'tea-only', { category: 'tea', excludePurchased: '1' })).status).toBe(303);
    const allTea = Array.from({ length: 10 }, (_, i) => `a${i}`).join(',');
    const fallback = await (await marketer.get(page('tea-only', `?lang=en&see=1&recent=${allTea}`))).text();
    expect(fallback).toContain('data-source="rules_fallback"');
    expect(rowsOf(fallback, 'shopper-picks')[0]).toEqual(['1', 'Tea 0 a0', expect.any(String), '10 CNY', 'popular among the most popular']);
    expect(fallback).toContain('the placement rules&#39; fallback: no personal pick within the rules, popular items instead');

    const bad = await (await marketer.get(page('tea-only', `?lang=en&see=1&visitorId=${'v'.repeat(129)}`))).text();
    expect(bad).toMatch(/<p class="field-error" id="shopper-visitorId-error">Invalid: [^<]*128/);
  });

  it('renders <script> in a placement name and an item id as text', async () => {
    const open = await marketer.get(`/console/sites/${site}/placements?open=${encodeURIComponent(EVIL)}`);
    expect(open.status).toBe(303);
    expect(open.headers.get('location')).toBe(page(EVIL));
    expect((await save(marketer, EVIL, { pins: `${EVIL} 1`, excludePurchased: '1' })).status).toBe(303);
    expect((await apiRules(EVIL, keys.marketer)).rules).toEqual({ excludePurchased: true, pins: [{ itemId: EVIL, position: 1 }] });
    const html = await (await marketer.get(page(EVIL, '?lang=en'))).text();
    expect(html).toContain(`<code id="placement-name">${ESCAPED}</code>`);
    expect(html).toContain(`${ESCAPED} 1</textarea>`);
    expect(html).not.toContain(EVIL);
    const list = await (await marketer.get(`/console/sites/${site}/placements`)).text();
    expect(list).toContain(ESCAPED);
    expect(list).not.toContain(EVIL);
    // A value the schema refuses is named, escaped, in its message.
    const bad = await save(marketer, 'x', { category: `ok, ${EVIL}\u0007`, excludePurchased: '1' });
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(errorsOf(badHtml, 'category')).toEqual([`“${ESCAPED}\u0007”: holds a control character`]);
    expect(badHtml).not.toContain(EVIL);
  });

  it('answers 403 to a POST without the CSRF token and stores nothing', async () => {
    const res = await marketer.post(page('nocsrf'), { base: '0', maxPerCategory: '2' }, { csrf: false });
    expect(res.status).toBe(403);
    expect((await apiRules('nocsrf', keys.marketer)).version).toBe(0);
  });

  it('lists placements seen in recent events, opens any by name, refuses a bad name and other sites', async () => {
    const events = ['widget-a', 'widget-b', 'home'].map((placement, i) => ({
      id: `plseen-${i}-evt`,
      type: 'impression',
      visitorId: 'v_plseen',
      itemId: 'a1',
      placement,
    }));
    const sent = await SELF.fetch(`${BASE}/v1/sites/${site}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-edgepick-key': keys.public },
      body: JSON.stringify({ events }),
    });
    expect(sent.status).toBeLessThan(300);
    await waitForStored(
      site,
      events.map((e) => e.id),
    );
    const html = await (await marketer.get(`/console/sites/${site}/placements?lang=en`)).text();
    const seen = /<ul class="chips" id="seen-placements">(.*?)<\/ul>/s.exec(html)?.[1] ?? '';
    // `home` has rules: it is in the table, not among the placements without rules.
    expect([...seen.matchAll(/>([^<]+)<\/a>/g)].map((m) => m[1])).toEqual(['widget-a', 'widget-b']);

    const bad = await marketer.get(`/console/sites/${site}/placements?lang=en&open=${'p'.repeat(65)}`);
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toMatch(/<ul class="field-error plain" id="open-error"><li>Not a placement name: [^<]*64/);
    expect(badHtml).toContain(`value="${'p'.repeat(65)}"`);
    const other = await createSite('pl-other');
    const stranger = await signIn(other.keys.marketer);
    expect((await stranger.get(`/console/sites/${site}/placements`)).status).toBe(403);
    expect((await stranger.post(page('home'), { base: '1', maxPerCategory: '1' })).status).toBe(403);
  });
});
