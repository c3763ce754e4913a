import { describe, expect, it } from 'vitest';
import { KV_VALUE_LIMIT, kvKeys } from '../../schema/pack-manifest.js';
import { buildPack, packToFile } from '../pack/index.js';
import { publishPack } from './publish.js';
import { readActivePack } from './read-active.js';

/** Workers KV in memory, as `publishPack` writes it and `readActivePack` reads it. */
class MemoryKv {
  map = new Map<string, string | Uint8Array>();
  async get(key: string) {
    const v = this.map.get(key);
    return v === undefined ? null : typeof v === 'string' ? v : new TextDecoder().decode(v);
  }
  async getBytes(key: string) {
    const v = this.map.get(key);
    return v === undefined ? null : typeof v === 'string' ? new TextEncoder().encode(v) : v;
  }
  async put(key: string, value: string | Uint8Array) {
    this.map.set(key, typeof value === 'string' ? value : value.slice());
  }
  async close() {}
}

const N = 1_000_000;

/** Id i, exactly 40 UTF-16 code units; every 1,000th is Chinese (3 UTF-8 bytes a character), every 1,000th + 1 has an emoji. */
function id(i: number): string {
  const prefix = i % 1000 === 0 ? '玩具-' : i % 1000 === 1 ? '🧸-' : 'shop-product-';
  return prefix + String(i).padStart(40 - prefix.length, '0');
}

describe('a shop of 1,000,000 items with 40-character ids', () => {
  it('fits KV: the manifest stays small, the ids go into the chunked body, and they read back exactly', async () => {
    const itemIds = Array.from({ length: N }, (_, i) => id(i));
    expect(itemIds[0]).toHaveLength(40);
    expect(itemIds[1]).toHaveLength(40);
    // Inline, as the manifest used to carry them, the ids alone (each `"…",` in JSON) overflow one KV value.
    expect(N * (40 + 3)).toBeGreaterThan(KV_VALUE_LIMIT);

    // One factor keeps the body (and the test) small: the ids are what this is about.
    const itemFactors = new Float32Array(N);
    const itemPopularity = new Float32Array(N);
    for (let i = 0; i < N; i++) {
      itemFactors[i] = (i % 7) / 7;
      itemPopularity[i] = i % 11;
    }
    const params = { factors: 1, regularization: 0.1, alpha: 1, eventWeights: { view: 1 } };
    const { manifest, body } = await buildPack({ params, factors: 1, itemIds, itemFactors, itemPopularity, interactions: N });
    const manifestBytes = new TextEncoder().encode(JSON.stringify(manifest)).byteLength;
    expect(manifestBytes).toBeLessThan(64 * 1024);
    expect(manifest.counts.items).toBe(N);
    expect(manifest.chunks).toBeGreaterThanOrEqual(2);

    // publish checks every KV value and key against the limits before writing, then writes the pack.
    const kv = new MemoryKv();
    const published = await publishPack(kv, 'big-shop', packToFile(manifest, body));
    expect(published).toMatchObject({ version: 'v1', chunks: manifest.chunks });
    expect((kv.map.get(kvKeys.manifest(kvKeys.packPrefix('big-shop', 'v1'))) as string).length).toBe(JSON.stringify(manifest).length);

    // What the worker reads: manifest + chunks from KV through the pack reader.
    const active = await readActivePack(kv, 'big-shop');
    const read = active!.pack.itemIds;
    expect(read).toHaveLength(N);
    let mismatches = 0;
    for (let i = 0; i < N; i++) if (read[i] !== itemIds[i]) mismatches++;
    expect(mismatches).toBe(0);
    expect([read[0], read[1], read[2]]).toEqual([id(0), id(1), id(2)]);
    expect(read[999_000]).toBe(`玩具-${'0'.repeat(31)}999000`);
  });
});
