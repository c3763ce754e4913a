/**
 * One half-sweep of implicit ALS for a range of rows, solved by conjugate gradient
 * (benfred/implicit `_als.pyx` least_squares_cg): for row u with interactions (i, w),
 *   A = YᵀY + λI + Σ (c−1) yᵢyᵢᵀ,  b = Σ c yᵢ,  c = 1 + α·w,
 * applied matrix-free and warm-started from the current X[u]. Pure function over shared arrays,
 * so worker threads and the main thread run the same code and produce identical bits.
 */
export interface SolveInput {
  /** Rows being solved (users, or items on the other half-sweep), n × f, updated in place. */
  X: Float32Array<ArrayBufferLike>;
  /** The fixed side, m × f. */
  Y: Float32Array<ArrayBufferLike>;
  /** YᵀY + λI, f × f float64. */
  G: Float64Array<ArrayBufferLike>;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
  factors: number;
  alpha: number;
  cgSteps: number;
}

export function solveRows(s: SolveInput, from: number, to: number): void {
  const { X, Y, G, indptr, indices, values, alpha, cgSteps } = s;
  const f = s.factors;
  const x = new Float64Array(f);
  const r = new Float64Array(f);
  const p = new Float64Array(f);
  const ap = new Float64Array(f);
  // The row's item vectors gathered once into contiguous float64 (4 passes read them per row).
  let gathered = new Float64Array(64 * f);
  let conf = new Float64Array(64);
  for (let u = from; u < to; u++) {
    const xo = u * f;
    for (let k = 0; k < f; k++) x[k] = X[xo + k];
    const start = indptr[u];
    const n = indptr[u + 1] - start;
    if (n * f > gathered.length) {
      gathered = new Float64Array(n * f * 2);
      conf = new Float64Array(n * 2);
    }
    for (let j = 0; j < n; j++) {
      const yo = indices[start + j] * f;
      const go = j * f;
      for (let k = 0; k < f; k++) gathered[go + k] = Y[yo + k];
      conf[j] = alpha * values[start + j]; // c − 1
    }
    // r = b − A x = Σ (c − (c−1)(y·x)) y − G x
    matVec(G, x, r, f, -1);
    for (let j = 0; j < n; j++) {
      const go = j * f;
      const cm1 = conf[j];
      axpy(cm1 + 1 - cm1 * dot(gathered, go, x, f), gathered, go, r, f);
    }
    let rsold = 0;
    for (let k = 0; k < f; k++) {
      p[k] = r[k];
      rsold += r[k] * r[k];
    }
    if (rsold < 1e-20) continue;
    for (let it = 0; it < cgSteps; it++) {
      // Ap = G p + Σ (c−1)(y·p) y
      matVec(G, p, ap, f, 1);
      for (let j = 0; j < n; j++) {
        const go = j * f;
        axpy(conf[j] * dot(gathered, go, p, f), gathered, go, ap, f);
      }
      let pap = 0;
      for (let k = 0; k < f; k++) pap += p[k] * ap[k];
      if (pap <= 0) break;
      const step = rsold / pap;
      let rsnew = 0;
      for (let k = 0; k < f; k++) {
        x[k] += step * p[k];
        r[k] -= step * ap[k];
        rsnew += r[k] * r[k];
      }
      if (rsnew < 1e-20) break;
      const beta = rsnew / rsold;
      for (let k = 0; k < f; k++) p[k] = r[k] + beta * p[k];
      rsold = rsnew;
    }
    for (let k = 0; k < f; k++) X[xo + k] = x[k];
  }
}

/** out = sign · G v (G symmetric f × f). */
function matVec(G: Float64Array<ArrayBufferLike>, v: Float64Array, out: Float64Array, f: number, sign: number) {
  for (let a = 0; a < f; a++) {
    const row = a * f;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let b = 0;
    for (; b + 3 < f; b += 4) {
      s0 += G[row + b] * v[b];
      s1 += G[row + b + 1] * v[b + 1];
      s2 += G[row + b + 2] * v[b + 2];
      s3 += G[row + b + 3] * v[b + 3];
    }
    for (; b < f; b++) s0 += G[row + b] * v[b];
    out[a] = sign * (s0 + s1 + s2 + s3);
  }
}

function dot(Y: Float64Array, o: number, v: Float64Array, f: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < f; k += 4) {
    s0 += Y[o + k] * v[k];
    s1 += Y[o + k + 1] * v[k + 1];
    s2 += Y[o + k + 2] * v[k + 2];
    s3 += Y[o + k + 3] * v[k + 3];
  }
  for (; k < f; k++) s0 += Y[o + k] * v[k];
  return s0 + s1 + s2 + s3;
}

function axpy(a: number, Y: Float64Array, o: number, out: Float64Array, f: number) {
  let k = 0;
  for (; k + 3 < f; k += 4) {
    out[k] += a * Y[o + k];
    out[k + 1] += a * Y[o + k + 1];
    out[k + 2] += a * Y[o + k + 2];
    out[k + 3] += a * Y[o + k + 3];
  }
  for (; k < f; k++) out[k] += a * Y[o + k];
}
