DROP TABLE time_off;
DROP INDEX idx_services_active_name;
ALTER TABLE services DROP COLUMN buffer_after_minutes, DROP COLUMN buffer_before_minutes;
ALTER TABLE services DROP CONSTRAINT services_duration_minutes_check;
ALTER TABLE services ADD CONSTRAINT services_duration_minutes_check CHECK (duration_minutes > 0 AND duration_minutes % 30 = 0);
ALTER TABLE artisans
  DROP COLUMN cancellation_deadline_hours,
  DROP COLUMN booking_horizon_days,
  DROP COLUMN min_notice_minutes,
  DROP COLUMN slot_granularity_minutes;
