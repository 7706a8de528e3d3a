package io.github.lwm2mportfolio.core.auth;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.crypto.SecretKey;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * The keys a server checks AuthData with. Lookups are by the endpoint the server expects (never
 * the one the claims name) and the kid of the message (null when it has none).
 */
public interface VerifierKeys {

    /** Certificates that anchor device certificate chains (x5chain) for the sign service. */
    List<X509Certificate> trustAnchors();

    /** A public key pinned for this endpoint; when present it is used instead of the x5chain. */
    Optional<PublicKey> pinnedSigningKey(String endpoint, byte[] kid);

    /** The HMAC key shared with this endpoint. */
    Optional<SecretKey> macKey(String endpoint, byte[] kid);

    /** The AES key shared with this endpoint. */
    Optional<SecretKey> encryptionKey(String endpoint, byte[] kid);

    /**
     * Whether a certificate that chains to a trust anchor belongs to this endpoint. Without this
     * check any device of the fleet could sign claims naming another device. The default accepts a
     * certificate whose subject has a common name equal to the endpoint.
     */
    default boolean certificateNamesEndpoint(X509Certificate leaf, String endpoint) {
        X500Name subject = X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded());
        for (RDN rdn : subject.getRDNs(BCStyle.CN)) {
            ASN1Encodable value = rdn.getFirst().getValue();
            if (value instanceof ASN1String && endpoint.equals(((ASN1String) value).getString())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why a certificate of a device's chain is revoked, or empty when it is not (the default: nothing is).
     * Checked after the chain is found anchored and naming the endpoint.
     */
    default Optional<String> revocation(X509Certificate certificate) {
        return Optional.empty();
    }

    /**
     * Keys for a fleet whose MAC and encryption keys are derived from one master key
     * ({@link KeyDerivation}, 32-byte HMAC and 16-byte AES keys, as {@code Pkcs12KeySource} makes
     * them), with device certificates anchored in {@code trustAnchors}. Kids are not used. Each
     * device's keys are derived once and kept for its next checks, for up to 10,000 endpoints.
     */
    static VerifierKeys fleet(byte[] masterKey, List<X509Certificate> trustAnchors) {
        return new FleetKeys(masterKey, trustAnchors, FleetKeys.CACHED_ENDPOINTS);
    }
}
