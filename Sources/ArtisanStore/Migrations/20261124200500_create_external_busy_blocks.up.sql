CREATE TABLE external_busy_blocks (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  artisan_id UUID NOT NULL REFERENCES artisans(id) ON DELETE CASCADE,
  provider_id VARCHAR(50) NOT NULL,
  source VARCHAR(20) NOT NULL CHECK (source IN ('external', 'booking')),
  summary VARCHAR(500),
  start_datetime TIMESTAMPTZ NOT NULL,
  end_datetime TIMESTAMPTZ NOT NULL CHECK (end_datetime > start_datetime),
  booking_id UUID REFERENCES bookings(id) ON DELETE CASCADE,
  external_event_id VARCHAR(255),
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_external_busy_artisan_range ON external_busy_blocks(artisan_id, start_datetime, end_datetime);
CREATE INDEX idx_external_busy_booking ON external_busy_blocks(booking_id);
