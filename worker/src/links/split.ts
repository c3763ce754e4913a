const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const COLON = 0x3a;

function feed(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  return h;
}

/**
 * FNV-1a, 32-bit, over the UTF-16 code units of `text`: small, fast and stable across runtimes,
 * so a visitor lands in the same split bucket on every edge and after every deploy.
 */
export function fnv1a32(text: string): number {
  return feed(FNV_OFFSET, text) >>> 0;
}

/**
 * The visitor's split bucket in [0, 10000): fnv1a32(visitorId + ':' + salt) mod 10000, computed
 * without building the joined string.
 */
export function bucketOf(visitorId: string, salt: string): number {
  let h = feed(FNV_OFFSET, visitorId);
  h ^= COLON;
  h = Math.imul(h, FNV_PRIME) >>> 0;
  return feed(h, salt) % 10_000;
}

/**
 * Index of the variant a visitor falls in: the bucket compared with the cumulative weights
 * (percent · 100). Same visitor + same salt → same variant.
 */
export function pickVariant(weights: readonly number[], visitorId: string, salt: string): number {
  const bucket = bucketOf(visitorId, salt);
  let edge = 0;
  for (let i = 0; i < weights.length; i++) {
    edge += weights[i] * 100;
    if (bucket < edge) return i;
  }
  return weights.length - 1;
}
