import { env, runDurableObjectAlarm, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { publish } from '../../../test/workers/fixtures.js';
import { waitForStored } from '../../../test/workers/stored-events.js';
import { HISTORY_MAX, shopperInteractions } from './history.js';

const site = 'shop-cross';
const events = (list: object[]) =>
  SELF.fetch(`https://edge.test/v1/sites/${site}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ events: list }),
  });
const picks = async (query: string) => {
  const res = await SELF.fetch(`https://edge.test/v1/sites/${site}/recommendations?${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as { source: string; items: { id: string }[] };
};

describe('one shopper across channels', () => {
  it('a click in the WeChat mini-program changes the web picks of the same userId, with no recent in the request', async () => {
    await publish(site, 'v1');
    // An unknown shopper gets popular picks: the b-items ("pets") are the most popular.
    const before = await picks('userId=u-cross&k=5');
    expect(before.source).toBe('popular');
    expect(before.items.every((i) => i.id.startsWith('b'))).toBe(true);
    const res = await events(
      ['a1', 'a2', 'a3'].map((itemId, i) => ({
        id: `cross-wx-${i}`,
        type: 'click',
        visitorId: 'v_wx_1',
        userId: 'u-cross',
        itemId,
        channel: 'wechat',
        ts: 1_000 + i,
      })),
    );
    expect(res.status).toBe(200);
    // The web request (another visitor id, no recent): folded in from the WeChat clicks.
    const after = await picks('userId=u-cross&visitorId=v_web_9&k=5');
    expect(after.source).toBe('realtime');
    expect(after.items.every((i) => i.id.startsWith('a'))).toBe(true);
    expect(after.items.map((i) => i.id)).not.toEqual(expect.arrayContaining(['a1']));
    // Another shopper is untouched.
    expect((await picks('userId=u-other&k=5')).source).toBe('popular');
  });

  it('counts a retried batch once, keeps the latest 50, ignores impressions and anonymous events', async () => {
    await publish(site, 'v1');
    const batch = Array.from({ length: 30 }, (_, i) => ({
      id: `cross-keep-${i}`,
      type: 'view',
      visitorId: 'v_k',
      userId: 'u-keep',
      itemId: `a${i % 10}`,
      ts: 10_000 + i,
    }));
    await events(batch);
    await events(batch); // a retry
    expect(await shopperInteractions(env, site, 'u-keep')).toHaveLength(30);
    await events(batch.map((e, i) => ({ ...e, id: `cross-keep-b-${i}`, ts: 20_000 + i })));
    const kept = await shopperInteractions(env, site, 'u-keep');
    expect(kept).toHaveLength(HISTORY_MAX);
    expect(kept.at(-1)?.ts).toBe(20_029);
    expect(kept[0].ts).toBe(10_010);
    await events([
      { id: 'cross-imp-1', type: 'impression', visitorId: 'v_i', userId: 'u-imp', itemId: 'a1' },
      { id: 'cross-anon-1', type: 'click', visitorId: 'v_anon', itemId: 'a1' },
    ]);
    expect(await shopperInteractions(env, site, 'u-imp')).toEqual([]);
  });

  it('carries an anonymous visitor’s history over at sign-in, to every channel', async () => {
    await publish(site, 'v1');
    // Browsing the web shop anonymously (visitor v_anon_web, no userId)…
    const anon = ['a4', 'a5', 'a6'].map((itemId, i) => ({
      id: `carry-anon-${i}`,
      type: 'click',
      visitorId: 'v_anon_web',
      itemId,
      channel: 'web',
      ts: 5_000 + i,
    }));
    expect((await events(anon)).status).toBe(200);
    await waitForStored(
      site,
      anon.map((e) => e.id),
    );
    expect((await picks('userId=u-signin&k=5')).source).toBe('popular');
    // …then signing in (setUserId): the next event carries both ids — an impression is enough.
    await events([{ id: 'carry-signin-1', type: 'impression', visitorId: 'v_anon_web', userId: 'u-signin', itemId: 'b1', channel: 'web' }]);
    const carried = await shopperInteractions(env, site, 'u-signin');
    expect(carried.map((i) => i.itemId)).toEqual(['a4', 'a5', 'a6']);
    expect(carried[0]).toMatchObject({ id: 'carry-anon-0', type: 'click', ts: 5_000, channel: 'web' });
    // The mini-program (another visitor id, no recent) now sees the web history.
    const mp = await picks('userId=u-signin&visitorId=v_wx_other&k=5');
    expect(mp.source).toBe('realtime');
    expect(mp.items.every((i) => i.id.startsWith('a'))).toBe(true);
    // Linking the same visitor again reads nothing more; another shopper's visitor is not adopted.
    await events([{ id: 'carry-signin-2', type: 'view', visitorId: 'v_anon_web', userId: 'u-signin', itemId: 'a7' }]);
    expect((await shopperInteractions(env, site, 'u-signin')).map((i) => i.itemId)).toEqual(['a4', 'a5', 'a6', 'a7']);
  });

  it('reads the visitor again later for anonymous events still in the pipeline at sign-in', async () => {
    await publish(site, 'v1');
    const anon = { id: 'carry-late-1', type: 'click', visitorId: 'v_late', itemId: 'a8', ts: 7_000 };
    // Sent in one batch with the sign-in event: not in D1 yet when the shopper is linked.
    await events([anon, { id: 'carry-late-2', type: 'impression', visitorId: 'v_late', userId: 'u-late', itemId: 'b2' }]);
    expect(await shopperInteractions(env, site, 'u-late')).toEqual([]);
    await waitForStored(site, ['carry-late-1']);
    const stub = env.SHOPPERS.get(env.SHOPPERS.idFromName(`${site}\u0000u-late`));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await shopperInteractions(env, site, 'u-late')).map((i) => i.id)).toEqual(['carry-late-1']);
  });
});
