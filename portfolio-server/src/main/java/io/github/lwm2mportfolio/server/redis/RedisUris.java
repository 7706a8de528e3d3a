package io.github.lwm2mportfolio.server.redis;

/** Redis URIs fit for a log line or an error message. */
public final class RedisUris {

    private RedisUris() {
    }

    /** The URI without the password of its user-info part: redis://:secret@host becomes redis://***@host. */
    public static String withoutSecret(String uri) {
        if (uri == null) {
            return null;
        }
        int scheme = uri.indexOf("://");
        int at = uri.lastIndexOf('@');
        if (scheme < 0 || at < scheme) {
            return uri;
        }
        return uri.substring(0, scheme + 3) + "***" + uri.substring(at);
    }
}
