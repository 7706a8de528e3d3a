package io.github.lwm2mportfolio.server.inventory;

import static io.github.lwm2mportfolio.server.inventory.InputChecks.requireEndpoint;
import static io.github.lwm2mportfolio.server.inventory.SqlValues.millis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * A whole collection in one transaction: the registration, the instances and Identity values read, the verdict
 * with its counter raise, and the failure if any (issue 12: one transaction per collection rather than four).
 */
final class CollectionWrites {

    private final Jdbi jdbi;
    private final RetryingTransactions transactions;
    private final DeviceRows rows;

    CollectionWrites(Jdbi jdbi, RetryingTransactions transactions, DeviceRows rows) {
        this.jdbi = jdbi;
        this.transactions = transactions;
        this.rows = rows;
    }

    boolean record(CollectionRecord record) {
        return transactions.write(h -> apply(h, record));
    }

    /**
     * Several collections in one transaction, in endpoint order (the order every batch locks rows in); the results
     * in the order given.
     */
    List<Boolean> recordAll(List<CollectionRecord> records) {
        Integer[] order = new Integer[records.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparing(i -> records.get(i).endpoint()));
        return transactions.write(h -> {
            Boolean[] accepted = new Boolean[order.length];
            for (int i : order) {
                accepted[i] = apply(h, records.get(i));
            }
            return List.of(accepted);
        });
    }

    private boolean apply(Handle h, CollectionRecord record) {
        requireEndpoint(record.endpoint());
        IdentityWrites.Collected collected = record.portfolios() == null ? null
                : IdentityWrites.Collected.of(record.portfolios(), record.extDevInfoPresent());
        Verification verdict = record.verification() == null ? null
                : VerificationWrites.stored(record.verification());
        Instant when = millis(record.at());
        DeviceRow row = rows.lockDevice(h, record.endpoint());
        CollectionRecord.Registered registration = record.registration();
        if (registration != null) {
            DeviceWrites.applyRegistered(row, registration.lwm2mVersion(), registration.hasPortfolioObject(),
                    registration.online(), when);
        }
        if (collected != null) {
            IdentityWrites.applyCollected(h, row, collected, when);
        } else if (record.failure() == null) {
            // The stored instances confirmed as they are: a completed collection all the same.
            row.collectedAt = when;
            row.collectionError = null;
        }
        boolean accepted = verdict == null || VerificationWrites.applyVerdict(h, row, verdict);
        if (record.failure() != null) {
            row.collectionError = record.failure();
        }
        if (record.objectLinksDigest() != null) {
            row.objectLinksDigest = record.objectLinksDigest();
        }
        rows.save(h, row);
        return accepted;
    }

    Optional<CollectionBasis> basis(String endpoint) {
        requireEndpoint(endpoint);
        return jdbi.withHandle(h -> {
            Optional<DeviceRow> found = h.createQuery("SELECT " + DeviceRow.COLUMNS + " FROM devices WHERE endpoint = ?")
                    .bind(0, endpoint).map(DeviceRow.MAPPER).findOne();
            if (found.isEmpty()) {
                return Optional.empty();
            }
            DeviceRow row = found.get();
            TreeMap<Integer, Boolean> linked = new TreeMap<>();
            TreeMap<Integer, TreeMap<Integer, String>> values = new TreeMap<>();
            h.createQuery("SELECT p.instance_id, p.linked, i.identity_id, i.identity_value FROM portfolio_instances p "
                    + "LEFT JOIN identities i ON i.endpoint = p.endpoint AND i.instance_id = p.instance_id "
                    + "WHERE p.endpoint = ?")
                    .bind(0, endpoint)
                    .map((rs, ctx) -> {
                        int instanceId = rs.getInt(1);
                        linked.put(instanceId, rs.getBoolean(2));
                        TreeMap<Integer, String> identities = values.computeIfAbsent(instanceId, k -> new TreeMap<>());
                        int identityId = rs.getInt(3);
                        if (!rs.wasNull()) {
                            identities.put(identityId, rs.getString(4));
                        }
                        return instanceId;
                    }).list();
            List<PortfolioSnapshot> portfolios = new ArrayList<>();
            linked.forEach((instanceId, isLinked) -> portfolios.add(new PortfolioSnapshot(instanceId,
                    values.get(instanceId), isLinked)));
            return Optional.of(new CollectionBasis(row.lastCounter, row.lastVerification, row.objectLinksDigest,
                    portfolios, row.extDevInfoPresent));
        });
    }
}
