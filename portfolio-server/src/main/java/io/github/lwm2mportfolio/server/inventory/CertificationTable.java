package io.github.lwm2mportfolio.server.inventory;

import static io.github.lwm2mportfolio.server.inventory.InputChecks.isBlank;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

import io.github.lwm2mportfolio.server.compliance.Certification;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.compliance.ComplianceEvaluator;
import io.github.lwm2mportfolio.server.compliance.ComplianceState;
import io.github.lwm2mportfolio.server.inventory.DeviceCounts.CountKey;

/**
 * The certification list (certified host versions and allocated unique IDs): read, tested against one host,
 * and replaced together with the recompute of every device's state.
 */
final class CertificationTable {

    private final Jdbi jdbi;
    private final RetryingTransactions transactions;
    private final Clock clock;
    private final DeviceStates states;
    private final ComplianceChanges complianceChanges;

    CertificationTable(Jdbi jdbi, RetryingTransactions transactions, Clock clock, DeviceStates states,
            ComplianceChanges complianceChanges) {
        this.jdbi = jdbi;
        this.transactions = transactions;
        this.clock = clock;
        this.states = states;
        this.complianceChanges = complianceChanges;
    }

    CertificationList certifications() {
        return jdbi.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, h -> {
            List<Certification> records = h.createQuery("SELECT manufacturer, model, software_version "
                    + "FROM certifications ORDER BY manufacturer, model, software_version")
                    .map((rs, ctx) -> new Certification(rs.getString(1), rs.getString(2), rs.getString(3)))
                    .list();
            List<String> ids = h.createQuery("SELECT unique_id FROM allocated_unique_ids").mapTo(String.class)
                    .list();
            return new CertificationList(records, new HashSet<>(ids));
        });
    }

    /** Who last changed the list, when it was changed at all. */
    Optional<CertificationSource> source() {
        return jdbi.withHandle(h -> h.createQuery("SELECT certifications_replaced_at, certifications_changed_by, "
                + "certifications_changed_through_api FROM inventory_meta WHERE id = 1")
                .map((rs, ctx) -> {
                    long at = rs.getLong(1);
                    return rs.wasNull() ? null
                            : new CertificationSource(Instant.ofEpochMilli(at), rs.getString(2), rs.getBoolean(3));
                }).findOne());
    }

    /**
     * Replaces the list (values trimmed, duplicates dropped) and recomputes every device's state in the same
     * transaction, a thousand devices at a time. Replacements never interleave: each locks a meta row first.
     *
     * @param changedBy who changed it, e.g. "token 'admin'" (null: not recorded)
     * @param throughApi whether through the REST API
     */
    void replaceCertifications(CertificationList list, String changedBy, boolean throughApi) {
        Objects.requireNonNull(list, "list");
        Set<Certification> records = new LinkedHashSet<>();
        for (Certification record : list.records()) {
            if (record == null || isBlank(record.manufacturer()) || isBlank(record.model())
                    || isBlank(record.softwareVersion())) {
                throw new IllegalArgumentException("a certification record has an empty field: " + record);
            }
            records.add(new Certification(record.manufacturer().trim(), record.model().trim(),
                    record.softwareVersion().trim()));
        }
        Set<String> ids = new TreeSet<>();
        for (String id : list.allocatedUniqueIds()) {
            if (isBlank(id)) {
                throw new IllegalArgumentException("an allocated unique ID is empty");
            }
            ids.add(id.trim());
        }
        CertificationList normalised = new CertificationList(new ArrayList<>(records), ids);
        Predicate<HostIdentityView> certified = ComplianceEvaluator.certifiedHosts(normalised);
        transactions.write(h -> {
            Instant now = clock.instant();
            h.createUpdate("UPDATE inventory_meta SET certifications_replaced_at = ?, certifications_changed_by = ?, "
                    + "certifications_changed_through_api = ? WHERE id = 1")
                    .bind(0, now.toEpochMilli()).bind(1, changedBy).bind(2, throughApi).execute();
            h.createUpdate("DELETE FROM certifications").execute();
            h.createUpdate("DELETE FROM allocated_unique_ids").execute();
            insertInBatches(h, "INSERT INTO certifications (manufacturer, model, software_version) VALUES (?, ?, ?)",
                    normalised.records(), (batch, r) -> batch.bind(0, r.manufacturer()).bind(1, r.model())
                            .bind(2, r.softwareVersion()));
            insertInBatches(h, "INSERT INTO allocated_unique_ids (unique_id) VALUES (?)", ids,
                    (batch, id) -> batch.bind(0, id));
            TreeMap<CountKey, Long> deltas = new TreeMap<>();
            long cutoff = states.cutoff();
            String after = "";
            while (true) {
                // a batch is a range of endpoints, locked whole (FOR UPDATE with LIMIT locks too much on H2)
                Optional<String> last = h.createQuery("SELECT endpoint FROM devices WHERE endpoint > ? "
                        + "ORDER BY endpoint LIMIT 1 OFFSET " + (JdbcInventory.BATCH - 1))
                        .bind(0, after).mapTo(String.class).findOne();
                Query select = h.createQuery("SELECT " + DeviceRow.COLUMNS + " FROM devices WHERE endpoint > ?"
                        + (last.isPresent() ? " AND endpoint <= ?" : "") + " ORDER BY endpoint FOR UPDATE")
                        .bind(0, after);
                last.ifPresent(endpoint -> select.bind(1, endpoint));
                List<DeviceRow> rows = select.map(DeviceRow.MAPPER).list();
                PreparedBatch updates = h.prepareBatch("UPDATE devices SET state = ? WHERE endpoint = ?");
                for (DeviceRow row : rows) {
                    ComplianceState state = states.evaluate(row,
                            DeviceStates.linksHostInstance(row) && certified.test(row.host), now);
                    if (state != row.state) {
                        updates.bind(0, state.name()).bind(1, row.endpoint).add();
                        deltas.merge(CountKey.of(row.state, row.endpoint), -1L, Long::sum);
                        deltas.merge(CountKey.of(state, row.endpoint), 1L, Long::sum);
                        ComplianceState before = row.state;
                        row.state = state;
                        complianceChanges.changed(new ComplianceChange(now, row.endpoint, before, state,
                                states.summary(row, cutoff).reason()));
                    }
                }
                if (updates.size() > 0) {
                    updates.execute();
                }
                if (last.isEmpty()) {
                    break;
                }
                after = last.get();
            }
            DeviceCounts.adjust(h, deltas);
            return null;
        });
    }

    /** The certification test of {@link ComplianceEvaluator}, as two indexed lookups. */
    static boolean certifiedInDatabase(Handle h, HostIdentityView host) {
        if (host.manufacturer() == null || host.model() == null || host.softwareVersion() == null) {
            return false;
        }
        String uniqueId = host.uniqueId() == null ? null : host.uniqueId().trim();
        return h.createQuery("SELECT "
                + "(SELECT COUNT(*) FROM certifications WHERE manufacturer = ? AND model = ? AND software_version = ?), "
                + "(SELECT COUNT(*) FROM allocated_unique_ids WHERE unique_id = ?), "
                + "(SELECT COUNT(*) FROM (SELECT unique_id FROM allocated_unique_ids LIMIT 1) AS any_id)")
                .bind(0, host.manufacturer().trim()).bind(1, host.model().trim())
                .bind(2, host.softwareVersion().trim()).bind(3, uniqueId)
                .map((rs, ctx) -> rs.getLong(1) > 0 && (rs.getLong(3) == 0 || rs.getLong(2) > 0))
                .one();
    }

    private interface Binder<T> {
        void bind(PreparedBatch batch, T item);
    }

    private static <T> void insertInBatches(Handle h, String sql, Iterable<T> items, Binder<T> binder) {
        PreparedBatch batch = h.prepareBatch(sql);
        for (T item : items) {
            binder.bind(batch, item);
            batch.add();
            if (batch.size() >= JdbcInventory.BATCH) {
                batch.execute();
                batch = h.prepareBatch(sql);
            }
        }
        if (batch.size() > 0) {
            batch.execute();
        }
    }
}
