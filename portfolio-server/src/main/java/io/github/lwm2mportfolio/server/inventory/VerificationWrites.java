package io.github.lwm2mportfolio.server.inventory;

import static io.github.lwm2mportfolio.server.inventory.InputChecks.requireEndpoint;
import static io.github.lwm2mportfolio.server.inventory.SqlValues.millis;

import java.util.Objects;
import java.util.Optional;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The verdicts of a device: each recorded, a VERIFIED one only when its counter is above the stored one (a
 * replay is stored as FAILED), and only the newest {@value JdbcInventory#VERIFICATIONS_KEPT} kept.
 */
final class VerificationWrites {

    /** The columns of a verifications row but its id and endpoint, for {@code SELECT} and {@code INSERT}. */
    static final String VERIFICATION_COLUMNS =
            "verified_at, outcome, reason, service, instance_id, counter, claims_json";

    private final Jdbi jdbi;
    private final RetryingTransactions transactions;
    private final DeviceRows rows;

    VerificationWrites(Jdbi jdbi, RetryingTransactions transactions, DeviceRows rows) {
        this.jdbi = jdbi;
        this.transactions = transactions;
        this.rows = rows;
    }

    long lastAcceptedCounter(String endpoint) {
        requireEndpoint(endpoint);
        return jdbi.withHandle(h -> h.createQuery("SELECT last_counter FROM devices WHERE endpoint = ?")
                .bind(0, endpoint).mapTo(Long.class).findOne().orElse(-1L));
    }

    boolean verificationRecorded(String endpoint, Verification verification) {
        requireEndpoint(endpoint);
        Objects.requireNonNull(verification, "verification");
        Verification given = stored(verification);
        return transactions.write(h -> {
            DeviceRow row = rows.lockDevice(h, endpoint);
            boolean accepted = applyVerdict(h, row, given);
            rows.save(h, row);
            return accepted;
        });
    }

    /** The verdict as stored: to the millisecond. */
    static Verification stored(Verification verification) {
        Objects.requireNonNull(verification.at(), "verification.at");
        Objects.requireNonNull(verification.outcome(), "verification.outcome");
        return new Verification(millis(verification.at()), verification.outcome(), verification.reason(),
                verification.service(), verification.instanceId(), verification.counter(),
                verification.claimsJson());
    }

    /**
     * A verdict, on the locked row (saved by the caller); false when a VERIFIED one's counter was not above the
     * stored one and it was stored as FAILED "counter replayed".
     */
    static boolean applyVerdict(Handle h, DeviceRow row, Verification given) {
        String endpoint = row.endpoint;
        Verification stored = given;
        boolean accepted = true;
        if (given.outcome() == VerificationOutcome.VERIFIED && given.counter() != null) {
            int raised = h.createUpdate(
                    "UPDATE devices SET last_counter = ? WHERE endpoint = ? AND last_counter < ?")
                    .bind(0, given.counter()).bind(1, endpoint).bind(2, given.counter()).execute();
            if (raised == 0) {
                accepted = false;
                stored = new Verification(given.at(), VerificationOutcome.FAILED,
                        JdbcInventory.COUNTER_REPLAYED, given.service(), given.instanceId(), given.counter(),
                        given.claimsJson());
            }
        }
        h.createUpdate("INSERT INTO verifications (endpoint, " + VERIFICATION_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                .bind(0, endpoint).bind(1, stored.at().toEpochMilli()).bind(2, stored.outcome().name())
                .bind(3, stored.reason()).bind(4, stored.service()).bind(5, stored.instanceId())
                .bind(6, stored.counter()).bind(7, stored.claimsJson())
                .execute();
        if (!row.inserted) { // a row this transaction created has no older verdicts to trim
            trimVerifications(h, endpoint);
        }
        HostClaims.settle(h, row, stored);
        if (row.lastVerification == null || !stored.at().isBefore(row.lastVerification.at())) {
            row.lastVerification = stored;
        }
        return accepted;
    }

    /** Deletes all but the newest {@value JdbcInventory#VERIFICATIONS_KEPT} verdicts of the device. */
    private static void trimVerifications(Handle h, String endpoint) {
        Optional<long[]> oldestDropped = h.createQuery("SELECT verified_at, id FROM verifications WHERE endpoint = ? "
                + "ORDER BY verified_at DESC, id DESC LIMIT 1 OFFSET " + JdbcInventory.VERIFICATIONS_KEPT)
                .bind(0, endpoint).map((rs, ctx) -> new long[] { rs.getLong(1), rs.getLong(2) }).findOne();
        oldestDropped.ifPresent(edge -> h.createUpdate("DELETE FROM verifications WHERE endpoint = ? "
                + "AND (verified_at < ? OR (verified_at = ? AND id <= ?))")
                .bind(0, endpoint).bind(1, edge[0]).bind(2, edge[0]).bind(3, edge[1]).execute());
    }
}
