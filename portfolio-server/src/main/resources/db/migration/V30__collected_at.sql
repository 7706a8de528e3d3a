-- When a collection of the device last completed (issue 11): devices that never completed one and are gone are
-- purged after a while, and devices that did are collected before strangers. Rows from before this column count
-- as collected when their last collection did not fail or they hold Portfolio instances.
ALTER TABLE devices ADD COLUMN collected_at BIGINT;

UPDATE devices SET collected_at = COALESCE(last_seen, registered_at, 0)
WHERE collection_error IS NULL
   OR EXISTS (SELECT 1 FROM portfolio_instances p WHERE p.endpoint = devices.endpoint);
