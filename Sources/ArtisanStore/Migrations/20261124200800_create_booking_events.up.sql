-- Audit trail: one row per thing that happened to a booking (created, cancelled, rescheduled…).
CREATE TABLE booking_events (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  booking_id UUID NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
  at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  kind VARCHAR(50) NOT NULL CHECK (kind ~ '^[a-z][a-z_]*$'),
  details JSONB NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX idx_booking_events_booking ON booking_events(booking_id, at);
