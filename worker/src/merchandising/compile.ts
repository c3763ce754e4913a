import type { CatalogItem } from '../../../schema/catalog.js';
import type { ItemCondition, MerchFilter, PlacementRules } from '../../../schema/merchandising.js';
import type { LoadedModel } from '../recommend/model.js';

/** A placement's rules turned into per-item arrays over one model's items, built once per (model, rules version). */
export interface CompiledRules {
  version: number;
  rules: PlacementRules;
  /** Whether a catalog row passes the rules' filter (pins, items the pack does not know). */
  passes: (item: CatalogItem | undefined) => boolean;
  /** Per pack item, 1 when the filter refuses it; undefined without a filter. */
  refused?: Uint8Array;
  /** Boosted/buried pack items and their summed weight (units of score spread), sparse. */
  boostIndex: Int32Array;
  boostUnits: Float32Array;
  /** Per pack item, its category's group number (for `maxPerCategory`); undefined without a cap. */
  groupOf?: Int32Array;
  /** The group number of a category (one shared group for items without one). */
  groupOfCategory: (category: string | undefined) => number;
  /** Pins in position order; `index` −1 for products only the live catalog knows. */
  pins: { itemId: string; position: number; index: number }[];
}

/** Whether `tags` holds one of `wanted` (a plain loop: compiling runs it for every item of the pack). */
function hasAny(tags: readonly string[] | undefined, wanted: ReadonlySet<string>): boolean {
  if (!tags) return false;
  for (let j = 0; j < tags.length; j++) if (wanted.has(tags[j])) return true;
  return false;
}

const conditionOf = (c: ItemCondition | MerchFilter) => {
  const cats = c.category ? new Set(c.category) : undefined;
  const tags = c.tags ? new Set(c.tags) : undefined;
  return (item: CatalogItem | undefined): boolean => {
    if (!item) return false;
    if (cats && (item.category === undefined || !cats.has(item.category))) return false;
    if (tags && !hasAny(item.tags, tags)) return false;
    if (c.minPrice !== undefined && !(item.price !== undefined && item.price >= c.minPrice)) return false;
    if (c.maxPrice !== undefined && !(item.price !== undefined && item.price <= c.maxPrice)) return false;
    return true;
  };
};

/** The filter as a predicate over catalog rows (undefined when it keeps everything). */
function filterOf(f: MerchFilter | undefined): ((item: CatalogItem | undefined) => boolean) | undefined {
  if (!f) return undefined;
  const { excludeCategory, excludeTags, inStock: _always, ...keep } = f;
  const keeps = Object.keys(keep).length ? conditionOf(keep) : undefined;
  const noCats = excludeCategory ? new Set(excludeCategory) : undefined;
  const noTags = excludeTags ? new Set(excludeTags) : undefined;
  if (!keeps && !noCats && !noTags) return undefined;
  return (item) => {
    if (keeps && !keeps(item)) return false;
    if (noCats && item?.category !== undefined && noCats.has(item.category)) return false;
    if (noTags && hasAny(item?.tags, noTags)) return false;
    return true;
  };
}

/** Compiles `rules` against the model's catalog rows: one pass over the items. */
export function compileRules(model: LoadedModel, version: number, rules: PlacementRules): CompiledRules {
  const n = model.pack.itemIds.length;
  const filter = filterOf(rules.filter);
  let refused: Uint8Array | undefined;
  if (filter) {
    refused = new Uint8Array(n);
    for (let i = 0; i < n; i++) if (!filter(model.catalog[i])) refused[i] = 1;
  }
  // Summed in a dense array (one pass per boost), then kept sparse: only the items a boost touches.
  const boostIndex: number[] = [];
  const boostUnits: number[] = [];
  if (rules.boosts?.length) {
    const sum = new Float64Array(n);
    const touched = new Uint8Array(n);
    for (const b of rules.boosts) {
      const matches = conditionOf(b.when);
      for (let i = 0; i < n; i++)
        if (matches(model.catalog[i])) {
          sum[i] += b.weight;
          touched[i] = 1;
        }
    }
    for (let i = 0; i < n; i++)
      if (touched[i] && sum[i] !== 0) {
        boostIndex.push(i);
        boostUnits.push(sum[i]);
      }
  }
  const groups = new Map<string | undefined, number>();
  const groupOfCategory = (category: string | undefined) => {
    let g = groups.get(category);
    if (g === undefined) groups.set(category, (g = groups.size));
    return g;
  };
  let groupOf: Int32Array | undefined;
  if (rules.maxPerCategory !== undefined) {
    groupOf = new Int32Array(n);
    for (let i = 0; i < n; i++) groupOf[i] = groupOfCategory(model.catalog[i]?.category);
  }
  const pins = [...(rules.pins ?? [])]
    .sort((a, b) => a.position - b.position)
    .map((p) => ({ itemId: p.itemId, position: p.position, index: model.itemIndex.get(p.itemId) ?? -1 }));
  return {
    version,
    rules,
    passes: filter ?? (() => true),
    refused,
    boostIndex: Int32Array.from(boostIndex),
    boostUnits: Float32Array.from(boostUnits),
    groupOf,
    groupOfCategory,
    pins,
  };
}

// Per model object (a new one per pack or catalog version), per placement × rules version.
const compiled = new WeakMap<LoadedModel, Map<string, CompiledRules>>();

/** `compileRules`, cached for the life of the model object. */
export function compiledRules(model: LoadedModel, placement: string, version: number, rules: PlacementRules): CompiledRules {
  let byPlacement = compiled.get(model);
  if (!byPlacement) compiled.set(model, (byPlacement = new Map()));
  const key = `${placement}#${version}`;
  let c = byPlacement.get(key);
  if (!c) {
    if (byPlacement.size > 200) byPlacement.clear();
    byPlacement.set(key, (c = compileRules(model, version, rules)));
  }
  return c;
}
