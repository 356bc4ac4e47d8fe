-- Step 5: created_at and updated_at follow the application's clock (ARTISANCTL_NOW), not the
-- database's: each transaction of the application sets artisan.now, which artisan_now() reads
-- (the database's now() when it is not set, as for rows written by hand).
CREATE FUNCTION artisan_now() RETURNS timestamptz LANGUAGE sql STABLE AS
$$ SELECT coalesce(nullif(current_setting('artisan.now', true), '')::timestamptz, now()) $$;

ALTER TABLE artisans ALTER COLUMN created_at SET DEFAULT artisan_now(), ALTER COLUMN updated_at SET DEFAULT artisan_now();
ALTER TABLE services ALTER COLUMN created_at SET DEFAULT artisan_now(), ALTER COLUMN updated_at SET DEFAULT artisan_now();
ALTER TABLE opening_rules ALTER COLUMN created_at SET DEFAULT artisan_now();
ALTER TABLE break_rules ALTER COLUMN created_at SET DEFAULT artisan_now();
ALTER TABLE bookings ALTER COLUMN created_at SET DEFAULT artisan_now(), ALTER COLUMN updated_at SET DEFAULT artisan_now();
ALTER TABLE external_busy_blocks ALTER COLUMN created_at SET DEFAULT artisan_now(), ALTER COLUMN updated_at SET DEFAULT artisan_now();
ALTER TABLE calendar_connections ALTER COLUMN created_at SET DEFAULT artisan_now(), ALTER COLUMN updated_at SET DEFAULT artisan_now();
ALTER TABLE time_off ALTER COLUMN created_at SET DEFAULT artisan_now();
