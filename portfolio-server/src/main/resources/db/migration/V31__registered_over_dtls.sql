-- Whether the endpoint ever registered over CoAPS (any DTLS credential, also an X.509 certificate trusted through
-- a fleet CA with no credential stored): such an endpoint is refused over plain CoAP, so that nobody takes over
-- its registration without its credentials. Removing the device forgets it.
ALTER TABLE devices ADD COLUMN registered_over_dtls BOOLEAN NOT NULL DEFAULT FALSE;
