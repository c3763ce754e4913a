import { env } from 'cloudflare:test';
import { encodePack } from '../../models/pack/file.js';
import type { PackInput } from '../../models/pack/writer.js';
import { type KvTarget, publishPack } from '../../models/publish/publish.js';
import { ActivePointer, kvKeys } from '../../schema/pack-manifest.js';

/**
 * A hand-made model with a known right answer: items a0..a9 point along dimension 0 ("tea"),
 * b0..b9 along dimension 1 ("pets"); popularity favours the b items. User "alice" likes a-items,
 * "bob" likes b-items. With `userItems` the pack also carries what each user was trained on, as
 * `edgepick train` writes it: alice a0 and a2, bob b1, and the anonymous visitor "v-anon"
 * (trained under their visitorId, a pets shopper) b0. Without it, a pack from before user items.
 */
export function knownModel(options: { userItems?: boolean } = {}): PackInput {
  const f = 4;
  const itemIds: string[] = [];
  const itemFactors: number[] = [];
  const itemPopularity: number[] = [];
  for (let i = 0; i < 10; i++) {
    itemIds.push(`a${i}`);
    itemFactors.push(1 - i * 0.02, 0.05 * (i % 3), 0.01 * i, 0);
    itemPopularity.push(10 - i);
  }
  for (let i = 0; i < 10; i++) {
    itemIds.push(`b${i}`);
    itemFactors.push(0.05 * (i % 2), 1 - i * 0.02, 0, 0.01 * i);
    itemPopularity.push(100 - i);
  }
  return {
    params: {
      factors: f,
      regularization: 0.1,
      alpha: 4,
      eventWeights: { impression: 0, view: 1, click: 2, add_to_cart: 3, share: 4, purchase: 5 },
    },
    factors: f,
    itemIds,
    itemFactors: Float32Array.from(itemFactors),
    itemPopularity: Float32Array.from(itemPopularity),
    userIds: ['alice', 'bob'],
    userFactors: Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0]),
    interactions: 40,
    ...(options.userItems
      ? {
          userIds: ['alice', 'bob', 'v-anon'],
          userFactors: Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0]),
          // Rows in userIds order, indices into itemIds (a0..a9 = 0..9, b0..b9 = 10..19).
          userItemsCsr: { indptr: Int32Array.from([0, 2, 3, 4]), indices: Int32Array.from([2, 0, 11, 10]) },
        }
      : {}),
  };
}

export const catalog = {
  items: [
    ...Array.from({ length: 10 }, (_, i) => ({
      id: `a${i}`,
      title: `Tea ${i}`,
      price: 10 + i * 10,
      currency: 'CNY',
      image: `/demo/img/a${i}.svg?c=tea`,
      url: `/#/p/a${i}`,
      category: 'tea',
    })),
    ...Array.from({ length: 10 }, (_, i) => ({
      id: `b${i}`,
      title: `Pet ${i}`,
      price: 5 + i,
      currency: 'CNY',
      image: `https://cdn.example/b${i}.png`,
      url: `https://shop.example/p/b${i}`,
      category: 'pets',
    })),
  ],
};

/** `edgepick publish`'s KV interface over the test's real KV binding. */
export const testKv: KvTarget = {
  get: (key) => env.PACKS.get(key),
  put: (key, value) => env.PACKS.put(key, value),
};

/**
 * Publishes the known model (or `options.model`) through the real publish code (`publishPack`, as
 * `edgepick publish` runs it), expecting it to become `version`. `previous` rewrites the pointer's
 * fallback list afterwards (e.g. `[]` to test a pointer without fallbacks); `corrupt` damages the
 * published chunks in KV afterwards, as a bad upload would; `catalogChunkSize` splits the catalog
 * into chunks of at most that many bytes.
 */
export async function publish(
  site: string,
  version: string,
  options: { previous?: string[]; corrupt?: 'flip' | 'truncate'; chunkSize?: number; catalogChunkSize?: number; model?: PackInput } = {},
) {
  // Tests in one file share KV: a site already serving `version` (an earlier test's publish) is kept.
  const active = ActivePointer.safeParse(JSON.parse((await env.PACKS.get(kvKeys.active(site))) ?? 'null'));
  if (active.success && active.data.version === version && !options.corrupt && !options.previous) return;
  const bytes = await encodePack(options.model ?? knownModel(), { chunkSize: options.chunkSize ?? 256 });
  // `force`: tests publish the same model as v1, v2, … (publish skips a pack identical to the active one).
  const res = await publishPack(testKv, site, bytes, catalog, { force: true, catalogChunkSize: options.catalogChunkSize });
  if (res.version !== version) throw new Error(`fixture: publish made ${res.version}, the test expected ${version}`);
  const prefix = kvKeys.packPrefix(site, version);
  if (options.corrupt) {
    const last = res.chunks - 1;
    const i = options.corrupt === 'flip' ? 0 : last;
    const chunk = new Uint8Array((await env.PACKS.get(kvKeys.chunk(prefix, i), 'arrayBuffer'))!);
    if (options.corrupt === 'flip') chunk[10] ^= 0xff;
    await env.PACKS.put(kvKeys.chunk(prefix, i), options.corrupt === 'flip' ? chunk : chunk.slice(0, 3));
  }
  if (options.previous) {
    const pointer = ActivePointer.parse(JSON.parse((await env.PACKS.get(kvKeys.active(site)))!));
    pointer.previous = options.previous.map((v) => ({
      version: v,
      packPrefix: kvKeys.packPrefix(site, v),
      catalogKey: kvKeys.catalog(site, v),
    }));
    await env.PACKS.put(kvKeys.active(site), JSON.stringify(pointer));
  }
}
