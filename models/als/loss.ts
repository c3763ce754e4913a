import type { Csr } from '../data/read-interactions.js';

/**
 * The implicit-ALS objective per user, on an evenly spaced sample of at most `sample` users:
 *   Σ_all i c_ui (p_ui − xᵀy_i)² + λ‖x‖²  =  xᵀ(YᵀY)x + Σ_observed [c(1 − s)² − s²] + λ‖x‖²,  s = xᵀy_i
 * (unobserved pairs have p = 0 and c = 1, hence the Gram term). Cheap enough to print every
 * iteration; it should fall as training converges. `gramPlusLambda` is YᵀY + λI.
 */
export function sampledLoss(
  X: Float32Array,
  Y: Float32Array,
  gramPlusLambda: Float64Array,
  byUser: Csr,
  f: number,
  alpha: number,
  sample = 500,
): number {
  const n = byUser.indptr.length - 1;
  const step = Math.max(1, Math.floor(n / sample));
  let total = 0;
  let users = 0;
  for (let u = 0; u < n; u += step) {
    const xo = u * f;
    let quad = 0; // xᵀ(YᵀY + λI)x covers both the unobserved term and the ‖x‖² penalty
    for (let a = 0; a < f; a++) {
      let s = 0;
      for (let b = 0; b < f; b++) s += gramPlusLambda[a * f + b] * X[xo + b];
      quad += X[xo + a] * s;
    }
    let obs = 0;
    for (let j = byUser.indptr[u]; j < byUser.indptr[u + 1]; j++) {
      const yo = byUser.indices[j] * f;
      let s = 0;
      for (let k = 0; k < f; k++) s += X[xo + k] * Y[yo + k];
      const c = 1 + alpha * byUser.values[j];
      obs += c * (1 - s) ** 2 - s * s;
    }
    total += quad + obs;
    users++;
  }
  return users ? total / users : 0;
}
