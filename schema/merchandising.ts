import { z } from 'zod';
import { Identifier } from './ids.js';
import { K_MAX } from './recommendations.js';

/** Stated size limits of one placement's rule set (a rule set is read on every request of the placement). */
export const MERCH_LIMITS = { pins: 20, boosts: 20, values: 50 } as const;

const Category = Identifier(128);
const Tag = Identifier(64);
const list = <T extends z.ZodType>(item: T, what: string) =>
  z.array(item).min(1, `give at least one ${what}`).max(MERCH_LIMITS.values, `at most ${MERCH_LIMITS.values} ${what}s`);
const Price = z.number().nonnegative().max(1e12);

const priceOrder = (f: { minPrice?: number; maxPrice?: number }) =>
  f.minPrice === undefined || f.maxPrice === undefined || f.minPrice <= f.maxPrice;

/**
 * Which catalog items a boost applies to: every given field must hold (category in the list, at least
 * one of the tags, price within the range). An item without a catalog row matches no condition.
 */
export const ItemCondition = z
  .strictObject({
    category: list(Category, 'category').optional(),
    tags: list(Tag, 'tag').optional(),
    minPrice: Price.optional(),
    maxPrice: Price.optional(),
  })
  .refine((c) => Object.keys(c).length > 0, { message: 'give at least one of category, tags, minPrice, maxPrice' })
  .refine(priceOrder, { message: 'minPrice must be ≤ maxPrice', path: ['minPrice'] });
export type ItemCondition = z.infer<typeof ItemCondition>;

/**
 * Which items the placement may show at all. Out-of-stock and deleted items are never shown,
 * whatever the rules say (`inStock` may only be `true`, the default).
 */
export const MerchFilter = z
  .strictObject({
    category: list(Category, 'category').optional(),
    excludeCategory: list(Category, 'category').optional(),
    /** At least one of these tags. */
    tags: list(Tag, 'tag').optional(),
    /** None of these tags. */
    excludeTags: list(Tag, 'tag').optional(),
    minPrice: Price.optional(),
    maxPrice: Price.optional(),
    inStock: z.literal(true, { error: 'out-of-stock items are never recommended; inStock can only be true' }).optional(),
  })
  .refine(priceOrder, { message: 'minPrice must be ≤ maxPrice', path: ['minPrice'] });
export type MerchFilter = z.infer<typeof MerchFilter>;

/** An item shown at a fixed position (1 = first) whenever it passes the filter, is in stock and not excluded. */
export const Pin = z.strictObject({
  itemId: Identifier(128),
  position: z.number().int().min(1).max(K_MAX),
});
export type Pin = z.infer<typeof Pin>;

/**
 * Raise (weight > 0) or lower (weight < 0) the items matching `when`. The weight is in units of the
 * spread of the shopper's scores (their standard deviation): 1 lifts a matching item about as far
 * as one typical step between a good and an average pick; −5 buries it below nearly everything.
 */
export const Boost = z.strictObject({
  when: ItemCondition,
  weight: z
    .number()
    .min(-5)
    .max(5)
    .refine((w) => w !== 0, { message: 'a weight of 0 changes nothing; use a positive weight to boost, a negative one to bury' }),
});
export type Boost = z.infer<typeof Boost>;

/**
 * Demote an item shown to the same shopper at least `afterImpressions` times in the last `hours`
 * without a click (or any other interaction) on it since: it drops below every item not demoted
 * until the window has passed. Read from the shopper's impression events.
 */
export const Rotation = z.strictObject({
  afterImpressions: z.number().int().min(1).max(50).default(3),
  hours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(24),
});
export type Rotation = z.infer<typeof Rotation>;

/**
 * Cold start: how often a list gives one place to a product the model does not know yet (in the
 * live catalog, in stock, no interactions in the pack), chosen by likeness to the shopper's items
 * and how little it has been shown, labelled `new`. `rate: 0` turns it off.
 */
export const Explore = z.strictObject({
  rate: z.number().min(0).max(1).default(0.2),
  position: z.number().int().min(1).max(K_MAX).default(3),
});
export type Explore = z.infer<typeof Explore>;

/** What a placement without `explore` does: one list in five shows a new product at place 3. */
export const DEFAULT_EXPLORE: Explore = { rate: 0.2, position: 3 };

/**
 * `PUT /v1/admin/sites/:site/placements/:placement/rules`: the merchandising rules of one placement,
 * applied inside the scoring pass of every list the placement asks for (`placement` on the request).
 */
export const PlacementRules = z
  .strictObject({
    filter: MerchFilter.optional(),
    pins: z.array(Pin).max(MERCH_LIMITS.pins, `at most ${MERCH_LIMITS.pins} pins`).optional(),
    boosts: z.array(Boost).max(MERCH_LIMITS.boosts, `at most ${MERCH_LIMITS.boosts} boosts`).optional(),
    /** Never show what the shopper bought (any channel). `false` for re-buys (consumables). @default true */
    excludePurchased: z.boolean().default(true),
    /** At most this many items of one category in a list (pins count); items without a category share one bucket. */
    maxPerCategory: z.number().int().min(1).max(K_MAX).optional(),
    rotation: Rotation.optional(),
    /** @default {rate: 0.2, position: 3} */
    explore: Explore.optional(),
  })
  .superRefine((r, ctx) => {
    const seen = new Map<string, number>();
    const positions = new Map<number, number>();
    (r.pins ?? []).forEach((p, i) => {
      if (seen.has(p.itemId))
        ctx.addIssue({
          code: 'custom',
          path: ['pins', i, 'itemId'],
          message: `${p.itemId} is already pinned (pins[${seen.get(p.itemId)}])`,
        });
      if (positions.has(p.position))
        ctx.addIssue({
          code: 'custom',
          path: ['pins', i, 'position'],
          message: `position ${p.position} is already taken (pins[${positions.get(p.position)}])`,
        });
      seen.set(p.itemId, i);
      positions.set(p.position, i);
    });
  });
export type PlacementRules = z.infer<typeof PlacementRules>;

/** What GET and PUT answer: the placement's current rules and their version (0 and defaults before any PUT). */
export const PlacementRulesResponse = z.object({
  site: z.string(),
  placement: z.string(),
  version: z.number().int(),
  updatedAt: z.string().optional(),
  updatedBy: z.string().optional(),
  rules: PlacementRules,
});
export type PlacementRulesResponse = z.infer<typeof PlacementRulesResponse>;
