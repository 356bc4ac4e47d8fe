ALTER TABLE artisans ALTER COLUMN created_at SET DEFAULT now(), ALTER COLUMN updated_at SET DEFAULT now();
ALTER TABLE services ALTER COLUMN created_at SET DEFAULT now(), ALTER COLUMN updated_at SET DEFAULT now();
ALTER TABLE opening_rules ALTER COLUMN created_at SET DEFAULT now();
ALTER TABLE break_rules ALTER COLUMN created_at SET DEFAULT now();
ALTER TABLE bookings ALTER COLUMN created_at SET DEFAULT now(), ALTER COLUMN updated_at SET DEFAULT now();
ALTER TABLE external_busy_blocks ALTER COLUMN created_at SET DEFAULT now(), ALTER COLUMN updated_at SET DEFAULT now();
ALTER TABLE calendar_connections ALTER COLUMN created_at SET DEFAULT now(), ALTER COLUMN updated_at SET DEFAULT now();
ALTER TABLE time_off ALTER COLUMN created_at SET DEFAULT now();
DROP FUNCTION artisan_now();
