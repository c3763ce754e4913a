import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../cli.js';
import { npyBytes, parquetFactorsBytes } from '../import/test-fixtures.js';
import { DEFAULT_EVENT_WEIGHTS } from '../model.js';
import { decodePack, type Pack, scoreUser } from '../pack/index.js';
import { recommendTopK } from '../recommend/recommend.js';

// `edgepick pack` end to end: factor files written here in each format → pack file → decoded pack,
// checked against numbers computed independently from the same inputs.

const F = 5;
const ITEM_IDS = [101, 7, 33, 2048, 5, 64, 900, 12];
const USER_IDS = [3, 1, 4, 15];
/** Deterministic values with many decimals (not float32-exact), positive and negative. */
const values = (n: number, seed: number) =>
  Array.from({ length: n }, (_, k) => {
    const x = Math.sin(seed * 1000 + k * 12.9898) * 43758.5453;
    return Math.round((x - Math.floor(x) - 0.5) * 1e6) / 1e6;
  });
const ITEMS = values(ITEM_IDS.length * F, 1);
const USERS = values(USER_IDS.length * F, 2);
const rows = (flat: number[], n: number) => Array.from({ length: n }, (_, i) => flat.slice(i * F, i * F + F));

const dir = mkdtempSync(join(tmpdir(), 'edgepick-pack-'));
const path = (name: string) => join(dir, name);
const jsonl = (ids: number[], flat: number[]) =>
  `${rows(flat, ids.length)
    .map((features, i) => JSON.stringify({ id: ids[i], features }))
    .join('\n')}\n`;

async function runCli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['pack', ...argv], { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTTY: false });
  return { code, stdout, stderr };
}

async function packFrom(...argv: string[]): Promise<{ pack: Pack; stderr: string }> {
  const out = path(`p${Math.random().toString(36).slice(2)}.pack`);
  const res = await runCli(...argv, '--out', out);
  expect(res.stderr).not.toMatch(/error/);
  expect(res.code).toBe(0);
  expect(res.stdout).toMatch(/^wrote .*\.pack/);
  return { pack: await decodePack(new Uint8Array(readFileSync(out))), stderr: res.stderr };
}

/** What every imported pack must satisfy: ids and float32 factors round-trip, YᵀY, scores = x·y. */
function expectFaithful(pack: Pack) {
  const Y = Float32Array.from(ITEMS);
  const X = Float32Array.from(USERS);
  expect(pack.factors).toBe(F);
  expect(pack.itemIds).toEqual(ITEM_IDS.map(String));
  expect(pack.itemFactors).toEqual(Y);
  expect(pack.userIds).toEqual(USER_IDS.map(String));
  expect(pack.userFactors).toEqual(X);
  // YᵀY, independently: a plain triple loop over the float32 values in float64.
  const gram = new Float64Array(F * F);
  for (let a = 0; a < F; a++)
    for (let b = 0; b < F; b++) for (let i = 0; i < ITEM_IDS.length; i++) gram[a * F + b] += Y[i * F + a] * Y[i * F + b];
  expect(Array.from(pack.gram)).toEqual(Array.from(gram));
  // The served score of every item for every user is the user·item dot product.
  for (let u = 0; u < USER_IDS.length; u++) {
    const picks = scoreUser(
      { pack, scratch: new Float64Array(ITEM_IDS.length) },
      X.subarray(u * F, u * F + F),
      ITEM_IDS.length,
      () => false,
    );
    expect(picks).toHaveLength(ITEM_IDS.length);
    for (const { index, score } of picks) {
      let dot = 0;
      for (let k = 0; k < F; k++) dot += X[u * F + k] * Y[index * F + k];
      expect(score).toBeCloseTo(dot, 12);
    }
    const best = [...picks].sort((p, q) => q.score - p.score)[0];
    expect(recommendTopK(pack, [String(USER_IDS[u])], 1).get(String(USER_IDS[u]))).toEqual([pack.itemIds[best.index]]);
  }
}

const norms = () => rows(ITEMS, ITEM_IDS.length).map((r) => Math.fround(Math.hypot(...r.map(Math.fround))));

describe('edgepick pack', () => {
  it('(a) JSON lines from Spark: ids as strings, exact factors, YᵀY, dot-product scores; popularity proxy recorded', async () => {
    writeFileSync(path('items.json'), jsonl(ITEM_IDS, ITEMS));
    writeFileSync(path('users.json'), jsonl(USER_IDS, USERS));
    const { pack, stderr } = await packFrom(
      '--item-factors',
      path('items.json'),
      '--user-factors',
      path('users.json'),
      '--regularization',
      '0.1',
      '--alpha',
      '40',
    );
    expectFaithful(pack);
    expect(pack.manifest.model.params).toEqual({
      factors: F,
      regularization: 0.1,
      alpha: 40,
      eventWeights: DEFAULT_EVENT_WEIGHTS,
      importedFrom: 'jsonl',
      popularity: 'item-norm',
    });
    expect(pack.manifest.counts).toEqual({ items: ITEM_IDS.length, users: USER_IDS.length, interactions: 0 });
    Array.from(pack.itemPopularity).forEach((p, i) => expect(p).toBeCloseTo(norms()[i], 6));
    expect(stderr).toMatch(/no --interactions: item popularity is the norm of each item vector/);
  });

  it('(b) implicit .npy (float32 items, float64 users) with id lists; popularity from --interactions', async () => {
    writeFileSync(path('item_factors.npy'), npyBytes(ITEMS, [ITEM_IDS.length, F]));
    writeFileSync(path('user_factors.npy'), npyBytes(USERS, [USER_IDS.length, F], { descr: '<f8' }));
    writeFileSync(path('item_ids.txt'), `${ITEM_IDS.join('\n')}\n`);
    writeFileSync(path('user_ids.txt'), USER_IDS.join('\n'));
    // view 1, click 2, purchase 5 (default weights); item 999 has no factors; (3, 101) repeats.
    writeFileSync(
      path('interactions.csv'),
      'user,item,event\n3,101,view\n3,101,purchase\n1,7,click\n4,101,view\n15,999,purchase\n1,12,view\n',
    );
    const { pack, stderr } = await packFrom(
      '--item-factors',
      path('item_factors.npy'),
      '--item-ids',
      path('item_ids.txt'),
      '--user-factors',
      path('user_factors.npy'),
      '--user-ids',
      path('user_ids.txt'),
      '--interactions',
      path('interactions.csv'),
    );
    expectFaithful(pack);
    expect(pack.manifest.model.params).toMatchObject({ regularization: 1, alpha: 1, importedFrom: 'npy', popularity: 'interactions' });
    expect(Array.from(pack.itemPopularity)).toEqual([7, 2, 0, 0, 0, 0, 0, 1]);
    expect(pack.manifest.counts.interactions).toBe(4);
    expect(stderr).toMatch(/1 item of .*interactions\.csv without factors ignored/);
  });

  it('(c) Parquet from Spark (a directory of snappy part files, written from the spec in test-fixtures.ts)', async () => {
    for (const [side, ids, flat] of [
      ['item_factors', ITEM_IDS, ITEMS],
      ['user_factors', USER_IDS, USERS],
    ] as const) {
      mkdirSync(path(side));
      const r = rows(flat, ids.length);
      writeFileSync(
        path(`${side}/part-00000-c000.snappy.parquet`),
        parquetFactorsBytes(ids.slice(0, 3), r.slice(0, 3), { codec: 'snappy' }),
      );
      writeFileSync(
        path(`${side}/part-00001-c000.snappy.parquet`),
        parquetFactorsBytes(ids.slice(3), r.slice(3), { codec: 'snappy', rowGroupSize: 2 }),
      );
      writeFileSync(path(`${side}/_SUCCESS`), '');
    }
    const { pack } = await packFrom('--item-factors', path('item_factors'), '--user-factors', path('user_factors'));
    expectFaithful(pack);
    expect(pack.manifest.model.params).toMatchObject({ importedFrom: 'parquet', popularity: 'item-norm' });
  });

  it('without --user-factors writes an items-only pack (users are folded in like visitors)', async () => {
    writeFileSync(path('items-only.jsonl'), jsonl(ITEM_IDS, ITEMS));
    const { pack } = await packFrom('--item-factors', path('items-only.jsonl'));
    expect(pack.userIds).toBeUndefined();
    expect(pack.manifest.counts.users).toBe(0);
    expect(pack.itemFactors).toEqual(Float32Array.from(ITEMS));
  });

  it('refuses with one line and exit 1: mismatched dimensions, ids from another id space, bad options', async () => {
    writeFileSync(path('i5.jsonl'), jsonl(ITEM_IDS, ITEMS));
    writeFileSync(path('u4.jsonl'), `${JSON.stringify({ id: 1, features: [1, 2, 3, 4] })}\n`);
    writeFileSync(path('skus.csv'), 'user,item\nalice,sku-1\n');
    const cases: [string[], string][] = [
      [
        ['--item-factors', path('i5.jsonl'), '--user-factors', path('u4.jsonl')],
        'edgepick pack: user factors have 4 dimensions per row but item factors have 5: they must come from the same model',
      ],
      [
        ['--item-factors', path('i5.jsonl'), '--interactions', path('skus.csv')],
        'edgepick pack: none of the 1 items in the interactions has factors (e.g. "sku-1" vs "101"): the factor ids must be the same item ids',
      ],
      [['--item-factors', path('i5.jsonl'), '--alpha', '0'], 'edgepick pack: --alpha must be a number > 0, got 0'],
      [['--item-factors', path('i5.jsonl'), '--regularization', 'lots'], 'edgepick pack: --regularization must be a number, got "lots"'],
      [['--item-factors', path('nope.parquet')], `edgepick pack: --item-factors: file not found: ${path('nope.parquet')}`],
      [
        ['--item-factors', path('skus.csv')],
        'edgepick pack: skus.csv: unknown factor file extension ".csv" (expected .parquet, .json/.jsonl, .npy, or a Spark output directory)',
      ],
    ];
    for (const [argv, message] of cases) {
      const res = await runCli(...argv, '--out', path('never.pack'));
      expect(res.code).toBe(1);
      expect(res.stderr).toBe(`${message}\n`);
    }
    expect((await runCli('--out', path('x.pack'))).stderr).toBe('edgepick pack: pack needs --item-factors <file> and --out <pack>\n');
    expect((await runCli('--item-factors', path('i5.jsonl'), '--factors', '8')).code).toBe(2);
  });
});
