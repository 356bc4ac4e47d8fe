-- The database itself refuses two overlapping active bookings of one artisan.
-- A booking occupies [start - buffer_before, start + duration + buffer_after): the buffers are
-- the service's travel or set-up time, copied onto the booking like its price and duration.
-- timestamptz + interval is not immutable, so the occupied range is a column kept by a trigger.
CREATE EXTENSION IF NOT EXISTS btree_gist;

ALTER TABLE bookings
  ADD COLUMN buffer_before_minutes INT NOT NULL DEFAULT 0 CHECK (buffer_before_minutes >= 0),
  ADD COLUMN buffer_after_minutes INT NOT NULL DEFAULT 0 CHECK (buffer_after_minutes >= 0),
  ADD COLUMN occupied TSTZRANGE;

CREATE FUNCTION bookings_set_occupied() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.occupied := tstzrange(
    NEW.start_datetime - make_interval(mins => NEW.buffer_before_minutes),
    NEW.start_datetime + make_interval(mins => NEW.duration_minutes + NEW.buffer_after_minutes),
    '[)');
  RETURN NEW;
END;
$$;

CREATE TRIGGER bookings_occupied
  BEFORE INSERT OR UPDATE OF start_datetime, duration_minutes, buffer_before_minutes, buffer_after_minutes, occupied
  ON bookings FOR EACH ROW EXECUTE FUNCTION bookings_set_occupied();

UPDATE bookings SET occupied = NULL;
ALTER TABLE bookings ALTER COLUMN occupied SET NOT NULL;

ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap
  EXCLUDE USING gist (artisan_id WITH =, occupied WITH &&)
  WHERE (status IN ('confirmed', 'rescheduled'));
