-- Step 4: what two-way calendar sync needs beyond the spec's columns.
ALTER TABLE calendar_connections
  ADD COLUMN account VARCHAR(255),
  ADD COLUMN calendar_id VARCHAR(1024),
  ADD COLUMN calendar_name VARCHAR(255),
  ADD COLUMN server_url VARCHAR(1024),
  ADD COLUMN sync_token TEXT,
  ADD COLUMN state VARCHAR(20) NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'needs_reauth', 'error')),
  ADD COLUMN last_error VARCHAR(1000);

-- One exported event per booking and provider, found again by the next run (idempotent export).
CREATE UNIQUE INDEX idx_external_busy_export ON external_busy_blocks(provider_id, booking_id) WHERE source = 'booking';
CREATE INDEX idx_external_busy_provider_event ON external_busy_blocks(artisan_id, provider_id, source, external_event_id);
