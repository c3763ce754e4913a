import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { buildPack, packToFile } from '../../../models/pack/index.js';
import { inlineItemIdsPack } from '../../../models/pack/test-fixtures.js';
import { publishPack } from '../../../models/publish/publish.js';
import { kvKeys } from '../../../schema/pack-manifest.js';
import { catalog, knownModel, publish, testKv } from '../../../test/workers/fixtures.js';
import { createPackStore } from './site-store.js';

/** env with a KV that counts reads per key, a fake clock, and captured logs. */
function harness(options: { ttlMs?: number; refuseMs?: number; stuckMs?: number } = {}) {
  const reads: string[] = [];
  const kv = {
    get: (key: string, type?: 'text' | 'arrayBuffer') => {
      reads.push(key);
      return type ? env.PACKS.get(key, type as 'arrayBuffer') : env.PACKS.get(key);
    },
  } as unknown as KVNamespace;
  const clock = { t: 1_000_000 };
  const logs: string[] = [];
  const store = createPackStore({ ...options, now: () => clock.t, log: (m) => logs.push(m) });
  const storeEnv = { PACKS: kv, DEMO_SITE: 'demo' as const };
  const manifestReads = (site: string, version: string) =>
    reads.filter((k) => k === kvKeys.manifest(kvKeys.packPrefix(site, version))).length;
  return { store, storeEnv, clock, logs, reads, manifestReads };
}

describe('pack store', () => {
  it('loads a site once, with indexes, norms, popularity order and catalog', async () => {
    await publish('ps-load', 'v1');
    const h = harness();
    const { exists, model, config } = await h.store.get(h.storeEnv, 'ps-load');
    expect(exists).toBe(true);
    expect(config).toBeUndefined();
    expect(model?.version).toBe('v1');
    expect(model?.itemIndex.get('b3')).toBe(13);
    expect(model?.userIndex.get('bob')).toBe(1);
    expect(Array.from(model!.popularOrder.slice(0, 3))).toEqual([10, 11, 12]);
    expect(model!.itemNorms[10]).toBeCloseTo(1, 5);
    expect(model!.itemInvNorms[10] * model!.itemNorms[10]).toBeCloseTo(1, 6);
    expect(model!.catalog[0]?.title).toBe('Tea 0');
    expect(model!.catalogById.get('b9')?.category).toBe('pets');
    expect(model!.scratch.length).toBe(20);
  });

  it('serves item ids from the body (item_ids) and from packs published before it (ids inline in the manifest)', async () => {
    // Ids as workerd must decode them: non-ASCII, an emoji, and U+FEFF first (not a byte-order mark).
    const model = knownModel();
    const odd = ['\uFEFFa0', '玩具-001', '🧸 b'];
    model.itemIds = [...odd, ...model.itemIds.slice(3)];
    const { manifest, body } = await buildPack(model, { chunkSize: 64 });
    const legacy = await inlineItemIdsPack(manifest, body);
    expect(legacy.manifest.itemIds).toEqual(model.itemIds);
    for (const [site, pack] of [
      ['ps-ids-body', { manifest, body }],
      ['ps-ids-inline', legacy],
    ] as const) {
      await publishPack(testKv, site, packToFile(pack.manifest, pack.body), catalog, { force: true });
      const manifestJson = JSON.parse((await env.PACKS.get(kvKeys.manifest(kvKeys.packPrefix(site, 'v1'))))!);
      expect(manifestJson.itemIds).toEqual(pack === legacy ? model.itemIds : undefined);
      const h = harness();
      const { model: loaded } = await h.store.get(h.storeEnv, site);
      expect(loaded?.pack.itemIds).toEqual(model.itemIds);
      expect(odd.map((id) => loaded?.itemIndex.get(id))).toEqual([0, 1, 2]);
      expect(loaded?.catalog[13]?.title).toBe('Pet 3');
      expect(h.logs).toEqual([]);
    }
  });

  it('loads a pack once for concurrent cold requests (the others wait on plain state, not on its promise)', async () => {
    await publish('ps-shared', 'v1');
    const h = harness();
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => h.store.get(h.storeEnv, 'ps-shared')));
    expect(a.model).toBe(b.model);
    expect(b.model).toBe(c.model);
    expect(h.manifestReads('ps-shared', 'v1')).toBe(1);
    expect(h.reads.filter((k) => k === kvKeys.active('ps-shared'))).toHaveLength(1);
  });

  it('re-reads the pointer only after the TTL, and switches to a new version', async () => {
    await publish('ps-ttl', 'v1');
    const h = harness({ ttlMs: 5_000 });
    const first = await h.store.get(h.storeEnv, 'ps-ttl');
    await publish('ps-ttl', 'v2', { previous: ['v1'] });
    h.clock.t += 4_999;
    expect((await h.store.get(h.storeEnv, 'ps-ttl')).model).toBe(first.model);
    expect(h.reads.filter((k) => k === kvKeys.active('ps-ttl'))).toHaveLength(1);
    h.clock.t += 1;
    expect((await h.store.get(h.storeEnv, 'ps-ttl')).model?.version).toBe('v2');
    // Same version on the next check: nothing is downloaded again.
    h.clock.t += 5_000;
    await h.store.get(h.storeEnv, 'ps-ttl');
    expect(h.manifestReads('ps-ttl', 'v2')).toBe(1);
  });

  it('keeps serving the last good pack when a new one is corrupt, and does not re-download it every TTL', async () => {
    await publish('ps-keep', 'v1');
    const h = harness({ ttlMs: 5_000, refuseMs: 60_000 });
    await h.store.get(h.storeEnv, 'ps-keep');
    await publish('ps-keep', 'v2', { corrupt: 'flip' }); // no previous pointers
    h.clock.t += 5_000;
    expect((await h.store.get(h.storeEnv, 'ps-keep')).model?.version).toBe('v1');
    expect(h.logs.some((m) => m.includes('refusing pack v2') && m.includes('checksum'))).toBe(true);
    h.clock.t += 5_000;
    await h.store.get(h.storeEnv, 'ps-keep');
    expect(h.manifestReads('ps-keep', 'v2')).toBe(1);
    // After refuseMs it is tried again (a republish may have fixed it).
    h.clock.t += 60_000;
    await h.store.get(h.storeEnv, 'ps-keep');
    expect(h.manifestReads('ps-keep', 'v2')).toBe(2);
  });

  it('falls back through previous pointers in order, and has no model when nothing loads', async () => {
    await publish('ps-prev', 'v1');
    await publish('ps-prev', 'v2', { corrupt: 'truncate' });
    await publish('ps-prev', 'v3', { previous: ['v2', 'v1'], corrupt: 'flip' });
    const h = harness();
    expect((await h.store.get(h.storeEnv, 'ps-prev')).model?.version).toBe('v1');
    expect(h.logs.filter((m) => m.includes('refusing pack'))).toHaveLength(2);

    await publish('ps-none', 'v1', { corrupt: 'flip' });
    const none = await h.store.get(h.storeEnv, 'ps-none');
    expect(none.exists).toBe(true);
    expect(none.model).toBeUndefined();
  });

  it('refuses a manifest that is not JSON or a missing chunk', async () => {
    await publish('ps-bad', 'v1');
    await publish('ps-bad', 'v2', { previous: ['v1'] });
    await env.PACKS.put(kvKeys.manifest(kvKeys.packPrefix('ps-bad', 'v2')), '{not json');
    const h = harness();
    expect((await h.store.get(h.storeEnv, 'ps-bad')).model?.version).toBe('v1');
    await publish('ps-gap', 'v1');
    await publish('ps-gap', 'v2', { previous: ['v1'] });
    await env.PACKS.delete(kvKeys.chunk(kvKeys.packPrefix('ps-gap', 'v2'), 1));
    expect((await h.store.get(h.storeEnv, 'ps-gap')).model?.version).toBe('v1');
    expect(h.logs.some((m) => m.includes('chunk 1 is missing'))).toBe(true);
  });

  it('keeps the model when the pointer is unreadable, drops it when the pointer is deleted', async () => {
    await publish('ps-pointer', 'v1');
    const h = harness({ ttlMs: 1 });
    await h.store.get(h.storeEnv, 'ps-pointer');
    await env.PACKS.put(kvKeys.active('ps-pointer'), '{"version":');
    h.clock.t += 1;
    expect((await h.store.get(h.storeEnv, 'ps-pointer')).model?.version).toBe('v1');
    await env.PACKS.delete(kvKeys.active('ps-pointer'));
    h.clock.t += 1;
    const gone = await h.store.get(h.storeEnv, 'ps-pointer');
    expect(gone.model).toBeUndefined();
    expect(gone.exists).toBe(false);
  });

  it('knows sites by config, and the demo site without one', async () => {
    await env.PACKS.put(kvKeys.config('ps-config'), JSON.stringify({ id: 'ps-config', allowedOrigins: ['https://shop.example'] }));
    const h = harness();
    const site = await h.store.get(h.storeEnv, 'ps-config');
    expect(site).toMatchObject({ exists: true, config: { allowedOrigins: ['https://shop.example'], currency: 'CNY' } });
    expect(site.model).toBeUndefined();
    expect((await h.store.get(h.storeEnv, 'demo')).config?.allowedOrigins).toEqual(['http://localhost:*', 'http://127.0.0.1:*']);
    expect((await h.store.get(h.storeEnv, 'ps-nobody')).exists).toBe(false);
  });

  it('serves the cached state when KV fails after a first success, and fails loudly before', async () => {
    await publish('ps-kv', 'v1');
    let down = false;
    const flaky = {
      get: (key: string, type?: 'arrayBuffer') =>
        down ? Promise.reject(new Error('KV unavailable')) : type ? env.PACKS.get(key, type) : env.PACKS.get(key),
    } as unknown as KVNamespace;
    const clock = { t: 0 };
    const logs: string[] = [];
    const store = createPackStore({ now: () => clock.t, log: (m) => logs.push(m) });
    const e = { PACKS: flaky, DEMO_SITE: 'demo' as const };
    await store.get(e, 'ps-kv');
    down = true;
    clock.t += 10_000;
    expect((await store.get(e, 'ps-kv')).model?.version).toBe('v1');
    expect(logs.some((m) => m.includes('KV read failed'))).toBe(true);
    await expect(store.get(e, 'ps-kv-fresh')).rejects.toThrow('KV unavailable');
  });

  it('starts a new load when one has been in flight longer than stuckMs', async () => {
    await publish('ps-stuck', 'v1');
    let hang = true;
    const kv = {
      get: (key: string, type?: 'arrayBuffer') => (hang ? new Promise(() => {}) : type ? env.PACKS.get(key, type) : env.PACKS.get(key)),
    } as unknown as KVNamespace;
    const clock = { t: 0 };
    const store = createPackStore({ now: () => clock.t, stuckMs: 30_000 });
    const e = { PACKS: kv, DEMO_SITE: 'demo' as const };
    void store.get(e, 'ps-stuck'); // never settles: its request was cancelled, say
    hang = false;
    clock.t += 30_001;
    expect((await store.get(e, 'ps-stuck')).model?.version).toBe('v1');
  });

  it('serves from the version history after a restart when the pointer is invalid (fallbacks live outside the pointer)', async () => {
    await publish('ps-hist', 'v1');
    await publish('ps-hist', 'v2', { previous: ['v1'] });
    await env.PACKS.put(
      kvKeys.versions('ps-hist'),
      JSON.stringify({
        versions: ['v2', 'v1'].map((v) => ({
          version: v,
          packPrefix: kvKeys.packPrefix('ps-hist', v),
          catalogKey: kvKeys.catalog('ps-hist', v),
        })),
      }),
    );
    await env.PACKS.put(kvKeys.active('ps-hist'), '{"version": 3'); // truncated write, say
    const h = harness(); // a fresh isolate: nothing in memory
    const { model } = await h.store.get(h.storeEnv, 'ps-hist');
    expect(model?.version).toBe('v2');
    expect(h.logs.some((m) => m.includes('active pointer is invalid'))).toBe(true);
  });

  it('tries the history when every candidate of the pointer is refused', async () => {
    await publish('ps-hist2', 'v1');
    await publish('ps-hist2', 'v2', { corrupt: 'flip', previous: [] }); // no `previous` in the pointer
    await env.PACKS.put(
      kvKeys.versions('ps-hist2'),
      JSON.stringify({ versions: [{ version: 'v1', packPrefix: kvKeys.packPrefix('ps-hist2', 'v1') }] }),
    );
    const h = harness();
    expect((await h.store.get(h.storeEnv, 'ps-hist2')).model?.version).toBe('v1');
  });

  it('keeps the catalog when the active pack is refused and nothing else loads', async () => {
    await publish('ps-cat', 'v1', { corrupt: 'flip' });
    const h = harness();
    const state = await h.store.get(h.storeEnv, 'ps-cat');
    expect(state.model).toBeUndefined();
    expect(state.catalogById?.get('a3')?.title).toBe('Tea 3');
  });

  it('never makes a request await a load another request started; a cold burst downloads the pack once', async () => {
    await publish('ps-cold', 'v1');
    const h = harness();
    // 20 concurrent cold requests: one loads, the others poll plain state on their own timers.
    const states = await Promise.all(Array.from({ length: 20 }, () => h.store.get(h.storeEnv, 'ps-cold')));
    expect(new Set(states.map((s) => s.model)).size).toBe(1);
    expect(h.manifestReads('ps-cold', 'v1')).toBe(1);
    // Stale: one request refreshes with its own reads, the others get the stale state at once.
    h.clock.t += 10_000;
    const pointerReads = h.reads.filter((k) => k === kvKeys.active('ps-cold')).length;
    const stale = await Promise.all(Array.from({ length: 20 }, () => h.store.get(h.storeEnv, 'ps-cold')));
    expect(stale.every((s) => s.model?.version === 'v1')).toBe(true);
    expect(h.reads.filter((k) => k === kvKeys.active('ps-cold')).length - pointerReads).toBe(1);
  });

  it("answers stale requests at once while another request's refresh hangs (no request awaits another request's I/O)", async () => {
    await publish('ps-hang', 'v1');
    let hang = false;
    const kv = {
      get: (key: string, type?: 'arrayBuffer') => (hang ? new Promise(() => {}) : type ? env.PACKS.get(key, type) : env.PACKS.get(key)),
    } as unknown as KVNamespace;
    const clock = { t: 0 };
    const store = createPackStore({ now: () => clock.t, log: () => {} });
    const e = { PACKS: kv, DEMO_SITE: 'demo' as const };
    await store.get(e, 'ps-hang');
    hang = true;
    clock.t += 10_000;
    void store.get(e, 'ps-hang'); // this request's KV reads never settle
    const others = await Promise.race([
      Promise.all(Array.from({ length: 10 }, () => store.get(e, 'ps-hang'))),
      new Promise<'waited on another request'>((r) => setTimeout(() => r('waited on another request'), 1_000)),
    ]);
    expect(Array.isArray(others) && others.every((s) => s.model?.version === 'v1')).toBe(true);
  });
});
