-- The event pipeline's bookkeeping (worker/src/events/pipeline.ts).
-- stored_at: when the pipeline wrote the row (ms); stored_at − received_at is its delay.
-- The R2 archive: a row is claimed for an archive object (archive_key), written to R2 under that key,
-- then marked (archived_at). Rows stored before this migration are archived by the next consumer
-- run or cron sweep.
ALTER TABLE events ADD COLUMN stored_at INTEGER;
ALTER TABLE events ADD COLUMN archive_key TEXT;
ALTER TABLE events ADD COLUMN archived_at INTEGER;
CREATE INDEX IF NOT EXISTS events_unarchived ON events (site, archive_key) WHERE archived_at IS NULL;
