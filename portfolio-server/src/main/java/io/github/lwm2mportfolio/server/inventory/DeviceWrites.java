package io.github.lwm2mportfolio.server.inventory;

import static io.github.lwm2mportfolio.server.inventory.InputChecks.requireEndpoint;
import static io.github.lwm2mportfolio.server.inventory.DeviceRow.latest;
import static io.github.lwm2mportfolio.server.inventory.SqlValues.millis;

import java.time.Instant;
import java.util.Objects;

/** What the collector reports of a device's presence: registered, deregistered, seen, collection failed. */
final class DeviceWrites {

    private final RetryingTransactions transactions;
    private final DeviceRows rows;

    DeviceWrites(RetryingTransactions transactions, DeviceRows rows) {
        this.transactions = transactions;
        this.rows = rows;
    }

    void registered(String endpoint, String lwm2mVersion, boolean hasPortfolioObject, Instant at) {
        requireEndpoint(endpoint);
        Objects.requireNonNull(at, "at");
        transactions.write(h -> {
            DeviceRow row = rows.lockDevice(h, endpoint);
            applyRegistered(row, lwm2mVersion, hasPortfolioObject, true, at);
            rows.save(h, row);
            return null;
        });
    }

    /** A registration, on the locked row (saved by the caller). */
    static void applyRegistered(DeviceRow row, String lwm2mVersion, boolean hasPortfolioObject, boolean online,
            Instant at) {
        row.lwm2mVersion = lwm2mVersion;
        row.online = online;
        row.hasPortfolioObject = hasPortfolioObject;
        row.registeredAt = millis(at);
        row.lastSeen = latest(row.lastSeen, millis(at));
    }

    void registeredOverDtls(String endpoint) {
        requireEndpoint(endpoint);
        transactions.write(h -> {
            DeviceRow row = rows.lockDevice(h, endpoint);
            rows.save(h, row);
            h.createUpdate("UPDATE devices SET registered_over_dtls = TRUE WHERE endpoint = ?").bind(0, endpoint)
                    .execute();
            return null;
        });
    }

    /** A deregistration older than the device's last registration (a late event) leaves it online. */
    void deregistered(String endpoint, Instant at) {
        requireEndpoint(endpoint);
        Objects.requireNonNull(at, "at");
        transactions.write(h -> {
            DeviceRow row = rows.lockDevice(h, endpoint);
            if (row.registeredAt == null || !millis(at).isBefore(row.registeredAt)) {
                row.online = false;
            }
            rows.save(h, row);
            return null;
        });
    }

    /** Every device offline; returns how many were online. */
    int allOffline() {
        return transactions.write(h -> h.createUpdate("UPDATE devices SET online = FALSE WHERE online = TRUE")
                .execute());
    }

    void seen(String endpoint, Instant at) {
        requireEndpoint(endpoint);
        Objects.requireNonNull(at, "at");
        transactions.write(h -> {
            DeviceRow row = rows.lockDevice(h, endpoint);
            row.lastSeen = latest(row.lastSeen, millis(at));
            rows.save(h, row);
            return null;
        });
    }

    void collectionFailed(String endpoint, String reason, Instant at) {
        requireEndpoint(endpoint);
        Objects.requireNonNull(at, "at");
        String text = reason == null || reason.isBlank() ? "collection failed" : reason;
        transactions.write(h -> {
            DeviceRow row = rows.lockDevice(h, endpoint);
            row.collectionError = text;
            rows.save(h, row);
            return null;
        });
    }
}
