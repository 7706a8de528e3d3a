-- Revoked device certificates (portfolio-server, RevocationTable), replaced whole by PUT /api/revocations and
-- kept across restarts: a serial number (hex, lower case, no leading zeros) or a SHA-256 fingerprint (64 hex).

CREATE TABLE revocations (
    entry_kind   VARCHAR(16) NOT NULL,
    entry_value  VARCHAR(64) NOT NULL,
    CONSTRAINT revocations_pk PRIMARY KEY (entry_kind, entry_value)
);
