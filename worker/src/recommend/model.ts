import type { Pack } from '../../../models/pack/reader.js';
import { newArrivals } from '../../../models/pack/serve/cold-start.js';
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
  /** Item indices never to recommend: out of stock or deleted through the catalog API. */
  unavailable: Int32Array;
  /** In-stock products of the live catalog the pack does not know yet (cold start: `exploreSlot`). */
  newArrivals: CatalogItem[];
}

/** The catalog API's products and deletions (KV `site/{site}/catalog-live/*`), laid over a pack's own catalog. */
export interface CatalogOverlay {
  items: Map<string, CatalogItem>;
  deleted: Set<string>;
}

/** A catalog map with the overlay applied: API rows replace the pack's, deleted ids disappear. */
export function overlayCatalog(base: Map<string, CatalogItem>, overlay: CatalogOverlay): Map<string, CatalogItem> {
  const out = new Map(base);
  for (const [id, item] of overlay.items) out.set(id, item);
  for (const id of overlay.deleted) out.delete(id);
  return out;
}

/**
 * The model with the live catalog laid over its pack catalog: same pack, indexes and buffers (no
 * copy of the factors), new catalog rows, and the items that must not be recommended (deleted, or
 * `inStock: false`). Built once per (pack version, catalog version), shared by every request.
 */
export function withCatalog(model: LoadedModel, overlay: CatalogOverlay): LoadedModel {
  const catalogById = overlayCatalog(model.catalogById, overlay);
  const catalog = model.pack.itemIds.map((id) => catalogById.get(id));
  const unavailable: number[] = [];
  model.pack.itemIds.forEach((id, i) => {
    if (overlay.deleted.has(id) || catalog[i]?.inStock === false) unavailable.push(i);
  });
  return {
    ...model,
    catalog,
    catalogById,
    unavailable: Int32Array.from(unavailable),
    newArrivals: newArrivals(catalogById, model.itemIndex),
  };
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
    unavailable: new Int32Array(0),
    newArrivals: newArrivals(catalogById, itemIndex),
  };
}
