import { InputError } from '../data/input-error.js';
import type { Interactions } from '../data/read-interactions.js';
import type { PackInput } from '../pack/writer.js';
import type { ImportedFactors } from './factors.js';

/** How `item_popularity` was obtained; recorded in the manifest as `model.params.popularity`. */
export type PopularitySource = 'interactions' | 'item-norm';

export interface ImportParams {
  /** λ for request-time fold-in (Spark's `regParam`, implicit's `regularization`). */
  regularization: number;
  /** α for request-time fold-in: c = 1 + α·w. */
  alpha: number;
  eventWeights: Record<string, number>;
}

export interface ImportedPack {
  input: PackInput;
  popularity: PopularitySource;
  /** Distinct items of the interactions file that have no factors (ignored). */
  unknownItems: number;
}

/**
 * A pack's input from factors trained elsewhere. Item popularity (the popular fallback's order) is the
 * summed interaction weight per item when `interactions` are given — the same as `edgepick train`
 * records — and otherwise the L2 norm of each item vector, a proxy: in implicit ALS, items with
 * more (and more confident) interactions get longer vectors. The manifest says which
 * (`model.params.popularity`: `"interactions"` or `"item-norm"`) and where the factors came from
 * (`model.params.importedFrom`). YᵀY and the checksum are computed by the pack writer.
 */
export function importedPack(
  items: ImportedFactors,
  users: ImportedFactors | undefined,
  params: ImportParams,
  interactions?: Interactions,
): ImportedPack {
  const f = items.factors;
  if (users && users.factors !== f) {
    throw new InputError(
      `user factors have ${users.factors} dimensions per row but item factors have ${f}: they must come from the same model`,
    );
  }
  const nItems = items.ids.length;
  const itemPopularity = new Float32Array(nItems);
  let popularity: PopularitySource;
  let pairs = 0;
  let unknownItems = 0;
  if (interactions) {
    const index = new Map(items.ids.map((id, i) => [id, i]));
    const row = interactions.itemIds.map((id) => index.get(id) ?? -1);
    unknownItems = row.filter((i) => i < 0).length;
    const sums = new Float64Array(nItems);
    for (let j = 0; j < interactions.items.length; j++) {
      const i = row[interactions.items[j]];
      if (i < 0) continue;
      sums[i] += interactions.weights[j];
      pairs++;
    }
    if (pairs === 0) {
      throw new InputError(
        `none of the ${interactions.itemIds.length} items in the interactions has factors (e.g. ${JSON.stringify(interactions.itemIds[0])} vs ${JSON.stringify(items.ids[0])}): ` +
          'the factor ids must be the same item ids',
      );
    }
    itemPopularity.set(sums);
    popularity = 'interactions';
  } else {
    for (let i = 0; i < nItems; i++) {
      let s = 0;
      for (let k = i * f; k < i * f + f; k++) s += items.values[k] * items.values[k];
      itemPopularity[i] = Math.sqrt(s);
    }
    popularity = 'item-norm';
  }
  const input: PackInput = {
    params: {
      factors: f,
      regularization: params.regularization,
      alpha: params.alpha,
      eventWeights: params.eventWeights,
      importedFrom: items.format,
      popularity,
    } as PackInput['params'],
    factors: f,
    itemIds: items.ids,
    itemFactors: items.values,
    itemPopularity,
    interactions: pairs,
    ...(users ? { userIds: users.ids, userFactors: users.values } : {}),
  };
  return { input, popularity, unknownItems };
}
