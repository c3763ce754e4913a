import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRecommend } from '../commands/recommend.js';
import { encodePack } from '../pack/index.js';
import type { PackInput } from '../pack/writer.js';
import { recommendTopK } from './recommend.js';

function model(): PackInput {
  let s = 21;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5;
  const f = 6;
  const n = 41; // not a multiple of 4: the last item takes the one-at-a-time scoring path
  return {
    params: { factors: f, regularization: 0.1, alpha: 1, eventWeights: { view: 1 } },
    factors: f,
    itemIds: Array.from({ length: n }, (_, i) => `i${i}`),
    itemFactors: Float32Array.from({ length: n * f }, rnd),
    itemPopularity: Float32Array.from({ length: n }, (_, i) => i % 5), // ties: lower index first
    userIds: ['a', 'b'],
    userFactors: Float32Array.from({ length: 2 * f }, rnd),
    interactions: 0,
  };
}

/** The reference ranking: every item scored by a naive float64 loop, fully sorted (score desc, index asc). */
function bySort(scores: number[], k: number, skip: Set<number>) {
  return scores
    .map((s, i) => [s, i] as const)
    .filter(([, i]) => !skip.has(i))
    .sort((x, y) => y[0] - x[0] || x[1] - y[1])
    .slice(0, k)
    .map(([, i]) => `i${i}`);
}

describe('recommendTopK', () => {
  it('ranks known users by dot product and unknown users by popularity, without their excluded items', () => {
    const m = model();
    const f = m.factors;
    const dots = (u: number) =>
      m.itemIds.map((_, i) => {
        let s = 0;
        for (let c = 0; c < f; c++) s += m.itemFactors[i * f + c] * m.userFactors![u * f + c];
        return s;
      });
    const recs = recommendTopK(m, ['b', 'nobody', 'a'], 7, new Map([['a', new Set(['i3', 'i40', 'unknown-item'])]]));
    expect([...recs.keys()]).toEqual(['b', 'nobody', 'a']);
    expect(recs.get('a')).toEqual(bySort(dots(0), 7, new Set([3, 40])));
    expect(recs.get('b')).toEqual(bySort(dots(1), 7, new Set()));
    expect(recs.get('nobody')).toEqual(bySort(Array.from(m.itemPopularity), 7, new Set()));
  });
});

describe('edgepick recommend --users', () => {
  it('reads the users file with the interactions header rules (BOM, aliases, tabs, blank lines)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgepick-recommend-'));
    writeFileSync(join(dir, 'm.pack'), await encodePack(model()));
    writeFileSync(join(dir, 'users.tsv'), '\n\uFEFFname\tUser ID\nx\tb\ny\tnobody\n\nz\tb\n');
    const printed: string[] = [];
    const io = { stdout: (s: string) => void printed.push(s), stderr: () => {}, isTTY: false };
    await runRecommend(['--pack', join(dir, 'm.pack'), '--users', join(dir, 'users.tsv'), '--k', '3', '--out', join(dir, 'out.tsv')], io);
    const lines = readFileSync(join(dir, 'out.tsv'), 'utf8').trim().split('\n');
    expect(lines.map((l) => l.split('\t')[0])).toEqual(['b', 'nobody']);
    expect(printed.join('')).toMatch(/top 3 for 2 users \(1 unknown/);
    writeFileSync(join(dir, 'bad.csv'), 'name,email\nx,y\n');
    const err = await runRecommend(['--pack', join(dir, 'm.pack'), '--users', join(dir, 'bad.csv'), '--out', join(dir, 'o.tsv')], io).catch((e) => e);
    expect(err.message).toMatch(/bad\.csv:1: header must name a user column/);
  });
});
