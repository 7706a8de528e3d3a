package io.github.lwm2mportfolio.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.github.lwm2mportfolio.core.keys.SelfSignedCertificates;

/** A chain found anchored is remembered, but never beyond its expiry nor for other anchors. */
class AnchoredChainsTest {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

    private static X509Certificate ca;
    private static X509Certificate otherCa;
    private static X509Certificate leaf;

    @BeforeAll
    static void certificates() throws Exception {
        SecureRandom random = new SecureRandom();
        KeyPair caKeys = SelfSignedCertificates.newP256KeyPair(random);
        ca = certificate("CN=fleet CA", caKeys, "CN=fleet CA", caKeys, true, NOW.plus(Duration.ofDays(3650)));
        KeyPair otherKeys = SelfSignedCertificates.newP256KeyPair(random);
        otherCa = certificate("CN=other CA", otherKeys, "CN=other CA", otherKeys, true, NOW.plus(Duration.ofDays(3650)));
        leaf = certificate("CN=ep-1", SelfSignedCertificates.newP256KeyPair(random), "CN=fleet CA", caKeys, false,
                NOW.plus(Duration.ofDays(1)));
    }

    @Test
    void a_chain_that_passed_still_passes_and_is_refused_once_expired() {
        MutableClock clock = new MutableClock(NOW);
        AnchoredChains chains = new AnchoredChains(clock);
        assertThat(chains.problem(List.of(leaf), List.of(ca))).isNull();
        assertThat(chains.problem(List.of(leaf), List.of(ca))).isNull();
        clock.now = NOW.plus(Duration.ofDays(2));
        assertThat(chains.problem(List.of(leaf), List.of(ca))).contains("certificate CN=ep-1 expired on ");
    }

    @Test
    void a_chain_that_passed_with_some_anchors_is_checked_again_for_others() {
        AnchoredChains chains = new AnchoredChains(new MutableClock(NOW));
        assertThat(chains.problem(List.of(leaf), List.of(ca))).isNull();
        assertThat(chains.problem(List.of(leaf), List.of(otherCa))).contains("not anchored");
        assertThat(chains.problem(List.of(leaf), List.of())).isEqualTo("no trust anchors are configured");
    }

    @Test
    void a_clock_set_back_before_the_check_does_not_reuse_it() {
        MutableClock clock = new MutableClock(NOW);
        AnchoredChains chains = new AnchoredChains(clock);
        assertThat(chains.problem(List.of(leaf), List.of(ca))).isNull();
        clock.now = NOW.minus(Duration.ofDays(30)); // before the leaf's notBefore
        assertThat(chains.problem(List.of(leaf), List.of(ca))).isNotNull();
    }

    private static X509Certificate certificate(String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys,
            boolean authority, Instant notAfter) throws Exception {
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                BigInteger.valueOf(System.nanoTime()), Date.from(NOW.minus(Duration.ofDays(1))), Date.from(notAfter),
                new X500Name(subject), subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    }

    private static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
