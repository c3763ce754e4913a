/** One stored event, as far as site activity cares: its site, when it was received and its type. */
export interface ActivityRow {
  site: string;
  at: number;
  type: string;
}

/**
 * The upserts that record, per site, the latest stored event and share among `rows` (D1 `site_activity`,
 * migration 0012): one statement per site, to run in the same batch as the insert that stores the rows.
 */
export function activityStatements(db: D1Database, rows: Iterable<ActivityRow>): D1PreparedStatement[] {
  const latest = new Map<string, { event: number; share: number | null }>();
  for (const { site, at, type } of rows) {
    const a = latest.get(site) ?? { event: at, share: null };
    a.event = Math.max(a.event, at);
    if (type === 'share') a.share = Math.max(a.share ?? at, at);
    latest.set(site, a);
  }
  const stmt = db.prepare(
    `INSERT INTO site_activity (site, last_event_at, last_share_at) VALUES (?1, ?2, ?3)
     ON CONFLICT (site) DO UPDATE SET
       last_event_at = max(last_event_at, excluded.last_event_at),
       last_share_at = CASE WHEN excluded.last_share_at IS NULL THEN last_share_at
                            ELSE max(coalesce(last_share_at, 0), excluded.last_share_at) END`,
  );
  return [...latest].map(([site, a]) => stmt.bind(site, a.event, a.share));
}

/** Records activity for rows stored some other way (tests, imports). */
export async function recordActivity(db: D1Database, rows: Iterable<ActivityRow>): Promise<void> {
  const stmts = activityStatements(db, rows);
  if (stmts.length) await db.batch(stmts);
}

/**
 * Sites that stored an event (or, with `shares`, a share) at or after `since` (ms): a read of the small
 * `site_activity` table, never a scan of the events (at most 10,000 sites).
 */
export async function activeSites(db: D1Database, since: number, options: { shares?: boolean } = {}): Promise<string[]> {
  const column = options.shares ? 'last_share_at' : 'last_event_at';
  const { results } = await db
    .prepare(`SELECT site FROM site_activity WHERE ${column} >= ?1 ORDER BY site LIMIT 10000`)
    .bind(since)
    .all<{ site: string }>();
  return results.map((r) => r.site);
}
