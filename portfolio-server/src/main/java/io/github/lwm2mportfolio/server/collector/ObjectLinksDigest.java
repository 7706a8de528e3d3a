package io.github.lwm2mportfolio.server.collector;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.eclipse.leshan.core.link.Link;
import org.eclipse.leshan.server.registration.Registration;

/** A registration's object links as a SHA-256 digest (hex): kept to tell a re-registration with the same links. */
final class ObjectLinksDigest {

    private ObjectLinksDigest() {
    }

    static String of(Registration registration) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        Link[] links = registration.getObjectLinks();
        if (links != null) {
            for (Link link : links) {
                sha256.update(link.toCoreLinkFormat().getBytes(StandardCharsets.UTF_8));
                sha256.update((byte) ',');
            }
        }
        return HexFormat.of().formatHex(sha256.digest());
    }
}
