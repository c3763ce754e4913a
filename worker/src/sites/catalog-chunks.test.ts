import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { CatalogManifest, kvKeys } from '../../../schema/pack-manifest.js';
import { catalog, publish } from '../../../test/workers/fixtures.js';
import { createPackStore } from './site-store.js';

const get = (path: string) => SELF.fetch(`https://edge.test${path}`);

/** The published catalog's manifest and chunk values (as text). */
async function chunksOf(site: string) {
  const key = kvKeys.catalog(site, 'v1');
  const manifest = CatalogManifest.parse(JSON.parse((await env.PACKS.get(key))!));
  const chunks = await Promise.all(Array.from({ length: manifest.chunks }, (_, i) => env.PACKS.get(kvKeys.catalogChunk(key, i))));
  return { key, manifest, chunks: chunks as string[] };
}

/** A pack store over the test KV that captures its log lines. */
function store() {
  const logs: string[] = [];
  return { logs, store: createPackStore({ log: (m) => logs.push(m) }), storeEnv: { PACKS: env.PACKS, DEMO_SITE: 'demo' as const } };
}

describe('a catalog published in chunks', () => {
  it('serves /items/:id for an item in the last of 3 chunks, with every catalog field', async () => {
    await publish('cc-three', 'v1', { catalogChunkSize: 1_000 });
    const { manifest, chunks } = await chunksOf('cc-three');
    expect(manifest).toMatchObject({ format: 'edgepick-catalog', chunks: 3, items: 20 });
    expect(JSON.parse(chunks[2]).items.map((i: { id: string }) => i.id)).toContain('b9');
    const item = await (await get('/v1/sites/cc-three/items/b9')).json();
    expect(item).toMatchObject({ id: 'b9', title: 'Pet 9', price: 14, category: 'pets', url: 'https://shop.example/p/b9' });
    // Recommendations carry catalog fields from every chunk.
    const popular = (await (await get('/v1/sites/cc-three/popular?k=20')).json()) as { items: { id: string; title?: string }[] };
    expect(popular.items.filter((i) => !i.title)).toEqual([]);
    const s = store();
    const state = await s.store.get(s.storeEnv, 'cc-three');
    expect(state.model?.catalogById.size).toBe(catalog.items.length);
    expect(s.logs).toEqual([]);
  });

  it('refuses the whole catalog, with a log line, when a chunk is missing or invalid or the count disagrees; the pack still serves', async () => {
    const cases: [string, (key: string, manifest: CatalogManifest) => Promise<void>, RegExp][] = [
      ['cc-missing', (key) => env.PACKS.delete(kvKeys.catalogChunk(key, 1)), /chunk 1 is missing/],
      ['cc-invalid', (key) => env.PACKS.put(kvKeys.catalogChunk(key, 2), '{"items":[{"title":"no id"}]}'), /chunk 2 is invalid/],
      ['cc-notjson', (key) => env.PACKS.put(kvKeys.catalogChunk(key, 0), '{"items":[{"id":"a0"'), /chunk 0 is invalid/],
      [
        'cc-count',
        (key, m) => env.PACKS.put(key, JSON.stringify({ ...m, items: m.items + 1 })),
        /has 20 items in its chunks, its manifest says 21/,
      ],
      ['cc-manifest', (key, m) => env.PACKS.put(key, JSON.stringify({ ...m, chunks: -1 })), /is missing or invalid/],
    ];
    for (const [site, damage, why] of cases) {
      await publish(site, 'v1', { catalogChunkSize: 1_000 });
      const { key, manifest } = await chunksOf(site);
      await damage(key, manifest);
      const s = store();
      const state = await s.store.get(s.storeEnv, site);
      expect(state.model?.version, site).toBe('v1');
      expect(state.model?.catalogById.size, site).toBe(0);
      expect(s.logs, site).toHaveLength(1);
      expect(s.logs[0], site).toMatch(new RegExp(`^site ${site}: catalog ${key} `));
      expect(s.logs[0], site).toMatch(why);
      expect(s.logs[0], site).toMatch(/; serving items without catalog fields$/);
    }
  });

  it('still reads a catalog published before chunking ({items} in one value)', async () => {
    await publish('cc-single', 'v1', { catalogChunkSize: 1_000 });
    await env.PACKS.put(kvKeys.catalog('cc-single', 'v1'), JSON.stringify(catalog));
    const s = store();
    const state = await s.store.get(s.storeEnv, 'cc-single');
    expect(state.model?.catalogById.get('b9')?.title).toBe('Pet 9');
    expect(s.logs).toEqual([]);
  });
});
