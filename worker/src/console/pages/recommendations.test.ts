import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleClient, createSite, rowsOf, signIn } from '../../../../test/workers/console.js';
import { publish } from '../../../../test/workers/fixtures.js';
import { waitForStored } from '../../../../test/workers/stored-events.js';

const BASE = 'https://edge.test';
const site = 'recs-page';
const EVIL = '<script>alert(1)</script>';
const REC_V1 = 'r_0123456789abcdef01.v1';
const REC_V2 = 'r_abcdef0123456789ab.v2';

let keys: Awaited<ReturnType<typeof createSite>>['keys'];
let developer: ConsoleClient;

beforeAll(async () => {
  ({ keys } = await createSite(site));
  await publish(site, 'v1');
  const base = { visitorId: 'v_recs' };
  const events = [
    // for-you × v1: 3 impressions, 1 click, 1 purchase of 2 × 20.
    { ...base, id: 'recspage-1', type: 'impression', itemId: 'a1', recommendationId: REC_V1, placement: 'for-you' },
    { ...base, id: 'recspage-2', type: 'impression', itemId: 'a2', recommendationId: REC_V1, placement: 'for-you' },
    { ...base, id: 'recspage-3', type: 'impression', itemId: 'b0', recommendationId: REC_V1, placement: 'for-you' },
    { ...base, id: 'recspage-4', type: 'click', itemId: 'a1', recommendationId: REC_V1, placement: 'for-you' },
    { ...base, id: 'recspage-5', type: 'purchase', itemId: 'a1', recommendationId: REC_V1, placement: 'for-you', price: 20, quantity: 2 },
    // cart × v2: 2 impressions, 2 clicks.
    { ...base, id: 'recspage-6', type: 'impression', itemId: 'a1', recommendationId: REC_V2, placement: 'cart' },
    { ...base, id: 'recspage-7', type: 'impression', itemId: 'b1', recommendationId: REC_V2, placement: 'cart' },
    { ...base, id: 'recspage-8', type: 'click', itemId: 'a1', recommendationId: REC_V2, placement: 'cart' },
    { ...base, id: 'recspage-9', type: 'click', itemId: 'b1', recommendationId: REC_V2, placement: 'cart' },
    // A placement named like markup; an organic purchase (no placement, no recommendation).
    { ...base, id: 'recspage-10', type: 'impression', itemId: 'b2', recommendationId: REC_V1, placement: EVIL },
    { ...base, id: 'recspage-11', type: 'purchase', itemId: 'b3', price: 5 },
  ];
  const sent = await SELF.fetch(`${BASE}/v1/sites/${site}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-edgepick-key': keys.public },
    body: JSON.stringify({ events }),
  });
  expect(await sent.json()).toMatchObject({ accepted: events.length });
  await waitForStored(
    site,
    events.map((e) => e.id),
  );
  developer = await signIn(keys.developer);
}, 30_000);

describe('console recommendations page', () => {
  it('shows a developer the totals per placement × model version, with CTR, purchases and revenue', async () => {
    const res = await developer.get(`/console/sites/${site}/recommendations?days=7&lang=en`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(rowsOf(html, 'totals')).toEqual([
      ['for-you', 'v1', '3', '1', '33.33%', '0', '1', 'CN¥40.00'],
      ['cart', 'v2', '2', '2', '100%', '0', '0', 'CN¥0.00'],
      ['&lt;script&gt;alert(1)&lt;/script&gt;', 'v1', '1', '0', '0%', '0', '0', 'CN¥0.00'],
      ['(no placement)', '(no recommendation id)', '0', '0', '–', '0', '1', 'CN¥5.00'],
      ['Total', '6', '3', '50%', '0', '2', 'CN¥45.00'],
    ]);
    // The range switch: 7 days is the current one.
    expect(html).toMatch(/<a href="\/console\/sites\/recs-page\/recommendations\?days=7" aria-current="page">Last 7 days<\/a>/);
  });

  it('draws the charts: impressions and clicks per placement, CTR per model version', async () => {
    const html = await (await developer.get(`/console/sites/${site}/recommendations?lang=en`)).text();
    expect(html.match(/<svg viewBox="0 0 600 /g)).toHaveLength(3);
    const legends = [...html.matchAll(/<ul class="legend">(.*?)<\/ul>/g)].map((m) =>
      [...m[1].matchAll(/<\/svg>([^<]+)<\/li>/g)].map((l) => l[1]),
    );
    expect(legends).toEqual([
      ['for-you', 'cart', '&lt;script&gt;alert(1)&lt;/script&gt;'],
      ['for-you', 'cart', '&lt;script&gt;alert(1)&lt;/script&gt;'],
      ['v1', 'v2'],
    ]);
    const today = new Date().toISOString().slice(5, 10);
    expect(html).toContain(`<title>${today} · for-you: 3</title>`);
    expect(html).toContain(`<title>${today} · v1: 25%</title>`);
    // 30 days by default, every day in the hidden table.
    expect(html).toMatch(/Last 30 days<\/a>/);
    expect(html.match(/<tr><th scope="row">\d\d-\d\d<\/th>/g)).toHaveLength(90);
  });

  it('lists the top recommended items with their catalog titles', async () => {
    const html = await (await developer.get(`/console/sites/${site}/recommendations?days=7&lang=en`)).text();
    const rows = rowsOf(html, 'top-items');
    // Most impressions first, then most clicks.
    expect(rows).toEqual([
      ['1', 'Tea 1 a1', '2', '2', '100%', '1'],
      ['2', 'Pet 1 b1', '1', '1', '100%', '0'],
      ['3', 'Tea 2 a2', '1', '0', '0%', '0'],
      ['4', 'Pet 0 b0', '1', '0', '0%', '0'],
      ['5', 'Pet 2 b2', '1', '0', '0%', '0'],
    ]);
    // b3 was bought without a recommendation: not a recommended item.
    expect(rows.map((r) => r[1])).not.toContain('Pet 3 b3');
  });

  it('renders a <script> in a placement name as text', async () => {
    const html = await (await developer.get(`/console/sites/${site}/recommendations?days=7`)).text();
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain(EVIL);
  });

  it('"see as a shopper": recent items give realtime picks, an unknown user popular ones', async () => {
    const realtime = await (await developer.get(`/console/sites/${site}/recommendations?lang=en&see=1&userId=&recent=a0,a1:click`)).text();
    expect(realtime).toMatch(/<span class="badge" data-source="realtime">realtime<\/span>/);
    const picks = rowsOf(realtime, 'shopper-picks');
    expect(picks).toHaveLength(10);
    // Tea shoppers get tea (a*), never the items they just saw.
    expect(picks[0][1]).toMatch(/^Tea \d a\d$/);
    expect(picks.map((p) => p[1])).not.toContain('Tea 0 a0');
    expect(picks.map((p) => p[1])).not.toContain('Tea 1 a1');
    expect(realtime).toContain('value="a0,a1:click"');

    const popular = await (await developer.get(`/console/sites/${site}/recommendations?lang=en&see=1&userId=nobody-known&recent=`)).text();
    expect(popular).toMatch(/data-source="popular"/);
    // The fixture's popularity favours b0, b1, …
    expect(rowsOf(popular, 'shopper-picks')[0]).toEqual(['1', 'Pet 0 b0', expect.any(String), '5 CNY']);

    const known = await (await developer.get(`/console/sites/${site}/recommendations?see=1&userId=alice`)).text();
    expect(known).toMatch(/data-source="model"/);
  });

  it('"see as a shopper" validates with the API schema and shows the error next to the field', async () => {
    const tooMany = Array.from({ length: 51 }, (_, i) => `a${i % 10}`).join(',');
    const html = await (
      await developer.get(`/console/sites/${site}/recommendations?lang=en&see=1&userId=${'u'.repeat(129)}&recent=${tooMany}`)
    ).text();
    expect(html).toMatch(
      /<input id="shopper-userId"[^>]*aria-invalid="true"[^>]*aria-describedby="shopper-userId-help shopper-userId-error"/,
    );
    expect(html).toMatch(/<p class="field-error" id="shopper-userId-error">Invalid: [^<]*128/);
    expect(html).toMatch(/<p class="field-error" id="shopper-recent-error">Invalid: [^<]*50/);
    expect(html).not.toContain('shopper-picks');
  });

  it('answers 403 to a marketer; says so when the site has no model', async () => {
    const marketer = await signIn(keys.marketer);
    expect((await marketer.get(`/console/sites/${site}/recommendations`)).status).toBe(403);
    const bare = await createSite('recs-bare');
    const dev = await signIn(bare.keys.developer);
    const res = await dev.get('/console/sites/recs-bare/recommendations?lang=en&see=1&recent=a1');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('This site has no model serving yet');
    expect(html).toContain('No data yet');
    expect(html).toContain('No events in this range yet.');
    // Another site's page is not this developer's.
    expect((await dev.get(`/console/sites/${site}/recommendations`)).status).toBe(403);
  });
});
