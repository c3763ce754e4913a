-- Routing links: every change is a new immutable version with an audit row; KV holds the
-- compiled current version that /r/:slug reads.
CREATE TABLE IF NOT EXISTS links (
  slug TEXT PRIMARY KEY,
  site TEXT NOT NULL,
  current_version INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS links_site ON links (site);
CREATE TABLE IF NOT EXISTS link_versions (
  slug TEXT NOT NULL,
  version INTEGER NOT NULL,
  site TEXT NOT NULL,
  definition TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  note TEXT,
  PRIMARY KEY (slug, version)
);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  site TEXT NOT NULL,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  slug TEXT,
  version INTEGER,
  detail TEXT
);
CREATE INDEX IF NOT EXISTS audit_site_at ON audit (site, at);
-- Decisions per link, rule, target kind and UTC day (written after the response).
CREATE TABLE IF NOT EXISTS link_stats (
  slug TEXT NOT NULL,
  day TEXT NOT NULL,
  rule TEXT NOT NULL,
  target TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (slug, day, rule, target)
);
