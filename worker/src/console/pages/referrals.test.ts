import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleClient, createSite, rowsOf, signIn } from '../../../../test/workers/console.js';
import { waitForStored } from '../../../../test/workers/stored-events.js';

const BASE = 'https://edge.test';
const site = 'refs-page';
const EVIL = '<script>alert(1)</script>';

let keys: Awaited<ReturnType<typeof createSite>>['keys'];
let marketer: ConsoleClient;
let developer: ConsoleClient;

beforeAll(async () => {
  ({ keys } = await createSite(site));
  // A → B → C → D: alice's share brings bob, who buys and shares; bob's share brings carol, who buys
  // and shares (as her visitor id); carol's share brings dan, who buys. A sharer named like markup brings eve.
  const events = [
    { id: 'refspage-01', type: 'view', visitorId: 'v-bob', userId: 'bob', itemId: 'p1', ref: 'alice', channel: 'wechat' },
    { id: 'refspage-02', type: 'purchase', visitorId: 'v-bob', userId: 'bob', itemId: 'p1', price: 20, quantity: 1 },
    { id: 'refspage-03', type: 'view', visitorId: 'v-carol', itemId: 'p2', ref: 'bob', channel: 'wechat' },
    { id: 'refspage-04', type: 'purchase', visitorId: 'v-carol', itemId: 'p2', price: 30, quantity: 2 },
    { id: 'refspage-05', type: 'view', visitorId: 'v-dan', itemId: 'p3', ref: 'v-carol', channel: 'baidu' },
    { id: 'refspage-06', type: 'purchase', visitorId: 'v-dan', itemId: 'p3', price: 5 },
    { id: 'refspage-07', type: 'view', visitorId: 'v-eve', itemId: 'p4', ref: EVIL },
    // bob opens his own share: no visit of his.
    { id: 'refspage-08', type: 'view', visitorId: 'v-bob', userId: 'bob', itemId: 'p2', ref: 'bob' },
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
  [marketer, developer] = await Promise.all([signIn(keys.marketer), signIn(keys.developer)]);
}, 30_000);

describe('console referrals page', () => {
  it('shows each sharer’s two levels, by level-1 revenue, with totals — never a third level', async () => {
    const res = await marketer.get(`/console/sites/${site}/referrals?days=7&lang=en`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(rowsOf(html, 'sharers')).toEqual([
      // sharer, level 1 visits / purchases / revenue, level 2 visits / purchases / revenue
      ['bob', '1', '1', 'CN¥60.00', '1', '1', 'CN¥5.00'],
      ['alice', '1', '1', 'CN¥20.00', '1', '1', 'CN¥60.00'], // nothing for dan's purchase (three levels down)
      ['v-carol', '1', '1', 'CN¥5.00', '0', '0', 'CN¥0.00'],
      ['&lt;script&gt;alert(1)&lt;/script&gt;', '1', '0', 'CN¥0.00', '0', '0', 'CN¥0.00'],
      ['Total', '4', '3', 'CN¥85.00', '2', '2', 'CN¥65.00'],
    ]);
    expect(html).toContain('4 sharers brought 4 visits, 3 purchases and CN¥85.00 in revenue (level 1).');
    expect(html).toMatch(/<a href="\/console\/sites\/refs-page\/referrals\?days=7" aria-current="page">Last 7 days<\/a>/);
    // The nav offers the page to a marketer, next to their links.
    expect(html).toMatch(/<a href="\/console\/sites\/refs-page\/referrals" aria-current="page">Referrals<\/a>/);
    expect(html).toContain('<a href="/console/sites/refs-page/links">Links</a>');
  });

  it('renders a sharer named like markup as text, in the table and on their own page', async () => {
    const html = await (await developer.get(`/console/sites/${site}/referrals?days=30`)).text();
    expect(html).toContain('分享效果');
    expect(html).not.toContain(EVIL);
    const href = /<a href="([^"]+)"><code>&lt;script&gt;/.exec(html)?.[1];
    expect(href).toBe(`/console/sites/${site}/referrals/${encodeURIComponent(EVIL)}?days=30`);
    const res = await developer.get(`${href}&lang=en`);
    expect(res.status).toBe(200);
    const detail = await res.text();
    expect(detail).not.toContain(EVIL);
    expect(detail).toContain('<h1>Sharer &lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(rowsOf(detail, 'sharer')).toEqual([
      ['Level 1 (own shares)', '1', '0', 'CN¥0.00', '0%'],
      ['Level 2 (people they brought)', '0', '0', 'CN¥0.00', '–'],
    ]);
  });

  it('shows one sharer: both levels with conversion and rank; an unknown one with zeros', async () => {
    const html = await (await marketer.get(`/console/sites/${site}/referrals/alice?days=7&lang=en`)).text();
    expect(rowsOf(html, 'sharer')).toEqual([
      ['Level 1 (own shares)', '1', '1', 'CN¥20.00', '100%'],
      ['Level 2 (people they brought)', '1', '1', 'CN¥60.00', '100%'],
    ]);
    expect(html).toContain('Ranked 2 of 4 sharers by level-1 revenue.');
    expect(html).toContain('<a href="/console/sites/refs-page/referrals?days=7">← All sharers</a>');
    const nobody = await (await marketer.get(`/console/sites/${site}/referrals/nobody?lang=en`)).text();
    expect(nobody).toContain('No results for this sharer in this range.');
    expect(rowsOf(nobody, 'sharer')[0]).toEqual(['Level 1 (own shares)', '0', '0', 'CN¥0.00', '–']);
  });

  it('looks a sharer up with a plain GET form', async () => {
    const res = await marketer.get(`/console/sites/${site}/referrals?days=7&sharer=${encodeURIComponent(' v-carol ')}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/console/sites/${site}/referrals/v-carol?days=7`);
  });

  it('is open to the site’s owner, marketer and developer, not to another site’s keys', async () => {
    const owner = await signIn('test-admin-token');
    for (const who of [owner, marketer, developer]) {
      expect((await who.get(`/console/sites/${site}/referrals`)).status).toBe(200);
      expect((await who.get(`/console/sites/${site}/referrals/alice`)).status).toBe(200);
    }
    const other = await createSite('refs-page-other');
    const stranger = await signIn(other.keys.marketer);
    const denied = await stranger.get(`/console/sites/${site}/referrals`);
    expect(denied.status).toBe(403);
    expect(await denied.text()).not.toContain('alice');
    expect((await stranger.get(`/console/sites/${site}/referrals/alice`)).status).toBe(403);
    // Signed out: to the sign-in page.
    const anon = await SELF.fetch(`${BASE}/console/sites/${site}/referrals`, { redirect: 'manual' });
    expect(anon.status).toBe(303);
    expect(anon.headers.get('location')).toMatch(/^\/console\/sign-in\?next=/);
  });

  it('says so when no share brought anyone in the range', async () => {
    const empty = await createSite('refs-page-empty');
    const html = await (await (await signIn(empty.keys.marketer)).get('/console/sites/refs-page-empty/referrals?lang=en')).text();
    expect(html).toContain('No visits through shares in this range yet.');
    expect(html).not.toContain('<table id="sharers"');
  });
});
