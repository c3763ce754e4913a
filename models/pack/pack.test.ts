import { Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { buildPack, decodePack, encodePack, fileToParts, gramMatrix, openPack, PackReadError, PackWriteError, packToFile, splitChunks } from './index.js';
import { nonFinitePack } from './test-fixtures.js';
import type { PackInput } from './writer.js';

function sample(nItems = 50, nUsers = 7, f = 4): PackInput {
  let s = 12345;
  const rnd = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff - 0.5;
  return {
    params: { factors: f, regularization: 0.1, alpha: 2, eventWeights: { view: 1, click: 2 } },
    factors: f,
    itemIds: Array.from({ length: nItems }, (_, i) => `item-${i}`),
    itemFactors: Float32Array.from({ length: nItems * f }, rnd),
    itemPopularity: Float32Array.from({ length: nItems }, (_, i) => nItems - i),
    userIds: Array.from({ length: nUsers }, (_, i) => `user-${i}`),
    userFactors: Float32Array.from({ length: nUsers * f }, rnd),
    interactions: 123,
  };
}

const scores = (p: { itemFactors: Float32Array; userFactors?: Float32Array; factors: number }, u: number) => {
  const f = p.factors;
  const out: number[] = [];
  for (let i = 0; i < p.itemFactors.length / f; i++) {
    let s = 0;
    for (let k = 0; k < f; k++) s += p.itemFactors[i * f + k] * p.userFactors![u * f + k];
    out.push(s);
  }
  return out;
};

describe('pack round trip', () => {
  it('write → read gives identical factors, ids and scores', async () => {
    const input = sample();
    const pack = await decodePack(await encodePack(input));
    expect(pack.itemIds).toEqual(input.itemIds);
    expect(pack.userIds).toEqual(input.userIds);
    expect(Array.from(pack.itemFactors)).toEqual(Array.from(input.itemFactors));
    expect(Array.from(pack.itemPopularity)).toEqual(Array.from(input.itemPopularity));
    for (let u = 0; u < 7; u++) expect(scores(pack, u)).toEqual(scores(input, u));
    expect(pack.manifest.counts).toEqual({ items: 50, users: 7, interactions: 123 });
  });

  it('stores YᵀY computed in float64', async () => {
    const input = sample(20, 0, 3);
    const pack = await decodePack(await encodePack({ ...input, userIds: undefined, userFactors: undefined }));
    expect(pack.userFactors).toBeUndefined();
    // An independent reference: ml-matrix's YᵀY over the same float32 values, entry by entry.
    const Y = new Matrix(Array.from({ length: 20 }, (_, i) => Array.from(input.itemFactors.subarray(i * 3, i * 3 + 3))));
    const expected = Y.transpose().mmul(Y);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) expect(pack.gram[a * 3 + b]).toBeCloseTo(expected.get(a, b), 12);
  });

  it('gramMatrix is YᵀY + λI, symmetric, in float64, into a reused buffer (the trainer’s call)', () => {
    let s = 9;
    const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5;
    for (const [m, f] of [
      [37, 5],
      [1, 1],
      [64, 8],
    ]) {
      const y = Float32Array.from({ length: m * f }, rnd);
      y[3 % y.length] = 0; // the zero-skip path
      const Y = new Matrix(Array.from({ length: m }, (_, i) => Array.from(y.subarray(i * f, i * f + f))));
      const expected = Y.transpose().mmul(Y).add(Matrix.eye(f, f).mul(0.25));
      const out = new Float64Array(f * f).fill(Number.NaN); // stale contents must not leak in
      const g = gramMatrix(y, m, f, 0.25, out);
      expect(g).toBe(out);
      for (let a = 0; a < f; a++) for (let b = 0; b < f; b++) expect(g[a * f + b]).toBeCloseTo(expected.get(a, b), 12);
      // λ is added to the diagonal after summing: λ = 0 (what the writer stores) differs by exactly λ there.
      const plain = gramMatrix(y, m, f);
      for (let k = 0; k < f * f; k++) expect(g[k]).toBe(k % (f + 1) === 0 ? plain[k] + 0.25 : plain[k]);
    }
  });

  it('reads a body split into KV-sized chunks', async () => {
    const { manifest, body } = await buildPack(sample(), { chunkSize: 64 });
    const chunks = splitChunks(manifest, body);
    expect(chunks.length).toBe(manifest.chunks);
    expect(chunks.length).toBeGreaterThan(3);
    const pack = await openPack(
      manifest,
      chunks.map((c) => c.slice().buffer),
    );
    expect(Array.from(pack.itemFactors)).toEqual(Array.from(sample().itemFactors));
  });
});

describe('pack refusals', () => {
  it('refuses to write NaN or infinite factors', async () => {
    const input = sample();
    input.itemFactors[17] = Number.NaN;
    await expect(encodePack(input)).rejects.toThrow(PackWriteError);
    const input2 = sample();
    input2.userFactors![3] = Number.POSITIVE_INFINITY;
    await expect(encodePack(input2)).rejects.toThrow(/userFactors\[3\] is Infinity/);
  });

  it('refuses to read NaN or infinite values even under a correct checksum (a pack from another tool)', async () => {
    for (const [section, value] of [
      ['item_factors', Number.NaN],
      ['item_popularity', Number.POSITIVE_INFINITY],
      ['gram', Number.NaN],
      ['user_factors', Number.NEGATIVE_INFINITY],
    ] as const) {
      const { manifest, body } = await nonFinitePack(section, value);
      await expect(openPack(manifest, body)).rejects.toThrow(new RegExp(`section ${section} holds a non-finite value`));
      await expect(decodePack(packToFile(manifest, body))).rejects.toThrow(PackReadError);
    }
  });

  it('refuses duplicate ids and wrong shapes', async () => {
    const input = sample();
    input.itemIds[3] = 'item-2';
    await expect(encodePack(input)).rejects.toThrow(/duplicate item id/);
    await expect(encodePack({ ...sample(), itemPopularity: new Float32Array(3) })).rejects.toThrow(/itemPopularity/);
  });

  it('refuses a corrupted body (checksum)', async () => {
    const bytes = await encodePack(sample());
    bytes[bytes.length - 10] ^= 0xff;
    await expect(decodePack(bytes)).rejects.toThrow(/checksum mismatch/);
  });

  it('refuses a truncated file', async () => {
    const bytes = await encodePack(sample());
    await expect(decodePack(bytes.subarray(0, bytes.length - 8))).rejects.toThrow(/truncated/);
    await expect(decodePack(bytes.subarray(0, 40))).rejects.toThrow(PackReadError);
    await expect(decodePack(bytes.subarray(0, 4))).rejects.toThrow(/shorter than the header/);
  });

  it('refuses a missing chunk and a foreign file', async () => {
    const { manifest, body } = await buildPack(sample(), { chunkSize: 64 });
    const chunks = splitChunks(manifest, body);
    await expect(openPack(manifest, chunks.slice(1))).rejects.toThrow(/chunks/);
    await expect(decodePack(new TextEncoder().encode('user,item\n1,2\n3,4\n5,6\n'))).rejects.toThrow(/not an edgepick pack/);
  });

  it('refuses a tampered manifest (section shape, format version)', async () => {
    const bytes = await encodePack(sample());
    const { manifest, body } = fileToParts(bytes) as unknown as { manifest: { sections: { shape: number[] }[]; itemIds: string[] }; body: Uint8Array };
    const bad = structuredClone(manifest);
    bad.sections[0].shape = [49, 4];
    await expect(openPack(bad, body)).rejects.toThrow(/section item_factors has shape/);
    await expect(openPack({ ...manifest, formatVersion: 2 }, body)).rejects.toThrow(/unsupported pack format version 2/);
    await expect(openPack({ ...manifest, itemIds: manifest.itemIds.slice(1) }, body)).rejects.toThrow(/itemIds/);
  });
});
