package io.github.lwm2mportfolio.server.inventory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.github.lwm2mportfolio.core.io.AtomicFiles;

/**
 * Seals secrets kept in the database (PSKs) with AES-256-GCM under a key the database does not hold: a dump of
 * the database alone gives no key. Each sealed value is bound to what it belongs to (its context, e.g. the
 * endpoint), so that a value copied to another row does not open. Format: version 1, a 12-byte random nonce,
 * the ciphertext with its 16-byte tag.
 */
public final class SecretSealer {

    public static final String KEY_FILE_NAME = "inventory.key";
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte VERSION = 1;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private SecretSealer(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("the sealing key must be " + KEY_BYTES + " bytes, got " + key.length);
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    /** A sealer with this key (32 bytes). */
    public static SecretSealer of(byte[] key) {
        return new SecretSealer(key.clone());
    }

    /** A sealer with a key of this process only: what it seals cannot be opened after a restart. */
    public static SecretSealer ephemeral() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return new SecretSealer(key);
    }

    /** The key in {@code file}, made (random, owner-only) when the file does not exist. */
    public static SecretSealer fromKeyFile(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] key = new byte[KEY_BYTES];
            RANDOM.nextBytes(key);
            AtomicFiles.write(file, key);
        }
        byte[] key = Files.readAllBytes(file);
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("the key file " + file + " must hold " + KEY_BYTES + " bytes, it holds "
                    + key.length);
        }
        return new SecretSealer(key);
    }

    byte[] seal(byte[] secret, String context) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, context);
            byte[] sealed = cipher.doFinal(secret);
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(VERSION).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal a secret: " + e.getMessage(), e);
        }
    }

    /** @throws IllegalStateException when the value was not sealed with this key for this context */
    byte[] open(byte[] sealed, String context) {
        if (sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != VERSION) {
            throw new IllegalStateException("a sealed secret of " + context + " is malformed");
        }
        byte[] nonce = new byte[NONCE_BYTES];
        System.arraycopy(sealed, 1, nonce, 0, NONCE_BYTES);
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, nonce, context);
            return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot open the sealed secret of " + context
                    + ": it was sealed with another key (is " + KEY_FILE_NAME + " the one of this database?)");
        }
    }

    private Cipher cipher(int mode, byte[] nonce, String context) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }
}
