ALTER TABLE calendar_connections DROP COLUMN sync_covered_until;
