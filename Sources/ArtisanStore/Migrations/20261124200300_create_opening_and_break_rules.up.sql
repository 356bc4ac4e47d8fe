CREATE TABLE opening_rules (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  artisan_id UUID NOT NULL REFERENCES artisans(id) ON DELETE CASCADE,
  day_of_week INT NOT NULL CHECK (day_of_week >= 0 AND day_of_week <= 6),
  start_minutes INT NOT NULL CHECK (start_minutes >= 0 AND start_minutes < 1440),
  end_minutes INT NOT NULL CHECK (end_minutes > start_minutes AND end_minutes <= 1440),
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  UNIQUE(artisan_id, day_of_week)
);

CREATE INDEX idx_opening_rules_artisan ON opening_rules(artisan_id);

CREATE TABLE break_rules (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  artisan_id UUID NOT NULL REFERENCES artisans(id) ON DELETE CASCADE,
  day_of_week INT NOT NULL CHECK (day_of_week >= 0 AND day_of_week <= 6),
  start_minutes INT NOT NULL CHECK (start_minutes >= 0 AND start_minutes < 1440),
  end_minutes INT NOT NULL CHECK (end_minutes > start_minutes AND end_minutes <= 1440),
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_break_rules_artisan ON break_rules(artisan_id);
