import { describe, expect, it } from 'vitest';
import { ActivePointer, CatalogManifest, KV_VALUE_LIMIT, kvKeys, VersionHistory } from '../../schema/pack-manifest.js';
import { buildPack, encodePack, openPack, packToFile } from '../pack/index.js';
import { inlineItemIdsPack, nonFinitePack } from '../pack/test-fixtures.js';
import { checkKvLimits, type KvTarget, publishPack } from './publish.js';

class MemoryKv implements KvTarget {
  map = new Map<string, string | Uint8Array>();
  writes: string[] = [];
  reads: string[] = [];
  async get(key: string) {
    this.reads.push(key);
    const v = this.map.get(key);
    return v === undefined ? null : typeof v === 'string' ? v : new TextDecoder().decode(v);
  }
  async put(key: string, value: string | Uint8Array) {
    this.writes.push(key);
    this.map.set(key, typeof value === 'string' ? value : value.slice());
  }
}

const model = (seed: number) => ({
  params: { factors: 2, regularization: 0.1, alpha: 1, eventWeights: { view: 1 } },
  factors: 2,
  itemIds: ['a', 'b', 'c'],
  itemFactors: Float32Array.from([1, 0, 0, 1, seed, seed]),
  itemPopularity: Float32Array.from([3, 2, 1]),
  interactions: 6,
});

describe('publishPack', () => {
  it('refuses a pack with NaN values and a correct checksum before uploading anything', async () => {
    const kv = new MemoryKv();
    const { manifest, body } = await nonFinitePack('item_factors', Number.NaN);
    await expect(publishPack(kv, 'shop-nan', packToFile(manifest, body))).rejects.toThrow(/non-finite/);
    expect(kv.writes).toEqual([]);
  });

  it('keeps a version history apart from the pointer, and never reuses a version number when the pointer is lost', async () => {
    const kv = new MemoryKv();
    await publishPack(kv, 'shop-h', await encodePack(model(1)));
    await publishPack(kv, 'shop-h', await encodePack(model(2)));
    const history = VersionHistory.parse(JSON.parse((await kv.get(kvKeys.versions('shop-h')))!));
    expect(history.versions.map((v) => v.version)).toEqual(['v2', 'v1']);
    // The history is written before the pointer (the pointer is the switch).
    expect(kv.writes.slice(-2)).toEqual([kvKeys.versions('shop-h'), kvKeys.active('shop-h')]);
    await kv.put(kvKeys.active('shop-h'), '{not json');
    const res = await publishPack(kv, 'shop-h', await encodePack(model(3)));
    expect(res.version).toBe('v3');
  });

  it('writes every versioned key before the pointer, and the pack reads back', async () => {
    const kv = new MemoryKv();
    const res = await publishPack(kv, 'shop-1', await encodePack(model(1)), { items: [{ id: 'a', title: 'A' }] });
    expect(res.version).toBe('v1');
    expect(kv.writes.at(-1)).toBe(kvKeys.active('shop-1'));
    const pointer = ActivePointer.parse(JSON.parse((await kv.get(kvKeys.active('shop-1')))!));
    const manifest = JSON.parse((await kv.get(kvKeys.manifest(pointer.packPrefix)))!);
    const chunk = kv.map.get(kvKeys.chunk(pointer.packPrefix, 0)) as Uint8Array;
    const pack = await openPack(manifest, [chunk]);
    expect(pack.itemIds).toEqual(['a', 'b', 'c']);
    const catalogManifest = CatalogManifest.parse(JSON.parse((await kv.get(pointer.catalogKey!))!));
    expect(catalogManifest).toMatchObject({ format: 'edgepick-catalog', chunks: 1, items: 1 });
    expect(JSON.parse((await kv.get(kvKeys.catalogChunk(pointer.catalogKey!, 0)))!).items[0].title).toBe('A');
    // Chunks before their manifest, the manifest before the pointer.
    expect(kv.writes.indexOf(kvKeys.catalogChunk(pointer.catalogKey!, 0))).toBeLessThan(kv.writes.indexOf(pointer.catalogKey!));
  });

  it('increments the version, keeps the previous ones and the catalog when none is given', async () => {
    const kv = new MemoryKv();
    await publishPack(kv, 'shop', await encodePack(model(1)), { items: [] });
    const second = await publishPack(kv, 'shop', await encodePack(model(2)));
    expect(second).toMatchObject({ version: 'v2', previous: 'v1' });
    const pointer = ActivePointer.parse(JSON.parse((await kv.get(kvKeys.active('shop')))!));
    expect(pointer.previous.map((p) => p.version)).toEqual(['v1']);
    expect(pointer.catalogKey).toBe(kvKeys.catalog('shop', 'v1'));
  });

  it('refuses a corrupt pack, a bad site id and an invalid catalog before writing anything', async () => {
    const kv = new MemoryKv();
    const bytes = await encodePack(model(1));
    bytes[bytes.length - 1] ^= 1;
    await expect(publishPack(kv, 'shop', bytes)).rejects.toThrow(/checksum/);
    await expect(publishPack(kv, 'Shop!', await encodePack(model(1)))).rejects.toThrow(/--site/);
    await expect(publishPack(kv, 'shop', await encodePack(model(1)), { items: [{ title: 'no id' }] })).rejects.toThrow(
      /catalog is invalid at items.0.id/,
    );
    expect(kv.writes).toEqual([]);
  });

  it('refuses a catalog item, or a pack manifest, over the 25 MiB value limit before writing anything', async () => {
    const kv = new MemoryKv();
    // 33 MB in one product: no chunking can make it fit one KV value.
    const big = {
      items: [
        { id: 'a', title: 'A' },
        { id: 'big', title: 'B', description: 'x'.repeat(33_000_000) },
      ],
    };
    await expect(publishPack(kv, 'shop', await encodePack(model(1)), big)).rejects.toThrow(
      /^catalog item "big" is 31\.5 MiB as JSON, over KV's 25\.0 MiB value limit; nothing was uploaded$/,
    );
    // A pack written before the item_ids section has its ids in the manifest: two ids of 14 MB make a 28 MB manifest.
    const longIds = { ...model(1), itemIds: ['a'.repeat(14_000_000), 'b'.repeat(14_000_000), 'c'] };
    const built = await buildPack(longIds);
    const old = await inlineItemIdsPack(built.manifest, built.body);
    await expect(publishPack(kv, 'shop', packToFile(old.manifest, old.body))).rejects.toThrow(
      /^pack manifest \(3 item ids inline; rebuild the pack to move them into its body\) \(site\/shop\/pack\/v\d+\/manifest\) is 26\.7 MiB, over KV's 25\.0 MiB value limit; nothing was uploaded$/,
    );
    expect(kv.writes).toEqual([]);
    // Refused from what the files hold, before even reading the site's pointer.
    expect(kv.reads).toEqual([]);
    // Written now, the same ids lie in the body, which is chunked under the limit: the pack publishes.
    expect(await publishPack(kv, 'shop', packToFile(built.manifest, built.body))).toMatchObject({ version: 'v1', chunks: 2 });
    expect((kv.map.get(kvKeys.manifest(kvKeys.packPrefix('shop', 'v1'))) as string).length).toBeLessThan(4096);
  });

  it('checks every key against the 512-byte limit and every value against 25 MiB', () => {
    // 2 + 2·255 = 512 bytes is the largest key; one more character is over.
    expect(() => checkKvLimits([{ key: `k/${'é'.repeat(256)}`, value: '', what: 'a value' }])).toThrow(
      /^a value: key k\/é+… is 514 bytes, over KV's 512-byte key limit; nothing was uploaded$/,
    );
    expect(() => checkKvLimits([{ key: `k/${'é'.repeat(255)}`, value: new Uint8Array(KV_VALUE_LIMIT), what: 'a value' }])).not.toThrow();
    expect(() => checkKvLimits([{ key: 'k', value: new Uint8Array(KV_VALUE_LIMIT + 1), what: 'pack chunk 0' }])).toThrow(
      /^pack chunk 0 \(k\) is 25\.0 MiB, over KV's 25\.0 MiB value limit; nothing was uploaded$/,
    );
    expect(() => checkKvLimits([{ key: 'k', value: `"${'é'.repeat(KV_VALUE_LIMIT / 2)}"`, what: 'v' }])).toThrow(/value limit/);
  });

  it('stores a catalog of 33 MB in chunks under the limit, and reads it back whole', async () => {
    const kv = new MemoryKv();
    const items = Array.from({ length: 33_000 }, (_, i) => ({ id: `sku-${i}`, title: `商品 ${i}`, description: 'd'.repeat(1_000) }));
    const res = await publishPack(kv, 'shop', await encodePack(model(1)), { items });
    expect(res).toMatchObject({ catalogItems: 33_000, catalogChunks: 2 });
    const chunks = [0, 1].map((i) => kv.map.get(kvKeys.catalogChunk(kvKeys.catalog('shop', 'v1'), i)) as string);
    for (const c of chunks) expect(new TextEncoder().encode(c).byteLength).toBeLessThanOrEqual(20 * 1024 * 1024);
    expect(chunks.flatMap((c) => JSON.parse(c).items)).toEqual(items);
  });

  it('splits the catalog by the chunk size in order, an oversized item alone, and records count and checksum', async () => {
    const kv = new MemoryKv();
    const items = [
      ...Array.from({ length: 10 }, (_, i) => ({ id: `i${i}`, title: `Item ${i}` })),
      { id: 'long', title: 'L'.repeat(500) },
      { id: 'last', title: 'Last' },
    ];
    const res = await publishPack(kv, 'shop', await encodePack(model(1)), { items }, { catalogChunkSize: 100 });
    const key = kvKeys.catalog('shop', 'v1');
    const manifest = CatalogManifest.parse(JSON.parse((await kv.get(key))!));
    expect(manifest.items).toBe(12);
    expect(res.catalogChunks).toBe(manifest.chunks);
    const chunks = Array.from({ length: manifest.chunks }, (_, i) => kv.map.get(kvKeys.catalogChunk(key, i)) as string);
    expect(chunks.map((c) => JSON.parse(c).items.length)).toEqual([3, 3, 3, 1, 1, 1]);
    expect(chunks.filter((c) => c.length > 100).map((c) => JSON.parse(c).items[0].id)).toEqual(['long']);
    expect(chunks.flatMap((c) => JSON.parse(c).items)).toEqual(items);
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify(items))));
    expect(manifest.checksum.value).toBe(Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(''));
    expect(kv.map.has(kvKeys.catalogChunk(key, manifest.chunks))).toBe(false);
    await expect(publishPack(kv, 'shop', await encodePack(model(2)), { items }, { catalogChunkSize: 0 })).rejects.toThrow(/chunk size/);
  });

  it('writes nothing for a pack and catalog identical to the active ones, and a new version for any change', async () => {
    const kv = new MemoryKv();
    const catalog = { items: [{ id: 'a', title: 'A' }] };
    await publishPack(kv, 'shop', await encodePack(model(1), { createdAt: '2026-01-01T00:00:00Z' }), catalog);
    const before = kv.writes.length;
    // Re-encoded later and in other chunks, the same pack is the same: unchanged, with or without the catalog.
    const again = await encodePack(model(1), { createdAt: '2026-02-02T00:00:00Z', chunkSize: 8 });
    expect(await publishPack(kv, 'shop', again, catalog)).toMatchObject({ version: 'v1', unchanged: true, catalogItems: 1 });
    expect(await publishPack(kv, 'shop', again)).toMatchObject({ version: 'v1', unchanged: true });
    expect(kv.writes.length).toBe(before);
    // Another catalog, another pack, the same factors with another λ (same body, same id), or force: new versions.
    expect(await publishPack(kv, 'shop', again, { items: [{ id: 'a', title: 'A2' }] })).toMatchObject({ version: 'v2' });
    expect((await publishPack(kv, 'shop', await encodePack(model(2)))).version).toBe('v3');
    const otherLambda = await encodePack({ ...model(2), params: { ...model(2).params, regularization: 0.5 } });
    expect((await publishPack(kv, 'shop', otherLambda)).version).toBe('v4');
    expect((await publishPack(kv, 'shop', otherLambda)).unchanged).toBe(true);
    expect((await publishPack(kv, 'shop', otherLambda, undefined, { force: true })).version).toBe('v5');
  });

  it('compares with a catalog published before chunking ({items} in one value) by its products', async () => {
    const kv = new MemoryKv();
    const catalog = { items: [{ id: 'a', title: 'A', price: 3 }] };
    await publishPack(kv, 'shop', await encodePack(model(1)), catalog);
    await kv.put(kvKeys.catalog('shop', 'v1'), JSON.stringify(catalog)); // as an older publish wrote it
    expect((await publishPack(kv, 'shop', await encodePack(model(1)), catalog)).unchanged).toBe(true);
    expect((await publishPack(kv, 'shop', await encodePack(model(1)), { items: [{ id: 'a', title: 'A', price: 4 }] })).version).toBe('v2');
  });

  it('publishes anew when the active pack’s manifest is gone from KV (nothing to compare with)', async () => {
    const kv = new MemoryKv();
    await publishPack(kv, 'shop', await encodePack(model(1)));
    kv.map.delete(kvKeys.manifest(kvKeys.packPrefix('shop', 'v1')));
    expect((await publishPack(kv, 'shop', await encodePack(model(1)))).version).toBe('v2');
  });
});
