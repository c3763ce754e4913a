import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PackManifest } from '../../schema/pack-manifest.js';
import {
  buildPack,
  decodePack,
  encodePack,
  fileToParts,
  openPack,
  PackReadError,
  PackWriteError,
  packToFile,
  splitChunks,
} from './index.js';
import { sha256Hex } from './sha256.js';
import { inlineItemIdsPack } from './test-fixtures.js';
import type { PackInput } from './writer.js';

/** Ids the id list must carry exactly: non-ASCII, astral, separators other than `\n`, and U+FEFF first (not a byte-order mark). */
const ODD_IDS = ['\uFEFFbom-first', '玩具-001', '🧸 bear', 'sku,"7"', 'a b\tc', 'cr\rinside', ' spaced ', 'ünïcödé', 'x'.repeat(300)];

function input(itemIds = ODD_IDS, userIds = ['\uFEFF用户-1', 'u2']): PackInput {
  const f = 2;
  return {
    params: { factors: f, regularization: 0.1, alpha: 2, eventWeights: { view: 1 } },
    factors: f,
    itemIds,
    itemFactors: Float32Array.from({ length: itemIds.length * f }, (_, i) => ((i * 7) % 5) / 5),
    itemPopularity: Float32Array.from(itemIds, (_, i) => itemIds.length - i),
    userIds,
    userFactors: Float32Array.from({ length: userIds.length * f }, (_, i) => i / 4),
    interactions: 3,
  };
}

/** The input the old writer was given for fixtures/format1-inline-item-ids.pack (written by commit 9639b43's writer). */
const LEGACY_INPUT: PackInput = {
  params: { factors: 2, regularization: 0.1, alpha: 2, eventWeights: { view: 1, purchase: 4 } },
  factors: 2,
  itemIds: ['玩具-001', 'sku,"7"', 'a b\tc', '🧸 bear', 'item-4', 'x'],
  itemFactors: Float32Array.from([1, 0, 0, 1, 0.5, 0.5, -1, 0.25, 0.125, -0.5, 2, 3]),
  itemPopularity: Float32Array.from([6, 5, 4, 3, 2, 1]),
  userIds: ['用户-1', 'u2'],
  userFactors: Float32Array.from([1, 0, 0, 1]),
  userItemsCsr: { indptr: Int32Array.from([0, 2, 3]), indices: Int32Array.from([3, 0, 5]) },
  interactions: 3,
  metrics: { 'holdout.ndcg@10': 0.5 },
};
const LEGACY_FILE = new Uint8Array(readFileSync(new URL('./fixtures/format1-inline-item-ids.pack', import.meta.url)));

/** A valid pack of `ids` changed by `edit` (manifest and body, as another writer could) and re-checksummed, then opened. */
async function edited(ids: string[], edit: (m: PackManifest, body: Uint8Array) => void) {
  const { manifest, body } = await buildPack(input(ids));
  const m = structuredClone(manifest);
  const b = body.slice();
  edit(m, b);
  return openPack({ ...m, byteLength: b.byteLength, checksum: { algorithm: 'sha256', value: await sha256Hex(b) } }, b);
}
const itemIdsSection = (m: PackManifest) => m.sections.find((s) => s.name === 'item_ids')!;

describe('item ids in the body (item_ids section)', () => {
  it('are written as a required utf8 section, encoded exactly as user_ids, and left out of the manifest', async () => {
    const { manifest, body } = await buildPack(input());
    expect(manifest.itemIds).toBeUndefined();
    expect(manifest.formatVersion).toBe(1);
    expect(manifest.counts.items).toBe(ODD_IDS.length);
    const s = itemIdsSection(manifest);
    expect(s).toMatchObject({ dtype: 'utf8', shape: [ODD_IDS.length] });
    expect(manifest.ancillarySections?.some((a) => a.name === 'item_ids')).toBeFalsy();
    const text = (name: string) => {
      const x = manifest.sections.find((y) => y.name === name)!;
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body.subarray(x.offset, x.offset + x.byteLength));
    };
    expect(text('item_ids')).toBe(ODD_IDS.join('\n'));
    expect(text('user_ids')).toBe(['\uFEFF用户-1', 'u2'].join('\n'));
  });

  it('round-trip exactly through the file and through KV chunks that split characters apart', async () => {
    const pack = await decodePack(await encodePack(input()));
    expect(pack.itemIds).toEqual(ODD_IDS);
    expect(pack.userIds).toEqual(['\uFEFF用户-1', 'u2']);
    // 8-byte chunks cut 3- and 4-byte UTF-8 sequences in two; the reader joins before decoding.
    const { manifest, body } = await buildPack(input(), { chunkSize: 8 });
    const chunks = splitChunks(manifest, body);
    expect(chunks.length).toBeGreaterThan(50);
    expect((await openPack(manifest, chunks)).itemIds).toEqual(ODD_IDS);
  });

  it('an empty catalog is an empty section', async () => {
    const { manifest, body } = await buildPack({ ...input([]), itemFactors: new Float32Array(0), itemPopularity: new Float32Array(0) });
    expect(itemIdsSection(manifest)).toMatchObject({ shape: [0], byteLength: 0 });
    expect((await openPack(manifest, body)).itemIds).toEqual([]);
  });

  it('the writer refuses an id the list cannot carry: empty, with a newline, or with a lone surrogate', async () => {
    await expect(encodePack(input(['a', '']))).rejects.toThrow(/item id "" is empty or contains a newline/);
    await expect(encodePack(input(['a', 'b\nc']))).rejects.toThrow(/item id "b\\nc" is empty or contains a newline/);
    await expect(encodePack(input(['a', 'half\ud83e']))).rejects.toThrow(PackWriteError);
    await expect(encodePack(input(['a', 'half\ud83e']))).rejects.toThrow(/item id "half\\ud83e" holds a lone surrogate/);
    await expect(encodePack(input(['a'], ['\udc00u']))).rejects.toThrow(/user id .* holds a lone surrogate/);
  });
});

describe('packs written before item_ids (ids inline in the manifest)', () => {
  it('still open: the old writer’s own bytes, whole and in KV chunks', async () => {
    const pack = await decodePack(LEGACY_FILE);
    expect(pack.manifest.sections.map((s) => s.name)).not.toContain('item_ids');
    expect(pack.itemIds).toEqual(LEGACY_INPUT.itemIds);
    expect(pack.userIds).toEqual(LEGACY_INPUT.userIds);
    expect(Array.from(pack.itemFactors)).toEqual(Array.from(LEGACY_INPUT.itemFactors));
    expect(Array.from(pack.userItems!(0))).toEqual([0, 3]);
    const { manifest, body } = fileToParts(LEGACY_FILE);
    const chunked = { ...(manifest as PackManifest), chunkSize: 16, chunks: Math.ceil(body.byteLength / 16) };
    expect((await openPack(chunked, splitChunks(chunked, body))).itemIds).toEqual(LEGACY_INPUT.itemIds);
  });

  it('the test fixture inlineItemIdsPack reproduces the old writer byte for byte', async () => {
    const { manifest, body } = await buildPack(LEGACY_INPUT, { createdAt: '2025-01-01T00:00:00.000Z' });
    const old = await inlineItemIdsPack(manifest, body);
    expect(packToFile(old.manifest, old.body)).toEqual(LEGACY_FILE);
  });

  it('refuse inline ids of the wrong count, empty or repeated', async () => {
    const { manifest, body } = fileToParts(LEGACY_FILE) as { manifest: PackManifest; body: Uint8Array };
    const ids = manifest.itemIds!;
    await expect(openPack({ ...manifest, itemIds: ids.slice(1) }, body)).rejects.toThrow(/itemIds: itemIds length ≠ counts\.items/);
    await expect(openPack({ ...manifest, itemIds: [...ids.slice(0, 5), ids[2]] }, body)).rejects.toThrow(
      /itemIds holds the id "a b\\tc" twice \(again at row 5\)/,
    );
    await expect(openPack({ ...manifest, itemIds: [...ids.slice(0, 5), ''] }, body)).rejects.toThrow(PackReadError);
  });
});

describe('item id refusals', () => {
  it('a manifest with both inline itemIds and the item_ids section, or with neither', async () => {
    const exactlyOne =
      /invalid pack manifest: itemIds: a pack has its item ids either inline \(itemIds\) or as the item_ids section: exactly one/;
    const { manifest, body } = await buildPack(input());
    await expect(openPack({ ...manifest, itemIds: ODD_IDS }, body)).rejects.toThrow(exactlyOne);
    await expect(openPack({ ...manifest, itemIds: ODD_IDS }, body)).rejects.toThrow(PackReadError);
    const { manifest: old, body: oldBody } = fileToParts(LEGACY_FILE) as { manifest: PackManifest; body: Uint8Array };
    const { itemIds: _, ...neither } = old;
    await expect(openPack(neither, oldBody)).rejects.toThrow(exactlyOne);
  });

  it('a corrupt item_ids section: wrong count, a repeated or empty id, not UTF-8, wrong shape', async () => {
    const ids = ['a', 'bb', 'c'];
    // "a\nbb\nc": one separator turned into a letter leaves 2 ids for 3 rows.
    await expect(edited(ids, (m, b) => void (b[itemIdsSection(m).offset + 1] = 0x7a))).rejects.toThrow(/item_ids holds 2 ids, expected 3/);
    // "a\nbb\nc" → "a\nc\nc" (5 bytes): row 2 repeats row 1.
    await expect(
      edited(ids, (m, b) => {
        const s = itemIdsSection(m);
        b.set(new TextEncoder().encode('c\nc'), s.offset + 2);
        s.byteLength = 5;
      }),
    ).rejects.toThrow(/item_ids holds the id "c" twice \(again at row 2\)/);
    await expect(edited(ids, (m) => void (itemIdsSection(m).byteLength -= 1))).rejects.toThrow(/item_ids holds an empty id at row 2/);
    await expect(edited(ids, (m, b) => void (b[itemIdsSection(m).offset] = 0xff))).rejects.toThrow(/section item_ids is not valid UTF-8/);
    await expect(edited(ids, (m) => void (itemIdsSection(m).shape = [2]))).rejects.toThrow(
      /section item_ids has shape \[2\], expected \[3\]/,
    );
    await expect(edited(ids, (m) => void (itemIdsSection(m).dtype = 'int32'))).rejects.toThrow(
      /section item_ids has dtype int32, expected utf8/,
    );
    await expect(edited(ids, (m) => void (itemIdsSection(m).offset = m.byteLength))).rejects.toThrow(/section item_ids runs past the end/);
    // Every refusal is a PackReadError, so the worker keeps serving the last good pack.
    await expect(edited(ids, (m, b) => void (b[itemIdsSection(m).offset] = 0xff))).rejects.toThrow(PackReadError);
  });
});
