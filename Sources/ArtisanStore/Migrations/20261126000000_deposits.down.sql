DROP TABLE payment_sync_state;
DROP TABLE stripe_events;
ALTER TABLE artisans DROP COLUMN pay_link_hold_hours, DROP COLUMN payment_hold_minutes;
DROP INDEX idx_bookings_refund_pending;
DROP INDEX idx_bookings_deposit_open;
DROP INDEX idx_bookings_deposit_checkout;
DROP INDEX idx_bookings_deposit_intent;
ALTER TABLE bookings
  DROP CONSTRAINT bookings_deposit_provider_check,
  DROP COLUMN deposit_refund_id,
  DROP COLUMN deposit_refund_status,
  DROP COLUMN deposit_hold_until,
  DROP COLUMN deposit_checkout_url,
  DROP COLUMN deposit_checkout_session_id,
  DROP COLUMN deposit_payment_method;
UPDATE bookings SET deposit_payment_status = 'pending' WHERE deposit_payment_status = 'waived';
ALTER TABLE bookings DROP CONSTRAINT bookings_deposit_payment_status_check;
ALTER TABLE bookings ADD CONSTRAINT bookings_deposit_payment_status_check
  CHECK (deposit_payment_status IN ('pending', 'authorized', 'captured', 'refunded', 'failed'));
