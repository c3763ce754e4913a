/**
 * Indices of the k largest scores, best first, skipping `excluded` (a bounded min-heap:
 * O(n log k), no full sort). Ties keep the lower index first, so results are deterministic.
 */
export function topK(scores: Float32Array | Float64Array, k: number, excluded?: (i: number) => boolean): Int32Array {
  const heapIdx = new Int32Array(k);
  const heapVal = new Float64Array(k);
  let size = 0;
  const worse = (a: number, b: number) => heapVal[a] < heapVal[b] || (heapVal[a] === heapVal[b] && heapIdx[a] > heapIdx[b]);
  const swap = (a: number, b: number) => {
    const i = heapIdx[a];
    heapIdx[a] = heapIdx[b];
    heapIdx[b] = i;
    const v = heapVal[a];
    heapVal[a] = heapVal[b];
    heapVal[b] = v;
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && worse(l, m)) m = l;
      if (r < size && worse(r, m)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (Number.isNaN(s)) continue; // NaN never ranks
    if (size === k && (s < heapVal[0] || (s === heapVal[0] && i > heapIdx[0]))) continue;
    if (excluded?.(i)) continue;
    if (size < k) {
      heapIdx[size] = i;
      heapVal[size] = s;
      let c = size++;
      while (c > 0) {
        const parent = (c - 1) >> 1;
        if (!worse(c, parent)) break;
        swap(c, parent);
        c = parent;
      }
    } else {
      heapIdx[0] = i;
      heapVal[0] = s;
      down(0);
    }
  }
  const out = new Int32Array(size);
  for (let n = size - 1; n >= 0; n--) {
    out[n] = heapIdx[0];
    heapIdx[0] = heapIdx[size - 1];
    heapVal[0] = heapVal[size - 1];
    size--;
    down(0);
  }
  return out;
}
