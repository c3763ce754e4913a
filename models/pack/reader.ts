import {
  type AncillarySection,
  AncillarySectionName,
  PACK_FORMAT,
  PACK_FORMAT_VERSION,
  PackManifest,
  type PackSection,
  type SectionName,
} from '../../schema/pack-manifest.js';
import { decodeIdList } from './id-list.js';
import { sha256Hex } from './sha256.js';

/** A loaded pack: typed-array views over one body buffer (no per-section copies). */
export interface Pack {
  manifest: PackManifest;
  factors: number;
  /** Item ids in row order, from the `item_ids` section or, in packs written before it, the manifest's inline `itemIds`. */
  itemIds: string[];
  /** nItems × factors, row-major. */
  itemFactors: Float32Array;
  itemPopularity: Float32Array;
  /** YᵀY, factors × factors, row-major float64. */
  gram: Float64Array;
  userIds?: string[];
  userFactors?: Float32Array;
  /**
   * The item indices user u was trained on, ascending, without repeats (a view into the body; empty
   * for a user without items). Present when the pack has the `user_items` sections.
   */
  userItems?: (u: number) => Int32Array;
}

/** A pack that must not be served: wrong format, failed checksum, truncated, inconsistent. */
export class PackReadError extends Error {
  override name = 'PackReadError';
}

const DTYPE_BYTES = { float32: 4, float64: 8, int32: 4, utf8: 1 } as const;

/**
 * Validates a manifest and a body (one buffer, or the KV chunks in order) and returns the pack.
 * Checks, in order: manifest schema, body length, SHA-256, every section's bounds and shape, the id
 * lists (count, no empty or repeated id), user items, and that every number is finite.
 */
export async function openPack(manifestInput: unknown, bodyInput: Uint8Array | ArrayBuffer | (Uint8Array | ArrayBuffer)[]): Promise<Pack> {
  const parsed = PackManifest.safeParse(manifestInput);
  if (!parsed.success) {
    const m = manifestInput as { format?: unknown; formatVersion?: unknown } | null;
    if (m && typeof m === 'object' && m.format === PACK_FORMAT && m.formatVersion !== PACK_FORMAT_VERSION) {
      throw new PackReadError(
        `unsupported pack format version ${String(m.formatVersion)} (this reader understands ${PACK_FORMAT_VERSION})`,
      );
    }
    const first = parsed.error.issues[0];
    throw new PackReadError(`invalid pack manifest: ${first.path.join('.') || '(root)'}: ${first.message}`);
  }
  const manifest = parsed.data;
  const body = joinBody(bodyInput, manifest);
  if (body.byteLength !== manifest.byteLength) {
    throw new PackReadError(`pack body is ${body.byteLength} bytes, manifest says ${manifest.byteLength} (truncated or padded)`);
  }
  const hash = await sha256Hex(body);
  if (hash !== manifest.checksum.value)
    throw new PackReadError(`pack checksum mismatch: body sha256 ${hash.slice(0, 16)}…, manifest ${manifest.checksum.value.slice(0, 16)}…`);

  const f = manifest.dims.factors;
  const nItems = manifest.counts.items;
  const nUsers = manifest.counts.users;
  // Every listed section, known or not (an ancillary one from a newer writer is skipped), lies inside the body.
  for (const s of [...manifest.sections, ...(manifest.ancillarySections ?? [])]) {
    if (s.offset + s.byteLength > body.byteLength) throw new PackReadError(`section ${s.name} runs past the end of the body`);
  }
  const section = (name: SectionName | AncillarySectionName, dtype: PackSection['dtype'], shape: number[], required: boolean) => {
    const ancillary = (AncillarySectionName.options as readonly string[]).includes(name);
    const s: PackSection | AncillarySection | undefined = (ancillary ? (manifest.ancillarySections ?? []) : manifest.sections).find(
      (x) => x.name === name,
    );
    if (!s) {
      if (required) throw new PackReadError(`pack has no ${name} section`);
      return undefined;
    }
    if (s.dtype !== dtype) throw new PackReadError(`section ${name} has dtype ${s.dtype}, expected ${dtype}`);
    if (s.shape.length !== shape.length || s.shape.some((d, i) => d !== shape[i])) {
      throw new PackReadError(`section ${name} has shape [${s.shape}], expected [${shape}]`);
    }
    const expected = dtype === 'utf8' ? s.byteLength : shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtype];
    if (s.byteLength !== expected) throw new PackReadError(`section ${name} is ${s.byteLength} bytes, expected ${expected}`);
    return s;
  };
  const view32 = (s: { offset: number; byteLength: number }) => new Float32Array(body.buffer, body.byteOffset + s.offset, s.byteLength / 4);
  const itemFactors = view32(section('item_factors', 'float32', [nItems, f], true)!);
  const itemPopularity = view32(section('item_popularity', 'float32', [nItems], true)!);
  const g = section('gram', 'float64', [f, f], true)!;
  const gram = new Float64Array(body.buffer, body.byteOffset + g.offset, f * f);
  // The schema let through exactly one of the two sources of item ids.
  const itemIds = manifest.itemIds
    ? checkIds('itemIds', manifest.itemIds, nItems)
    : readIds('item_ids', body, section('item_ids', 'utf8', [nItems], true)!, nItems);
  const pack: Pack = { manifest, factors: f, itemIds, itemFactors, itemPopularity, gram };
  if (nUsers > 0) {
    const uf = section('user_factors', 'float32', [nUsers, f], true)!;
    pack.userIds = readIds('user_ids', body, section('user_ids', 'utf8', [nUsers], true)!, nUsers);
    pack.userFactors = view32(uf);
  }
  const userItems = readUserItems(manifest, body, nUsers, nItems, section);
  if (userItems) pack.userItems = userItems;
  // The checksum proves the bytes are the writer's, not that they are numbers: a pack built by
  // other tools (or an old writer) can carry NaN/∞, which would turn every score into NaN.
  for (const [name, values] of [
    ['item_factors', itemFactors],
    ['item_popularity', itemPopularity],
    ['gram', gram],
    ['user_factors', pack.userFactors],
  ] as const) {
    const bad = values ? firstNonFinite(values) : -1;
    if (bad >= 0) throw new PackReadError(`section ${name} holds a non-finite value (${values![bad]}) at index ${bad}`);
  }
  return pack;
}

/**
 * The ancillary `user_items_indptr` / `user_items` pair (CSR by user): both or neither, only with
 * user ids, indptr from 0 to the item count without decreasing, each user's items strictly
 * ascending (sorted, no repeats: serving looks them up by binary search) and inside the catalog.
 */
function readUserItems(
  manifest: PackManifest,
  body: Uint8Array,
  nUsers: number,
  nItems: number,
  section: (
    name: AncillarySectionName,
    dtype: 'int32',
    shape: number[],
    required: boolean,
  ) => { offset: number; byteLength: number } | undefined,
): ((u: number) => Int32Array) | undefined {
  const listed = (name: string) => manifest.ancillarySections?.some((s) => s.name === name) ?? false;
  const hasPtr = listed('user_items_indptr');
  const hasItems = listed('user_items');
  if (!hasPtr && !hasItems) return undefined;
  if (hasPtr !== hasItems)
    throw new PackReadError(`pack has ${hasPtr ? 'user_items_indptr without user_items' : 'user_items without user_items_indptr'}`);
  if (nUsers === 0) throw new PackReadError('pack has user_items sections but no users');
  const nnz = manifest.ancillarySections!.find((s) => s.name === 'user_items')!.shape[0];
  const view = (s: { offset: number; byteLength: number }) => new Int32Array(body.buffer, body.byteOffset + s.offset, s.byteLength / 4);
  const indptr = view(section('user_items_indptr', 'int32', [nUsers + 1], true)!);
  const indices = view(section('user_items', 'int32', [nnz], true)!);
  if (indptr[0] !== 0 || indptr[nUsers] !== nnz)
    throw new PackReadError(`user_items_indptr runs ${indptr[0]}..${indptr[nUsers]}, expected 0..${nnz}`);
  for (let u = 0; u < nUsers; u++) if (indptr[u + 1] < indptr[u]) throw new PackReadError(`user_items_indptr decreases at user ${u}`);
  for (let u = 0; u < nUsers; u++) {
    for (let j = indptr[u]; j < indptr[u + 1]; j++) {
      const i = indices[j];
      if (i < 0 || i >= nItems) throw new PackReadError(`user_items: user ${u} has item index ${i}, outside 0..${nItems - 1}`);
      if (j > indptr[u] && i <= indices[j - 1]) throw new PackReadError(`user_items: user ${u}'s items are not strictly ascending at ${j}`);
    }
  }
  return (u) => indices.subarray(indptr[u], indptr[u + 1]);
}

/** An id list section (`user_ids`, `item_ids`; id-list.ts): valid UTF-8, then as `checkIds`. */
function readIds(name: string, body: Uint8Array, s: { offset: number; byteLength: number }, expected: number): string[] {
  const ids = decodeIdList(body.subarray(s.offset, s.offset + s.byteLength));
  if (!ids) throw new PackReadError(`section ${name} is not valid UTF-8`);
  return checkIds(name, ids, expected);
}

/** `expected` ids, none empty, no two alike: an id must name one row, or serving would look up the wrong one. */
function checkIds(name: string, ids: string[], expected: number): string[] {
  if (ids.length !== expected) throw new PackReadError(`${name} holds ${ids.length} ids, expected ${expected}`);
  const seen = new Set<string>();
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] === '') throw new PackReadError(`${name} holds an empty id at row ${i}`);
    if (seen.has(ids[i])) throw new PackReadError(`${name} holds the id ${JSON.stringify(ids[i])} twice (again at row ${i})`);
    seen.add(ids[i]);
  }
  return ids;
}

function firstNonFinite(values: Float32Array | Float64Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

/** One contiguous, 8-byte-aligned buffer (copies only when given chunks or an unaligned view). */
function joinBody(input: Uint8Array | ArrayBuffer | (Uint8Array | ArrayBuffer)[], manifest: PackManifest): Uint8Array {
  if (!Array.isArray(input)) {
    const u = input instanceof Uint8Array ? input : new Uint8Array(input);
    return u.byteOffset % 8 === 0 ? u : u.slice();
  }
  if (input.length !== manifest.chunks) throw new PackReadError(`pack has ${input.length} chunks, manifest says ${manifest.chunks}`);
  if (input.length === 1) return joinBody(input[0], manifest);
  const parts = input.map((c) => (c instanceof Uint8Array ? c : new Uint8Array(c)));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}
