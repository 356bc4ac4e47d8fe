-- Step 9: a customer's data can be erased (spec 6.5: customer_name = 'Anonymisé', customer_email = null).
-- An e-mail may only be missing from a booking whose customer was erased, and when; a customer is
-- found by e-mail whatever its case. An erased customer's messages keep no recipient (so none can be
-- sent again), and their exported calendar events are marked for the next sync to write again.
ALTER TABLE bookings
  ALTER COLUMN customer_email DROP NOT NULL,
  ADD COLUMN anonymised_at TIMESTAMPTZ,
  ADD CONSTRAINT bookings_customer_email_erased CHECK (customer_email IS NOT NULL OR anonymised_at IS NOT NULL);
CREATE INDEX idx_bookings_customer_email_lower ON bookings(artisan_id, lower(customer_email));

ALTER TABLE notifications
  ALTER COLUMN recipient DROP NOT NULL,
  ADD CONSTRAINT notifications_recipient_pending CHECK (recipient IS NOT NULL OR status <> 'pending');

ALTER TABLE external_busy_blocks ADD COLUMN rewrite_requested BOOLEAN NOT NULL DEFAULT false;
