-- Console sign-ins (worker/src/console/session.ts). The cookie holds a random id; only its SHA-256
-- is stored, with the role and site of the token that signed in (never the token).
CREATE TABLE IF NOT EXISTS console_sessions (
  id_hash TEXT PRIMARY KEY,
  subject TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'developer', 'marketer')),
  -- NULL for the owner token (every site).
  site TEXT,
  csrf TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS console_sessions_expiry ON console_sessions (expires_at);
