package io.github.lwm2mportfolio.server.inventory;

import static io.github.lwm2mportfolio.server.inventory.InputChecks.requireEndpoint;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

import org.jdbi.v3.core.Handle;

import io.github.lwm2mportfolio.server.compliance.ComplianceState;
import io.github.lwm2mportfolio.server.inventory.DeviceCounts.CountKey;

/** What operators do to a device as a whole: remove it with its history, re-enrol it. */
final class DeviceLifecycle {

    private final RetryingTransactions transactions;

    DeviceLifecycle(RetryingTransactions transactions) {
        this.transactions = transactions;
    }

    /** Deletes the device, its instances, Identity history, verdicts and actions; false when unknown. */
    boolean remove(String endpoint) {
        requireEndpoint(endpoint);
        return transactions.write(h -> {
            Optional<String> state = h.createQuery("SELECT state FROM devices WHERE endpoint = ? FOR UPDATE")
                    .bind(0, endpoint).mapTo(String.class).findOne();
            if (state.isEmpty()) {
                return false;
            }
            h.createUpdate("DELETE FROM devices WHERE endpoint = ?").bind(0, endpoint).execute();
            TreeMap<CountKey, Long> deltas = new TreeMap<>();
            deltas.put(CountKey.of(ComplianceState.valueOf(state.get()), endpoint), -1L);
            DeviceCounts.adjust(h, deltas);
            return true;
        });
    }

    /**
     * Forgets the highest AuthData counter accepted from the device, so that the next verified one is accepted
     * whatever its value, and records who asked for it. False when the device is unknown.
     */
    boolean reEnrol(String endpoint, String actor, Instant at) {
        requireEndpoint(endpoint);
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(at, "at");
        return transactions.write(h -> {
            Optional<Long> counter = h.createQuery("SELECT last_counter FROM devices WHERE endpoint = ? FOR UPDATE")
                    .bind(0, endpoint).mapTo(Long.class).findOne();
            if (counter.isEmpty()) {
                return false;
            }
            h.createUpdate("UPDATE devices SET last_counter = -1 WHERE endpoint = ?").bind(0, endpoint).execute();
            String detail = counter.get() < 0 ? "no AuthData counter was accepted yet"
                    : "the AuthData counter (last accepted " + counter.get()
                            + ") starts again: the next verified AuthData is accepted from any counter";
            h.createUpdate("INSERT INTO device_actions (endpoint, acted_at, action, actor, detail) "
                    + "VALUES (?, ?, ?, ?, ?)")
                    .bind(0, endpoint).bind(1, at.toEpochMilli()).bind(2, DeviceAction.RE_ENROLMENT).bind(3, actor)
                    .bind(4, detail).execute();
            return true;
        });
    }

    /** The device's actions, newest first. */
    static List<DeviceAction> actions(Handle h, String endpoint) {
        return h.createQuery("SELECT acted_at, action, actor, detail FROM device_actions WHERE endpoint = ? "
                + "ORDER BY acted_at DESC, id DESC LIMIT " + JdbcInventory.HISTORY_SHOWN)
                .bind(0, endpoint)
                .map((rs, ctx) -> new DeviceAction(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2),
                        rs.getString(3), rs.getString(4)))
                .list();
    }
}
