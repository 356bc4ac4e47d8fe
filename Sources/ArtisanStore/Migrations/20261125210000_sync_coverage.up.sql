-- Step 5: the span the fetches behind a connection's sync token cover (incremental sync is only
-- trusted while the booking horizon stays within it and the clock has not gone back before it).
ALTER TABLE calendar_connections ADD COLUMN sync_covered_from TIMESTAMPTZ, ADD COLUMN sync_covered_until TIMESTAMPTZ;
