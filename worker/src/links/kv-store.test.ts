import { describe, expect, it } from 'vitest';
import { type CompiledLink, LinkDefinition, linkKey, linkVersionKey } from '../../../schema/routing.js';
import { getLink, LINK_TTL_MS, putLink } from './kv-store.js';

/** A KV stand-in (string values by key) that counts reads per key and can be switched to failing. */
function fakeKv() {
  const data = new Map<string, string>();
  const reads = new Map<string, number>();
  let fail = false;
  const kv = {
    async get(key: string) {
      reads.set(key, (reads.get(key) ?? 0) + 1);
      if (fail) throw new Error('KV unavailable');
      const v = data.get(key);
      return v === undefined ? null : JSON.parse(v);
    },
    async put(key: string, value: string) {
      data.set(key, value);
    },
    async delete(key: string) {
      data.delete(key);
    },
  } as unknown as KVNamespace;
  return { kv, data, fail: (on = true) => (fail = on), reads: (key: string) => reads.get(key) ?? 0 };
}

const version = (slug: string, v: number, url = '/'): CompiledLink => ({
  site: 'demo',
  version: v,
  publishedAt: '2026-11-22T00:00:00Z',
  link: LinkDefinition.parse({ slug, default: { type: 'target', target: { kind: 'h5', url } } }),
});

describe('link store (KV pointer link/{slug} → immutable site/{site}/link/{slug}/v{n})', () => {
  it('writes the version body, then the pointer', async () => {
    const k = fakeKv();
    await putLink(k.kv, version('layout', 2));
    expect(JSON.parse(k.data.get(linkKey('layout'))!)).toEqual({ site: 'demo', version: 2 });
    expect(JSON.parse(k.data.get(linkVersionKey('demo', 'layout', 2))!)).toMatchObject({ version: 2, link: { slug: 'layout' } });
  });

  it('re-reads the pointer after the TTL but reads each version body once', async () => {
    const k = fakeKv();
    await putLink(k.kv, version('cached', 1));
    const t0 = 1_000_000;
    const first = await getLink(k.kv, 'cached', t0);
    expect(first?.version).toBe(1);
    expect(await getLink(k.kv, 'cached', t0 + 10)).toBe(first);
    expect(k.reads(linkKey('cached'))).toBe(1);
    // Same version after the TTL: the pointer is read again, the body is not, the object is reused.
    expect(await getLink(k.kv, 'cached', t0 + LINK_TTL_MS + 1)).toBe(first);
    expect(k.reads(linkKey('cached'))).toBe(2);
    expect(k.reads(linkVersionKey('demo', 'cached', 1))).toBe(1);
    // A new version is picked up at the next check.
    await putLink(k.kv, version('cached', 2, '/v2'));
    const second = await getLink(k.kv, 'cached', t0 + 2 * LINK_TTL_MS + 2);
    expect(second?.version).toBe(2);
    expect(second?.link.default).toEqual({ type: 'target', target: { kind: 'h5', url: '/v2' } });
  });

  it('keeps serving the last version when KV fails, or when the new version is missing or invalid', async () => {
    const k = fakeKv();
    await putLink(k.kv, version('flaky', 4));
    const t0 = 2_000_000;
    expect((await getLink(k.kv, 'flaky', t0))?.version).toBe(4);
    k.fail();
    expect((await getLink(k.kv, 'flaky', t0 + LINK_TTL_MS + 1))?.version).toBe(4);
    k.fail(false);
    k.data.set(linkKey('flaky'), JSON.stringify({ site: 'demo', version: 5 })); // body of v5 never written
    expect((await getLink(k.kv, 'flaky', t0 + 2 * LINK_TTL_MS + 2))?.version).toBe(4);
    k.data.set(linkVersionKey('demo', 'flaky', 5), JSON.stringify({ site: 'demo', version: 5, link: { slug: 'flaky' } }));
    expect((await getLink(k.kv, 'flaky', t0 + 3 * LINK_TTL_MS + 3))?.version).toBe(4);
  });

  it('answers null for a missing link and for a pointer or body that does not validate', async () => {
    const k = fakeKv();
    expect(await getLink(k.kv, 'missing-one', 1)).toBeNull();
    k.data.set(linkKey('broken-one'), JSON.stringify({ site: 'demo', version: 'x' }));
    expect(await getLink(k.kv, 'broken-one', 1)).toBeNull();
    // A body whose slug differs from the pointer's is refused (no cross-link confusion).
    k.data.set(linkKey('other-one'), JSON.stringify({ site: 'demo', version: 1 }));
    k.data.set(linkVersionKey('demo', 'other-one', 1), JSON.stringify(version('someone-else', 1)));
    expect(await getLink(k.kv, 'other-one', 1)).toBeNull();
  });
});
