import { describe, expect, it } from 'vitest';
import { LinkDefinition } from '../../../schema/routing.js';
import { getLink, LINK_TTL_MS } from './link-store.js';

/** A KV stand-in that can be switched to failing, to show stale-beats-down. */
function flakyKv(value: unknown) {
  let fail = false;
  let reads = 0;
  const kv = {
    async get() {
      reads++;
      if (fail) throw new Error('KV unavailable');
      return value;
    },
  } as unknown as KVNamespace;
  return { kv, fail: () => (fail = true), reads: () => reads };
}

const compiled = {
  site: 'demo',
  version: 4,
  publishedAt: '2026-11-22T00:00:00Z',
  link: LinkDefinition.parse({ slug: 'flaky', default: { type: 'target', target: { kind: 'h5', url: '/' } } }),
};

describe('getLink', () => {
  it('reads KV at most once per TTL and keeps serving the last version when KV fails', async () => {
    const k = flakyKv(compiled);
    const t0 = 1_000_000;
    expect((await getLink(k.kv, 'flaky', t0))?.version).toBe(4);
    expect((await getLink(k.kv, 'flaky', t0 + 10))?.version).toBe(4);
    expect(k.reads()).toBe(1);
    k.fail();
    expect((await getLink(k.kv, 'flaky', t0 + LINK_TTL_MS + 1))?.version).toBe(4);
    expect(k.reads()).toBe(2);
  });

  it('answers null for a missing link, and refuses an invalid compiled value', async () => {
    expect(await getLink(flakyKv(null).kv, 'missing-one', 1)).toBeNull();
    expect(await getLink(flakyKv({ site: 'demo', version: 'x' }).kv, 'broken-one', 1)).toBeNull();
  });
});
