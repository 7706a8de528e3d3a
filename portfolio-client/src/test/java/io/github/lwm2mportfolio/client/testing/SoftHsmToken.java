package io.github.lwm2mportfolio.client.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AuthProvider;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.util.Collections;
import java.util.Comparator;
import java.util.stream.Stream;

import io.github.lwm2mportfolio.core.keys.Pkcs11KeySource;

/**
 * The SoftHSM2 token of a test JVM. SoftHSM2 reads its configuration (the file SOFTHSM2_CONF names, which the
 * build sets) once per process, so each JVM has one token, made on first use; tests empty it before they start.
 * A PKCS#11 login holds for the whole process, so the token is also logged out. Without Debian's {@code softhsm2} the tests that use it are skipped with that reason (CI installs it).
 */
public final class SoftHsmToken {

    public static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    public static final String PIN = "4711";
    public static final String LABEL = "portfolio-test";
    private static boolean made;

    private SoftHsmToken() {
    }

    /** The token, emptied; skips the calling test when SoftHSM2 is not installed. */
    public static synchronized Pkcs11KeySource.Token emptyToken() throws Exception {
        assumeTrue(Files.isRegularFile(LIBRARY) && onPath("softhsm2-util"), "softhsm2 is not installed (apt-get "
                + "install softhsm2; .ci/run installs it): PKCS#11 tests skipped");
        String conf = System.getenv("SOFTHSM2_CONF");
        assumeTrue(conf != null, "SOFTHSM2_CONF is not set (the build sets it for tests): PKCS#11 tests skipped");
        if (!made) {
            make(Path.of(conf));
            made = true;
        }
        empty();
        return new Pkcs11KeySource.Token(LIBRARY, 0, PIN.toCharArray());
    }

    private static void make(Path conf) throws IOException, InterruptedException {
        Path tokens = conf.resolveSibling("tokens");
        if (Files.exists(tokens)) {
            try (Stream<Path> old = Files.walk(tokens)) {
                old.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
        Files.createDirectories(tokens);
        Files.writeString(conf, "directories.tokendir = " + tokens.toAbsolutePath() + "\nobjectstore.backend = file\n"
                + "log.level = ERROR\n", StandardCharsets.UTF_8);
        ProcessBuilder init = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", LABEL, "--pin",
                PIN, "--so-pin", "so-" + PIN).redirectErrorStream(true);
        init.environment().put("SOFTHSM2_CONF", conf.toString());
        Process process = init.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("softhsm2-util --init-token failed: " + output);
        }
    }

    private static void empty() throws Exception {
        Provider provider = Security.getProvider("SunPKCS11").configure("--name = softhsm-test-cleaner\nlibrary = "
                + LIBRARY + "\nslotListIndex = 0\n");
        KeyStore store = KeyStore.getInstance("PKCS11", provider);
        store.load(null, PIN.toCharArray());
        for (String alias : Collections.list(store.aliases())) {
            store.deleteEntry(alias);
        }
        // A PKCS#11 login holds for the whole process: log out, so that each test logs in with its own PIN.
        ((AuthProvider) provider).logout();
    }

    private static boolean onPath(String command) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(directory, command))) {
                return true;
            }
        }
        return false;
    }
}
