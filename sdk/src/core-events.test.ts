import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalApi, startLocalApi, wait } from '../test/local-api.js';
import { createClient } from './core.js';
import { ValidationError } from './errors.js';
import { type KeyValueStorage, memoryStorage } from './storage.js';

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api.close());

// Unhandled rejections (e.g. from a background flush) would be bugs: collect them per test.
let unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);
beforeEach(() => {
  api.requests = [];
  api.answer = () => ({ json: { accepted: 1, duplicates: 0, rejected: [] } });
  unhandled = [];
  process.on('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  await wait(20);
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

const down = () => ({ status: 503, json: { error: { code: 'internal', message: 'down' } } });
const client = (o: Partial<Parameters<typeof createClient>[0]> = {}) =>
  createClient({ site: 'demo', endpoint: api.endpoint, storage: memoryStorage(), ...o });
const stored = (s: KeyValueStorage, k: string) => JSON.parse(s.get(`ep:demo:${k}`) ?? 'null');

describe('event queue', () => {
  it('sends a full batch at once and the rest after flushInterval, each event complete', async () => {
    // A long flushInterval: the "not yet" checks must hold on a loaded CI machine too.
    const c = client({ batchSize: 3, flushInterval: 1_000, userId: 'u1' });
    for (const id of ['a', 'b', 'c']) c.track({ type: 'view', itemId: id });
    await wait(40);
    expect(api.requests).toHaveLength(1);
    c.track({ type: 'click', itemId: 'd', recommendationId: 'r_1', placement: 'for-you' });
    await wait(40);
    expect(api.requests).toHaveLength(1);
    await wait(1_200);
    expect(api.requests).toHaveLength(2);
    const events = api.events();
    expect(events.map((e) => e.type)).toEqual(['view', 'view', 'view', 'click']);
    expect(events[3]).toMatchObject({ itemId: 'd', recommendationId: 'r_1', placement: 'for-you', visitorId: c.visitorId, userId: 'u1' });
    for (const e of events) {
      expect(e.id).toMatch(/^e_[0-9a-z]{20}$/);
      expect(Math.abs(Date.now() - (e.ts as number))).toBeLessThan(5000);
    }
    expect(new Set(events.map((e) => e.id)).size).toBe(4);
    expect(api.requests[0]).toMatchObject({ method: 'POST', url: '/v1/sites/demo/events' });
    expect(c.pending()).toBe(0);
  });

  it('does not retry an event POST in-line; the queue keeps it for the next flush', async () => {
    api.answer = down;
    const c = client({ flushInterval: 60_000 });
    c.track({ type: 'view', itemId: 'p1' });
    await expect(c.flush()).rejects.toMatchObject({ name: 'HTTPError', status: 503 });
    expect(api.requests).toHaveLength(1);
    expect(c.pending()).toBe(1);
  });

  it('keeps events in storage while the API is down and sends them from the next page, once each', async () => {
    const storage = memoryStorage();
    api.answer = down;
    const first = client({ storage, flushInterval: 60_000 });
    first.track({ type: 'purchase', itemId: 'p1', quantity: 1, price: 9.9 });
    first.track({ type: 'add_to_cart', itemId: 'p2' });
    await expect(first.flush()).rejects.toMatchObject({ name: 'HTTPError', status: 503 });
    expect(first.pending()).toBe(2);
    expect(stored(storage, 'queue')).toHaveLength(2);
    // A new page load with the same storage, the API back.
    api.answer = () => ({ json: { accepted: 2, duplicates: 0, rejected: [] } });
    api.requests = [];
    const second = client({ storage, flushInterval: 30 });
    expect(second.pending()).toBe(2);
    await wait(120);
    expect(api.events().map((e) => e.type)).toEqual(['purchase', 'add_to_cart']);
    expect(api.events()[0]).toMatchObject({ quantity: 1, price: 9.9, visitorId: first.visitorId });
    expect(second.pending()).toBe(0);
    expect(stored(storage, 'queue')).toEqual([]);
  });

  it('backs off between failed background flushes', async () => {
    api.answer = down;
    const c = client({ flushInterval: 40 });
    c.track({ type: 'view', itemId: 'p1' });
    await wait(400);
    // Attempts at ≈40, 120, 280 ms (40 × 1, 2, 4): a fixed interval would have made ~10.
    expect(api.requests.length).toBeGreaterThanOrEqual(2);
    expect(api.requests.length).toBeLessThanOrEqual(4);
    expect(c.pending()).toBe(1);
    c.setConsent('denied'); // stops the retries
  });

  it('drops a batch the API refuses with a 4xx instead of resending it forever', async () => {
    api.answer = () => ({ status: 400, json: { error: { code: 'invalid_request', message: 'bad batch' } } });
    const c = client({ flushInterval: 60_000 });
    c.track({ type: 'view', itemId: 'p1' });
    await c.flush();
    expect(c.pending()).toBe(0);
  });

  it('de-duplicates events by id on the client', async () => {
    const c = client({ flushInterval: 60_000 });
    c.track({ type: 'purchase', itemId: 'p1', id: 'order-1001-p1' });
    c.track({ type: 'purchase', itemId: 'p1', id: 'order-1001-p1' });
    expect(c.pending()).toBe(1);
    await c.flush();
    expect(api.events().map((e) => e.id)).toEqual(['order-1001-p1']);
    expect(() => c.track({ type: 'view', itemId: 'p1', id: 'short' })).toThrow(ValidationError);
    expect(() => c.track({ type: 'like' as 'view', itemId: 'p1' })).toThrow(/track\(\) needs/);
  });

  it('never leaves an unhandled rejection when background flushes fail', async () => {
    api.answer = down;
    const c = client({ batchSize: 1, flushInterval: 60_000 });
    for (let i = 0; i < 5; i++) c.track({ type: 'view', itemId: `p${i}` });
    await wait(100);
    expect(c.pending()).toBe(5);
  });

  it('attaches the sharer (ref) to this visit’s events, but never the visitor’s own id', async () => {
    const storage = memoryStorage();
    const c = client({ storage, ref: 'v_friend', flushInterval: 60_000 });
    c.track({ type: 'purchase', itemId: 'p1' });
    await c.flush();
    const self = client({ storage, ref: c.visitorId, flushInterval: 60_000 });
    self.track({ type: 'view', itemId: 'p2' });
    await self.flush();
    // Ids the API would refuse (and with them the whole event) are ignored.
    const odd = client({ ref: `${'x'.repeat(129)}`, flushInterval: 60_000 });
    odd.track({ type: 'view', itemId: 'p3' });
    await odd.flush();
    expect(api.events().map((e) => e.ref)).toEqual(['v_friend', undefined, undefined]);
  });

  it('gives the sharer to the landing item’s recent entry only, kept on the device, so picks show it first', async () => {
    const storage = memoryStorage();
    const c = client({ storage, ref: 'v_friend', flushInterval: 60_000 });
    c.track({ type: 'impression', itemId: 'p0' }); // a widget card shown first: not the landing item
    c.track({ type: 'view', itemId: 'p1' }); // the shared product
    c.track({ type: 'click', itemId: 'p2' });
    const recentOf = async (x: ReturnType<typeof client>) => {
      await x.recommend();
      return JSON.parse(api.reads().at(-1)!.body).recent.map((r: { itemId: string; ref?: string }) => `${r.itemId}:${r.ref}`);
    };
    expect(await recentOf(c)).toEqual(['p1:v_friend', 'p2:undefined']);
    // The next page (no ?ref= any more) still sends it: an anonymous shopper gets the item back.
    expect(await recentOf(client({ storage, flushInterval: 60_000 }))).toEqual(['p1:v_friend', 'p2:undefined']);
    // The events of the visit carry the sharer as before.
    await c.flush();
    expect(api.events().map((e) => `${e.type}:${e.ref}`)).toEqual(['impression:v_friend', 'view:v_friend', 'click:v_friend']);
  });

  it('takes a sharer given with an event (a mini-program page’s query), never the shopper’s own id or a malformed one', async () => {
    const c = client({ userId: 'u_me', flushInterval: 60_000 });
    c.track({ type: 'view', itemId: 'p1', ref: 'u_alice' });
    c.track({ type: 'view', itemId: 'p2', ref: c.visitorId }); // opened their own share
    c.track({ type: 'view', itemId: 'p3', ref: 'u_me' }); // signed in as the sharer
    c.track({ type: 'view', itemId: 'p4', ref: 'not an id!' }); // would cost the whole event at the API
    c.setUserId('u_bob');
    c.track({ type: 'view', itemId: 'p5', ref: 'u_bob' });
    expect(c.recent().map((r) => `${r.itemId}:${r.ref}`)).toEqual([
      'p1:u_alice',
      'p2:undefined',
      'p3:undefined',
      'p4:undefined',
      'p5:undefined',
    ]);
    await c.flush();
    expect(api.events().map((e) => `${e.itemId}:${e.ref}`)).toEqual([
      'p1:u_alice',
      'p2:undefined',
      'p3:undefined',
      'p4:undefined',
      'p5:undefined',
    ]);
    // The option is checked against the user id too.
    const self = client({ userId: 'u_me', ref: 'u_me', flushInterval: 60_000 });
    self.track({ type: 'view', itemId: 'p6' });
    expect(self.recent()[0].ref).toBeUndefined();
  });

  it('hands the queue to sendBeacon as text (no preflight) when the page is hidden, the site key in the query', async () => {
    const g = globalThis as { addEventListener?: unknown };
    const nav = navigator as unknown as Record<string, unknown>;
    const handlers: Record<string, () => void> = {};
    const beacons: { url: string; body: unknown }[] = [];
    g.addEventListener = (type: string, f: () => void) => (handlers[type] = f);
    Object.defineProperty(nav, 'sendBeacon', {
      configurable: true,
      value: (url: string, body: unknown) => beacons.push({ url, body }) > 0,
    });
    try {
      const c = client({ batchSize: 2, flushInterval: 60_000, key: 'ep_pub_k/+=' });
      api.answer = down; // the full batch fails, so three events stay queued
      c.track({ type: 'view', itemId: 'p1' });
      c.track({ type: 'add_to_cart', itemId: 'p1' });
      c.track({ type: 'click', itemId: 'p2' });
      await wait(30);
      handlers.pagehide();
      // A string body is sent as text/plain;charset=UTF-8, a CORS-safelisted type.
      expect(beacons.map((b) => typeof b.body)).toEqual(['string', 'string']);
      // A beacon cannot set headers: the key goes in the query, encoded.
      expect(beacons.map((b) => b.url)).toEqual(Array(2).fill(`${api.endpoint}/v1/sites/demo/events?key=ep_pub_k%2F%2B%3D`));
      expect(beacons.flatMap((b) => JSON.parse(b.body as string).events.map((e: { type: string }) => e.type))).toEqual([
        'view',
        'add_to_cart',
        'click',
      ]);
      // Still stored: resent later and de-duplicated by the API if the beacon did arrive.
      expect(c.pending()).toBe(3);
      // Without a key, the bare events URL.
      beacons.length = 0;
      const keyless = client({ flushInterval: 60_000 });
      keyless.track({ type: 'view', itemId: 'p3' });
      handlers.pagehide();
      expect(beacons.at(-1)!.url).toBe(`${api.endpoint}/v1/sites/demo/events`);
    } finally {
      delete g.addEventListener;
      delete nav.sendBeacon;
    }
  });
});

describe('channel', () => {
  it('tags every event with the client’s channel: from the transport, the option, or the event', async () => {
    const doc = globalThis as { document?: unknown };
    const c = client({ flushInterval: 60_000 }); // fetch outside a browser
    doc.document = {}; // fetch in a browser
    const web = (() => {
      try {
        return client({ flushInterval: 60_000 });
      } finally {
        delete doc.document;
      }
    })();
    const app = client({ flushInterval: 60_000, channel: 'app' });
    const own = client({ flushInterval: 60_000, transport: async () => ({ accepted: 1, duplicates: 0, rejected: [] }) });
    expect([c.channel, web.channel, app.channel, own.channel]).toEqual(['other', 'web', 'app', 'other']);
    c.track({ type: 'view', itemId: 'p1' });
    web.track({ type: 'view', itemId: 'p2' });
    app.track({ type: 'view', itemId: 'p3' });
    app.track({ type: 'view', itemId: 'p4', channel: 'wechat' }); // an H5 page inside a mini-program's web-view
    await Promise.all([c.flush(), web.flush(), app.flush()]);
    expect(api.events().map((e) => `${e.itemId}:${e.channel}`)).toEqual(['p1:other', 'p2:web', 'p3:app', 'p4:wechat']);
  });
});

describe('consent', () => {
  it('sends and stores nothing while pending, then everything once granted', async () => {
    const storage = memoryStorage();
    const c = client({ storage, consent: 'pending', flushInterval: 30 });
    c.track({ type: 'view', itemId: 'p1' });
    api.answer = () => ({ json: { recommendationId: 'r', source: 'popular', items: [] } });
    await c.recommend();
    await wait(80);
    expect(api.events()).toHaveLength(0);
    const body = JSON.parse(api.requests[0].body);
    expect(body.recent).toBeUndefined();
    expect(body.visitorId).toBeUndefined();
    expect(stored(storage, 'queue')).toBeNull();
    expect(stored(storage, 'recent')).toBeNull();
    api.answer = () => ({ json: { accepted: 1, duplicates: 0, rejected: [] } });
    c.setConsent('granted');
    expect(stored(storage, 'recent')).toHaveLength(1);
    await wait(80);
    expect(api.events().map((e) => e.type)).toEqual(['view']);
  });

  it('holds what an earlier page left unsent while pending, and sends it once granted', async () => {
    const storage = memoryStorage();
    api.answer = down;
    const first = client({ storage, flushInterval: 60_000 });
    first.track({ type: 'purchase', itemId: 'p1' });
    await expect(first.flush()).rejects.toMatchObject({ name: 'HTTPError', status: 503 });
    api.answer = () => ({ json: { accepted: 1, duplicates: 0, rejected: [] } });
    api.requests = [];
    const c = client({ storage, consent: 'pending', flushInterval: 30 });
    c.track({ type: 'view', itemId: 'p2' });
    await wait(80);
    expect(api.requests).toHaveLength(0);
    expect(stored(storage, 'queue')).toHaveLength(1); // untouched while pending
    c.setConsent('granted');
    await wait(80);
    expect(api.events().map((e) => e.type)).toEqual(['purchase', 'view']);
  });

  it('on denial drops queued events and the stored history, and tracks nothing after', async () => {
    const storage = memoryStorage();
    const c = client({ storage, flushInterval: 60_000 });
    c.track({ type: 'view', itemId: 'p1' });
    expect(stored(storage, 'queue')).toHaveLength(1);
    c.setConsent('denied');
    expect(stored(storage, 'queue')).toEqual([]);
    expect(stored(storage, 'recent')).toEqual([]);
    c.track({ type: 'click', itemId: 'p2' });
    await c.flush();
    expect(c.pending()).toBe(0);
    expect(api.events()).toHaveLength(0);
    expect(createClient({ site: 'demo', storage }).pending()).toBe(0);
  });

  it('treats Global Privacy Control as denied unless the developer decides', async () => {
    const nav = navigator as unknown as { globalPrivacyControl?: boolean };
    const storage = memoryStorage();
    client({ storage, flushInterval: 60_000 }).track({ type: 'view', itemId: 'p0' });
    Object.defineProperty(nav, 'globalPrivacyControl', { value: true, configurable: true });
    try {
      const c = client({ storage, flushInterval: 30 });
      expect(stored(storage, 'queue')).toEqual([]); // what an earlier page held is dropped too
      c.track({ type: 'click', itemId: 'p1' });
      await wait(80);
      expect(api.events()).toHaveLength(0);
      const explicit = client({ flushInterval: 30, consent: 'granted' });
      explicit.track({ type: 'click', itemId: 'p2' });
      await wait(80);
      expect(api.events().map((e) => e.itemId)).toEqual(['p2']);
    } finally {
      delete (nav as Record<string, unknown>).globalPrivacyControl;
    }
  });
});
