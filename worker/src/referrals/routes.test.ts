import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createSite } from '../../../test/workers/console.js';
import { waitForStored } from '../../../test/workers/stored-events.js';
import { forgetShares } from './public-routes.js';

const BASE = 'https://edge.test';

describe('GET /v1/admin/sites/:site/referrals', () => {
  it('attributes purchases two levels deep from events sent through the API, once per purchase even when retried', async () => {
    const { keys } = await createSite('ref-shop');
    const events = [
      // alice shares; bob arrives (wechat) and signs in; bob shares; carol arrives and buys twice in the mini-program.
      { id: 'ref-e-0001', type: 'view', visitorId: 'v-bob', itemId: 'p1', ref: 'alice', channel: 'wechat' },
      { id: 'ref-e-0002', type: 'view', visitorId: 'v-bob', userId: 'bob', itemId: 'p1' },
      { id: 'ref-e-0003', type: 'view', visitorId: 'v-carol', itemId: 'p2', ref: 'bob', channel: 'wechat' },
      {
        id: 'ref-e-0004',
        type: 'purchase',
        visitorId: 'v-carol-mp',
        userId: 'carol',
        itemId: 'p2',
        price: 30,
        quantity: 2,
        channel: 'wechat',
      },
      { id: 'ref-e-0005', type: 'view', visitorId: 'v-carol-mp', userId: 'carol', itemId: 'p2' },
      { id: 'ref-e-0006', type: 'purchase', visitorId: 'v-carol', itemId: 'p3', price: 10 },
      // alice opens her own share: ignored.
      { id: 'ref-e-0007', type: 'view', visitorId: 'v-alice', userId: 'alice', itemId: 'p1', ref: 'alice' },
    ];
    // carol signs in on the device she arrived on: her purchase in the mini-program (another visitor id)
    // is hers through the user id.
    events.push({ id: 'ref-e-0008', type: 'view', visitorId: 'v-carol', userId: 'carol', itemId: 'p2' });
    const post = (batch: object[]) =>
      SELF.fetch(`${BASE}/v1/sites/ref-shop/events?key=${keys.public}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ events: batch }),
      });
    expect((await post(events)).status).toBe(200);
    expect((await post(events.slice(3, 6))).status).toBe(200); // a retried batch
    await waitForStored(
      'ref-shop',
      events.map((e) => e.id),
    );
    const get = (path: string, token = keys.marketer) =>
      SELF.fetch(`${BASE}/v1/admin/sites/ref-shop/referrals${path}`, { headers: { authorization: `Bearer ${token}` } });
    const res = await get('');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { windowDays: number; sharers: { sharer: string; level1: object; level2: object }[] };
    expect(body.windowDays).toBe(7);
    const by = Object.fromEntries(body.sharers.map((s) => [s.sharer, s]));
    expect(by.bob.level1).toEqual({ visits: 1, purchases: 2, revenue: 70 });
    expect(by.alice.level1).toEqual({ visits: 1, purchases: 0, revenue: 0 });
    expect(by.alice.level2).toEqual({ visits: 1, purchases: 2, revenue: 70 });
    expect(await (await get('/bob')).json()).toEqual(by.bob);
    expect(await (await get('/nobody')).json()).toEqual({
      sharer: 'nobody',
      level1: { visits: 0, purchases: 0, revenue: 0 },
      level2: { visits: 0, purchases: 0, revenue: 0 },
    });
    expect((await get('', keys.public)).status).toBe(403);
    expect((await get('?from=2026-02-30')).status).toBe(400);
  });

  it('the chain A → B → C → D: A gets level 1 for B and level 2 for C, never anything for D; a forged ref on a purchase is ignored', async () => {
    const { keys } = await createSite('chain-shop');
    const ev = (n: number, e: Record<string, unknown>) => ({ id: `chain-e-${String(n).padStart(4, '0')}`, itemId: 'p1', ...e });
    const events = [
      ev(1, { type: 'view', visitorId: 'v-b', userId: 'B', ref: 'A' }), // A shares → B arrives
      ev(2, { type: 'purchase', visitorId: 'v-b', userId: 'B', price: 10 }), // B buys
      ev(3, { type: 'view', visitorId: 'v-c', userId: 'C', ref: 'B' }), // B shares → C arrives
      ev(4, { type: 'purchase', visitorId: 'v-c', userId: 'C', price: 20 }), // C buys
      ev(5, { type: 'view', visitorId: 'v-d', userId: 'D', ref: 'C' }), // C shares → D arrives
      ev(6, { type: 'purchase', visitorId: 'v-d', userId: 'D', price: 40 }), // D buys
      // E never arrived through a share; the purchase names M as sharer anyway (forged): nobody is credited,
      // and M's "referral" of E cannot start a chain either.
      ev(7, { type: 'purchase', visitorId: 'v-e', userId: 'E', price: 80, ref: 'M' }),
      ev(8, { type: 'view', visitorId: 'v-f', userId: 'F', ref: 'E' }),
      ev(9, { type: 'purchase', visitorId: 'v-f', userId: 'F', price: 5 }),
    ];
    const post = (batch: object[]) =>
      SELF.fetch(`${BASE}/v1/sites/chain-shop/events?key=${keys.public}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ events: batch }),
      });
    expect((await post(events)).status).toBe(200);
    expect((await post(events)).status).toBe(200); // retried: every purchase still counts once
    await waitForStored(
      'chain-shop',
      events.map((e) => e.id),
    );
    const res = await SELF.fetch(`${BASE}/v1/admin/sites/chain-shop/referrals`, { headers: { authorization: `Bearer ${keys.developer}` } });
    const by = Object.fromEntries(
      ((await res.json()) as { sharers: { sharer: string; level1: object; level2: object }[] }).sharers.map((s) => [s.sharer, s]),
    );
    expect(by.A.level1).toEqual({ visits: 1, purchases: 1, revenue: 10 }); // B's purchase
    expect(by.A.level2).toEqual({ visits: 1, purchases: 1, revenue: 20 }); // C's purchase, through B; never D's
    expect(by.B.level1).toEqual({ visits: 1, purchases: 1, revenue: 20 });
    expect(by.B.level2).toEqual({ visits: 1, purchases: 1, revenue: 40 });
    expect(by.C.level1).toEqual({ visits: 1, purchases: 1, revenue: 40 });
    expect(by.C.level2).toEqual({ visits: 0, purchases: 0, revenue: 0 });
    expect(by.M).toBeUndefined();
    expect(by.E.level1).toEqual({ visits: 1, purchases: 1, revenue: 5 });
    expect(by.E.level2).toEqual({ visits: 0, purchases: 0, revenue: 0 });
  });

  describe('GET /v1/sites/:site/shares/mine', () => {
    it('gives the shopper their own results, by the visitor id they shared under or signed in from', async () => {
      const { keys } = await createSite('mine-shop');
      const events = [
        { id: 'mine-e-0001', type: 'view', visitorId: 'v-dan', userId: 'dan', itemId: 'p1' },
        { id: 'mine-e-0002', type: 'view', visitorId: 'v-eve', itemId: 'p1', ref: 'dan' },
        { id: 'mine-e-0003', type: 'purchase', visitorId: 'v-eve', itemId: 'p1', price: 12.5 },
        { id: 'mine-e-0004', type: 'view', visitorId: 'v-fay', itemId: 'p2', ref: 'v-anon-sharer' },
      ];
      const sent = await SELF.fetch(`${BASE}/v1/sites/mine-shop/events?key=${keys.public}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ events }),
      });
      expect(sent.status).toBe(200);
      await waitForStored(
        'mine-shop',
        events.map((e) => e.id),
      );
      forgetShares();
      const mine = async (visitorId: string) =>
        (await (await SELF.fetch(`${BASE}/v1/sites/mine-shop/shares/mine?visitorId=${visitorId}&key=${keys.public}`)).json()) as {
          sharer: string;
          level1: { visits: number; purchases: number; revenue: number };
        };
      // dan's device (signed in as dan) sees dan's results; another device does not.
      expect(await mine('v-dan')).toMatchObject({ sharer: 'dan', level1: { visits: 1, purchases: 1, revenue: 12.5 } });
      expect(await mine('v-eve')).toMatchObject({ sharer: 'v-eve', level1: { visits: 0, purchases: 0, revenue: 0 } });
      expect(await mine('v-anon-sharer')).toMatchObject({ sharer: 'v-anon-sharer', level1: { visits: 1 } });
      // The public key is required for a site created through the API, and a visitor id must be given.
      expect((await SELF.fetch(`${BASE}/v1/sites/mine-shop/shares/mine?visitorId=v-dan`)).status).toBe(401);
      expect((await SELF.fetch(`${BASE}/v1/sites/mine-shop/shares/mine?key=${keys.public}`)).status).toBe(400);
    });
  });
});
