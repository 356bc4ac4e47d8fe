-- Step 8: what several `serve` processes on one database share. An Idempotency-Key of
-- POST /bookings is claimed here before the booking is made (the primary key decides between
-- two instances), linked to its booking in the booking's own transaction, and its answer kept
-- for 24 hours. No answer body that names a customer is stored: a booking is replayed from its
-- row. The calendar feed's secret token is kept as its SHA-256 digest only.
CREATE TABLE idempotency_keys (
  key VARCHAR(255) PRIMARY KEY,
  request_digest CHAR(64) NOT NULL,
  booking_id UUID REFERENCES bookings(id) ON DELETE SET NULL,
  status_code INT CHECK (status_code BETWEEN 200 AND 599),
  response_body TEXT,
  locked_until TIMESTAMPTZ NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT artisan_now()
);
CREATE INDEX idx_idempotency_keys_created ON idempotency_keys(created_at);

ALTER TABLE artisans ADD COLUMN calendar_feed_token_digest CHAR(64) UNIQUE;
