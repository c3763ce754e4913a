import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { waitForStored } from '../../../test/workers/stored-events.js';

const post = (body: string | object, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  SELF.fetch('https://edge.test/v1/sites/demo/events', {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const ev = (id: string, extra: object = {}) => ({
  id,
  type: 'click',
  visitorId: 'v_1',
  itemId: 'p0001',
  ts: 1767225600000,
  recommendationId: 'r_abc',
  placement: 'for-you',
  ...extra,
});

describe('events', () => {
  it('stores valid events once per id, a re-sent id included', async () => {
    const first = await post({ events: [ev('evt-00000001'), ev('evt-00000002', { type: 'purchase', quantity: 2, price: 19.9 })] });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    await waitForStored('demo', ['evt-00000001', 'evt-00000002']);
    // A retry of an already stored id is taken, and dropped by the pipeline.
    const again = await post({ events: [ev('evt-00000001', { type: 'purchase' }), ev('evt-00000003')] });
    expect(await again.json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    await waitForStored('demo', ['evt-00000003']);
    const rows = await env.DB.prepare('SELECT id, type, recommendation_id, quantity FROM events WHERE site = ? ORDER BY id')
      .bind('demo')
      .all();
    expect(rows.results).toEqual([
      { id: 'evt-00000001', type: 'click', recommendation_id: 'r_abc', quantity: null },
      { id: 'evt-00000002', type: 'purchase', recommendation_id: 'r_abc', quantity: 2 },
      { id: 'evt-00000003', type: 'click', recommendation_id: 'r_abc', quantity: null },
    ]);
  });

  it('rejects bad events one by one with reasons and keeps the good ones', async () => {
    const res = await post({
      events: [ev('evt-good-0001'), ev('evt-bad-00001', { type: 'teleport' }), { id: 'evt-bad-00002', type: 'view' }, 'nonsense'],
    });
    const body = (await res.json()) as { accepted: number; rejected: { index: number; id?: string; code: string; message: string }[] };
    expect(body.accepted).toBe(1);
    expect(body.rejected.map((r) => r.index)).toEqual([1, 2, 3]);
    expect(body.rejected[0]).toMatchObject({ id: 'evt-bad-00001', code: 'invalid_event' });
    expect(body.rejected[0].message).toMatch(/^type/);
  });

  it('accepts a text/plain body (navigator.sendBeacon)', async () => {
    const res = await post(JSON.stringify({ events: [ev('evt-beacon-01')] }), { 'content-type': 'text/plain;charset=UTF-8' });
    expect(((await res.json()) as { accepted: number }).accepted).toBe(1);
  });

  it('answers bad batches with 4xx', async () => {
    expect((await post('not json')).status).toBe(400);
    expect((await post({ events: [] })).status).toBe(400);
    expect((await post({ events: Array.from({ length: 101 }, (_, i) => ev(`evt-many-${String(i).padStart(4, '0')}`)) })).status).toBe(400);
    const big = await post({ events: [ev('evt-big-00001', { placement: 'x'.repeat(300_000) })] });
    expect(big.status).toBe(413);
    const unknownSite = await SELF.fetch('https://edge.test/v1/sites/ghost/events', {
      method: 'POST',
      body: JSON.stringify({ events: [ev('evt-ghost-001')] }),
    });
    expect(unknownSite.status).toBe(404);
  });

  it('stores every field, the server receive time and the event as sent', async () => {
    const before = Date.now();
    const sent = ev('evt-fields-001', {
      type: 'purchase',
      userId: 'u1',
      ref: 'v_sharer',
      quantity: 3,
      price: 12.5,
      extra: { note: 'kept raw' },
    });
    expect(((await (await post({ events: [sent] })).json()) as { accepted: number }).accepted).toBe(1);
    await waitForStored('demo', ['evt-fields-001']);
    const row = await env.DB.prepare('SELECT * FROM events WHERE site = ? AND id = ?')
      .bind('demo', 'evt-fields-001')
      .first<Record<string, unknown>>();
    expect(row).toMatchObject({
      type: 'purchase',
      visitor_id: 'v_1',
      user_id: 'u1',
      item_id: 'p0001',
      recommendation_id: 'r_abc',
      placement: 'for-you',
      ref: 'v_sharer',
      quantity: 3,
      price: 12.5,
      client_ts: 1767225600000,
    });
    expect(row!.received_at as number).toBeGreaterThanOrEqual(before);
    expect(JSON.parse(row!.raw as string)).toEqual(sent);
  });

  it('refuses form bodies with 415 and other methods with 405', async () => {
    const form = await post('events=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    expect(((await form.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
    const get = await SELF.fetch('https://edge.test/v1/sites/demo/events');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('counts a repeated id within one batch as a duplicate', async () => {
    expect(await (await post({ events: [ev('evt-twice-0001'), ev('evt-twice-0001')] })).json()).toEqual({
      accepted: 1,
      duplicates: 1,
      rejected: [],
    });
  });
});
