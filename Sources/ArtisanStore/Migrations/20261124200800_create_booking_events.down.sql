DROP TABLE booking_events;
