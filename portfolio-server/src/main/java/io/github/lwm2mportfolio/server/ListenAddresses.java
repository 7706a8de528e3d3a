package io.github.lwm2mportfolio.server;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Addresses a person can use: a listener bound to the wildcard address (0.0.0.0, ::) listens on every interface,
 * and is reached on this machine at 127.0.0.1, which is what its URI then names.
 */
public final class ListenAddresses {

    private ListenAddresses() {
    }

    /** Whether this host (a name, an IPv4 or an IPv6 literal, bracketed or not) is the wildcard address. */
    public static boolean isWildcard(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!bare.matches("[0-9.:a-fA-F]+")) {
            return false; // a name, never looked up here
        }
        try {
            return InetAddress.getByName(bare).isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The URI with a wildcard host replaced by 127.0.0.1; any other URI as it is. */
    public static String usable(String uri) {
        URI parsed = URI.create(uri);
        if (parsed.getHost() == null || !isWildcard(parsed.getHost())) {
            return uri;
        }
        return parsed.getScheme() + "://127.0.0.1" + (parsed.getPort() < 0 ? "" : ":" + parsed.getPort())
                + (parsed.getRawPath() == null ? "" : parsed.getRawPath());
    }
}
