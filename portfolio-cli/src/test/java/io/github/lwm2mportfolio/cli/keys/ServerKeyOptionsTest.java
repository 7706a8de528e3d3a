package io.github.lwm2mportfolio.cli.keys;

import static io.github.lwm2mportfolio.cli.keys.KeysCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portfolio server}'s key options: bad ones stop it before it starts (exit 2), naming the file. */
class ServerKeyOptionsTest {

    @TempDir
    Path dir;

    @Test
    void a_revocation_list_with_a_line_that_is_neither_serial_nor_fingerprint_is_bad_usage() throws Exception {
        Path revoked = Files.writeString(dir.resolve("revoked.txt"), "# list\n1a2b\nnot-a-serial\n");

        KeysCommandTest.Run run = run("server", "--revoked", revoked.toString(), "--data", dir.resolve("s").toString(),
                "--coap-port", "0", "--coaps-port", "0", "--http-port", "0");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(revoked + " line 3: 'not-a-serial' is neither a serial number (hex, up to 40 "
                + "digits) nor a SHA-256 fingerprint (64 hex digits)");
    }

    @Test
    void a_missing_revocation_list_is_bad_usage() {
        KeysCommandTest.Run run = run("server", "--revoked", dir.resolve("none.txt").toString(), "--data",
                dir.resolve("s").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--revoked " + dir.resolve("none.txt") + ": not found; give the path of a "
                + "file of serial numbers or SHA-256 fingerprints");
    }

    @Test
    void a_fleet_key_file_that_others_may_read_is_refused_by_name() throws Exception {
        Path key = Files.writeString(dir.resolve("fleet.secret"), "00".repeat(32) + "\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-rw-r--"));

        KeysCommandTest.Run run = run("server", "--fleet-key-file", key.toString(), "--data",
                dir.resolve("s").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--fleet-key-file " + key + " holds a secret but others may read it");
    }

    @Test
    void fleet_secrets_by_key_id_with_a_bad_not_after_are_bad_usage() throws Exception {
        Path secrets = Files.writeString(dir.resolve("fleet.secrets"), "2026a " + "11".repeat(32) + " tomorrow\n");
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));

        KeysCommandTest.Run run = run("server", "--fleet-key-file", secrets.toString(), "--data",
                dir.resolve("s").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(secrets + " line 1: not-after must be an instant like 2027-01-31T00:00:00Z");
    }
}
