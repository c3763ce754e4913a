import type { PackManifest } from '../../schema/pack-manifest.js';
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
