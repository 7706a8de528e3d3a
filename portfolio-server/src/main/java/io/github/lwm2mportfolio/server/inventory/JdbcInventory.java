package io.github.lwm2mportfolio.server.inventory;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.github.lwm2mportfolio.server.compliance.Certification;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.compliance.ComplianceEvaluator;
import io.github.lwm2mportfolio.server.compliance.ComplianceState;

/**
 * The {@link Inventory} in a relational database through JDBC: an embedded H2 file by default
 * ({@link #h2Url(Path)}), PostgreSQL by URL. {@link #open(String, Clock, Duration)} migrates the schema
 * (Flyway: {@code db/migration}, and on PostgreSQL {@code db/postgresql}, a trigram index for the text filter
 * when the pg_trgm extension can be had) before it returns.
 * <p>
 * Every write is one transaction that first locks the device's row ({@code SELECT ... FOR UPDATE}; the row is
 * created when the endpoint is unknown, since a notification may race its registration), so concurrent writes
 * on one device are applied one after the other; a transaction that meets a deadlock, a serialization failure
 * or a lock timeout is run again. Each write recomputes the device's {@link ComplianceState} with
 * {@link ComplianceEvaluator} and stores it in the row. A stored COMPLIANT state whose verdict has since grown
 * older than the freshness limit is reported (and filtered and counted) as UNVERIFIED, so that states never
 * go stale between writes. The number of devices per stored state is kept in a small table by the same
 * transactions, so that totals of the fleet list and {@link #complianceCounts()} need no scan.
 * <p>
 * Kept: the newest {@value #VERIFICATIONS_KEPT} verdicts per device and the whole Identity history, of which
 * {@link #device(String)} shows the newest {@value #HISTORY_SHOWN}. Instants are stored to the millisecond.
 */
public final class JdbcInventory implements Inventory {

    public static final Duration DEFAULT_FRESHNESS = Duration.ofHours(24);
    /** Verdicts kept per device; older ones are deleted. */
    public static final int VERIFICATIONS_KEPT = 50;
    /** Identity changes {@link #device(String)} returns, newest first. */
    public static final int HISTORY_SHOWN = 200;
    /** The reason of a VERIFIED verdict whose counter was not above the stored one. */
    public static final String COUNTER_REPLAYED = "counter replayed";

    private static final String H2_OPTIONS = "MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    private static final int BATCH = 1000;
    /** Rows per state in device_counts (the migration makes them). */
    private static final int COUNT_SHARDS = 16;
    private static final int MAX_ATTEMPTS = 5;
    private static final Set<String> TRANSIENT_SQL_STATES = Set.of(
            "40001", // serialization failure; H2's deadlock
            "40P01", // PostgreSQL deadlock
            "23505", // unique violation: two transactions created the same row at once; the next attempt finds it
            "HYT00", // H2 lock timeout
            "90131"); // H2 concurrent update

    private static final String DEVICE_COLUMNS = "endpoint, lwm2m_version, online, has_portfolio_object, "
            + "ext_dev_info_present, registered_at, last_seen, state, last_counter, collection_error, "
            + "host_unique_id, host_manufacturer, host_model, host_software_version, last_identity_change, "
            + "verified_at, verification_outcome, verification_reason, verification_service, "
            + "verification_instance_id, verification_counter, verification_claims_json";

    private static final String VERIFICATION_COLUMNS =
            "verified_at, outcome, reason, service, instance_id, counter, claims_json";

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration freshness;

    private JdbcInventory(HikariDataSource dataSource, Clock clock, Duration freshness) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        this.clock = clock;
        this.freshness = freshness;
    }

    /** Opens the database at this URL with the system clock and a verification freshness of 24 hours. */
    public static JdbcInventory open(String jdbcUrl) {
        return open(jdbcUrl, Clock.systemUTC(), DEFAULT_FRESHNESS);
    }

    /**
     * Opens the database at this URL, creating or migrating its schema.
     *
     * @param jdbcUrl {@code jdbc:h2:...} (the PostgreSQL compatibility options are added when missing) or
     *        {@code jdbc:postgresql://...} (user and password as URL parameters)
     * @param clock the "now" of compliance states
     * @param verificationFreshness how long a VERIFIED verdict keeps a device COMPLIANT
     * @throws IllegalStateException when the database cannot be reached or migrated, with a one-line reason
     *         that names the URL without its password
     */
    public static JdbcInventory open(String jdbcUrl, Clock clock, Duration verificationFreshness) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(verificationFreshness, "verificationFreshness");
        if (verificationFreshness.isNegative() || verificationFreshness.isZero()) {
            throw new IllegalArgumentException("the verification freshness must be positive, got "
                    + verificationFreshness);
        }
        String shown = redact(jdbcUrl);
        boolean h2 = jdbcUrl.regionMatches(true, 0, "jdbc:h2:", 0, 8);
        boolean postgres = jdbcUrl.regionMatches(true, 0, "jdbc:postgresql:", 0, 16);
        HikariDataSource dataSource = null;
        try {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(h2 ? withH2Options(jdbcUrl) : jdbcUrl);
            config.setPoolName("portfolio-inventory");
            config.setMaximumPoolSize(10);
            config.setConnectionTimeout(10_000);
            config.setInitializationFailTimeout(1);
            if (h2) {
                // a certification replacement may hold many row locks for a while
                config.setConnectionInitSql("SET LOCK_TIMEOUT 30000");
            } else if (postgres) {
                // plan each query with its values: a generic plan cannot use the trigram index for LIKE ?
                config.setConnectionInitSql("SET plan_cache_mode = force_custom_plan");
            }
            dataSource = new HikariDataSource(config);
            List<String> locations = new ArrayList<>(List.of("classpath:db/migration"));
            if (postgres) {
                locations.add("classpath:db/postgresql");
            }
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations(locations.toArray(String[]::new))
                    .placeholders(Map.of("collate", postgres ? "COLLATE \"C\"" : ""))
                    .load()
                    .migrate();
            return new JdbcInventory(dataSource, clock, verificationFreshness);
        } catch (RuntimeException e) {
            if (dataSource != null) {
                dataSource.close();
            }
            String reason = redactText(rootMessage(e), jdbcUrl);
            IllegalStateException failure = new IllegalStateException(
                    "cannot open the inventory database " + shown + ": " + reason);
            if (passwords(jdbcUrl).isEmpty()) {
                failure.initCause(e);
            }
            throw failure;
        }
    }

    /** The default embedded database: an H2 file {@code inventory.mv.db} in this directory. */
    public static String h2Url(Path dataDirectory) {
        String dir = dataDirectory.toAbsolutePath().normalize().toString().replace('\\', '/');
        if (dir.indexOf(';') >= 0) {
            throw new IllegalArgumentException("the data directory must not contain ';': " + dir);
        }
        return "jdbc:h2:file:" + (dir.endsWith("/") ? dir : dir + "/") + "inventory;" + H2_OPTIONS;
    }

    // ------------------------------------------------------------------------------------------------ writes

    @Override
    public void registered(String endpoint, String lwm2mVersion, boolean hasPortfolioObject, Instant at) {
        requireEndpoint(endpoint);
        Objects.requireNonNull(at, "at");
        write(h -> {
            DeviceRow row = lockDevice(h, endpoint);
            row.lwm2mVersion = lwm2mVersion;
            row.online = true;
            row.hasPortfolioObject = hasPortfolioObject;
            row.registeredAt = millis(at);
            row.lastSeen = latest(row.lastSeen, millis(at));
            save(h, row);
            return null;
        });
    }

    /** A deregistration older than the device's last registration (a late event) leaves it online. */
    @Override
    public void deregistered(String endpoint, Instant at) {
        requireEndpoint(endpoint);
        Objects.requireNonNull(at, "at");
        write(h -> {
            DeviceRow row = lockDevice(h, endpoint);
            if (row.registeredAt == null || !millis(at).isBefore(row.registeredAt)) {
                row.online = false;
            }
            save(h, row);
            return null;
        });
    }

    @Override
    public void seen(String endpoint, Instant at) {
        requireEndpoint(endpoint);
        Objects.requireNonNull(at, "at");
        write(h -> {
            DeviceRow row = lockDevice(h, endpoint);
            row.lastSeen = latest(row.lastSeen, millis(at));
            save(h, row);
            return null;
        });
    }

    @Override
    public void portfoliosCollected(String endpoint, List<PortfolioSnapshot> portfolios, boolean extDevInfoPresent,
            Instant at) {
        requireEndpoint(endpoint);
        Objects.requireNonNull(portfolios, "portfolios");
        Objects.requireNonNull(at, "at");
        Instant when = millis(at);
        TreeMap<IdentityKey, String> fresh = new TreeMap<>();
        Set<Integer> instanceIds = new HashSet<>();
        PortfolioSnapshot host = null;
        for (PortfolioSnapshot snapshot : portfolios) {
            if (!instanceIds.add(snapshot.instanceId())) {
                throw new IllegalArgumentException("Portfolio instance " + snapshot.instanceId() + " given twice");
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
        HostIdentityView hostView = host == null ? HostIdentityView.UNKNOWN : HostIdentityView.of(host.identities());
        write(h -> {
            DeviceRow row = lockDevice(h, endpoint);
            TreeMap<IdentityKey, String> old = new TreeMap<>();
            h.createQuery("SELECT instance_id, identity_id, identity_value FROM identities WHERE endpoint = ?")
                    .bind(0, endpoint)
                    .map((rs, ctx) -> old.put(new IdentityKey(rs.getInt(1), rs.getInt(2)), rs.getString(3)))
                    .list();
            h.createUpdate("DELETE FROM identities WHERE endpoint = ?").bind(0, endpoint).execute();
            h.createUpdate("DELETE FROM portfolio_instances WHERE endpoint = ?").bind(0, endpoint).execute();
            if (!portfolios.isEmpty()) {
                PreparedBatch instances = h.prepareBatch(
                        "INSERT INTO portfolio_instances (endpoint, instance_id, linked) VALUES (?, ?, ?)");
                for (PortfolioSnapshot snapshot : portfolios) {
                    instances.bind(0, endpoint).bind(1, snapshot.instanceId()).bind(2, snapshot.linkedFromDevice())
                            .add();
                }
                instances.execute();
            }
            if (!fresh.isEmpty()) {
                PreparedBatch identities = h.prepareBatch("INSERT INTO identities "
                        + "(endpoint, instance_id, identity_id, identity_value) VALUES (?, ?, ?, ?)");
                fresh.forEach((key, value) -> identities.bind(0, endpoint).bind(1, key.instanceId())
                        .bind(2, key.identityId()).bind(3, value).add());
                identities.execute();
            }
            if (appendHistory(h, endpoint, old, fresh, when)) {
                row.lastIdentityChange = latest(row.lastIdentityChange, when);
            }
            row.extDevInfoPresent = extDevInfoPresent;
            row.collectionError = null;
            row.host = hostView;
            save(h, row);
            return null;
        });
    }

    @Override
    public void identityReported(String endpoint, int instanceId, int identityId, String value, Instant at) {
        requireEndpoint(endpoint);
        Objects.requireNonNull(at, "at");
        Instant when = millis(at);
        write(h -> {
            DeviceRow row = lockDevice(h, endpoint);
            Optional<String> old = h.createQuery("SELECT identity_value FROM identities "
                    + "WHERE endpoint = ? AND instance_id = ? AND identity_id = ?")
                    .bind(0, endpoint).bind(1, instanceId).bind(2, identityId)
                    .mapTo(String.class).findOne();
            if (!Objects.equals(old.orElse(null), value)) {
                if (value == null) {
                    h.createUpdate("DELETE FROM identities WHERE endpoint = ? AND instance_id = ? AND identity_id = ?")
                            .bind(0, endpoint).bind(1, instanceId).bind(2, identityId).execute();
                } else if (old.isPresent()) {
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
                insertHistory(h, endpoint, when, instanceId, identityId, old.orElse(null), value);
                row.lastIdentityChange = latest(row.lastIdentityChange, when);
                row.host = loadHost(h, endpoint);
            }
            save(h, row);
            return null;
        });
    }

    @Override
    public long lastAcceptedCounter(String endpoint) {
        requireEndpoint(endpoint);
        return jdbi.withHandle(h -> h.createQuery("SELECT last_counter FROM devices WHERE endpoint = ?")
                .bind(0, endpoint).mapTo(Long.class).findOne().orElse(-1L));
    }

    @Override
    public boolean verificationRecorded(String endpoint, Verification verification) {
        requireEndpoint(endpoint);
        Objects.requireNonNull(verification, "verification");
        Objects.requireNonNull(verification.at(), "verification.at");
        Objects.requireNonNull(verification.outcome(), "verification.outcome");
        Verification given = new Verification(millis(verification.at()), verification.outcome(),
                verification.reason(), verification.service(), verification.instanceId(), verification.counter(),
                verification.claimsJson());
        return write(h -> {
            DeviceRow row = lockDevice(h, endpoint);
            Verification stored = given;
            boolean accepted = true;
            if (given.outcome() == VerificationOutcome.VERIFIED && given.counter() != null) {
                int raised = h.createUpdate(
                        "UPDATE devices SET last_counter = ? WHERE endpoint = ? AND last_counter < ?")
                        .bind(0, given.counter()).bind(1, endpoint).bind(2, given.counter()).execute();
                if (raised == 0) {
                    accepted = false;
                    stored = new Verification(given.at(), VerificationOutcome.FAILED, COUNTER_REPLAYED,
                            given.service(), given.instanceId(), given.counter(), given.claimsJson());
                }
            }
            h.createUpdate("INSERT INTO verifications (endpoint, " + VERIFICATION_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                    .bind(0, endpoint).bind(1, stored.at().toEpochMilli()).bind(2, stored.outcome().name())
                    .bind(3, stored.reason()).bind(4, stored.service()).bind(5, stored.instanceId())
                    .bind(6, stored.counter()).bind(7, stored.claimsJson())
                    .execute();
            trimVerifications(h, endpoint);
            if (row.lastVerification == null || !stored.at().isBefore(row.lastVerification.at())) {
                row.lastVerification = stored;
            }
            save(h, row);
            return accepted;
        });
    }

    @Override
    public void collectionFailed(String endpoint, String reason, Instant at) {
        requireEndpoint(endpoint);
        Objects.requireNonNull(at, "at");
        String text = reason == null || reason.isBlank() ? "collection failed" : reason;
        write(h -> {
            DeviceRow row = lockDevice(h, endpoint);
            row.collectionError = text;
            save(h, row);
            return null;
        });
    }

    // ------------------------------------------------------------------------------------------------- reads

    @Override
    public Optional<DeviceDetail> device(String endpoint) {
        requireEndpoint(endpoint);
        long cutoff = cutoff();
        return jdbi.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, h -> {
            Optional<DeviceRow> found = h.createQuery("SELECT " + DEVICE_COLUMNS + " FROM devices WHERE endpoint = ?")
                    .bind(0, endpoint).map(DEVICE_ROW).findOne();
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
                    + "new_value FROM identity_history WHERE endpoint = ? ORDER BY changed_at DESC, id DESC LIMIT "
                    + HISTORY_SHOWN)
                    .bind(0, endpoint)
                    .map((rs, ctx) -> new IdentityChange(Instant.ofEpochMilli(rs.getLong(1)), rs.getInt(2),
                            rs.getInt(3), rs.getString(4), rs.getString(5)))
                    .list();
            List<Verification> verifications = h.createQuery("SELECT " + VERIFICATION_COLUMNS
                    + " FROM verifications WHERE endpoint = ? ORDER BY verified_at DESC, id DESC LIMIT "
                    + VERIFICATIONS_KEPT)
                    .bind(0, endpoint)
                    .map((rs, ctx) -> new Verification(Instant.ofEpochMilli(rs.getLong(1)),
                            VerificationOutcome.valueOf(rs.getString(2)), rs.getString(3), rs.getString(4),
                            nullableInt(rs, 5), nullableLong(rs, 6), rs.getString(7)))
                    .list();
            return Optional.of(new DeviceDetail(summary(row, cutoff), List.copyOf(portfolios),
                    row.extDevInfoPresent, List.copyOf(history), List.copyOf(verifications), row.collectionError));
        });
    }

    /**
     * Without a text filter the total comes from the kept per-state counts and the page from an index on
     * (state, endpoint); with one, both scan what the filter matches (on PostgreSQL through a trigram index
     * when pg_trgm could be installed).
     */
    @Override
    public Page<DeviceSummary> devices(DeviceQuery query) {
        Objects.requireNonNull(query, "query");
        long cutoff = cutoff();
        ComplianceState state = query.state();
        String text = query.text() == null ? "" : query.text().strip().toLowerCase(Locale.ROOT);
        long offset = (long) query.page() * query.size();
        String window = " ORDER BY endpoint LIMIT " + query.size() + " OFFSET " + offset;
        return jdbi.withHandle(h -> {
            List<DeviceRow> rows;
            long total;
            if (text.isEmpty()) {
                Counts counts = counts(h, cutoff);
                total = state == null ? counts.total() : counts.effective().get(state);
                // the page's endpoints from an index first, then their rows: deep pages skip index entries only
                String endpoints;
                Object argument = null;
                if (state == null) {
                    endpoints = "SELECT endpoint FROM devices" + window;
                } else if (state == ComplianceState.COMPLIANT) {
                    endpoints = "SELECT endpoint FROM devices WHERE state = 'COMPLIANT' AND verified_at >= ?" + window;
                    argument = cutoff;
                } else if (state == ComplianceState.UNVERIFIED && counts.stale() > 0) {
                    // two index range scans merged, rather than one OR that would sort the whole state
                    long reach = offset + query.size();
                    endpoints = "SELECT endpoint FROM ("
                            + "(SELECT endpoint FROM devices WHERE state = 'UNVERIFIED' ORDER BY endpoint LIMIT " + reach
                            + ") UNION ALL (SELECT endpoint FROM devices WHERE state = 'COMPLIANT' AND verified_at < ? "
                            + "ORDER BY endpoint LIMIT " + reach + ")) AS merged" + window;
                    argument = cutoff;
                } else {
                    endpoints = "SELECT endpoint FROM devices WHERE state = ?" + window;
                    argument = state.name();
                }
                Query select = h.createQuery("SELECT " + DEVICE_COLUMNS + " FROM devices WHERE endpoint IN ("
                        + endpoints + ") ORDER BY endpoint");
                if (argument instanceof Long l) {
                    select.bind(0, l);
                } else if (argument instanceof String name) {
                    select.bind(0, name);
                }
                rows = select.map(DEVICE_ROW).list();
            } else {
                List<String> conditions = new ArrayList<>();
                List<Object> arguments = new ArrayList<>();
                conditions.add("search_text LIKE ? ESCAPE '!'");
                arguments.add("%" + text.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
                if (state == ComplianceState.COMPLIANT) {
                    conditions.add("state = 'COMPLIANT' AND verified_at >= ?");
                    arguments.add(cutoff);
                } else if (state == ComplianceState.UNVERIFIED) {
                    conditions.add("(state = 'UNVERIFIED' OR (state = 'COMPLIANT' AND verified_at < ?))");
                    arguments.add(cutoff);
                } else if (state != null) {
                    conditions.add("state = ?");
                    arguments.add(state.name());
                }
                String where = " WHERE " + String.join(" AND ", conditions);
                Query select = h.createQuery("SELECT " + DEVICE_COLUMNS + " FROM devices" + where + window);
                bindAll(select, arguments);
                rows = select.map(DEVICE_ROW).list();
                if (!rows.isEmpty() && rows.size() < query.size()) {
                    total = offset + rows.size();
                } else {
                    Query count = h.createQuery("SELECT COUNT(*) FROM devices" + where);
                    bindAll(count, arguments);
                    total = count.mapTo(Long.class).one();
                }
            }
            List<DeviceSummary> items = new ArrayList<>(rows.size());
            for (DeviceRow row : rows) {
                items.add(summary(row, cutoff));
            }
            return new Page<>(items, query.page(), query.size(), total);
        });
    }

    /**
     * Gives every device to {@code consumer}, ordered by endpoint, a thousand rows read at a time (not one
     * snapshot: a device written meanwhile may appear as it was before or after the write).
     */
    public void forEachDevice(Consumer<DeviceSummary> consumer) {
        forEachDevice(consumer, BATCH);
    }

    void forEachDevice(Consumer<DeviceSummary> consumer, int batchSize) {
        Objects.requireNonNull(consumer, "consumer");
        long cutoff = cutoff();
        String after = null;
        while (true) {
            String from = after;
            List<DeviceRow> rows = jdbi.withHandle(h -> {
                Query q = h.createQuery("SELECT " + DEVICE_COLUMNS + " FROM devices"
                        + (from == null ? "" : " WHERE endpoint > ?") + " ORDER BY endpoint LIMIT " + batchSize);
                if (from != null) {
                    q.bind(0, from);
                }
                return q.map(DEVICE_ROW).list();
            });
            for (DeviceRow row : rows) {
                consumer.accept(summary(row, cutoff));
            }
            if (rows.size() < batchSize) {
                return;
            }
            after = rows.get(rows.size() - 1).endpoint;
        }
    }

    @Override
    public Map<ComplianceState, Long> complianceCounts() {
        long cutoff = cutoff();
        return jdbi.withHandle(h -> counts(h, cutoff).effective());
    }

    /**
     * The devices per state, as reported: the stored counts with the COMPLIANT devices whose verdict is older
     * than the cutoff moved to UNVERIFIED.
     */
    private record Counts(Map<ComplianceState, Long> effective, long stale) {

        long total() {
            return effective.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** One statement, so one snapshot of the counts and the stale devices. */
    private static Counts counts(Handle h, long cutoff) {
        Map<ComplianceState, Long> counts = new EnumMap<>(ComplianceState.class);
        for (ComplianceState state : ComplianceState.values()) {
            counts.put(state, 0L);
        }
        long[] stale = { 0 };
        h.createQuery("SELECT state, SUM(n) FROM device_counts GROUP BY state UNION ALL "
                + "SELECT 'STALE', COUNT(*) FROM devices WHERE state = 'COMPLIANT' AND verified_at < ?")
                .bind(0, cutoff)
                .map((rs, ctx) -> {
                    String state = rs.getString(1);
                    if (state.equals("STALE")) {
                        stale[0] = rs.getLong(2);
                    } else {
                        counts.put(ComplianceState.valueOf(state), rs.getLong(2));
                    }
                    return state;
                })
                .list();
        counts.merge(ComplianceState.COMPLIANT, -stale[0], Long::sum);
        counts.merge(ComplianceState.UNVERIFIED, stale[0], Long::sum);
        return new Counts(counts, stale[0]);
    }

    // --------------------------------------------------------------------------------------- certifications

    @Override
    public CertificationList certifications() {
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

    /**
     * Replaces the list (values trimmed, duplicates dropped) and recomputes every device's state in the same
     * transaction, a thousand devices at a time. Replacements never interleave: each locks a meta row first.
     */
    @Override
    public void replaceCertifications(CertificationList list) {
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
        write(h -> {
            Instant now = clock.instant();
            h.createUpdate("UPDATE inventory_meta SET certifications_replaced_at = ? WHERE id = 1")
                    .bind(0, now.toEpochMilli()).execute();
            h.createUpdate("DELETE FROM certifications").execute();
            h.createUpdate("DELETE FROM allocated_unique_ids").execute();
            insertInBatches(h, "INSERT INTO certifications (manufacturer, model, software_version) VALUES (?, ?, ?)",
                    normalised.records(), (batch, r) -> batch.bind(0, r.manufacturer()).bind(1, r.model())
                            .bind(2, r.softwareVersion()));
            insertInBatches(h, "INSERT INTO allocated_unique_ids (unique_id) VALUES (?)", ids,
                    (batch, id) -> batch.bind(0, id));
            TreeMap<CountKey, Long> deltas = new TreeMap<>();
            String after = "";
            while (true) {
                // a batch is a range of endpoints, locked whole (FOR UPDATE with LIMIT locks too much on H2)
                Optional<String> last = h.createQuery("SELECT endpoint FROM devices WHERE endpoint > ? "
                        + "ORDER BY endpoint LIMIT 1 OFFSET " + (BATCH - 1))
                        .bind(0, after).mapTo(String.class).findOne();
                Query select = h.createQuery("SELECT " + DEVICE_COLUMNS + " FROM devices WHERE endpoint > ?"
                        + (last.isPresent() ? " AND endpoint <= ?" : "") + " ORDER BY endpoint FOR UPDATE")
                        .bind(0, after);
                last.ifPresent(endpoint -> select.bind(1, endpoint));
                List<DeviceRow> rows = select.map(DEVICE_ROW).list();
                PreparedBatch updates = h.prepareBatch("UPDATE devices SET state = ? WHERE endpoint = ?");
                for (DeviceRow row : rows) {
                    ComplianceState state = evaluate(row, hasHost(row) && certified.test(row.host), now);
                    if (state != row.state) {
                        updates.bind(0, state.name()).bind(1, row.endpoint).add();
                        deltas.merge(CountKey.of(row.state, row.endpoint), -1L, Long::sum);
                        deltas.merge(CountKey.of(state, row.endpoint), 1L, Long::sum);
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
            adjustCounts(h, deltas);
            return null;
        });
    }

    // ------------------------------------------------------------------------------------------- credentials

    /**
     * Adds or replaces the endpoint's credential.
     *
     * @throws IllegalArgumentException when the credential is incomplete or its PSK identity belongs to
     *         another endpoint
     */
    @Override
    public void putCredential(DeviceCredential credential) {
        Objects.requireNonNull(credential, "credential");
        requireEndpoint(credential.endpoint());
        if (credential.kind() == null) {
            throw new IllegalArgumentException("the credential of " + credential.endpoint() + " has no kind");
        }
        switch (credential.kind()) {
            case PSK -> {
                if (isBlank(credential.pskIdentity())) {
                    throw new IllegalArgumentException("a PSK credential needs a PSK identity");
                }
                if (credential.secret() == null || credential.secret().length == 0) {
                    throw new IllegalArgumentException("a PSK credential needs a key");
                }
            }
            case RPK -> {
                if (credential.secret() == null || credential.secret().length == 0) {
                    throw new IllegalArgumentException("an RPK credential needs the device's public key");
                }
            }
            case X509 -> {
                // the certificate's CN names the endpoint; nothing to keep
            }
        }
        if (credential.kind() != DeviceCredential.Kind.PSK && credential.pskIdentity() != null) {
            throw new IllegalArgumentException("only a PSK credential has a PSK identity");
        }
        write(h -> {
            if (credential.pskIdentity() != null) {
                Optional<String> holder = h.createQuery(
                        "SELECT endpoint FROM credentials WHERE psk_identity = ? AND endpoint <> ?")
                        .bind(0, credential.pskIdentity()).bind(1, credential.endpoint())
                        .mapTo(String.class).findOne();
                if (holder.isPresent()) {
                    throw new IllegalArgumentException("the PSK identity " + credential.pskIdentity()
                            + " is already used by endpoint " + holder.get());
                }
            }
            int updated = h.createUpdate(
                    "UPDATE credentials SET kind = ?, psk_identity = ?, secret = ? WHERE endpoint = ?")
                    .bind(0, credential.kind().name()).bind(1, credential.pskIdentity())
                    .bind(2, credential.secret()).bind(3, credential.endpoint()).execute();
            if (updated == 0) {
                h.createUpdate("INSERT INTO credentials (endpoint, kind, psk_identity, secret) VALUES (?, ?, ?, ?)")
                        .bind(0, credential.endpoint()).bind(1, credential.kind().name())
                        .bind(2, credential.pskIdentity()).bind(3, credential.secret()).execute();
            }
            return null;
        });
    }

    @Override
    public Optional<DeviceCredential> credential(String endpoint) {
        requireEndpoint(endpoint);
        return jdbi.withHandle(h -> h.createQuery(
                "SELECT endpoint, kind, psk_identity, secret FROM credentials WHERE endpoint = ?")
                .bind(0, endpoint).map(CREDENTIAL).findOne());
    }

    @Override
    public Optional<DeviceCredential> credentialByPskIdentity(String pskIdentity) {
        if (pskIdentity == null) {
            return Optional.empty();
        }
        return jdbi.withHandle(h -> h.createQuery(
                "SELECT endpoint, kind, psk_identity, secret FROM credentials WHERE psk_identity = ?")
                .bind(0, pskIdentity).map(CREDENTIAL).findOne());
    }

    @Override
    public List<DeviceCredential> credentials() {
        return jdbi.withHandle(h -> h.createQuery(
                "SELECT endpoint, kind, psk_identity, secret FROM credentials ORDER BY endpoint")
                .map(CREDENTIAL).list());
    }

    @Override
    public boolean removeCredential(String endpoint) {
        requireEndpoint(endpoint);
        return write(h -> h.createUpdate("DELETE FROM credentials WHERE endpoint = ?").bind(0, endpoint)
                .execute() > 0);
    }

    @Override
    public void close() {
        dataSource.close();
    }

    // -------------------------------------------------------------------------------------------- internals

    private record IdentityKey(int instanceId, int identityId) implements Comparable<IdentityKey> {

        private static final Comparator<IdentityKey> ORDER =
                Comparator.comparingInt(IdentityKey::instanceId).thenComparingInt(IdentityKey::identityId);

        @Override
        public int compareTo(IdentityKey other) {
            return ORDER.compare(this, other);
        }
    }

    /** One devices row, changed in memory by a write and then saved whole (but for last_counter). */
    private static final class DeviceRow {
        String endpoint;
        String lwm2mVersion;
        boolean online;
        boolean hasPortfolioObject;
        boolean extDevInfoPresent;
        Instant registeredAt;
        Instant lastSeen;
        ComplianceState state;
        long lastCounter;
        String collectionError;
        HostIdentityView host;
        Instant lastIdentityChange;
        Verification lastVerification;
        /** Created by this transaction: counted for the first time when saved. */
        boolean inserted;
    }

    private static final RowMapper<DeviceRow> DEVICE_ROW = (rs, ctx) -> {
        DeviceRow row = new DeviceRow();
        row.endpoint = rs.getString("endpoint");
        row.lwm2mVersion = rs.getString("lwm2m_version");
        row.online = rs.getBoolean("online");
        row.hasPortfolioObject = rs.getBoolean("has_portfolio_object");
        row.extDevInfoPresent = rs.getBoolean("ext_dev_info_present");
        row.registeredAt = instant(rs, "registered_at");
        row.lastSeen = instant(rs, "last_seen");
        row.state = ComplianceState.valueOf(rs.getString("state"));
        row.lastCounter = rs.getLong("last_counter");
        row.collectionError = rs.getString("collection_error");
        row.host = new HostIdentityView(rs.getString("host_unique_id"), rs.getString("host_manufacturer"),
                rs.getString("host_model"), rs.getString("host_software_version"));
        row.lastIdentityChange = instant(rs, "last_identity_change");
        Instant verifiedAt = instant(rs, "verified_at");
        if (verifiedAt != null) {
            long counter = rs.getLong("verification_counter");
            Long counterOrNull = rs.wasNull() ? null : counter;
            int instance = rs.getInt("verification_instance_id");
            Integer instanceOrNull = rs.wasNull() ? null : instance;
            row.lastVerification = new Verification(verifiedAt,
                    VerificationOutcome.valueOf(rs.getString("verification_outcome")),
                    rs.getString("verification_reason"), rs.getString("verification_service"), instanceOrNull,
                    counterOrNull, rs.getString("verification_claims_json"));
        }
        return row;
    };

    private static final RowMapper<DeviceCredential> CREDENTIAL = (rs, ctx) -> new DeviceCredential(
            rs.getString(1), DeviceCredential.Kind.valueOf(rs.getString(2)), rs.getString(3), rs.getBytes(4));

    /** Locks the device's row for this transaction, creating the row when the endpoint is new. */
    private static DeviceRow lockDevice(Handle h, String endpoint) {
        String select = "SELECT " + DEVICE_COLUMNS + " FROM devices WHERE endpoint = ? FOR UPDATE";
        Optional<DeviceRow> row = h.createQuery(select).bind(0, endpoint).map(DEVICE_ROW).findOne();
        if (row.isPresent()) {
            return row.get();
        }
        int inserted = h.createUpdate(
                "INSERT INTO devices (endpoint, search_text) VALUES (?, ?) ON CONFLICT DO NOTHING")
                .bind(0, endpoint).bind(1, searchText(endpoint, HostIdentityView.UNKNOWN)).execute();
        DeviceRow created = h.createQuery(select).bind(0, endpoint).map(DEVICE_ROW).one();
        created.inserted = inserted > 0;
        return created;
    }

    /** Recomputes the state and writes the row back (last_counter is only ever raised by its own UPDATE). */
    private void save(Handle h, DeviceRow row) {
        Instant now = clock.instant();
        ComplianceState before = row.inserted ? null : row.state;
        row.state = evaluate(row, hasHost(row) && certifiedInDatabase(h, row.host), now);
        Verification v = row.lastVerification;
        h.createUpdate("UPDATE devices SET lwm2m_version = ?, online = ?, has_portfolio_object = ?, "
                + "ext_dev_info_present = ?, registered_at = ?, last_seen = ?, state = ?, collection_error = ?, "
                + "host_unique_id = ?, host_manufacturer = ?, host_model = ?, host_software_version = ?, "
                + "search_text = ?, last_identity_change = ?, verified_at = ?, verification_outcome = ?, "
                + "verification_reason = ?, verification_service = ?, verification_instance_id = ?, "
                + "verification_counter = ?, verification_claims_json = ? WHERE endpoint = ?")
                .bind(0, row.lwm2mVersion)
                .bind(1, row.online)
                .bind(2, row.hasPortfolioObject)
                .bind(3, row.extDevInfoPresent)
                .bind(4, epochMillis(row.registeredAt))
                .bind(5, epochMillis(row.lastSeen))
                .bind(6, row.state.name())
                .bind(7, row.collectionError)
                .bind(8, row.host.uniqueId())
                .bind(9, row.host.manufacturer())
                .bind(10, row.host.model())
                .bind(11, row.host.softwareVersion())
                .bind(12, searchText(row.endpoint, row.host))
                .bind(13, epochMillis(row.lastIdentityChange))
                .bind(14, v == null ? null : epochMillis(v.at()))
                .bind(15, v == null ? null : v.outcome().name())
                .bind(16, v == null ? null : v.reason())
                .bind(17, v == null ? null : v.service())
                .bind(18, v == null ? null : v.instanceId())
                .bind(19, v == null ? null : v.counter())
                .bind(20, v == null ? null : v.claimsJson())
                .bind(21, row.endpoint)
                .execute();
        if (before != row.state) {
            TreeMap<CountKey, Long> deltas = new TreeMap<>();
            if (before != null) {
                deltas.merge(CountKey.of(before, row.endpoint), -1L, Long::sum);
            }
            deltas.merge(CountKey.of(row.state, row.endpoint), 1L, Long::sum);
            adjustCounts(h, deltas);
        }
        row.inserted = false;
    }

    /** A row of device_counts: a state and one of {@value #COUNT_SHARDS} shards of the endpoints. */
    private record CountKey(ComplianceState state, int shard) implements Comparable<CountKey> {

        static CountKey of(ComplianceState state, String endpoint) {
            return new CountKey(state, Math.floorMod(endpoint.hashCode(), COUNT_SHARDS));
        }

        @Override
        public int compareTo(CountKey other) {
            int byState = Integer.compare(state.ordinal(), other.state.ordinal());
            return byState != 0 ? byState : Integer.compare(shard, other.shard);
        }
    }

    /** Applies the changes in one order for every transaction, so that two never wait for each other. */
    private static void adjustCounts(Handle h, TreeMap<CountKey, Long> deltas) {
        PreparedBatch batch = h.prepareBatch("UPDATE device_counts SET n = n + ? WHERE state = ? AND shard = ?");
        deltas.forEach((key, delta) -> {
            if (delta != 0) {
                batch.bind(0, delta).bind(1, key.state().name()).bind(2, key.shard()).add();
            }
        });
        if (batch.size() > 0) {
            batch.execute();
        }
    }

    private ComplianceState evaluate(DeviceRow row, boolean certified, Instant now) {
        return ComplianceEvaluator.evaluate(row.hasPortfolioObject, row.extDevInfoPresent, row.host, certified,
                row.lastVerification, row.lastIdentityChange, now, freshness);
    }

    private static boolean hasHost(DeviceRow row) {
        return ComplianceEvaluator.hasHost(row.hasPortfolioObject, row.extDevInfoPresent, row.host);
    }

    /** The certification test of {@link ComplianceEvaluator}, as two indexed lookups. */
    private static boolean certifiedInDatabase(Handle h, HostIdentityView host) {
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

    private static HostIdentityView loadHost(Handle h, String endpoint) {
        TreeMap<Integer, String> values = new TreeMap<>();
        h.createQuery("SELECT identity_id, identity_value FROM identities WHERE endpoint = ? AND instance_id = "
                + "(SELECT MIN(instance_id) FROM portfolio_instances WHERE endpoint = ? AND linked = TRUE)")
                .bind(0, endpoint).bind(1, endpoint)
                .map((rs, ctx) -> values.put(rs.getInt(1), rs.getString(2)))
                .list();
        return values.isEmpty() ? HostIdentityView.UNKNOWN : HostIdentityView.of(values);
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

    /** Deletes all but the newest {@value #VERIFICATIONS_KEPT} verdicts of the device. */
    private static void trimVerifications(Handle h, String endpoint) {
        Optional<long[]> oldestDropped = h.createQuery("SELECT verified_at, id FROM verifications WHERE endpoint = ? "
                + "ORDER BY verified_at DESC, id DESC LIMIT 1 OFFSET " + VERIFICATIONS_KEPT)
                .bind(0, endpoint).map((rs, ctx) -> new long[] { rs.getLong(1), rs.getLong(2) }).findOne();
        oldestDropped.ifPresent(edge -> h.createUpdate("DELETE FROM verifications WHERE endpoint = ? "
                + "AND (verified_at < ? OR (verified_at = ? AND id <= ?))")
                .bind(0, endpoint).bind(1, edge[0]).bind(2, edge[0]).bind(3, edge[1]).execute());
    }

    private interface Binder<T> {
        void bind(PreparedBatch batch, T item);
    }

    private static <T> void insertInBatches(Handle h, String sql, Iterable<T> items, Binder<T> binder) {
        PreparedBatch batch = h.prepareBatch(sql);
        for (T item : items) {
            binder.bind(batch, item);
            batch.add();
            if (batch.size() >= BATCH) {
                batch.execute();
                batch = h.prepareBatch(sql);
            }
        }
        if (batch.size() > 0) {
            batch.execute();
        }
    }

    /** Runs a write transaction, again when it met a deadlock, a serialization failure or a lock timeout. */
    private <T> T write(HandleCallback<T, RuntimeException> work) {
        for (int attempt = 1;; attempt++) {
            try {
                return jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, work);
            } catch (JdbiException e) {
                if (attempt >= MAX_ATTEMPTS || !isTransient(e)) {
                    throw e;
                }
                try {
                    Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L << attempt));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException s = sql; s != null; s = s.getNextException()) {
                    if (s.getSQLState() != null && TRANSIENT_SQL_STATES.contains(s.getSQLState())) {
                        return true;
                    }
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private DeviceSummary summary(DeviceRow row, long cutoff) {
        ComplianceState state = row.state;
        if (state == ComplianceState.COMPLIANT && row.lastVerification != null
                && row.lastVerification.at().toEpochMilli() < cutoff) {
            state = ComplianceState.UNVERIFIED;
        }
        return new DeviceSummary(row.endpoint, row.lwm2mVersion, row.online, row.registeredAt, row.lastSeen,
                row.host, state, row.lastVerification);
    }

    private long cutoff() {
        return clock.instant().minus(freshness).toEpochMilli();
    }

    private static String searchText(String endpoint, HostIdentityView host) {
        return String.join("\n", lower(endpoint), lower(host.uniqueId()), lower(host.manufacturer()),
                lower(host.model()), lower(host.softwareVersion()));
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }

    private static int bindAll(Query query, List<Object> arguments) {
        for (int i = 0; i < arguments.size(); i++) {
            Object argument = arguments.get(i);
            if (argument instanceof Long l) {
                query.bind(i, l);
            } else {
                query.bind(i, (String) argument);
            }
        }
        return arguments.size();
    }

    private static Instant millis(Instant at) {
        return Instant.ofEpochMilli(at.toEpochMilli());
    }

    private static Instant latest(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }

    private static Long epochMillis(Instant at) {
        return at == null ? null : at.toEpochMilli();
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(value);
    }

    private static Integer nullableInt(ResultSet rs, int column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static void requireEndpoint(String endpoint) {
        if (endpoint == null || endpoint.isBlank()) {
            throw new IllegalArgumentException("an endpoint name is required");
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    // ------------------------------------------------------------------------------------------- URL helpers

    private static String withH2Options(String url) {
        StringBuilder result = new StringBuilder(url);
        String upper = url.toUpperCase(Locale.ROOT);
        for (String option : H2_OPTIONS.split(";")) {
            String key = option.substring(0, option.indexOf('=') + 1);
            if (!upper.contains(";" + key)) {
                result.append(';').append(option);
            }
        }
        return result.toString();
    }

    private static final Pattern PASSWORD_PARAMETER =
            Pattern.compile("(?i)([;?&](?:password|pwd|sslpassword|sslkeypassword)=)([^;&]*)");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:;?]*:)([^/@]*)(@)");

    /** The URL with every password replaced by ***. */
    static String redact(String url) {
        String result = PASSWORD_PARAMETER.matcher(url).replaceAll("$1***");
        return USER_INFO.matcher(result).replaceAll("$1***$3");
    }

    private static List<String> passwords(String url) {
        List<String> found = new ArrayList<>();
        Matcher m = PASSWORD_PARAMETER.matcher(url);
        while (m.find()) {
            if (!m.group(2).isEmpty()) {
                found.add(m.group(2));
            }
        }
        m = USER_INFO.matcher(url);
        while (m.find()) {
            if (!m.group(2).isEmpty()) {
                found.add(m.group(2));
            }
        }
        return found;
    }

    private static String redactText(String text, String url) {
        String result = text.replace(url, redact(url));
        for (String password : passwords(url)) {
            result = result.replace(password, "***");
        }
        return result;
    }

    /** The driver's own words when there are some (the first SQLException in the chain), else the deepest. */
    private static String rootMessage(Throwable e) {
        Throwable deepest = e;
        String message = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            deepest = t;
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
                if (t instanceof SQLException) {
                    break;
                }
            }
        }
        if (message == null) {
            message = deepest.getClass().getSimpleName();
        }
        String oneLine = message.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine;
    }
}
