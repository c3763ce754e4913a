import { FNV_OFFSET, FNV_PRIME, fnvFeed } from '../lib/fnv.js';

const COLON = 0x3a;

/**
 * The visitor's split bucket in [0, 10000): fnv1a32(visitorId + ':' + salt) mod 10000, computed
 * without building the joined string.
 */
export function bucketOf(visitorId: string, salt: string): number {
  let h = fnvFeed(FNV_OFFSET, visitorId);
  h ^= COLON;
  h = Math.imul(h, FNV_PRIME) >>> 0;
  return fnvFeed(h, salt) % 10_000;
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
