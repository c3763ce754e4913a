import type { Pack } from '../../../models/pack/reader.js';
import type { CatalogItem } from '../../../schema/catalog.js';

/** A site's serving state, built once per pack version and shared by every request in the isolate. */
export interface LoadedModel {
  version: string;
  /** KV prefix the pack was read from (with `version`, its identity). */
  packPrefix: string;
  pack: Pack;
  itemIndex: Map<string, number>;
  userIndex: Map<string, number>;
  /** Item indices by descending popularity (ties: lower index first). */
  popularOrder: Int32Array;
  /** ‖yᵢ‖, and 1/‖yᵢ‖ (0 for a zero vector) for cosine similarity. */
  itemNorms: Float32Array;
  itemInvNorms: Float32Array;
  /** Catalog row per item index (undefined when the catalog lacks it). */
  catalog: (CatalogItem | undefined)[];
  /** Every catalog row by id, including products the pack does not know yet (new arrivals). */
  catalogById: Map<string, CatalogItem>;
  /** Per-pack score buffer, nItems long: scoring is synchronous, so requests never interleave on it. */
  scratch: Float32Array;
}

/** Precomputes what every request needs: id indexes, popularity order, norms, catalog rows. */
export function prepare(version: string, packPrefix: string, pack: Pack, catalogItems: CatalogItem[]): LoadedModel {
  const n = pack.itemIds.length;
  const f = pack.factors;
  const itemIndex = new Map<string, number>();
  pack.itemIds.forEach((id, i) => itemIndex.set(id, i));
  const userIndex = new Map<string, number>();
  (pack.userIds ?? []).forEach((id, i) => userIndex.set(id, i));
  const pop = pack.itemPopularity;
  const popularOrder = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => pop[b] - pop[a] || a - b);
  const itemNorms = new Float32Array(n);
  const itemInvNorms = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < f; k++) s += pack.itemFactors[i * f + k] ** 2;
    itemNorms[i] = Math.sqrt(s);
    itemInvNorms[i] = s > 0 ? 1 / Math.sqrt(s) : 0;
  }
  const catalogById = new Map<string, CatalogItem>();
  for (const item of catalogItems) catalogById.set(item.id, item);
  return {
    version,
    packPrefix,
    pack,
    itemIndex,
    userIndex,
    popularOrder,
    itemNorms,
    itemInvNorms,
    catalog: pack.itemIds.map((id) => catalogById.get(id)),
    catalogById,
    scratch: new Float32Array(n),
  };
}
