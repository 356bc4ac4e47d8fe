ALTER TABLE calendar_connections DROP COLUMN sync_covered_from, DROP COLUMN sync_covered_until;
