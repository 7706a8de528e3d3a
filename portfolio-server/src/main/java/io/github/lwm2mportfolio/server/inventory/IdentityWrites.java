package io.github.lwm2mportfolio.server.inventory;

import static io.github.lwm2mportfolio.server.inventory.InputChecks.requireEndpoint;
import static io.github.lwm2mportfolio.server.inventory.DeviceRow.latest;
import static io.github.lwm2mportfolio.server.inventory.SqlValues.millis;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The Portfolio instances and Identity values a device reports, whole or one value at a time, with every
 * change appended to the Identity history and the host Identity kept in the device's row.
 */
final class IdentityWrites {

    private final RetryingTransactions transactions;
    private final DeviceRows rows;

    IdentityWrites(RetryingTransactions transactions, DeviceRows rows) {
        this.transactions = transactions;
        this.rows = rows;
    }

    void portfoliosCollected(String endpoint, List<PortfolioSnapshot> portfolios, boolean extDevInfoPresent,
            Instant at) {
        requireEndpoint(endpoint);
        Objects.requireNonNull(portfolios, "portfolios");
        Objects.requireNonNull(at, "at");
        Collected collected = Collected.of(portfolios, extDevInfoPresent);
        transactions.write(h -> {
            DeviceRow row = rows.lockDevice(h, endpoint);
            applyCollected(h, row, collected, millis(at));
            rows.save(h, row);
            return null;
        });
    }

    /** What a collection read, checked and prepared outside the transaction. */
    record Collected(List<PortfolioSnapshot> portfolios, TreeMap<IdentityKey, String> fresh,
            PortfolioSnapshot host, boolean linksHost) {

        static Collected of(List<PortfolioSnapshot> portfolios, boolean extDevInfoPresent) {
            TreeMap<IdentityKey, String> fresh = new TreeMap<>();
            Set<Integer> instanceIds = new HashSet<>();
            PortfolioSnapshot host = null;
            for (PortfolioSnapshot snapshot : portfolios) {
                if (!instanceIds.add(snapshot.instanceId())) {
                    throw new IllegalArgumentException("Portfolio instance " + snapshot.instanceId()
                            + " given twice");
                }
                snapshot.identities().forEach((id, value) -> {
                    if (value != null) {
                        fresh.put(new IdentityKey(snapshot.instanceId(), id), value);
                    }
                });
                if (snapshot.linkedFromDevice() && (host == null || snapshot.instanceId() < host.instanceId())) {
                    host = snapshot;
                }
            }
            // Kept as "/3/0/22 links a Portfolio instance that was read": without one the device has no portfolio.
            return new Collected(portfolios, fresh, host, extDevInfoPresent && host != null);
        }
    }

    /** A collection's instances and values, on the locked row (saved by the caller). */
    static void applyCollected(Handle h, DeviceRow row, Collected collected, Instant when) {
        String endpoint = row.endpoint;
        PortfolioSnapshot claimedHost = collected.host();
        HostIdentityView hostView = claimedHost == null ? HostIdentityView.UNKNOWN
                : HostIdentityView.of(claimedHost.identities());
        if (row.hostVerified && !hostView.equals(row.host)) {
            // Not the verified host: a claim until a verdict confirms it; nothing else of it is taken.
            int instanceId = claimedHost != null ? claimedHost.instanceId()
                    : HostClaims.hostInstance(h, endpoint).orElse(0);
            HostClaims.claimAll(h, endpoint, when, instanceId,
                    claimedHost == null ? new TreeMap<>() : claimedHost.identities());
            row.collectionError = null;
            return;
        }
        // A row this transaction created has no instances yet; a stored set equal to the one read is left as it is.
        TreeMap<Integer, Boolean> oldInstances = new TreeMap<>();
        TreeMap<IdentityKey, String> old = new TreeMap<>();
        if (!row.inserted) {
            readStored(h, endpoint, oldInstances, old);
        }
        TreeMap<IdentityKey, String> fresh = collected.fresh();
        TreeMap<Integer, Boolean> freshInstances = new TreeMap<>();
        collected.portfolios().forEach(p -> freshInstances.put(p.instanceId(), p.linkedFromDevice()));
        if (!oldInstances.equals(freshInstances) || !old.equals(fresh)) {
            if (!oldInstances.isEmpty()) {
                h.createUpdate("DELETE FROM identities WHERE endpoint = ?").bind(0, endpoint).execute();
                h.createUpdate("DELETE FROM portfolio_instances WHERE endpoint = ?").bind(0, endpoint).execute();
            }
            insertCollected(h, endpoint, collected);
        }
        row.collectedAt = when;
        if (appendHistory(h, endpoint, old, fresh, when)) {
            row.lastIdentityChange = latest(row.lastIdentityChange, when);
        }
        row.extDevInfoPresent = collected.linksHost();
        row.collectionError = null;
        row.host = hostView;
    }

    /** The stored instances (linked or not) and their Identity values, in one query. */
    private static void readStored(Handle h, String endpoint, TreeMap<Integer, Boolean> instances,
            TreeMap<IdentityKey, String> values) {
        h.createQuery("SELECT p.instance_id, p.linked, i.identity_id, i.identity_value FROM portfolio_instances p "
                + "LEFT JOIN identities i ON i.endpoint = p.endpoint AND i.instance_id = p.instance_id "
                + "WHERE p.endpoint = ?")
                .bind(0, endpoint)
                .map((rs, ctx) -> {
                    int instanceId = rs.getInt(1);
                    instances.put(instanceId, rs.getBoolean(2));
                    int identityId = rs.getInt(3);
                    if (!rs.wasNull()) {
                        values.put(new IdentityKey(instanceId, identityId), rs.getString(4));
                    }
                    return instanceId;
                }).list();
    }

    private static void insertCollected(Handle h, String endpoint, Collected collected) {
        if (!collected.portfolios().isEmpty()) {
            PreparedBatch instances = h.prepareBatch(
                    "INSERT INTO portfolio_instances (endpoint, instance_id, linked) VALUES (?, ?, ?)");
            for (PortfolioSnapshot snapshot : collected.portfolios()) {
                instances.bind(0, endpoint).bind(1, snapshot.instanceId()).bind(2, snapshot.linkedFromDevice())
                        .add();
            }
            instances.execute();
        }
        if (!collected.fresh().isEmpty()) {
            PreparedBatch identities = h.prepareBatch("INSERT INTO identities "
                    + "(endpoint, instance_id, identity_id, identity_value) VALUES (?, ?, ?, ?)");
            collected.fresh().forEach((key, value) -> identities.bind(0, endpoint).bind(1, key.instanceId())
                    .bind(2, key.identityId()).bind(3, value).add());
            identities.execute();
        }
    }

    void identityReported(String endpoint, int instanceId, int identityId, String value, Instant at) {
        requireEndpoint(endpoint);
        Objects.requireNonNull(at, "at");
        Instant when = millis(at);
        transactions.write(h -> {
            DeviceRow row = rows.lockDevice(h, endpoint);
            Optional<String> old = h.createQuery("SELECT identity_value FROM identities "
                    + "WHERE endpoint = ? AND instance_id = ? AND identity_id = ?")
                    .bind(0, endpoint).bind(1, instanceId).bind(2, identityId)
                    .mapTo(String.class).findOne();
            applyReported(h, row, instanceId, identityId, old.orElse(null), value, when);
            rows.save(h, row);
            return null;
        });
    }

    /**
     * A whole Identity resource notified, in one transaction: every value that appeared, changed or went away is
     * applied as {@link #identityReported} would; the device counts as seen. True when a value changed.
     */
    boolean identitiesReported(String endpoint, int instanceId, Map<Integer, String> values, Instant at) {
        requireEndpoint(endpoint);
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(at, "at");
        Instant when = millis(at);
        return transactions.write(h -> {
            DeviceRow row = rows.lockDevice(h, endpoint);
            TreeMap<Integer, String> old = new TreeMap<>();
            h.createQuery("SELECT identity_id, identity_value FROM identities WHERE endpoint = ? AND instance_id = ?")
                    .bind(0, endpoint).bind(1, instanceId)
                    .map((rs, ctx) -> old.put(rs.getInt(1), rs.getString(2))).list();
            TreeSet<Integer> ids = new TreeSet<>(old.keySet());
            ids.addAll(values.keySet());
            boolean changed = false;
            for (int id : ids) {
                changed |= applyReported(h, row, instanceId, id, old.get(id), values.get(id), when);
            }
            row.lastSeen = latest(row.lastSeen, when);
            rows.save(h, row);
            return changed;
        });
    }

    /** One reported value against the stored one, on the locked row; true when it changed. */
    private static boolean applyReported(Handle h, DeviceRow row, int instanceId, int identityId, String old,
            String value, Instant when) {
        String endpoint = row.endpoint;
        if (Objects.equals(old, value)) {
            return false;
        }
        if (row.hostVerified && HostClaims.hostInstance(h, endpoint).equals(OptionalInt.of(instanceId))) {
            HostClaims.claimOne(h, endpoint, when, instanceId, identityId, old, value);
            return true;
        }
        if (value == null) {
            h.createUpdate("DELETE FROM identities WHERE endpoint = ? AND instance_id = ? AND identity_id = ?")
                    .bind(0, endpoint).bind(1, instanceId).bind(2, identityId).execute();
        } else if (old != null) {
            h.createUpdate("UPDATE identities SET identity_value = ? "
                    + "WHERE endpoint = ? AND instance_id = ? AND identity_id = ?")
                    .bind(0, value).bind(1, endpoint).bind(2, instanceId).bind(3, identityId).execute();
        } else {
            h.createUpdate("INSERT INTO portfolio_instances (endpoint, instance_id, linked) "
                    + "VALUES (?, ?, FALSE) ON CONFLICT DO NOTHING")
                    .bind(0, endpoint).bind(1, instanceId).execute();
            h.createUpdate("INSERT INTO identities (endpoint, instance_id, identity_id, identity_value) "
                    + "VALUES (?, ?, ?, ?)")
                    .bind(0, endpoint).bind(1, instanceId).bind(2, identityId).bind(3, value).execute();
        }
        insertHistory(h, endpoint, when, instanceId, identityId, old, value);
        row.lastIdentityChange = latest(row.lastIdentityChange, when);
        row.host = HostClaims.hostView(h, endpoint);
        return true;
    }

    record IdentityKey(int instanceId, int identityId) implements Comparable<IdentityKey> {

        private static final Comparator<IdentityKey> ORDER =
                Comparator.comparingInt(IdentityKey::instanceId).thenComparingInt(IdentityKey::identityId);

        @Override
        public int compareTo(IdentityKey other) {
            return ORDER.compare(this, other);
        }
    }

    /** Appends a change for every value that appeared, changed or went away; true when there was one. */
    private static boolean appendHistory(Handle h, String endpoint, TreeMap<IdentityKey, String> old,
            TreeMap<IdentityKey, String> fresh, Instant at) {
        TreeSet<IdentityKey> keys = new TreeSet<>(old.keySet());
        keys.addAll(fresh.keySet());
        PreparedBatch batch = h.prepareBatch("INSERT INTO identity_history "
                + "(endpoint, changed_at, instance_id, identity_id, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?)");
        for (IdentityKey key : keys) {
            String before = old.get(key);
            String after = fresh.get(key);
            if (!Objects.equals(before, after)) {
                batch.bind(0, endpoint).bind(1, at.toEpochMilli()).bind(2, key.instanceId())
                        .bind(3, key.identityId()).bind(4, before).bind(5, after).add();
            }
        }
        if (batch.size() == 0) {
            return false;
        }
        batch.execute();
        return true;
    }

    private static void insertHistory(Handle h, String endpoint, Instant at, int instanceId, int identityId,
            String oldValue, String newValue) {
        h.createUpdate("INSERT INTO identity_history "
                + "(endpoint, changed_at, instance_id, identity_id, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?)")
                .bind(0, endpoint).bind(1, at.toEpochMilli()).bind(2, instanceId).bind(3, identityId)
                .bind(4, oldValue).bind(5, newValue).execute();
    }
}
