-- API tokens of the REST API (portfolio-server, TokenTable): never the token, only its SHA-256; the first
-- 8 bytes of it in hex find the row, the whole digest is compared in constant time.

CREATE TABLE api_tokens (
    name        VARCHAR(64) NOT NULL,
    role        VARCHAR(16) NOT NULL,
    lookup_key  VARCHAR(16) NOT NULL,
    token_hash  BYTEA NOT NULL,
    created_at  BIGINT NOT NULL,
    CONSTRAINT api_tokens_pk PRIMARY KEY (name),
    CONSTRAINT api_tokens_lookup_key_unique UNIQUE (lookup_key)
);
