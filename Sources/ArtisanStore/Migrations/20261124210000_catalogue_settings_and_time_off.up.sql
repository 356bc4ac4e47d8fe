-- Step 2: the artisan's scheduling settings, service buffers, and time off.
ALTER TABLE artisans
  ADD COLUMN slot_granularity_minutes INT NOT NULL DEFAULT 30 CHECK (slot_granularity_minutes IN (5, 10, 15, 20, 30, 60)),
  ADD COLUMN min_notice_minutes INT NOT NULL DEFAULT 120 CHECK (min_notice_minutes BETWEEN 0 AND 43200),
  ADD COLUMN booking_horizon_days INT NOT NULL DEFAULT 60 CHECK (booking_horizon_days BETWEEN 1 AND 730),
  ADD COLUMN cancellation_deadline_hours INT NOT NULL DEFAULT 24 CHECK (cancellation_deadline_hours BETWEEN 0 AND 720);

-- The spec's "multiple of 30 by default (configurable)": durations follow the artisan's slot
-- granularity (checked by artisanctl); the database keeps the coarse rule every granularity shares.
ALTER TABLE services DROP CONSTRAINT services_duration_minutes_check;
ALTER TABLE services ADD CONSTRAINT services_duration_minutes_check
  CHECK (duration_minutes > 0 AND duration_minutes <= 1440 AND duration_minutes % 5 = 0);

ALTER TABLE services
  ADD COLUMN buffer_before_minutes INT NOT NULL DEFAULT 0 CHECK (buffer_before_minutes BETWEEN 0 AND 480),
  ADD COLUMN buffer_after_minutes INT NOT NULL DEFAULT 0 CHECK (buffer_after_minutes BETWEEN 0 AND 480);

-- Names are unique among an artisan's active services, whatever their case.
CREATE UNIQUE INDEX idx_services_active_name ON services(artisan_id, lower(name)) WHERE is_active;

CREATE TABLE time_off (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  artisan_id UUID NOT NULL REFERENCES artisans(id) ON DELETE CASCADE,
  start_date DATE NOT NULL,
  end_date DATE NOT NULL CHECK (end_date >= start_date),
  start_minutes INT CHECK (start_minutes >= 0 AND start_minutes < 1440),
  end_minutes INT CHECK (end_minutes > 0 AND end_minutes <= 1440),
  reason VARCHAR(500),
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  CHECK ((start_minutes IS NULL) = (end_minutes IS NULL)),
  CHECK (start_minutes IS NULL OR end_date > start_date OR end_minutes > start_minutes)
);

CREATE INDEX idx_time_off_artisan_range ON time_off(artisan_id, start_date, end_date);
