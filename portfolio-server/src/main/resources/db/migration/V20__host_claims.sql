-- Spoofing (issue 11): once a VERIFIED verdict confirmed a device's host values, values it reports later are
-- claims until a verdict confirms them; they never replace the verified ones before. A claim is kept in the
-- Identity history with the verdict it got: PENDING until then, VERIFIED (then applied), SUPERSEDED by a newer
-- claim, or the outcome that refused it (FAILED, NOT_SUPPORTED, DEVICE_ERROR, UNREACHABLE) with its reason.
ALTER TABLE devices ADD COLUMN host_verified BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE identity_history ADD COLUMN claim_outcome VARCHAR(16);
ALTER TABLE identity_history ADD COLUMN claim_reason VARCHAR;
