package io.github.lwm2mportfolio.server.inventory;

import static io.github.lwm2mportfolio.server.inventory.InputChecks.requireEndpoint;
import static io.github.lwm2mportfolio.server.inventory.SqlValues.nullableInt;
import static io.github.lwm2mportfolio.server.inventory.SqlValues.nullableLong;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * One device in full: its row, Portfolio instances and Identity values, the newest
 * {@value JdbcInventory#HISTORY_SHOWN} Identity changes and its kept verdicts, read as one snapshot.
 */
final class DeviceDetails {

    private final Jdbi jdbi;
    private final DeviceStates states;

    DeviceDetails(Jdbi jdbi, DeviceStates states) {
        this.jdbi = jdbi;
        this.states = states;
    }

    boolean hasRegisteredOverDtls(String endpoint) {
        return jdbi.withHandle(h -> h.createQuery("SELECT registered_over_dtls FROM devices WHERE endpoint = ?")
                .bind(0, endpoint).mapTo(Boolean.class).findOne().orElse(false));
    }

    Optional<DeviceDetail> device(String endpoint) {
        requireEndpoint(endpoint);
        long cutoff = states.cutoff();
        return jdbi.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, h -> {
            Optional<DeviceRow> found = h.createQuery("SELECT " + DeviceRow.COLUMNS
                    + " FROM devices WHERE endpoint = ?")
                    .bind(0, endpoint).map(DeviceRow.MAPPER).findOne();
            if (found.isEmpty()) {
                return Optional.empty();
            }
            DeviceRow row = found.get();
            TreeMap<Integer, Boolean> linked = new TreeMap<>();
            h.createQuery("SELECT instance_id, linked FROM portfolio_instances WHERE endpoint = ?")
                    .bind(0, endpoint).map((rs, ctx) -> linked.put(rs.getInt(1), rs.getBoolean(2))).list();
            TreeMap<Integer, TreeMap<Integer, String>> values = new TreeMap<>();
            h.createQuery("SELECT instance_id, identity_id, identity_value FROM identities WHERE endpoint = ?")
                    .bind(0, endpoint)
                    .map((rs, ctx) -> values.computeIfAbsent(rs.getInt(1), k -> new TreeMap<>())
                            .put(rs.getInt(2), rs.getString(3)))
                    .list();
            List<PortfolioSnapshot> portfolios = new ArrayList<>();
            linked.forEach((instanceId, isLinked) -> portfolios.add(new PortfolioSnapshot(instanceId,
                    values.getOrDefault(instanceId, new TreeMap<>()), isLinked)));
            List<IdentityChange> history = h.createQuery("SELECT changed_at, instance_id, identity_id, old_value, "
                    + "new_value, claim_outcome, claim_reason FROM identity_history WHERE endpoint = ? ORDER BY changed_at DESC, id DESC LIMIT "
                    + JdbcInventory.HISTORY_SHOWN)
                    .bind(0, endpoint)
                    .map((rs, ctx) -> new IdentityChange(Instant.ofEpochMilli(rs.getLong(1)), rs.getInt(2),
                            rs.getInt(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7)))
                    .list();
            List<Verification> verifications = h.createQuery("SELECT " + VerificationWrites.VERIFICATION_COLUMNS
                    + " FROM verifications WHERE endpoint = ? ORDER BY verified_at DESC, id DESC LIMIT "
                    + JdbcInventory.VERIFICATIONS_KEPT)
                    .bind(0, endpoint)
                    .map((rs, ctx) -> new Verification(Instant.ofEpochMilli(rs.getLong(1)),
                            VerificationOutcome.valueOf(rs.getString(2)), rs.getString(3), rs.getString(4),
                            nullableInt(rs, 5), nullableLong(rs, 6), rs.getString(7)))
                    .list();
            return Optional.of(new DeviceDetail(states.summary(row, cutoff), List.copyOf(portfolios),
                    row.extDevInfoPresent, List.copyOf(history), List.copyOf(verifications), row.collectionError,
                    DeviceLifecycle.actions(h, endpoint)));
        });
    }
}
