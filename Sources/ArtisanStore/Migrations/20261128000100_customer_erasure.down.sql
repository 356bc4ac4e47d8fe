-- Erased data does not come back: an erased e-mail or recipient becomes the empty string.
ALTER TABLE external_busy_blocks DROP COLUMN rewrite_requested;

ALTER TABLE notifications DROP CONSTRAINT notifications_recipient_pending;
UPDATE notifications SET recipient = '' WHERE recipient IS NULL;
ALTER TABLE notifications ALTER COLUMN recipient SET NOT NULL;

DROP INDEX idx_bookings_customer_email_lower;
ALTER TABLE bookings DROP CONSTRAINT bookings_customer_email_erased;
UPDATE bookings SET customer_email = '' WHERE customer_email IS NULL;
ALTER TABLE bookings DROP COLUMN anonymised_at, ALTER COLUMN customer_email SET NOT NULL;
