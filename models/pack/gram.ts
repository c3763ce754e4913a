/**
 * YᵀY + λI for a row-major m × f float32 matrix, in float64 (f × f, row-major, symmetric).
 *
 * The one Gram matrix of the project: the pack writer stores YᵀY (λ = 0) for request-time fold-in,
 * and the ALS trainer recomputes YᵀY + λI (and XᵀX + λI) into a reused buffer every sweep. Both
 * want the same float64 numbers: products of float32 values are exact in float64, and the sums run
 * in one fixed order, so the writer's YᵀY and the trainer's YᵀY + 0·I are bit-identical. (The wasm
 * kernel rounds the trainer's copy to float32 itself; the Gram matrix is not where it saves time.)
 *
 * Each row is copied to float64 once, then only the upper triangle is accumulated and mirrored.
 */
export function gramMatrix(
  Y: Float32Array<ArrayBufferLike>,
  m: number,
  f: number,
  lambda = 0,
  out: Float64Array<ArrayBufferLike> = new Float64Array(f * f),
): Float64Array<ArrayBufferLike> {
  out.fill(0);
  const row = new Float64Array(f);
  for (let i = 0; i < m; i++) {
    const o = i * f;
    for (let k = 0; k < f; k++) row[k] = Y[o + k];
    for (let a = 0; a < f; a++) {
      const ya = row[a];
      if (ya === 0) continue;
      const ro = a * f;
      for (let b = a; b < f; b++) out[ro + b] += ya * row[b];
    }
  }
  for (let a = 0; a < f; a++) {
    out[a * f + a] += lambda;
    for (let b = 0; b < a; b++) out[a * f + b] = out[b * f + a];
  }
  return out;
}
