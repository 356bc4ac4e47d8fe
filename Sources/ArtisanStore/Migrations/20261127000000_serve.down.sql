ALTER TABLE artisans DROP COLUMN calendar_feed_token_digest;
DROP TABLE idempotency_keys;
