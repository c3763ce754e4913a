import { env } from 'cloudflare:test';
import { buildPack, splitChunks } from '../../models/pack/writer.js';
import { kvKeys } from '../../schema/pack-manifest.js';

/**
 * A hand-made model with a known right answer: items a0..a9 point along dimension 0 ("tea"),
 * b0..b9 along dimension 1 ("pets"); popularity favours the b items. User "alice" likes a-items,
 * "bob" likes b-items.
 */
export function knownModel() {
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
    params: { factors: f, regularization: 0.1, alpha: 4, eventWeights: { impression: 0, view: 1, click: 2, add_to_cart: 3, share: 4, purchase: 5 } },
    factors: f,
    itemIds,
    itemFactors: Float32Array.from(itemFactors),
    itemPopularity: Float32Array.from(itemPopularity),
    userIds: ['alice', 'bob'],
    userFactors: Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0]),
    interactions: 40,
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

/** Writes a pack under `version` and points the site at it (with `previous` fallbacks). */
export async function publish(
  site: string,
  version: string,
  options: { previous?: string[]; corrupt?: 'flip' | 'truncate'; chunkSize?: number; model?: ReturnType<typeof knownModel> } = {},
) {
  const { manifest, body } = await buildPack(options.model ?? knownModel(), { chunkSize: options.chunkSize ?? 256 });
  const prefix = kvKeys.packPrefix(site, version);
  const chunks = splitChunks(manifest, body).map((c) => c.slice());
  if (options.corrupt === 'flip') chunks[0][10] ^= 0xff;
  if (options.corrupt === 'truncate') chunks[chunks.length - 1] = chunks[chunks.length - 1].slice(0, 3);
  for (let i = 0; i < chunks.length; i++) await env.PACKS.put(kvKeys.chunk(prefix, i), chunks[i]);
  await env.PACKS.put(kvKeys.manifest(prefix), JSON.stringify(manifest));
  const catalogKey = kvKeys.catalog(site, version);
  await env.PACKS.put(catalogKey, JSON.stringify(catalog));
  await env.PACKS.put(
    kvKeys.active(site),
    JSON.stringify({
      version,
      packId: manifest.id,
      packPrefix: prefix,
      catalogKey,
      publishedAt: new Date().toISOString(),
      previous: (options.previous ?? []).map((v) => ({ version: v, packPrefix: kvKeys.packPrefix(site, v), catalogKey: kvKeys.catalog(site, v) })),
    }),
  );
}
