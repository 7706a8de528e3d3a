package io.github.lwm2mportfolio.core.cose;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * EC public keys in Bouncy Castle's own form, kept per key. Bouncy Castle precomputes multiples of a public point
 * for a verification and keeps them on the point object; a JDK key (from a certificate parsed by the JDK) is
 * converted to a new point on every verification, so those tables were built anew each time: about 170 KB and a
 * fifth of a P-256 verification. The same key (a device's, signing each of its AuthData values, or a CA's,
 * signing every device certificate) now meets the point it was converted to, and its tables, again. The math and
 * the checks are the same.
 */
final class VerifyingKeys {

    /** Beyond this many keys the map starts again (a key costs a few KB with its tables). */
    private static final int MAX_KEYS = 4096;
    private static final Map<PublicKey, PublicKey> CONVERTED = new ConcurrentHashMap<>();

    private VerifyingKeys() {
    }

    /** The key Bouncy Castle verifies with fastest: the converted form of an EC key, others as they are. */
    static PublicKey forVerification(PublicKey key) throws GeneralSecurityException {
        if (!(key instanceof ECPublicKey) || key.getClass().getName().startsWith("org.bouncycastle.")) {
            return key;
        }
        PublicKey converted = CONVERTED.get(key);
        if (converted == null) {
            converted = KeyFactory.getInstance("EC", FastEcdsa.PROVIDER).translateKey(key) instanceof PublicKey k ? k
                    : key;
            if (CONVERTED.size() >= MAX_KEYS) {
                CONVERTED.clear();
            }
            CONVERTED.put(key, converted);
        }
        return converted;
    }
}
