import { hasLoneSurrogate } from '../../schema/ids.js';
import {
  type AncillarySection,
  type AncillarySectionName,
  DEFAULT_CHUNK_SIZE,
  KV_VALUE_LIMIT,
  PACK_FORMAT,
  PACK_FORMAT_VERSION,
  type PackManifest,
  type PackSection,
  type SectionName,
} from '../../schema/pack-manifest.js';
import type { AlsParams } from '../model.js';
import { gramMatrix } from './gram.js';
import { encodeIdList, ID_SEPARATOR } from './id-list.js';
import { sha256Hex } from './sha256.js';

/** What a pack holds; a `TrainedModel` satisfies it, and so does a model imported from elsewhere. */
export interface PackInput {
  params: Pick<AlsParams, 'factors' | 'regularization' | 'alpha' | 'eventWeights'> & Partial<AlsParams>;
  factors: number;
  itemIds: string[];
  itemFactors: Float32Array;
  itemPopularity: Float32Array;
  userIds?: string[];
  userFactors?: Float32Array;
  /**
   * Each user's trained items, CSR over `userIds` × `itemIds` (`toCsr(data, true)` fits): user u's
   * items are `indices[indptr[u] .. indptr[u+1])`, any order, no repeats. Written, sorted per user,
   * as the ancillary `user_items_indptr` / `user_items` sections so that serving leaves them out of
   * the user's picks; dropped together with the user factors.
   */
  userItemsCsr?: { indptr: Int32Array; indices: Int32Array };
  interactions: number;
  metrics?: Record<string, number>;
}

export interface EncodeOptions {
  /** Leave user factors out (smaller pack; known users are then folded in like visitors). @default false */
  omitUsers?: boolean;
  /** Largest body chunk in bytes. @default 24 MiB */
  chunkSize?: number;
  /** Fixed creation time, for reproducible packs in tests. */
  createdAt?: string;
}

export class PackWriteError extends Error {
  override name = 'PackWriteError';
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;

function assertFinite(name: string, arr: ArrayLike<number>) {
  for (let i = 0; i < arr.length; i++) {
    if (!Number.isFinite(arr[i])) throw new PackWriteError(`refusing to write a pack: ${name}[${i}] is ${arr[i]}`);
  }
}

/** Ids are stored as an id list (id-list.ts): each must be non-empty, without `\n`, well-formed Unicode, and unique. */
function checkIds(kind: string, ids: string[]) {
  const seen = new Set<string>();
  for (const id of ids) {
    if (id.length === 0 || id.includes(ID_SEPARATOR))
      throw new PackWriteError(`${kind} id ${JSON.stringify(id)} is empty or contains a newline`);
    if (hasLoneSurrogate(id))
      throw new PackWriteError(`${kind} id ${JSON.stringify(id)} holds a lone surrogate (not valid Unicode, cannot be stored as UTF-8)`);
    if (seen.has(id)) throw new PackWriteError(`duplicate ${kind} id ${JSON.stringify(id)}`);
    seen.add(id);
  }
}

/** Serialises a model into the self-describing pack: `{manifest, body}` (see models/FORMAT.md). */
export async function buildPack(input: PackInput, options: EncodeOptions = {}): Promise<{ manifest: PackManifest; body: Uint8Array }> {
  const f = input.factors;
  const nItems = input.itemIds.length;
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(f) || f < 1 || f > 1024) throw new PackWriteError(`factors must be an integer in 1..1024, got ${f}`);
  if (chunkSize < 8 || chunkSize > KV_VALUE_LIMIT) throw new PackWriteError(`chunkSize must be in 8..${KV_VALUE_LIMIT}`);
  if (input.itemFactors.length !== nItems * f)
    throw new PackWriteError(`itemFactors has ${input.itemFactors.length} values, expected ${nItems}×${f}`);
  if (input.itemPopularity.length !== nItems)
    throw new PackWriteError(`itemPopularity has ${input.itemPopularity.length} values, expected ${nItems}`);
  checkIds('item', input.itemIds);
  assertFinite('itemFactors', input.itemFactors);
  assertFinite('itemPopularity', input.itemPopularity);
  const withUsers = !options.omitUsers && input.userIds !== undefined && input.userFactors !== undefined;
  if (withUsers) {
    const nUsers = input.userIds!.length;
    if (input.userFactors!.length !== nUsers * f)
      throw new PackWriteError(`userFactors has ${input.userFactors!.length} values, expected ${nUsers}×${f}`);
    checkIds('user', input.userIds!);
    assertFinite('userFactors', input.userFactors!);
  }
  const userItems = withUsers && input.userItemsCsr ? sortedUserItems(input.userItemsCsr, input.userIds!.length, nItems) : undefined;
  // YᵀY in float64: the fold-in solve needs it, and computing it once at write time keeps requests cheap.
  const gram = gramMatrix(input.itemFactors, nItems, f);

  const parts: {
    name: SectionName | AncillarySectionName;
    dtype: PackSection['dtype'];
    shape: number[];
    bytes: Uint8Array;
    ancillary?: true;
  }[] = [
    { name: 'item_factors', dtype: 'float32', shape: [nItems, f], bytes: leBytes(input.itemFactors) },
    { name: 'item_popularity', dtype: 'float32', shape: [nItems], bytes: leBytes(input.itemPopularity) },
    { name: 'gram', dtype: 'float64', shape: [f, f], bytes: leBytes(gram) },
    // In the body, not the manifest: 1M ids of 40 characters are ~43 MB of JSON, over KV's value limit.
    { name: 'item_ids', dtype: 'utf8', shape: [nItems], bytes: encodeIdList(input.itemIds) },
  ];
  if (withUsers) {
    parts.push({ name: 'user_factors', dtype: 'float32', shape: [input.userIds!.length, f], bytes: leBytes(input.userFactors!) });
    parts.push({ name: 'user_ids', dtype: 'utf8', shape: [input.userIds!.length], bytes: encodeIdList(input.userIds!) });
  }
  if (userItems) {
    parts.push({
      name: 'user_items_indptr',
      dtype: 'int32',
      shape: [userItems.indptr.length],
      bytes: leBytes(userItems.indptr),
      ancillary: true,
    });
    parts.push({
      name: 'user_items',
      dtype: 'int32',
      shape: [userItems.indices.length],
      bytes: leBytes(userItems.indices),
      ancillary: true,
    });
  }
  const sections: PackSection[] = [];
  const ancillarySections: AncillarySection[] = [];
  const offsets: number[] = [];
  let offset = 0;
  for (const p of parts) {
    const s = { name: p.name, dtype: p.dtype, shape: p.shape, offset, byteLength: p.bytes.byteLength };
    if (p.ancillary) ancillarySections.push(s);
    else sections.push(s as PackSection);
    offsets.push(offset);
    offset = align8(offset + p.bytes.byteLength);
  }
  const body = new Uint8Array(offset);
  parts.forEach((p, i) => body.set(p.bytes, offsets[i]));
  const hash = await sha256Hex(body);
  const p = input.params;
  const manifest: PackManifest = {
    format: PACK_FORMAT,
    formatVersion: PACK_FORMAT_VERSION,
    id: hash.slice(0, 16),
    createdAt: options.createdAt ?? new Date().toISOString(),
    model: {
      type: 'als-implicit',
      params: { ...p, factors: f, regularization: p.regularization, alpha: p.alpha, eventWeights: p.eventWeights },
    },
    dims: { factors: f },
    counts: { items: nItems, users: withUsers ? input.userIds!.length : 0, interactions: input.interactions },
    quantization: 'none',
    sections,
    ...(ancillarySections.length ? { ancillarySections } : {}),
    byteLength: body.byteLength,
    chunkSize,
    chunks: Math.ceil(body.byteLength / chunkSize),
    checksum: { algorithm: 'sha256', value: hash },
    ...(input.metrics ? { metrics: input.metrics } : {}),
  };
  return { manifest, body };
}

/**
 * The CSR with each user's items sorted ascending (a copy: serving looks items up by binary
 * search); refuses a malformed CSR, an item index out of range and an item repeated for a user.
 */
function sortedUserItems(csr: { indptr: Int32Array; indices: Int32Array }, nUsers: number, nItems: number) {
  const { indptr } = csr;
  if (indptr.length !== nUsers + 1)
    throw new PackWriteError(`userItemsCsr.indptr has ${indptr.length} values, expected users + 1 = ${nUsers + 1}`);
  if (indptr[0] !== 0 || indptr[nUsers] !== csr.indices.length)
    throw new PackWriteError(
      `userItemsCsr.indptr must run from 0 to ${csr.indices.length} (the number of indices), got ${indptr[0]}..${indptr[nUsers]}`,
    );
  const indices = Int32Array.from(csr.indices);
  for (let u = 0; u < nUsers; u++) {
    if (indptr[u + 1] < indptr[u]) throw new PackWriteError(`userItemsCsr.indptr decreases at user ${u}`);
    const row = indices.subarray(indptr[u], indptr[u + 1]).sort();
    for (let j = 0; j < row.length; j++) {
      if (row[j] < 0 || row[j] >= nItems)
        throw new PackWriteError(`userItemsCsr: user ${u} has item index ${row[j]}, outside 0..${nItems - 1}`);
      if (j > 0 && row[j] === row[j - 1]) throw new PackWriteError(`userItemsCsr: user ${u} has item index ${row[j]} twice`);
    }
  }
  return { indptr: Int32Array.from(indptr), indices };
}

/** Little-endian bytes of a typed array (a copy; byte-swapped on big-endian hosts). */
function leBytes(a: Float32Array | Float64Array | Int32Array): Uint8Array {
  const out = new Uint8Array(a.byteLength);
  const view = new DataView(out.buffer);
  const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  if (little) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    return out;
  }
  const step = a.BYTES_PER_ELEMENT;
  for (let i = 0; i < a.length; i++) {
    if (a instanceof Int32Array) view.setInt32(i * 4, a[i], true);
    else if (step === 4) view.setFloat32(i * 4, a[i], true);
    else view.setFloat64(i * 8, a[i], true);
  }
  return out;
}

/** Splits a body into KV-sized chunks (views, no copy). */
export function splitChunks(manifest: PackManifest, body: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let o = 0; o < body.byteLength; o += manifest.chunkSize)
    out.push(body.subarray(o, Math.min(o + manifest.chunkSize, body.byteLength)));
  return out;
}
