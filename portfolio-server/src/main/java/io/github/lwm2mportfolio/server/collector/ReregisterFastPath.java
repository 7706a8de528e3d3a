package io.github.lwm2mportfolio.server.collector;

import java.util.Locale;

/**
 * Which re-registrations may skip the GetAuthData challenge: those of a device whose last verdict is VERIFIED and
 * younger than the collection interval, registering with the same object links and reporting the same Identity
 * values (docs/RELIABILITY.md, "Re-registration fast path").
 */
public enum ReregisterFastPath {
    /** Every registration is challenged. */
    OFF,
    /** Only registrations over CoAPS: the DTLS credential bound to the endpoint vouches for the device. */
    SECURE,
    /** Plain CoAP registrations too: for networks where nobody but the fleet can reach the server. */
    ON;

    /** "off", "secure" or "on", any case; null when it is none of them. */
    public static ReregisterFastPath parse(String text) {
        for (ReregisterFastPath value : values()) {
            if (value.name().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return value;
            }
        }
        return null;
    }

    /** The setting as the command line spells it. */
    public String argument() {
        return name().toLowerCase(Locale.ROOT);
    }
}
