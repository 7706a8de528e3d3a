package io.github.lwm2mportfolio.server.collector;

import java.time.Duration;
import java.util.Objects;

import io.github.lwm2mportfolio.core.auth.AuthService;

/**
 * How the collector works.
 *
 * @param service the GetAuthData service it asks for
 * @param workers collections run at once (each waits on its device)
 * @param queueCapacity on-demand verifications waiting for a worker; beyond it they are refused (REST: 503).
 *        Collections wait too, one entry per registered device, established devices before strangers
 * @param requestTimeout one LwM2M request
 * @param authTimeout from Execute to AuthStatus DATA_AVAIL or ERROR
 * @param maxAttempts tries of a failing collection before it waits for the next trigger
 * @param firstBackoff wait before the second try; doubled each time
 * @param recollectEvery collect every registered device again this often (zero: never)
 * @param purgeStrangersAfter how long a device that never became established stays in the inventory once it is
 *        gone (zero: kept for ever)
 * @param reregisterFastPath which re-registrations of a device verified within {@code recollectEvery} skip the
 *        challenge when nothing changed (never when {@code recollectEvery} is zero)
 */
public record CollectorConfig(AuthService service, int workers, int queueCapacity, Duration requestTimeout,
        Duration authTimeout, int maxAttempts, Duration firstBackoff, Duration recollectEvery,
        Duration purgeStrangersAfter, ReregisterFastPath reregisterFastPath) {

    public static final Duration DEFAULT_PURGE_STRANGERS_AFTER = Duration.ofHours(1);

    public static CollectorConfig defaults() {
        return new CollectorConfig(AuthService.SIGN, 8, 64, Duration.ofSeconds(5), Duration.ofSeconds(10), 4,
                Duration.ofSeconds(1), Duration.ofHours(6), DEFAULT_PURGE_STRANGERS_AFTER, ReregisterFastPath.SECURE);
    }

    public CollectorConfig {
        if (workers < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("the collector needs at least one worker and a queue of one, got "
                    + workers + " and " + queueCapacity);
        }
        if (purgeStrangersAfter.isNegative()) {
            throw new IllegalArgumentException("purgeStrangersAfter must not be negative, got " + purgeStrangersAfter);
        }
        Objects.requireNonNull(reregisterFastPath, "reregisterFastPath");
    }

    public CollectorConfig withService(AuthService newService) {
        return new CollectorConfig(newService, workers, queueCapacity, requestTimeout, authTimeout, maxAttempts,
                firstBackoff, recollectEvery, purgeStrangersAfter, reregisterFastPath);
    }

    public CollectorConfig withTimeouts(Duration request, Duration auth, Duration backoff) {
        return new CollectorConfig(service, workers, queueCapacity, request, auth, maxAttempts, backoff,
                recollectEvery, purgeStrangersAfter, reregisterFastPath);
    }

    public CollectorConfig withWorkers(int newWorkers, int newQueueCapacity) {
        return new CollectorConfig(service, newWorkers, newQueueCapacity, requestTimeout, authTimeout, maxAttempts,
                firstBackoff, recollectEvery, purgeStrangersAfter, reregisterFastPath);
    }

    public CollectorConfig withRecollectEvery(Duration every) {
        return new CollectorConfig(service, workers, queueCapacity, requestTimeout, authTimeout, maxAttempts,
                firstBackoff, every, purgeStrangersAfter, reregisterFastPath);
    }

    public CollectorConfig withPurgeStrangersAfter(Duration after) {
        return new CollectorConfig(service, workers, queueCapacity, requestTimeout, authTimeout, maxAttempts,
                firstBackoff, recollectEvery, after, reregisterFastPath);
    }

    public CollectorConfig withReregisterFastPath(ReregisterFastPath fastPath) {
        return new CollectorConfig(service, workers, queueCapacity, requestTimeout, authTimeout, maxAttempts,
                firstBackoff, recollectEvery, purgeStrangersAfter, fastPath);
    }
}
