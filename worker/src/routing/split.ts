/**
 * FNV-1a, 32-bit, over the UTF-16 code units of `text`: small, fast and stable across runtimes,
 * so a visitor lands in the same split bucket on every edge and after every deploy.
 */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * Index of the variant a visitor falls in: bucket = fnv1a32(visitorId + ':' + salt) mod 10000,
 * compared with the cumulative weights (percent · 100). Same visitor + same salt → same variant.
 */
export function pickVariant(weights: readonly number[], visitorId: string, salt: string): number {
  const bucket = fnv1a32(`${visitorId}:${salt}`) % 10_000;
  let edge = 0;
  for (let i = 0; i < weights.length; i++) {
    edge += weights[i] * 100;
    if (bucket < edge) return i;
  }
  return weights.length - 1;
}
