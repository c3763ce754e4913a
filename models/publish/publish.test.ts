import { describe, expect, it } from 'vitest';
import { ActivePointer, kvKeys, VersionHistory } from '../../schema/pack-manifest.js';
import { encodePack, openPack, packToFile } from '../pack/index.js';
import { nonFinitePack } from '../pack/test-fixtures.js';
import { type KvTarget, publishPack } from './publish.js';

class MemoryKv implements KvTarget {
  map = new Map<string, string | Uint8Array>();
  writes: string[] = [];
  async get(key: string) {
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
    expect(JSON.parse((await kv.get(pointer.catalogKey!))!).items[0].title).toBe('A');
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
});
