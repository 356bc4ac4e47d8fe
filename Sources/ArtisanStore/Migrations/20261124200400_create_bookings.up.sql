CREATE TABLE bookings (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  public_code VARCHAR(10) NOT NULL UNIQUE,
  artisan_id UUID NOT NULL REFERENCES artisans(id) ON DELETE RESTRICT,
  service_id UUID NOT NULL REFERENCES services(id) ON DELETE RESTRICT,
  status VARCHAR(20) NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'cancelled', 'rescheduled')),
  customer_name VARCHAR(255) NOT NULL,
  customer_email VARCHAR(255) NOT NULL,
  customer_phone VARCHAR(50),
  start_datetime TIMESTAMPTZ NOT NULL,
  duration_minutes INT NOT NULL CHECK (duration_minutes > 0),
  price_cents INT NOT NULL CHECK (price_cents >= 0),
  deposit_amount_cents INT NOT NULL CHECK (deposit_amount_cents >= 0),
  deposit_rate DECIMAL(3, 2) NOT NULL,
  deposit_payment_status VARCHAR(20) NOT NULL DEFAULT 'pending' CHECK (deposit_payment_status IN ('pending', 'authorized', 'captured', 'refunded', 'failed')),
  deposit_payment_provider VARCHAR(50),
  deposit_payment_intent_id VARCHAR(255),
  notifications_email BOOLEAN NOT NULL DEFAULT TRUE,
  notifications_sms BOOLEAN NOT NULL DEFAULT FALSE,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE UNIQUE INDEX idx_bookings_public_code ON bookings(public_code);
CREATE INDEX idx_bookings_artisan_status ON bookings(artisan_id, status);
CREATE INDEX idx_bookings_customer_email ON bookings(customer_email);
CREATE INDEX idx_bookings_start_datetime ON bookings(artisan_id, start_datetime);
