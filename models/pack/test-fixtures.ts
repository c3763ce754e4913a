import type { PackManifest } from '../../schema/pack-manifest.js';
import { decodeIdList } from './id-list.js';
import { sha256Hex } from './sha256.js';
import { buildPack } from './writer.js';

/**
 * A valid 6-item pack with one value of `section` overwritten by `value` and re-checksummed, as a
 * foreign writer would produce it: the checksum passes, the numbers do not (tests only).
 */
export async function nonFinitePack(section: string, value: number): Promise<{ manifest: PackManifest; body: Uint8Array }> {
  const f = 2;
  const { manifest, body: original } = await buildPack({
    params: { factors: f, regularization: 0.1, alpha: 1, eventWeights: { view: 1 } },
    factors: f,
    itemIds: ['a', 'b', 'c', 'd', 'e', 'f'],
    itemFactors: Float32Array.from({ length: 6 * f }, (_, i) => ((i * 7) % 5) / 5),
    itemPopularity: Float32Array.from([6, 5, 4, 3, 2, 1]),
    userIds: ['u1', 'u2'],
    userFactors: Float32Array.from([1, 0, 0, 1]),
    interactions: 12,
  });
  const body = original.slice();
  const s = manifest.sections.find((x) => x.name === section);
  if (!s) throw new Error(`no section ${section}`);
  const view = s.dtype === 'float64' ? new Float64Array(body.buffer, s.offset, 1) : new Float32Array(body.buffer, s.offset, 1);
  view[0] = value;
  return { manifest: { ...manifest, checksum: { algorithm: 'sha256', value: await sha256Hex(body) } }, body };
}

/**
 * The same pack as a writer from before the `item_ids` section wrote it (tests only): the ids inline
 * in the manifest (right after `counts`, where that writer put them) and the body without the
 * section, every other section moved up in order to the next multiple of 8, re-checksummed. The
 * old writer's own bytes are kept in fixtures/format1-inline-item-ids.pack to check this against.
 */
export async function inlineItemIdsPack(manifest: PackManifest, body: Uint8Array): Promise<{ manifest: PackManifest; body: Uint8Array }> {
  const ids = manifest.sections.find((s) => s.name === 'item_ids');
  if (!ids) throw new Error('pack has no item_ids section');
  const itemIds = decodeIdList(body.subarray(ids.offset, ids.offset + ids.byteLength))!;
  let offset = 0;
  const moved = new Map<{ offset: number; byteLength: number }, number>();
  for (const s of [...manifest.sections, ...(manifest.ancillarySections ?? [])]) {
    if (s === ids) continue;
    moved.set(s, offset);
    offset = Math.ceil((offset + s.byteLength) / 8) * 8;
  }
  const out = new Uint8Array(offset);
  for (const [s, to] of moved) out.set(body.subarray(s.offset, s.offset + s.byteLength), to);
  const hash = await sha256Hex(out);
  const at = <T extends { offset: number; byteLength: number }>(s: T) => ({ ...s, offset: moved.get(s)! });
  const old: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(manifest)) {
    if (key === 'id') old.id = hash.slice(0, 16);
    else if (key === 'sections') old.sections = manifest.sections.filter((s) => s !== ids).map(at);
    else if (key === 'ancillarySections') old.ancillarySections = manifest.ancillarySections!.map(at);
    else if (key === 'byteLength') old.byteLength = out.byteLength;
    else if (key === 'chunks') old.chunks = Math.ceil(out.byteLength / manifest.chunkSize);
    else if (key === 'checksum') old.checksum = { algorithm: 'sha256', value: hash };
    else old[key] = value;
    if (key === 'counts') old.itemIds = itemIds;
  }
  return { manifest: old as PackManifest, body: out };
}
