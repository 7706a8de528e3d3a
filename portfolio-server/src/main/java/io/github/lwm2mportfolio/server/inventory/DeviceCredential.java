package io.github.lwm2mportfolio.server.inventory;

/**
 * How one device authenticates its DTLS session, kept in the database.
 *
 * @param kind PSK, RPK or X509
 * @param pskIdentity for PSK
 * @param secret the PSK key, or the RPK public key (SubjectPublicKeyInfo DER); null for X509 (the
 *        certificate's CN must be the endpoint)
 */
public record DeviceCredential(String endpoint, Kind kind, String pskIdentity, byte[] secret) {

    public enum Kind {
        PSK, RPK, X509
    }
}
