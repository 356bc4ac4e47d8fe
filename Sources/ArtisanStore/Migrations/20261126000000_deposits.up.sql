-- Step 6: deposits collected with Stripe (a PaymentIntent for the web front, a Checkout Session
-- for a pay link), in person, or waived; refunds; unpaid holds; Stripe events applied once.
ALTER TABLE bookings DROP CONSTRAINT bookings_deposit_payment_status_check;
ALTER TABLE bookings ADD CONSTRAINT bookings_deposit_payment_status_check
  CHECK (deposit_payment_status IN ('pending', 'authorized', 'captured', 'refunded', 'failed', 'waived'));
ALTER TABLE bookings
  ADD COLUMN deposit_payment_method VARCHAR(20)
    CHECK (deposit_payment_method IN ('payment_intent', 'checkout_session', 'in_person')),
  ADD COLUMN deposit_checkout_session_id VARCHAR(255),
  ADD COLUMN deposit_checkout_url TEXT,
  ADD COLUMN deposit_hold_until TIMESTAMPTZ,
  ADD COLUMN deposit_refund_status VARCHAR(20) CHECK (deposit_refund_status IN ('pending', 'succeeded', 'failed')),
  ADD COLUMN deposit_refund_id VARCHAR(255),
  ADD CONSTRAINT bookings_deposit_provider_check CHECK (deposit_payment_provider IN ('stripe', 'manual'));
CREATE UNIQUE INDEX idx_bookings_deposit_intent ON bookings(deposit_payment_intent_id) WHERE deposit_payment_intent_id IS NOT NULL;
CREATE UNIQUE INDEX idx_bookings_deposit_checkout ON bookings(deposit_checkout_session_id) WHERE deposit_checkout_session_id IS NOT NULL;
-- What `payments sync` looks for: unpaid Stripe deposits (to create, to release) and pending refunds.
CREATE INDEX idx_bookings_deposit_open ON bookings(artisan_id, deposit_hold_until)
  WHERE deposit_payment_provider = 'stripe' AND deposit_payment_status IN ('pending', 'failed') AND status <> 'cancelled';
CREATE INDEX idx_bookings_refund_pending ON bookings(artisan_id) WHERE deposit_refund_status = 'pending';

ALTER TABLE artisans
  ADD COLUMN payment_hold_minutes INT NOT NULL DEFAULT 30 CHECK (payment_hold_minutes BETWEEN 0 AND 10080),
  ADD COLUMN pay_link_hold_hours INT NOT NULL DEFAULT 24 CHECK (pay_link_hold_hours BETWEEN 0 AND 24);

-- Each Stripe event is applied once, whether it came by webhook or by polling.
CREATE TABLE stripe_events (
  event_id VARCHAR(255) PRIMARY KEY,
  type VARCHAR(100) NOT NULL,
  created TIMESTAMPTZ NOT NULL,
  booking_id UUID REFERENCES bookings(id) ON DELETE SET NULL,
  received_via VARCHAR(10) NOT NULL CHECK (received_via IN ('webhook', 'poll')),
  outcome VARCHAR(20) NOT NULL,
  applied_at TIMESTAMPTZ NOT NULL DEFAULT artisan_now()
);
CREATE INDEX idx_stripe_events_booking ON stripe_events(booking_id);

-- How far `payments sync` has read Stripe's event list (the newest event's creation time seen).
CREATE TABLE payment_sync_state (
  provider VARCHAR(20) PRIMARY KEY CHECK (provider = 'stripe'),
  events_read_until TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT artisan_now()
);
