package io.github.lwm2mportfolio.server.inventory;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one collection of a device found, written in one transaction by {@link Inventory#collectionRecorded}.
 *
 * @param at when the collection started
 * @param registration the registration it was made on (written as "registered"), or null for an operator's
 *        verification, which leaves the device's registration as it is
 * @param portfolios the Portfolio instances it read, or null when it read none (it failed first, or the device
 *        registered again unchanged and the stored ones were confirmed)
 * @param extDevInfoPresent whether /3/0/22 was there (with {@code portfolios})
 * @param objectLinksDigest a digest of the registration's object links, kept to tell a re-registration with
 *        the same links; null leaves the stored one
 * @param verification the verdict, or null when there is none (no host instance, a failure, a confirmation)
 * @param failure why the collection failed (kept until the next good one), or null
 */
public record CollectionRecord(String endpoint, Instant at, Registered registration,
        List<PortfolioSnapshot> portfolios, boolean extDevInfoPresent, String objectLinksDigest,
        Verification verification, String failure) {

    /**
     * The registration a collection was made on.
     *
     * @param online false when it ended while the collection ran: the device is recorded offline
     */
    public record Registered(String lwm2mVersion, boolean hasPortfolioObject, boolean online) {
    }

    public CollectionRecord {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(at, "at");
        portfolios = portfolios == null ? null : List.copyOf(portfolios);
    }

    /** The same collection, failed for this reason. */
    public CollectionRecord failed(String reason) {
        return new CollectionRecord(endpoint, at, registration, portfolios, extDevInfoPresent, objectLinksDigest,
                verification, reason == null || reason.isBlank() ? "collection failed" : reason);
    }
}
