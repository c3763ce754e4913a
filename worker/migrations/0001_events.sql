-- Events sent by the SDK (one schema: schema/events.ts). Idempotent on the client event id.
CREATE TABLE IF NOT EXISTS events (
  site TEXT NOT NULL,
  id TEXT NOT NULL,
  type TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  user_id TEXT,
  item_id TEXT NOT NULL,
  recommendation_id TEXT,
  placement TEXT,
  ref TEXT,
  quantity INTEGER,
  price REAL,
  client_ts INTEGER,
  received_at INTEGER NOT NULL,
  raw TEXT NOT NULL,
  PRIMARY KEY (site, id)
);
CREATE INDEX IF NOT EXISTS events_site_received ON events (site, received_at);
CREATE INDEX IF NOT EXISTS events_recommendation ON events (site, recommendation_id) WHERE recommendation_id IS NOT NULL;
