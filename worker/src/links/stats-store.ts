/** D1 access for routing decision counts (`link_stats`: one row per link, UTC day, rule and target). */

/** Adds one decision; `day` is `YYYY-MM-DD` (UTC). */
export async function countDecision(db: D1Database, slug: string, day: string, rule: string, target: string): Promise<void> {
  await db
    .prepare(
      'INSERT INTO link_stats (slug, day, rule, target, count) VALUES (?1, ?2, ?3, ?4, 1) ON CONFLICT (slug, day, rule, target) DO UPDATE SET count = count + 1',
    )
    .bind(slug, day, rule, target)
    .run();
}

/** Rows for `from`…`to` (inclusive UTC days), newest day first, most counted first; at most 5,000. */
export async function decisionStats(db: D1Database, slug: string, from: string, to: string) {
  const { results } = await db
    .prepare(
      'SELECT day, rule, target, count FROM link_stats WHERE slug = ?1 AND day >= ?2 AND day <= ?3 ORDER BY day DESC, count DESC LIMIT 5000',
    )
    .bind(slug, from, to)
    .all<{ day: string; rule: string; target: string; count: number }>();
  return results;
}
