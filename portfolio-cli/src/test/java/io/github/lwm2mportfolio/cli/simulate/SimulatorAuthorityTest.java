package io.github.lwm2mportfolio.cli.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.nio.file.Files;
import java.io.InputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwm2mportfolio.core.keys.KeySource;
import io.github.lwm2mportfolio.core.keys.KeyUnavailableException;

/** A seed makes the same keys again; each device's certificate is issued by the seed's authority. */
class SimulatorAuthorityTest {

    @TempDir
    Path dir;

    @Test
    void the_same_seed_makes_the_same_keys_and_another_seed_other_keys() throws Exception {
        SimulatorAuthority first = SimulatorAuthority.fromSeed(42);
        SimulatorAuthority again = SimulatorAuthority.fromSeed(42);
        SimulatorAuthority other = SimulatorAuthority.fromSeed(43);
        assertThat(again.certificate().getPublicKey()).isEqualTo(first.certificate().getPublicKey());
        assertThat(other.certificate().getPublicKey()).isNotEqualTo(first.certificate().getPublicKey());
        assertThat(leaf(again.deviceKeys("sim-1")).getPublicKey())
                .isEqualTo(leaf(first.deviceKeys("sim-1")).getPublicKey());
        assertThat(leaf(first.deviceKeys("sim-2")).getPublicKey())
                .isNotEqualTo(leaf(first.deviceKeys("sim-1")).getPublicKey());
        assertThat(again.pskKey("sim-1")).isEqualTo(first.pskKey("sim-1")).hasSize(16);
        assertThat(again.fleetMasterKeyHex()).isEqualTo(first.fleetMasterKeyHex())
                .isNotEqualTo(other.fleetMasterKeyHex());
    }

    @Test
    void device_certificates_name_the_endpoint_and_are_issued_by_the_written_authority() throws Exception {
        SimulatorAuthority authority = SimulatorAuthority.fromSeed(5);
        Path pem = authority.writeCertificate(dir);
        X509Certificate written;
        try (InputStream in = Files.newInputStream(pem)) {
            written = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        X509Certificate leaf = leaf(authority.deviceKeys("sim-000009"));
        leaf.verify(written.getPublicKey());
        assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=sim-000009");
        assertThat(written.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void an_unknown_key_id_is_refused() throws Exception {
        KeySource keys = SimulatorAuthority.fromSeed(1).deviceKeys("sim-1");
        assertThatThrownBy(() -> keys.signingKey("other")).isInstanceOf(KeyUnavailableException.class)
                .hasMessageContaining("no key 'other'");
    }

    private static X509Certificate leaf(KeySource keys) throws Exception {
        return keys.signingKey(keys.defaultKeyId()).chain().get(0);
    }
}
