-- PSKs at rest are sealed with the server's key (AES-256-GCM, CredentialTable): rows written before are sealed
-- when the inventory next opens.
ALTER TABLE credentials ADD COLUMN secret_sealed BOOLEAN NOT NULL DEFAULT FALSE;
