-- Step 9: `data purge` deletes old bookings; the foreign key of idempotency_keys (ON DELETE SET NULL)
-- is then checked once per deleted booking, and without an index each check reads the whole table
-- (measured: 9.5 minutes to purge 60,000 bookings beside 100,000 keys).
CREATE INDEX idx_idempotency_keys_booking ON idempotency_keys(booking_id);
