package io.github.lwm2mportfolio.core.cose;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.security.auth.Destroyable;

/**
 * Per-thread reuse of JCA engine objects. {@code getInstance} costs a provider lookup comparable
 * to a whole HMAC of a small message, so one engine is kept per thread, algorithm and use (private
 * or public key). An engine is reused only for keys of the class it was first used with: the key
 * class decides which provider a delayed-selection engine binds to, so a token key and a software
 * key never share one.
 */
final class Jca {

    private static final int ALGORITHMS = CoseAlgorithm.values().length;

    private static final ThreadLocal<Slots> SLOTS = ThreadLocal.withInitial(Slots::new);

    private static final class Slots {
        final Class<?>[] keyClasses = new Class<?>[2 * ALGORITHMS];
        final Object[] engines = new Object[2 * ALGORITHMS];
        // The key each HMAC engine was last initialised with: an HMAC engine returns to its
        // initialised state after doFinal, so the same key object needs no new init (which costs
        // about as much as the MAC of a small message).
        final Key[] macKeys = new Key[ALGORITHMS];
    }

    @FunctionalInterface
    private interface Factory {
        Object create() throws GeneralSecurityException;
    }

    private Jca() {
    }

    /** An HMAC engine initialised with {@code key}. */
    static Mac mac(CoseAlgorithm alg, Key key) throws GeneralSecurityException {
        Slots slots = SLOTS.get();
        Mac mac = (Mac) engine(slots, alg, key, () -> Mac.getInstance(alg.jcaName()));
        int i = alg.ordinal();
        if (slots.macKeys[i] == key && !(key instanceof Destroyable && ((Destroyable) key).isDestroyed())) {
            mac.reset();
        } else {
            slots.macKeys[i] = null;
            mac.init(key);
            slots.macKeys[i] = key;
        }
        return mac;
    }

    /** A signature engine, not yet initialised. */
    static Signature signature(CoseAlgorithm alg, Key key) throws GeneralSecurityException {
        Provider fast = FastVerify.providerFor(key);
        return (Signature) engine(SLOTS.get(), alg, key, () -> fast != null ? Signature.getInstance(alg.jcaName(), fast)
                : Signature.getInstance(alg.jcaName()));
    }

    /** A cipher engine, not yet initialised. */
    static Cipher cipher(CoseAlgorithm alg, Key key) throws GeneralSecurityException {
        return (Cipher) engine(SLOTS.get(), alg, key, () -> Cipher.getInstance(alg.jcaName()));
    }

    private static Object engine(Slots slots, CoseAlgorithm alg, Key key, Factory factory)
            throws GeneralSecurityException {
        int i = 2 * alg.ordinal() + (key instanceof PublicKey ? 1 : 0);
        if (slots.keyClasses[i] != key.getClass()) {
            slots.keyClasses[i] = null;
            slots.engines[i] = factory.create();
            slots.keyClasses[i] = key.getClass();
            if (i % 2 == 0) {
                slots.macKeys[alg.ordinal()] = null;
            }
        }
        return slots.engines[i];
    }
}
