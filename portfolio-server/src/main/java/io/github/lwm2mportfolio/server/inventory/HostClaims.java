package io.github.lwm2mportfolio.server.inventory;

import static io.github.lwm2mportfolio.server.inventory.DeviceRow.latest;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.TreeSet;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Host values reported after a VERIFIED verdict are claims: kept in the Identity history as PENDING, applied
 * only when a VERIFIED verdict follows, refused with the verdict's outcome and reason otherwise. So a spoofer
 * that registers with a verified device's endpoint never becomes the device's current host.
 */
final class HostClaims {

    static final String PENDING = "PENDING";
    static final String SUPERSEDED = "SUPERSEDED";

    private HostClaims() {
    }

    /** The lowest-numbered Portfolio instance linked from /3/0/22, as stored. */
    static OptionalInt hostInstance(Handle h, String endpoint) {
        return h.createQuery("SELECT MIN(instance_id) FROM portfolio_instances WHERE endpoint = ? AND linked = TRUE")
                .bind(0, endpoint).mapTo(Integer.class).findOne().map(OptionalInt::of).orElse(OptionalInt.empty());
    }

    /** The stored Identity values of the host instance, by Identity number. */
    static TreeMap<Integer, String> hostValues(Handle h, String endpoint) {
        TreeMap<Integer, String> values = new TreeMap<>();
        h.createQuery("SELECT identity_id, identity_value FROM identities WHERE endpoint = ? AND instance_id = "
                + "(SELECT MIN(instance_id) FROM portfolio_instances WHERE endpoint = ? AND linked = TRUE)")
                .bind(0, endpoint).bind(1, endpoint)
                .map((rs, ctx) -> values.put(rs.getInt(1), rs.getString(2)))
                .list();
        return values;
    }

    static HostIdentityView hostView(Handle h, String endpoint) {
        TreeMap<Integer, String> values = hostValues(h, endpoint);
        return values.isEmpty() ? HostIdentityView.UNKNOWN : HostIdentityView.of(values);
    }

    /**
     * A whole collection's host values that differ from the verified ones: every older pending claim is
     * superseded, and each differing value is kept as a pending claim.
     */
    static void claimAll(Handle h, String endpoint, Instant at, int instanceId, Map<Integer, String> claimed) {
        TreeMap<Integer, String> current = hostValues(h, endpoint);
        h.createUpdate("UPDATE identity_history SET claim_outcome = ? WHERE endpoint = ? AND claim_outcome = ?")
                .bind(0, SUPERSEDED).bind(1, endpoint).bind(2, PENDING).execute();
        TreeSet<Integer> ids = new TreeSet<>(current.keySet());
        ids.addAll(claimed.keySet());
        PreparedBatch batch = h.prepareBatch("INSERT INTO identity_history (endpoint, changed_at, instance_id, "
                + "identity_id, old_value, new_value, claim_outcome) VALUES (?, ?, ?, ?, ?, ?, ?)");
        for (int id : ids) {
            String before = current.get(id);
            String after = claimed.get(id);
            if (!Objects.equals(before, after)) {
                batch.bind(0, endpoint).bind(1, at.toEpochMilli()).bind(2, instanceId).bind(3, id).bind(4, before)
                        .bind(5, after).bind(6, PENDING).add();
            }
        }
        if (batch.size() > 0) {
            batch.execute();
        }
    }

    /** One notified value of the verified host instance: a pending claim, replacing older claims of it. */
    static void claimOne(Handle h, String endpoint, Instant at, int instanceId, int identityId, String oldValue,
            String value) {
        h.createUpdate("UPDATE identity_history SET claim_outcome = ? WHERE endpoint = ? AND claim_outcome = ? "
                + "AND instance_id = ? AND identity_id = ?")
                .bind(0, SUPERSEDED).bind(1, endpoint).bind(2, PENDING).bind(3, instanceId).bind(4, identityId)
                .execute();
        h.createUpdate("INSERT INTO identity_history (endpoint, changed_at, instance_id, identity_id, old_value, "
                + "new_value, claim_outcome) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .bind(0, endpoint).bind(1, at.toEpochMilli()).bind(2, instanceId).bind(3, identityId)
                .bind(4, oldValue).bind(5, value).bind(6, PENDING).execute();
    }

    /**
     * Settles the pending claims with a verdict: a VERIFIED one applies them (and marks the host verified),
     * any other refuses them with its outcome and reason.
     */
    static void settle(Handle h, DeviceRow row, Verification verdict) {
        String endpoint = row.endpoint;
        if (!row.hostVerified) { // claims are made only against a verified host: there are none to settle
            row.hostVerified = verdict.outcome() == VerificationOutcome.VERIFIED;
            return;
        }
        if (verdict.outcome() != VerificationOutcome.VERIFIED) {
            h.createUpdate("UPDATE identity_history SET claim_outcome = ?, claim_reason = ? "
                    + "WHERE endpoint = ? AND claim_outcome = ?")
                    .bind(0, verdict.outcome().name()).bind(1, verdict.reason()).bind(2, endpoint).bind(3, PENDING)
                    .execute();
            return;
        }
        List<PendingClaim> pending = h.createQuery("SELECT changed_at, instance_id, identity_id, new_value "
                + "FROM identity_history WHERE endpoint = ? AND claim_outcome = ? ORDER BY id")
                .bind(0, endpoint).bind(1, PENDING)
                .map((rs, ctx) -> new PendingClaim(Instant.ofEpochMilli(rs.getLong(1)), rs.getInt(2), rs.getInt(3),
                        rs.getString(4)))
                .list();
        for (PendingClaim claim : pending) {
            apply(h, endpoint, claim);
            row.lastIdentityChange = latest(row.lastIdentityChange, claim.at());
        }
        if (!pending.isEmpty()) {
            h.createUpdate("UPDATE identity_history SET claim_outcome = ? WHERE endpoint = ? AND claim_outcome = ?")
                    .bind(0, VerificationOutcome.VERIFIED.name()).bind(1, endpoint).bind(2, PENDING).execute();
            row.host = hostView(h, endpoint);
        }
        row.hostVerified = true;
    }

    private static void apply(Handle h, String endpoint, PendingClaim claim) {
        h.createUpdate("DELETE FROM identities WHERE endpoint = ? AND instance_id = ? AND identity_id = ?")
                .bind(0, endpoint).bind(1, claim.instanceId()).bind(2, claim.identityId()).execute();
        if (claim.value() == null) {
            return;
        }
        h.createUpdate("INSERT INTO portfolio_instances (endpoint, instance_id, linked) VALUES (?, ?, TRUE) "
                + "ON CONFLICT DO NOTHING").bind(0, endpoint).bind(1, claim.instanceId()).execute();
        h.createUpdate("INSERT INTO identities (endpoint, instance_id, identity_id, identity_value) "
                + "VALUES (?, ?, ?, ?)")
                .bind(0, endpoint).bind(1, claim.instanceId()).bind(2, claim.identityId()).bind(3, claim.value())
                .execute();
    }

    private record PendingClaim(Instant at, int instanceId, int identityId, String value) {
    }
}
