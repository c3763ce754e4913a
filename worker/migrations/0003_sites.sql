-- Sites (storefronts) and their keys. D1 is the source of truth; every change is compiled to KV
-- (site/{site}/config and token/{sha256}) for the read path, which never touches D1.
CREATE TABLE IF NOT EXISTS sites (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  config TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS site_keys (
  id TEXT PRIMARY KEY,
  site TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('public', 'developer', 'marketer')),
  label TEXT,
  -- SHA-256 of the token, hex; the token itself is shown once and never stored.
  hash TEXT NOT NULL UNIQUE,
  -- The token's last four characters, to tell keys apart in lists.
  hint TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX IF NOT EXISTS site_keys_site ON site_keys (site);
