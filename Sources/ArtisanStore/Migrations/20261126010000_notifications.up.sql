-- Step 7: the outbox. Each row is written in the transaction of the booking change it tells of
-- and delivered after it; a sender claims due rows (FOR UPDATE SKIP LOCKED) and marks them
-- claimed until claimed_until, so two senders never take the same row, and a row whose claim
-- ended without an outcome is known to have been interrupted mid-send.
CREATE TABLE notifications (
  id UUID PRIMARY KEY,
  artisan_id UUID NOT NULL REFERENCES artisans(id) ON DELETE CASCADE,
  booking_id UUID REFERENCES bookings(id) ON DELETE CASCADE,
  kind VARCHAR(40) NOT NULL CHECK (kind IN ('confirmation', 'cancellation', 'reschedule', 'reminder', 'pay_link',
                                            'artisan_new_booking', 'artisan_cancellation', 'artisan_reschedule')),
  channel VARCHAR(10) NOT NULL CHECK (channel IN ('email', 'sms')),
  recipient VARCHAR(255) NOT NULL,
  recipient_name VARCHAR(255),
  payload JSONB NOT NULL,
  status VARCHAR(10) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
  attempts INT NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at TIMESTAMPTZ NOT NULL,
  claimed_until TIMESTAMPTZ,
  provider_message_id VARCHAR(255),
  last_error TEXT,
  idempotency_key VARCHAR(255) NOT NULL UNIQUE,
  sent_at TIMESTAMPTZ,
  created_at TIMESTAMPTZ NOT NULL DEFAULT artisan_now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT artisan_now()
);
CREATE INDEX idx_notifications_due ON notifications(next_attempt_at) WHERE status = 'pending';
CREATE INDEX idx_notifications_booking ON notifications(booking_id);
