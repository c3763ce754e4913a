-- When each site last stored an event (and a share): the cron's steps (trending, share counts, scene priors,
-- cold-start counts) find the sites to refresh here instead of scanning the events index every 10 minutes.
-- Kept by the events pipeline (worker/src/events/activity.ts), one upsert per site per stored batch.
CREATE TABLE IF NOT EXISTS site_activity (
  site TEXT PRIMARY KEY,
  last_event_at INTEGER NOT NULL,
  last_share_at INTEGER
);
-- Sites with events stored before this table existed.
INSERT OR IGNORE INTO site_activity (site, last_event_at, last_share_at)
  SELECT site, MAX(received_at), MAX(CASE WHEN type = 'share' THEN received_at END) FROM events GROUP BY site;
