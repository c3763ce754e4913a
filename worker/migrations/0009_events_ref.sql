-- Arrivals through share links (events with `ref`), for two-level referral attribution
-- (worker/src/referrals).
CREATE INDEX IF NOT EXISTS events_ref ON events (site, received_at) WHERE ref IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_purchases ON events (site, received_at) WHERE type = 'purchase';
