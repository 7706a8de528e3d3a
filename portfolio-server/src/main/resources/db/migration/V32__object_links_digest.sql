-- The object links of the registration a device was last collected from, as a SHA-256 digest (issue 12): a device
-- that registers again with the same links, a fresh VERIFIED verdict and the same Identity values is not
-- challenged again. NULL (rows from before, or a device never collected) never matches.
ALTER TABLE devices ADD COLUMN object_links_digest VARCHAR(64);
