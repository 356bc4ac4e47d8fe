CREATE TABLE services (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  artisan_id UUID NOT NULL REFERENCES artisans(id) ON DELETE CASCADE,
  name VARCHAR(255) NOT NULL,
  description TEXT,
  duration_minutes INT NOT NULL CHECK (duration_minutes > 0 AND duration_minutes % 30 = 0),
  base_price_cents INT NOT NULL CHECK (base_price_cents >= 0),
  deposit_rate DECIMAL(3, 2) NOT NULL CHECK (deposit_rate >= 0 AND deposit_rate <= 1),
  is_active BOOLEAN NOT NULL DEFAULT TRUE,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_services_artisan_active ON services(artisan_id, is_active);
