/** Most items a spread estimate reads: a stride sample this large pins σ within ~1–2 %, at a fixed cost per request. */
export const SPREAD_SAMPLE = 4096;
/** What `scoreSpread` answers for a flat or empty score list, so scale-free adjustments never divide or vanish by 0. */
export const SPREAD_FLOOR = 1e-6;

/**
 * The spread (population standard deviation) of the first `n` scores, the unit in which additive
 * score adjustments (merchandising boosts, scene lifts) are stated, so they mean the same for a
 * pack whose dot products span 0.01 and one whose span 10.
 *
 * Reads at most SPREAD_SAMPLE items, every ⌈n / SPREAD_SAMPLE⌉-th (items are in pack order, which
 * is unrelated to score), skipping items `skip` refuses (the request's exclusions, so a user's many
 * owned items do not set the scale of the candidates) and non-finite scores. Never below
 * SPREAD_FLOOR: one candidate, equal scores or none at all give the floor.
 *
 * @example scoreSpread(Float32Array.from([1, 2, 3, 4]), 4) // ≈ 1.118
 */
export function scoreSpread(scores: ArrayLike<number>, n: number, skip?: (index: number) => boolean): number {
  const end = Math.max(0, Math.min(Math.floor(n), scores.length));
  const stride = Math.max(1, Math.ceil(end / SPREAD_SAMPLE));
  // Welford's update: one pass, no catastrophic cancellation for scores far from 0.
  let count = 0;
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < end; i += stride) {
    const s = scores[i];
    if (!Number.isFinite(s) || skip?.(i)) continue;
    count++;
    const d = s - mean;
    mean += d / count;
    m2 += d * (s - mean);
  }
  const sd = count > 1 ? Math.sqrt(m2 / count) : 0;
  return Math.max(sd, SPREAD_FLOOR);
}
