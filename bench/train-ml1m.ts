// Trainer speed and quality on MovieLens 1M (../shared/data), random 20% per-user holdout (seed 42),
// full ranking, train items excluded — the protocol of shared/data/README.md, so the numbers sit
// next to the reference `implicit` runs. Skips itself when the data is not present.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { trainAls } from '../models/als/train.js';
import { readInteractions } from '../models/data/read-interactions.js';
import { evaluate } from '../models/eval/evaluate.js';
import { splitHoldout } from '../models/eval/split.js';

const path = new URL('../../shared/data/ml-1m/ratings_pairs.csv', import.meta.url).pathname;
if (!existsSync(path)) {
  console.log(`skipped: ${path} not found`);
  process.exit(0);
}
const t0 = performance.now();
const data = await readInteractions(path);
const readSeconds = (performance.now() - t0) / 1000;
const { train, test } = splitHoldout(data, 0.2, 42);
const rows: string[] = [];
const results: Record<string, unknown>[] = [];
const configs = [
  { label: `ALS wasm, ${availableParallelism()} threads (defaults λ=1, α=4)`, params: {}, options: {} },
  { label: 'ALS wasm, 1 thread', params: {}, options: { threads: 1 } },
  { label: 'ALS JS float64 solver, all threads', params: {}, options: { backend: 'js' as const } },
];
let popularity: Record<string, number> | undefined;
for (const c of configs) {
  const t = performance.now();
  const model = await trainAls(train, { factors: 64, iterations: 15, ...c.params }, c.options);
  const seconds = (performance.now() - t) / 1000;
  const r = evaluate(model, train, test, [10, 20]);
  popularity = r.popularity;
  results.push({ label: c.label, seconds, ndcg10: r.model['ndcg@10'], recall20: r.model['recall@20'] });
  rows.push(`| ${c.label} | ${seconds.toFixed(2)} s | ${r.model['recall@20'].toFixed(3)} | ${r.model['ndcg@10'].toFixed(3)} |`);
}
console.log(
  `ML-1M: ${data.users.length} interactions, ${data.userIds.length} users × ${data.itemIds.length} items (read in ${readSeconds.toFixed(2)} s); 64 factors, 15 iterations, 3 CG steps.\n`,
);
console.log('| model | train time | Recall@20 | NDCG@10 |');
console.log('|---|---|---|---|');
console.log(`| popularity | – | ${popularity!['recall@20'].toFixed(3)} | ${popularity!['ndcg@10'].toFixed(3)} |`);
for (const r of rows) console.log(r);
console.log('| reference: implicit 0.7.3 ALS (CG), reg 1, α 5, 2 cores (shared/data/README.md) | 1.4 s | 0.270 | 0.392 |');
console.log(JSON.stringify({ bench: 'train-ml1m', results, popularity }));
