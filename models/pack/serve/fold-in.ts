import type { Pack } from '../reader.js';

/** One of a visitor's items: its row in the pack and its summed event weight. */
export interface Weighted {
  index: number;
  weight: number;
}

/**
 * Solves a user vector from a few interactions in closed form, as implicit's `recalculate_user`:
 *   x = (YᵀY + λI + Σ (cᵢ − 1) yᵢyᵢᵀ)⁻¹ Σ cᵢ yᵢ,  cᵢ = 1 + α·wᵢ
 * with YᵀY from the pack (precomputed at training time), so the cost is O(n·f² + f³), not O(items).
 *
 * With a `prior` (a known user's trained vector u), b gains (YᵀY + λI)·u: the solve then
 * returns u exactly when there is nothing new, and moves from u as recent evidence accumulates —
 * the user's history enters as the part of the normal equations it contributes at least.
 */
export function foldIn(pack: Pack, interactions: Weighted[], prior?: Float32Array): Float32Array {
  const f = pack.factors;
  const { regularization, alpha } = pack.manifest.model.params;
  const A = new Float64Array(f * f);
  A.set(pack.gram);
  for (let a = 0; a < f; a++) A[a * f + a] += regularization;
  const b = new Float64Array(f);
  if (prior) {
    for (let a = 0; a < f; a++) {
      let s = 0;
      for (let k = 0; k < f; k++) s += A[a * f + k] * prior[k];
      b[a] = s;
    }
  }
  const Y = pack.itemFactors;
  for (const { index, weight } of interactions) {
    if (weight <= 0) continue;
    const c = 1 + alpha * weight;
    const o = index * f;
    for (let a = 0; a < f; a++) {
      const ya = Y[o + a];
      b[a] += c * ya;
      const s = (c - 1) * ya;
      if (s === 0) continue;
      const row = a * f;
      for (let k = 0; k < f; k++) A[row + k] += s * Y[o + k];
    }
  }
  return Float32Array.from(choleskySolve(A, b, f));
}

/**
 * Solves A x = b for symmetric positive-definite A (f × f, row-major) by Cholesky; A is
 * overwritten by its factor. λ > 0 makes A positive definite; a tiny jitter covers λ = 0.
 */
export function choleskySolve(A: Float64Array, b: Float64Array, f: number): Float64Array {
  for (let j = 0; j < f; j++) {
    let d = A[j * f + j];
    for (let k = 0; k < j; k++) d -= A[j * f + k] ** 2;
    if (!(d > 1e-12)) d = 1e-12;
    const ljj = Math.sqrt(d);
    A[j * f + j] = ljj;
    for (let i = j + 1; i < f; i++) {
      let s = A[i * f + j];
      for (let k = 0; k < j; k++) s -= A[i * f + k] * A[j * f + k];
      A[i * f + j] = s / ljj;
    }
  }
  const y = new Float64Array(f);
  for (let i = 0; i < f; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= A[i * f + k] * y[k];
    y[i] = s / A[i * f + i];
  }
  const x = new Float64Array(f);
  for (let i = f - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < f; k++) s -= A[k * f + i] * x[k];
    x[i] = s / A[i * f + i];
  }
  return x;
}
