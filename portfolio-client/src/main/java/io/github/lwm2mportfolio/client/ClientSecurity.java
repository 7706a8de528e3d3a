package io.github.lwm2mportfolio.client;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;

import org.eclipse.leshan.client.object.Security;

/** How the client secures its connection to the LwM2M server: none, PSK, RPK or X.509 (DTLS). */
public sealed interface ClientSecurity {

    /** The Security object instance (/0) for this choice. */
    Security toSecurityObject(String serverUri, int shortServerId);

    static ClientSecurity none() {
        return new NoSec();
    }

    static ClientSecurity psk(String identity, byte[] key) {
        return new Psk(identity, key);
    }

    static ClientSecurity rpk(PublicKey clientPublicKey, PrivateKey clientPrivateKey, PublicKey serverPublicKey) {
        return new Rpk(clientPublicKey, clientPrivateKey, serverPublicKey);
    }

    static ClientSecurity x509(X509Certificate clientCertificate, PrivateKey clientPrivateKey,
            X509Certificate serverCertificate) {
        return new X509(clientCertificate, clientPrivateKey, serverCertificate);
    }

    record NoSec() implements ClientSecurity {
        @Override
        public Security toSecurityObject(String serverUri, int shortServerId) {
            return Security.noSec(serverUri, shortServerId);
        }
    }

    record Psk(String identity, byte[] key) implements ClientSecurity {
        public Psk {
            if (identity == null || identity.isEmpty()) {
                throw new IllegalArgumentException("a PSK identity is required");
            }
            if (key == null || key.length == 0) {
                throw new IllegalArgumentException("a PSK key is required");
            }
            key = key.clone();
        }

        @Override
        public Security toSecurityObject(String serverUri, int shortServerId) {
            return Security.psk(serverUri, shortServerId, identity.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    key.clone());
        }

        @Override
        public String toString() {
            return "Psk[identity=" + identity + "]";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Psk other && identity.equals(other.identity) && Arrays.equals(key, other.key);
        }

        @Override
        public int hashCode() {
            return identity.hashCode() * 31 + Arrays.hashCode(key);
        }
    }

    /** The client's key pair, and the server's public key it pins (RFC 7250 raw public keys). */
    record Rpk(PublicKey clientPublicKey, PrivateKey clientPrivateKey, PublicKey serverPublicKey)
            implements ClientSecurity {
        public Rpk {
            require(clientPublicKey, "a client public key");
            require(clientPrivateKey, "a client private key");
            require(serverPublicKey, "a server public key");
        }

        @Override
        public Security toSecurityObject(String serverUri, int shortServerId) {
            return Security.rpk(serverUri, shortServerId, clientPublicKey.getEncoded(), clientPrivateKey.getEncoded(),
                    serverPublicKey.getEncoded());
        }

        @Override
        public String toString() {
            return "Rpk[" + clientPublicKey.getAlgorithm() + " client key]"; // never the private key
        }
    }

    /**
     * The client's certificate (its CN is normally the endpoint name) and key, and the server certificate it
     * expects: Leshan's default certificate usage 3 ("domain-issued certificate") accepts exactly that
     * certificate, so no trust store is needed.
     */
    record X509(X509Certificate clientCertificate, PrivateKey clientPrivateKey, X509Certificate serverCertificate)
            implements ClientSecurity {
        public X509 {
            require(clientCertificate, "a client certificate");
            require(clientPrivateKey, "a client private key");
            require(serverCertificate, "a server certificate");
        }

        @Override
        public Security toSecurityObject(String serverUri, int shortServerId) {
            try {
                return Security.x509(serverUri, shortServerId, clientCertificate.getEncoded(),
                        clientPrivateKey.getEncoded(), serverCertificate.getEncoded());
            } catch (CertificateEncodingException e) {
                throw new IllegalArgumentException("cannot encode a certificate: " + e.getMessage(), e);
            }
        }

        @Override
        public String toString() {
            return "X509[client=" + clientCertificate.getSubjectX500Principal() + ", server="
                    + serverCertificate.getSubjectX500Principal() + "]"; // never the private key
        }
    }

    private static void require(Object value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " is required");
        }
    }
}
