package io.github.lwm2mportfolio.core.auth;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.lwm2mportfolio.core.cose.FastEcdsa;

/**
 * Whether a device's certificate chain is anchored in the trust anchors and usable for signatures now. A chain
 * that passed is remembered until its first certificate expires (and only for the same anchors), because a device
 * sends the same chain in every AuthData value: a challenge of four Identity values, or the next collection, then
 * costs no certificate path validation. Failures are never remembered.
 */
final class AnchoredChains {

    /** Enough for a large fleet between two collections; beyond it the memory starts again empty. */
    private static final int CAPACITY = 50_000;

    private record Key(List<X509Certificate> chain, List<X509Certificate> anchors) {
    }

    /** When a chain was found anchored, and until when that holds. */
    private record Passed(Instant checkedAt, Instant validUntil) {
        boolean holdsAt(Instant now) {
            return !now.isBefore(checkedAt) && now.isBefore(validUntil);
        }
    }

    private final Clock clock;
    private final Map<Key, Passed> passed = new ConcurrentHashMap<>();

    AnchoredChains(Clock clock) {
        this.clock = clock;
    }

    /** Null when the chain is anchored and usable for signatures, else why not. */
    String problem(List<X509Certificate> chain, List<X509Certificate> anchors) {
        if (anchors == null || anchors.isEmpty()) {
            return "no trust anchors are configured";
        }
        Instant now = clock.instant();
        Key key = new Key(List.copyOf(chain), List.copyOf(anchors));
        Passed earlier = passed.get(key);
        if (earlier != null && earlier.holdsAt(now)) {
            return null;
        }
        String problem = check(chain, anchors, now);
        if (problem == null) {
            if (passed.size() >= CAPACITY) {
                passed.clear();
            }
            passed.put(key, new Passed(now, earliestExpiry(chain)));
        }
        return problem;
    }

    private static Instant earliestExpiry(List<X509Certificate> chain) {
        return chain.stream().map(c -> c.getNotAfter().toInstant()).min(Instant::compareTo).orElse(Instant.MIN);
    }

    private static String check(List<X509Certificate> chain, List<X509Certificate> anchors, Instant at) {
        X509Certificate leaf = chain.get(0);
        boolean[] keyUsage = leaf.getKeyUsage();
        if (keyUsage != null && !keyUsage[0]) {
            return "certificate " + leaf.getSubjectX500Principal().getName() + " is not for digital signatures";
        }
        Date now = Date.from(at);
        // Said plainly before PKIX, which reports an expired certificate as a path that does not validate.
        for (X509Certificate certificate : chain) {
            if (now.after(certificate.getNotAfter())) {
                return "certificate " + certificate.getSubjectX500Principal().getName() + " expired on "
                        + certificate.getNotAfter().toInstant();
            }
            if (now.before(certificate.getNotBefore())) {
                return "certificate " + certificate.getSubjectX500Principal().getName() + " is not valid before "
                        + certificate.getNotBefore().toInstant();
            }
        }
        try {
            if (anchors.contains(leaf)) {
                leaf.checkValidity(now);
                return null;
            }
            // A chain may end with the anchor itself; PKIX wants the path without it.
            List<X509Certificate> path = new ArrayList<>(chain);
            while (path.size() > 1 && anchors.contains(path.get(path.size() - 1))) {
                path.remove(path.size() - 1);
            }
            Set<TrustAnchor> trusted = new HashSet<>();
            for (X509Certificate anchor : anchors) {
                trusted.add(new TrustAnchor(anchor, null));
            }
            PKIXParameters parameters = new PKIXParameters(trusted);
            parameters.setRevocationEnabled(false);
            parameters.setDate(now);
            parameters.setSigProvider(FastEcdsa.registeredName());
            CertPathValidator.getInstance("PKIX", FastEcdsa.PROVIDER)
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
            return null;
        } catch (CertPathValidatorException e) {
            return "certificate chain is not anchored in the trust anchors: " + e.getMessage();
        } catch (CertificateException e) {
            return "certificate is not valid now: " + e.getMessage();
        } catch (GeneralSecurityException | RuntimeException e) {
            return "certificate chain cannot be checked: " + e.getMessage();
        }
    }
}
