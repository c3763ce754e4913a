import type { PackManifest } from '../../schema/pack-manifest.js';
import { openPack, type Pack, PackReadError } from './reader.js';
import { buildPack, type EncodeOptions, type PackInput } from './writer.js';

/** First 8 bytes of a pack file. */
export const PACK_MAGIC = 'EDGEPK01';
const HEADER = 16; // magic (8) + u32 manifest length + u32 reserved

const pad8 = (n: number) => Math.ceil(n / 8) * 8;

/** One-file container: magic, manifest length, manifest JSON (padded to 8), body. */
export function packToFile(manifest: PackManifest, body: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(manifest));
  const start = HEADER + pad8(json.byteLength);
  const out = new Uint8Array(start + body.byteLength);
  out.set(new TextEncoder().encode(PACK_MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, json.byteLength, true);
  out.set(json, HEADER);
  out.fill(0x20, HEADER + json.byteLength, start); // spaces keep the JSON region valid if read whole
  out.set(body, start);
  return out;
}

/** Splits a pack file into manifest (parsed JSON, not yet validated) and body. */
export function fileToParts(bytes: Uint8Array): { manifest: unknown; body: Uint8Array } {
  if (bytes.byteLength < HEADER) throw new PackReadError(`not an edgepick pack: ${bytes.byteLength} bytes is shorter than the header`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== PACK_MAGIC) throw new PackReadError(`not an edgepick pack (magic ${JSON.stringify(magic)}, expected ${PACK_MAGIC})`);
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (HEADER + len > bytes.byteLength) throw new PackReadError('pack file is truncated inside its manifest');
  let manifest: unknown;
  try {
    manifest = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes.subarray(HEADER, HEADER + len)));
  } catch {
    throw new PackReadError('pack manifest is not valid JSON');
  }
  return { manifest, body: bytes.subarray(HEADER + pad8(len)) };
}

/** Model → pack file bytes. */
export async function encodePack(input: PackInput, options?: EncodeOptions): Promise<Uint8Array> {
  const { manifest, body } = await buildPack(input, options);
  return packToFile(manifest, body);
}

/** Pack file bytes → validated pack (throws PackReadError). */
export async function decodePack(bytes: Uint8Array): Promise<Pack> {
  const { manifest, body } = fileToParts(bytes);
  return openPack(manifest, body);
}
