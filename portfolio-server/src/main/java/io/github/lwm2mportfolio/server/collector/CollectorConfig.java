package io.github.lwm2mportfolio.server.collector;

import java.time.Duration;

import io.github.lwm2mportfolio.core.auth.AuthService;

/**
 * How the collector works.
 *
 * @param service the GetAuthData service it asks for
 * @param workers collections run at once (each waits on its device)
 * @param queueCapacity collections waiting for a worker; beyond it devices wait in the backlog (one entry
 *        per device) and are picked up as workers free up
 * @param requestTimeout one LwM2M request
 * @param authTimeout from Execute to AuthStatus DATA_AVAIL or ERROR
 * @param maxAttempts tries of a failing collection before it waits for the next trigger
 * @param firstBackoff wait before the second try; doubled each time
 * @param recollectEvery collect every registered device again this often (zero: never)
 */
public record CollectorConfig(AuthService service, int workers, int queueCapacity, Duration requestTimeout,
        Duration authTimeout, int maxAttempts, Duration firstBackoff, Duration recollectEvery) {

    public static CollectorConfig defaults() {
        return new CollectorConfig(AuthService.SIGN, 8, 1024, Duration.ofSeconds(5), Duration.ofSeconds(10), 4,
                Duration.ofSeconds(1), Duration.ofHours(6));
    }

    public CollectorConfig withService(AuthService newService) {
        return new CollectorConfig(newService, workers, queueCapacity, requestTimeout, authTimeout, maxAttempts,
                firstBackoff, recollectEvery);
    }

    public CollectorConfig withRecollectEvery(Duration every) {
        return new CollectorConfig(service, workers, queueCapacity, requestTimeout, authTimeout, maxAttempts,
                firstBackoff, every);
    }

    public CollectorConfig withTimeouts(Duration request, Duration auth, Duration backoff) {
        return new CollectorConfig(service, workers, queueCapacity, request, auth, maxAttempts, backoff,
                recollectEvery);
    }
}
