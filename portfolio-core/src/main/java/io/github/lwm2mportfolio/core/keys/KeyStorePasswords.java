package io.github.lwm2mportfolio.core.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

import io.github.lwm2mportfolio.core.io.AtomicFiles;

/**
 * Key store passwords kept in a file of their own beside the store (owner-only), generated per store: a store
 * copied without its password file is of no use, and no two stores share a password.
 */
public final class KeyStorePasswords {

    /** The one password of the stores this project made before passwords were generated. */
    public static final String LEGACY_PASSWORD = "portfolio";

    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyStorePasswords() {
    }

    /**
     * The password of {@code store}: read from {@code passwordFile}; for a store made before password files, the
     * legacy password; for a store still to be made, a new one written to {@code passwordFile} (0600).
     */
    public static char[] forStore(Path store, Path passwordFile) throws IOException {
        if (Files.exists(passwordFile)) {
            return read(passwordFile);
        }
        if (Files.exists(store)) {
            return LEGACY_PASSWORD.toCharArray();
        }
        return writeNew(passwordFile);
    }

    /** The password in {@code passwordFile} (its first line, without surrounding blanks). */
    public static char[] read(Path passwordFile) throws IOException {
        return Files.readString(passwordFile, StandardCharsets.UTF_8).strip().toCharArray();
    }

    /** A new random password (32 bytes in base64url: as strong as the keys it guards), written to {@code passwordFile} atomically and owner-only. */
    public static char[] writeNew(Path passwordFile) throws IOException {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        AtomicFiles.write(passwordFile, (password + "\n").getBytes(StandardCharsets.US_ASCII));
        return password.toCharArray();
    }
}
