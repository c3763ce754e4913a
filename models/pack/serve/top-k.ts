/**
 * Indices of the `k` largest `scores`, best first, never returning an index `skip` refuses.
 *
 * A bounded min-heap of size k: O(n log k) and no sort of the whole array. `skip` is only asked
 * about candidates that would enter the heap, so an expensive filter (catalog lookups) runs on a
 * small fraction of the items. Ties rank the lower index first, so answers are deterministic;
 * NaN scores never rank.
 *
 * @example topK(Float32Array.from([0.1, 0.9, 0.5]), 2) // Int32Array [1, 2]
 */
export function topK(scores: ArrayLike<number>, k: number, skip?: (index: number) => boolean): Int32Array {
  const cap = Math.max(0, Math.min(Math.floor(k), scores.length));
  const heap = new MinHeap(cap);
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (Number.isNaN(s)) continue;
    if (heap.full && !heap.beats(s, i)) continue;
    if (skip?.(i)) continue;
    heap.offer(s, i);
  }
  return heap.drain();
}

/** The heap's root is the worst kept candidate: the lowest score, and among equal scores the highest index. */
export class MinHeap {
  private readonly idx: Int32Array;
  private readonly val: Float64Array;
  private size = 0;

  constructor(readonly cap: number) {
    this.idx = new Int32Array(cap);
    this.val = new Float64Array(cap);
  }

  get full() {
    return this.size === this.cap;
  }

  /** Whether (score, index) ranks above the current root. */
  beats(score: number, index: number) {
    return score > this.val[0] || (score === this.val[0] && index < this.idx[0]);
  }

  offer(score: number, index: number) {
    if (this.cap === 0) return;
    if (this.size < this.cap) {
      let c = this.size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!this.worse(score, index, p)) break;
        this.idx[c] = this.idx[p];
        this.val[c] = this.val[p];
        c = p;
      }
      this.idx[c] = index;
      this.val[c] = score;
    } else {
      this.siftDown(0, score, index);
    }
  }

  /** Removes everything, best first. */
  drain(): Int32Array {
    const out = new Int32Array(this.size);
    for (let n = this.size - 1; n >= 0; n--) {
      out[n] = this.idx[0];
      const last = --this.size;
      if (last > 0) this.siftDown(0, this.val[last], this.idx[last]);
    }
    return out;
  }

  /** (score, index) is worse than the node at `at`. */
  private worse(score: number, index: number, at: number) {
    return score < this.val[at] || (score === this.val[at] && index > this.idx[at]);
  }

  /** Places (score, index) at `at` or below, moving better children up. */
  private siftDown(at: number, score: number, index: number) {
    const n = this.size;
    for (;;) {
      const l = 2 * at + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && this.below(r, this.val[l], this.idx[l]) ? r : l;
      if (!this.below(m, score, index)) break;
      this.idx[at] = this.idx[m];
      this.val[at] = this.val[m];
      at = m;
    }
    this.idx[at] = index;
    this.val[at] = score;
  }

  /** The node at `at` is worse than (score, index). */
  private below(at: number, score: number, index: number) {
    return this.val[at] < score || (this.val[at] === score && this.idx[at] > index);
  }
}
