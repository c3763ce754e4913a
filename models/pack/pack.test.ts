import { Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import type { PackManifest } from '../../schema/pack-manifest.js';
import {
  buildPack,
  decodePack,
  encodePack,
  fileToParts,
  gramMatrix,
  openPack,
  PackReadError,
  PackWriteError,
  packToFile,
  splitChunks,
} from './index.js';
import { sha256Hex } from './sha256.js';
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
    const { manifest, body } = fileToParts(bytes) as unknown as {
      manifest: { sections: { shape: number[] }[] };
      body: Uint8Array;
    };
    const bad = structuredClone(manifest);
    bad.sections[0].shape = [49, 4];
    await expect(openPack(bad, body)).rejects.toThrow(/section item_factors has shape/);
    await expect(openPack({ ...manifest, formatVersion: 2 }, body)).rejects.toThrow(/unsupported pack format version 2/);
  });
});

/** 7 users × 50 items: user u has items {u, u+7, …} below 50 except every third user, who has none; given unsorted. */
function withUserItems(): PackInput {
  const rows = Array.from({ length: 7 }, (_, u) =>
    u % 3 === 2 ? [] : Array.from({ length: Math.ceil((50 - u) / 7) }, (_, j) => u + 7 * j).reverse(),
  );
  const indptr = Int32Array.from([0, ...rows.map((_r, u) => rows.slice(0, u + 1).reduce((n, x) => n + x.length, 0))]);
  return { ...sample(), userItemsCsr: { indptr, indices: Int32Array.from(rows.flat()) } };
}

/** A valid pack with user items, changed by `edit` (manifest and body) and re-checksummed, as another writer could make it. */
async function editedPack(edit: (m: PackManifest, body: Uint8Array, view: (name: string) => Int32Array) => void) {
  const { manifest, body } = await buildPack(withUserItems());
  const m = structuredClone(manifest);
  const b = body.slice();
  const view = (name: string) => {
    const s = m.ancillarySections!.find((x) => x.name === name)!;
    return new Int32Array(b.buffer, s.offset, s.byteLength / 4);
  };
  edit(m, b, view);
  return openPack({ ...m, checksum: { algorithm: 'sha256', value: await sha256Hex(b) } }, b);
}

describe('user items (ancillary user_items_indptr + user_items)', () => {
  it('round trip: each user’s items sorted, in ancillarySections, the body still chunked for KV', async () => {
    const input = withUserItems();
    const { manifest, body } = await buildPack(input, { chunkSize: 64 });
    expect(manifest.sections.map((s) => s.name)).toEqual([
      'item_factors',
      'item_popularity',
      'gram',
      'item_ids',
      'user_factors',
      'user_ids',
    ]);
    expect(manifest.ancillarySections).toEqual([
      { name: 'user_items_indptr', dtype: 'int32', shape: [8], offset: expect.any(Number), byteLength: 32 },
      {
        name: 'user_items',
        dtype: 'int32',
        shape: [input.userItemsCsr!.indices.length],
        offset: expect.any(Number),
        byteLength: input.userItemsCsr!.indices.length * 4,
      },
    ]);
    const pack = await openPack(manifest, splitChunks(manifest, body));
    for (let u = 0; u < 7; u++) {
      const expected = u % 3 === 2 ? [] : Array.from({ length: Math.ceil((50 - u) / 7) }, (_, j) => u + 7 * j);
      expect(Array.from(pack.userItems!(u))).toEqual(expected);
    }
    // Through the file container too, and not at all without them.
    expect(Array.from((await decodePack(await encodePack(input))).userItems!(0))).toEqual([0, 7, 14, 21, 28, 35, 42, 49]);
    expect((await decodePack(await encodePack(sample()))).userItems).toBeUndefined();
    expect((await buildPack(sample())).manifest.ancillarySections).toBeUndefined();
  });

  it('are left out with the user factors', async () => {
    const { manifest } = await buildPack(withUserItems(), { omitUsers: true });
    expect(manifest.counts.users).toBe(0);
    expect(manifest.ancillarySections).toBeUndefined();
  });

  it('an older reader, which drops the unknown ancillarySections key, still opens the pack (without them)', async () => {
    const { manifest, body } = await buildPack(withUserItems());
    // Readers before user_items knew only these section names and dtypes, and zod drops unknown keys.
    for (const s of manifest.sections) expect(['float32', 'float64', 'utf8']).toContain(s.dtype);
    const { ancillarySections: _, ...old } = manifest;
    const pack = await openPack(old, body);
    expect(pack.userItems).toBeUndefined();
    expect(Array.from(pack.itemFactors)).toEqual(Array.from(sample().itemFactors));
  });

  it('skips an ancillary section it does not know, but not one outside the body', async () => {
    const unknown = { name: 'clusters', dtype: 'uint16', shape: [4], offset: 0, byteLength: 8 };
    const pack = await editedPack((m) => m.ancillarySections!.push(unknown));
    expect(Array.from(pack.userItems!(1))).toEqual([1, 8, 15, 22, 29, 36, 43]);
    await expect(editedPack((m) => m.ancillarySections!.push({ ...unknown, offset: m.byteLength }))).rejects.toThrow(
      /section clusters runs past the end/,
    );
  });

  it('refuses a non-monotone indptr, an index out of range, unsorted or repeated items, a wrong length', async () => {
    await expect(
      editedPack((_m, _b, view) => {
        const p = view('user_items_indptr');
        [p[1], p[2]] = [p[2], p[1]];
      }),
    ).rejects.toThrow(/user_items_indptr decreases at user 1/);
    await expect(editedPack((_m, _b, view) => void (view('user_items')[3] = 50))).rejects.toThrow(PackReadError);
    await expect(editedPack((_m, _b, view) => void (view('user_items')[3] = 50))).rejects.toThrow(
      /user 0 has item index 50, outside 0\.\.49/,
    );
    await expect(editedPack((_m, _b, view) => void (view('user_items')[3] = -1))).rejects.toThrow(/outside/);
    await expect(editedPack((_m, _b, view) => void (view('user_items')[3] = 35))).rejects.toThrow(
      /user 0's items are not strictly ascending/,
    );
    await expect(editedPack((_m, _b, view) => void (view('user_items')[3] = 14))).rejects.toThrow(/not strictly ascending/);
    await expect(editedPack((_m, _b, view) => void (view('user_items_indptr')[7] -= 1))).rejects.toThrow(
      /user_items_indptr runs 0\.\.\d+, expected/,
    );
    await expect(editedPack((_m, _b, view) => void (view('user_items_indptr')[0] = 1))).rejects.toThrow(/user_items_indptr runs 1\.\./);
    // Wrong length: indptr must have users + 1 entries; shapes must match byte lengths.
    await expect(
      editedPack((m) => {
        const s = m.ancillarySections![0];
        s.shape = [7];
        s.byteLength = 28;
      }),
    ).rejects.toThrow(/section user_items_indptr has shape \[7\], expected \[8\]/);
    await expect(editedPack((m) => void (m.ancillarySections![1].byteLength -= 4))).rejects.toThrow(
      /section user_items is \d+ bytes, expected/,
    );
    await expect(editedPack((m) => void (m.ancillarySections![1].dtype = 'float32'))).rejects.toThrow(
      /section user_items has dtype float32, expected int32/,
    );
    await expect(editedPack((m) => void m.ancillarySections!.pop())).rejects.toThrow(/user_items_indptr without user_items/);
    await expect(
      editedPack((m) => {
        m.sections = m.sections.filter((s) => !s.name.startsWith('user_'));
        m.counts.users = 0;
      }),
    ).rejects.toThrow(/user_items sections but no users/);
  });

  it('the writer refuses a malformed CSR', async () => {
    const csr = withUserItems().userItemsCsr!;
    const bad = (userItemsCsr: { indptr: Int32Array; indices: Int32Array }) => encodePack({ ...sample(), userItemsCsr });
    await expect(bad({ ...csr, indptr: csr.indptr.subarray(1) })).rejects.toThrow(/expected users \+ 1 = 8/);
    await expect(bad({ indptr: csr.indptr, indices: Int32Array.from(csr.indices, (i, j) => (j === 2 ? 50 : i)) })).rejects.toThrow(
      /outside 0\.\.49/,
    );
    await expect(
      bad({ indptr: csr.indptr, indices: Int32Array.from(csr.indices, (i, j) => (j === 2 ? csr.indices[3] : i)) }),
    ).rejects.toThrow(/twice/);
    await expect(
      bad({ indptr: Int32Array.from(csr.indptr, (p, u) => (u === 1 ? csr.indptr[2] + 1 : p)), indices: csr.indices }),
    ).rejects.toThrow(/decreases at user 1/);
    await expect(bad({ indptr: csr.indptr, indices: csr.indices.subarray(1) })).rejects.toThrow(/must run from 0/);
  });
});
