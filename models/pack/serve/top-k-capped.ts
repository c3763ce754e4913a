import { MinHeap } from './top-k.js';

/**
 * Indices of the `k` largest `scores`, best first, with at most `cap` items of any one group
 * (`groupOf[i]`, e.g. a category id; items of group −1 share one group too) — minus what `taken`
 * already holds of a group (items placed elsewhere in the same list, such as pinned ones). Never
 * returns an index `skip` refuses.
 *
 * Exact, in one pass: each group keeps its own bounded min-heap of size min(cap, k), so the answer
 * is the best k of the union of every group's best `cap` — the same list as taking items in score
 * order and passing over those whose group is full — without sorting or over-fetching. O(n log cap)
 * plus a sort of at most groups × cap survivors. Ties rank the lower index first; NaN never ranks.
 *
 * @example topKCapped(Float32Array.from([0.9, 0.8, 0.1]), Int32Array.from([0, 0, 1]), 2, 1) // Int32Array [0, 2]
 */
export function topKCapped(
  scores: ArrayLike<number>,
  groupOf: ArrayLike<number>,
  k: number,
  cap: number,
  skip?: (index: number) => boolean,
  taken?: ReadonlyMap<number, number>,
): Int32Array {
  const want = Math.max(0, Math.min(Math.floor(k), scores.length));
  if (want === 0) return new Int32Array(0);
  const heaps = new Map<number, MinHeap>();
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (Number.isNaN(s)) continue;
    const g = groupOf[i];
    let heap = heaps.get(g);
    if (!heap) {
      const room = Math.min(want, cap - (taken?.get(g) ?? 0));
      heap = new MinHeap(Math.max(0, room));
      heaps.set(g, heap);
    }
    if (heap.cap === 0 || (heap.full && !heap.beats(s, i))) continue;
    if (skip?.(i)) continue;
    heap.offer(s, i);
  }
  const survivors: number[] = [];
  for (const heap of heaps.values()) for (const i of heap.drain()) survivors.push(i);
  survivors.sort((a, b) => scores[b] - scores[a] || a - b);
  return Int32Array.from(survivors.slice(0, want));
}
