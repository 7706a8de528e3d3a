package io.github.lwm2mportfolio.core.cose;

import java.security.Key;
import java.security.Provider;
import java.security.Security;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Where ECDSA runs. Bouncy Castle verifies P-256 about five times faster than the JDK 17 SunEC provider (about 0.35 ms
 * against 1.7 ms here) and signs a third faster; a server verifies, and a simulator signs, every AuthData value of a
 * fleet. Public keys and software private keys (which expose their value) can go to any provider; a token's key does
 * not expose its value and stays with the token's provider.
 */
public final class FastEcdsa {

    /** Used where code asks for it by name or by object; see {@link #registeredName()}. */
    public static final Provider PROVIDER = new BouncyCastleProvider();

    private FastEcdsa() {
    }

    /**
     * The provider's name, registered with the JVM last of all (so that it never replaces another provider's
     * choice) for the APIs that take a name only, such as certificate path validation.
     */
    public static synchronized String registeredName() {
        if (Security.getProvider(PROVIDER.getName()) == null) {
            Security.addProvider(PROVIDER);
        }
        return PROVIDER.getName();
    }

    /** The provider for a signature engine with this key, or null for the JVM's choice. */
    static Provider providerFor(Key key) {
        return key instanceof ECPublicKey || key instanceof ECPrivateKey ? PROVIDER : null;
    }
}
