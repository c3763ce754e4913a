-- A visitor's events (sign-in carry-over: worker/src/shoppers/history.ts reads a visitor's anonymous
-- interactions when it first signs in).
CREATE INDEX IF NOT EXISTS events_visitor ON events (site, visitor_id, received_at);
