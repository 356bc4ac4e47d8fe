ALTER TABLE bookings DROP CONSTRAINT bookings_no_overlap;
DROP TRIGGER bookings_occupied ON bookings;
DROP FUNCTION bookings_set_occupied();
ALTER TABLE bookings
  DROP COLUMN occupied,
  DROP COLUMN buffer_after_minutes,
  DROP COLUMN buffer_before_minutes;
DROP EXTENSION IF EXISTS btree_gist;
