// What a shopper already has, offered again: on Amazon Toys and Games (../shared/data/amazon-toys, each
// user's last 20% held out), the share of users whose top 10 holds one of their own training items, and
// Recall@10 / NDCG@10, before (nothing excluded) and after (the pack's user_items excluded, as the worker
// and `edgepick recommend` now do by default). Skips itself when the data is not present.
import { existsSync } from 'node:fs';
import { trainAls } from '../models/als/train.js';
import { readInteractions, toCsr } from '../models/data/read-interactions.js';
import { evaluateLists } from '../models/eval/lists.js';
import { buildPack, openPack } from '../models/pack/index.js';
import { recommendTopK } from '../models/recommend/recommend.js';

const dir = new URL('../../shared/data/amazon-toys/', import.meta.url).pathname;
if (!existsSync(`${dir}train.csv`) || !existsSync(`${dir}test.csv`)) {
  console.log(`skipped: ${dir}train.csv / test.csv not found`);
  process.exit(0);
}
const train = await readInteractions(`${dir}train.csv`);
const test = await readInteractions(`${dir}test.csv`);
const t0 = performance.now();
const model = await trainAls(train, { factors: 64, iterations: 15 });
const trainSeconds = (performance.now() - t0) / 1000;
const plain = await buildPack(model);
const { manifest, body } = await buildPack({ ...model, userItemsCsr: toCsr(train, true) });
const pack = await openPack(manifest, body);
// Test users (all of them trained users on this split), evenly spaced, BENCH_USERS of them (default 5,000,
// ≈ 20 s of ranking on 2 cores; 0 = all 19,412: 83.8% → 0%, Recall@10 0.0401 → 0.0464, NDCG@10 0.0191 → 0.0267).
const wanted = Number(process.env.BENCH_USERS ?? 5000) || test.userIds.length;
const step = Math.max(1, test.userIds.length / wanted);
const users = Array.from({ length: Math.min(wanted, test.userIds.length) }, (_, j) => test.userIds[Math.floor(j * step)]);
const t1 = performance.now();
const before = evaluateLists(recommendTopK(pack, users, 10, new Map()), train, test, 10);
const after = evaluateLists(recommendTopK(pack, users, 10), train, test, 10);
const rankSeconds = (performance.now() - t1) / 1000;

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const mb = (n: number) => `${(n / 1e6).toFixed(2)} MB`;
console.log(
  `Amazon Toys: ${train.users.length} train pairs, ${train.userIds.length} users × ${train.itemIds.length} items; ALS 64 factors, 15 iterations, λ=1, α=4 ` +
    `(trained in ${trainSeconds.toFixed(1)} s; ${users.length} users ranked twice over all items in ${rankSeconds.toFixed(1)} s). ` +
    `Pack body ${mb(plain.body.byteLength)} → ${mb(body.byteLength)} with user_items.\n`,
);
console.log('| top 10 | users with an own item | own items per list | hit rate | Recall@10 | NDCG@10 |');
console.log('|---|---|---|---|---|---|');
for (const [label, m] of [
  ['own items not excluded (before)', before],
  ['pack user_items excluded (after)', after],
] as const) {
  console.log(
    `| ${label} | ${pct(m.ownShare)} | ${m.ownSlots.toFixed(2)} | ${pct(m.hitRate)} | ${m.recall.toFixed(4)} | ${m.ndcg.toFixed(4)} |`,
  );
}
console.log(
  `\nExcluding them: Recall@10 ×${(after.recall / before.recall).toFixed(2)}, NDCG@10 ×${(after.ndcg / before.ndcg).toFixed(2)}, users with a hit ×${(after.hitRate / before.hitRate).toFixed(2)}.`,
);
console.log(
  JSON.stringify({
    bench: 'own-items',
    users: users.length,
    trainSeconds,
    rankSeconds,
    before,
    after,
    bytes: { plain: plain.body.byteLength, withUserItems: body.byteLength },
  }),
);
