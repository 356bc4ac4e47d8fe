-- Step 5: how far the fetches behind a connection's sync token reach (incremental sync is only
-- trusted while the booking horizon stays within it).
ALTER TABLE calendar_connections ADD COLUMN sync_covered_until TIMESTAMPTZ;
