package io.github.lwm2mportfolio.core.cose;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.Signature;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;

/**
 * Per-thread reuse of JCA engine objects. {@code getInstance} costs a provider lookup that is
 * comparable to a whole HMAC of a small message, so instances are kept per thread, algorithm and
 * key class (the key class decides which provider a delayed-selection engine binds to, so keys
 * from a PKCS#11 token and software keys never share an engine).
 */
final class Jca {

    private static final ThreadLocal<Map<String, Map<Class<?>, Object>>> CACHE =
            ThreadLocal.withInitial(HashMap::new);

    @FunctionalInterface
    private interface Factory<T> {
        T create() throws GeneralSecurityException;
    }

    private Jca() {
    }

    static Mac mac(String algorithm, Key key) throws GeneralSecurityException {
        Mac mac = cached(algorithm, key, () -> Mac.getInstance(algorithm));
        mac.init(key);
        return mac;
    }

    static Signature signature(String algorithm, Key key) throws GeneralSecurityException {
        return cached(algorithm, key, () -> Signature.getInstance(algorithm));
    }

    static Cipher cipher(String transformation, Key key) throws GeneralSecurityException {
        return cached(transformation, key, () -> Cipher.getInstance(transformation));
    }

    @SuppressWarnings("unchecked")
    private static <T> T cached(String algorithm, Key key, Factory<T> factory) throws GeneralSecurityException {
        Map<Class<?>, Object> byKeyClass = CACHE.get().computeIfAbsent(algorithm, a -> new HashMap<>(4));
        Object engine = byKeyClass.get(key.getClass());
        if (engine == null) {
            engine = factory.create();
            byKeyClass.put(key.getClass(), engine);
        }
        return (T) engine;
    }
}
