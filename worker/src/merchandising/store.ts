import { PlacementRules, type PlacementRulesResponse } from '../../../schema/merchandising.js';
import { kvKeys } from '../../../schema/pack-manifest.js';
import { forgetServedRules, type ServedRules } from './served.js';

/** The rules a placement has before any PUT: nothing but the defaults (purchases excluded). */
export const DEFAULT_RULES: PlacementRules = PlacementRules.parse({});

/** The placement's current rules from D1 (the source of truth); version 0 and the defaults before any PUT. */
export async function readRules(db: D1Database, site: string, placement: string): Promise<PlacementRulesResponse> {
  const row = await db
    .prepare('SELECT version, rules, updated_at, updated_by FROM placement_rules WHERE site = ?1 AND placement = ?2')
    .bind(site, placement)
    .first<{ version: number; rules: string; updated_at: string; updated_by: string }>();
  if (!row) return { site, placement, version: 0, rules: DEFAULT_RULES };
  return { site, placement, version: row.version, updatedAt: row.updated_at, updatedBy: row.updated_by, rules: JSON.parse(row.rules) };
}

/**
 * Stores a validated rule set as the placement's next version (one atomic upsert), then the copy in
 * KV that requests read. A KV failure after D1 leaves D1 ahead; the next PUT (or a retry of this
 * one) writes KV again.
 */
export async function writeRules(
  db: D1Database,
  kv: KVNamespace,
  site: string,
  placement: string,
  rules: PlacementRules,
  by: string,
): Promise<PlacementRulesResponse> {
  const updatedAt = new Date().toISOString();
  const row = await db
    .prepare(
      `INSERT INTO placement_rules (site, placement, version, rules, updated_at, updated_by) VALUES (?1, ?2, 1, ?3, ?4, ?5)
       ON CONFLICT (site, placement) DO UPDATE SET version = version + 1, rules = excluded.rules,
         updated_at = excluded.updated_at, updated_by = excluded.updated_by
       RETURNING version`,
    )
    .bind(site, placement, JSON.stringify(rules), updatedAt, by)
    .first<{ version: number }>();
  const version = row!.version;
  // Two PUTs at once: whichever writes KV last writes D1's latest version, never an older one.
  const latest = await db
    .prepare('SELECT version, rules FROM placement_rules WHERE site = ?1 AND placement = ?2')
    .bind(site, placement)
    .first<{ version: number; rules: string }>();
  const served: ServedRules = latest ? { version: latest.version, rules: JSON.parse(latest.rules) } : { version, rules };
  await kv.put(kvKeys.placementRules(site, placement), JSON.stringify(served));
  forgetServedRules(site, placement);
  return { site, placement, version, updatedAt, updatedBy: by, rules };
}

/** One placement that has rules (`listRules`). */
export interface PlacementRulesSummary {
  placement: string;
  version: number;
  updatedAt: string;
  updatedBy: string;
}

/** Most placements `listRules` answers: a shop has a handful of widget placements; this only bounds a runaway. */
export const LIST_RULES_MAX = 500;

/** The placements of `site` that have rules (version ≥ 1), by name; the primary key (site, placement) serves it. */
export async function listRules(db: D1Database, site: string): Promise<PlacementRulesSummary[]> {
  const { results } = await db
    .prepare(
      `SELECT placement, version, updated_at AS updatedAt, updated_by AS updatedBy FROM placement_rules
       WHERE site = ?1 ORDER BY placement LIMIT ?2`,
    )
    .bind(site, LIST_RULES_MAX)
    .all<PlacementRulesSummary>();
  return results;
}
