package io.github.lwm2mportfolio.server.rest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the REST API listens and what it bears.
 *
 * @param host the address to listen on (loopback unless the operator says otherwise)
 * @param port 0 for any free port
 * @param maxBodyBytes the most a JSON body may hold (413 past it), whatever its framing
 * @param maxCsvBytes the most a certification CSV upload may hold
 * @param maxEventStreams event streams open at once; one more is 503
 * @param failedLoginLimit wrong tokens one source address may send per window before it gets 429
 * @param failedLoginWindow that window
 * @param corsOrigins origins (https://console.example.net) whose pages may call the API; empty: none (CORS off)
 * @param https the PKCS#12 key store and its password for HTTPS; null: plain HTTP
 */
public record RestSettings(String host, int port, long maxBodyBytes, long maxCsvBytes, int maxEventStreams,
        int failedLoginLimit, Duration failedLoginWindow, List<String> corsOrigins, Https https) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    public static final long DEFAULT_MAX_CSV_BYTES = 10 * 1024 * 1024;
    public static final int DEFAULT_MAX_EVENT_STREAMS = 32;

    /** The server's HTTPS identity: a PKCS#12 key store and its password. */
    public record Https(Path keyStore, char[] password) {
        public Https {
            Objects.requireNonNull(keyStore, "keyStore");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "Https[" + keyStore + "]";
        }
    }

    public RestSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(failedLoginWindow, "failedLoginWindow");
        corsOrigins = List.copyOf(corsOrigins);
        if (maxBodyBytes < 1 || maxCsvBytes < 1 || maxEventStreams < 1 || failedLoginLimit < 1
                || failedLoginWindow.isNegative() || failedLoginWindow.isZero()) {
            throw new IllegalArgumentException("REST limits must be positive");
        }
    }

    public static RestSettings defaults() {
        return new RestSettings(DEFAULT_HOST, 8080, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_CSV_BYTES,
                DEFAULT_MAX_EVENT_STREAMS, 10, Duration.ofMinutes(1), List.of(), null);
    }

    public RestSettings withAddress(String host, int port) {
        return new RestSettings(host, port, maxBodyBytes, maxCsvBytes, maxEventStreams, failedLoginLimit,
                failedLoginWindow, corsOrigins, https);
    }

    public RestSettings withBodyLimits(long maxBodyBytes, long maxCsvBytes) {
        return new RestSettings(host, port, maxBodyBytes, maxCsvBytes, maxEventStreams, failedLoginLimit,
                failedLoginWindow, corsOrigins, https);
    }

    public RestSettings withMaxEventStreams(int maxEventStreams) {
        return new RestSettings(host, port, maxBodyBytes, maxCsvBytes, maxEventStreams, failedLoginLimit,
                failedLoginWindow, corsOrigins, https);
    }

    public RestSettings withFailedLogins(int limit, Duration window) {
        return new RestSettings(host, port, maxBodyBytes, maxCsvBytes, maxEventStreams, limit, window, corsOrigins,
                https);
    }

    public RestSettings withCorsOrigins(List<String> origins) {
        return new RestSettings(host, port, maxBodyBytes, maxCsvBytes, maxEventStreams, failedLoginLimit,
                failedLoginWindow, origins, https);
    }

    public RestSettings withHttps(Https https) {
        return new RestSettings(host, port, maxBodyBytes, maxCsvBytes, maxEventStreams, failedLoginLimit,
                failedLoginWindow, corsOrigins, https);
    }
}
