package io.github.lwm2mportfolio.bench;

import io.github.lwm2mportfolio.server.compliance.ComplianceState;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Fills a freshly migrated, empty inventory database with a fleet in about ten seconds, by batched JDBC inserts
 * straight into the tables of the V1 migration: going through {@code Inventory} would cost several
 * transactions per device. The rows are what {@code JdbcInventory} itself would have written for such
 * devices, device_counts included; devices arrive in random endpoint order, as registrations do.
 *
 * <p>The mix: 10% NO_PORTFOLIO, 15% UNCERTIFIED (a software version nobody certified), 15% UNVERIFIED (no
 * GetAuthData, a failed or an unreachable challenge), 5% COMPLIANT with a verdict older than the 24-hour
 * freshness (reported UNVERIFIED), 55% COMPLIANT; six host models, random host unique IDs.
 *
 * <p>Only the tables the fleet list reads are filled: devices (with the host identity and newest verdict it
 * keeps for the list), device_counts and certifications. The per-device tables (Portfolio instances,
 * Identity values, history, verdicts) stay empty: the list never reads them, and the 450,000 rows of the
 * instances and Identity values alone took 72% of H2's insert time in a trial with 10,000 devices.
 */
final class FleetLoader {

    private static final int BATCH = 1000;
    private static final int COUNT_SHARDS = 16;
    private static final String[][] HOSTS = {
        {"Acme Meters", "WM-3000"}, {"Acme Meters", "WM-3100"}, {"Globex", "GX-Gateway"},
        {"Initech", "IN-Tracker 2"}, {"Umbrella IoT", "U-Sense"}, {"Umbrella IoT", "U-Sense Pro"}};
    private static final String[] CERTIFIED_VERSIONS = {"4.2.1", "4.2.0", "5.0.3"};
    private static final String[] UNCERTIFIED_VERSIONS = {"4.3.0-rc1", "3.9.9"};

    private final Random random;
    private final long now;
    private final long[][] counts = new long[ComplianceState.values().length][COUNT_SHARDS];

    private FleetLoader(long seed, Instant now) {
        this.random = new Random(seed);
        this.now = now.toEpochMilli();
    }

    /** Loads {@code devices} devices; the same seed gives the same fleet. */
    static void load(String jdbcUrl, int devices, long seed, Instant now) throws SQLException {
        new FleetLoader(seed, now).run(jdbcUrl, devices);
    }

    private void run(String jdbcUrl, int devices) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            c.setAutoCommit(false);
            try (PreparedStatement certification = c.prepareStatement(
                    "INSERT INTO certifications (manufacturer, model, software_version) VALUES (?, ?, ?)")) {
                for (String[] host : HOSTS) {
                    for (String version : CERTIFIED_VERSIONS) {
                        certification.setString(1, host[0]);
                        certification.setString(2, host[1]);
                        certification.setString(3, version);
                        certification.addBatch();
                    }
                }
                certification.executeBatch();
            }
            try (PreparedStatement device = c.prepareStatement("INSERT INTO devices (endpoint, lwm2m_version, "
                    + "online, has_portfolio_object, ext_dev_info_present, registered_at, last_seen, state, "
                    + "last_counter, host_unique_id, host_manufacturer, host_model, host_software_version, "
                    + "search_text, last_identity_change, verified_at, verification_outcome, verification_reason, "
                    + "verification_service, verification_instance_id, verification_counter, "
                    + "verification_claims_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                    + "?, ?)")) {
                Set<String> endpoints = new HashSet<>();
                for (int i = 1; i <= devices; i++) {
                    addDevice(nextEndpoint(endpoints), device);
                    if (i % BATCH == 0 || i == devices) {
                        device.executeBatch();
                        // small transactions: H2 slows down as one transaction's undo log grows
                        c.commit();
                    }
                }
            }
            try (PreparedStatement count = c.prepareStatement(
                    "UPDATE device_counts SET n = ? WHERE state = ? AND shard = ?")) {
                for (ComplianceState state : ComplianceState.values()) {
                    for (int shard = 0; shard < COUNT_SHARDS; shard++) {
                        count.setLong(1, counts[state.ordinal()][shard]);
                        count.setString(2, state.name());
                        count.setInt(3, shard);
                        count.addBatch();
                    }
                }
                count.executeBatch();
            }
            c.commit();
        }
    }

    /** An IMEI-style endpoint, as many modules register with. */
    private String nextEndpoint(Set<String> taken) {
        while (true) {
            long serial = (random.nextLong() >>> 1) % 10_000_000_000_000L;
            String endpoint = String.format(Locale.ROOT, "urn:imei:35%013d", serial);
            if (taken.add(endpoint)) {
                return endpoint;
            }
        }
    }

    private void addDevice(String endpoint, PreparedStatement device) throws SQLException {
        double kind = random.nextDouble();
        long registered = now - (long) (random.nextDouble() * Duration.ofDays(7).toMillis());
        long seen = registered + (long) (random.nextDouble() * (now - registered));
        boolean host = kind >= 0.10;
        String[] model = HOSTS[random.nextInt(HOSTS.length)];
        String uniqueId = host ? String.format(Locale.ROOT, "HOST-%08X", random.nextInt()) : null;
        String version = !host ? null
                : kind < 0.25 ? UNCERTIFIED_VERSIONS[random.nextInt(UNCERTIFIED_VERSIONS.length)]
                : CERTIFIED_VERSIONS[random.nextInt(CERTIFIED_VERSIONS.length)];
        ComplianceState state = !host ? ComplianceState.NO_PORTFOLIO
                : kind < 0.25 ? ComplianceState.UNCERTIFIED
                : kind < 0.40 ? ComplianceState.UNVERIFIED
                : ComplianceState.COMPLIANT;
        long counter = 1 + random.nextInt(5000);

        int p = 0;
        device.setString(++p, endpoint);
        device.setString(++p, random.nextInt(5) == 0 ? "1.0" : "1.1");
        device.setBoolean(++p, random.nextInt(10) != 0);
        device.setBoolean(++p, host || random.nextBoolean());
        device.setBoolean(++p, host);
        device.setLong(++p, registered);
        device.setLong(++p, seen);
        device.setString(++p, state.name());
        // every VERIFIED verdict raised it (the UNVERIFIED share never verified)
        device.setLong(++p, host && (kind < 0.25 || kind >= 0.40) ? counter : -1);
        device.setString(++p, uniqueId);
        device.setString(++p, host ? model[0] : null);
        device.setString(++p, host ? model[1] : null);
        device.setString(++p, version);
        device.setString(++p, String.join("\n", lower(endpoint), lower(uniqueId), lower(host ? model[0] : null),
                lower(host ? model[1] : null), lower(version)));
        device.setObject(++p, host ? registered - Duration.ofDays(30).toMillis() : null, Types.BIGINT);
        p = verdict(device, p, kind, uniqueId, model, version, counter);
        device.addBatch();
        counts[state.ordinal()][Math.floorMod(endpoint.hashCode(), COUNT_SHARDS)]++;
    }

    /** The newest verdict's seven columns: the kind of verdict a device of this share would have. */
    private int verdict(PreparedStatement device, int p, double kind, String uniqueId, String[] model,
            String version, long counter) throws SQLException {
        long hour = Duration.ofHours(1).toMillis();
        String outcome;
        String reason;
        long at;
        if (kind < 0.10) {
            outcome = random.nextBoolean() ? "NOT_SUPPORTED" : null;
            reason = "no Portfolio instance linked from /3/0/22";
            at = now - random.nextInt(48) * hour;
        } else if (kind < 0.25 || kind >= 0.45) {
            outcome = "VERIFIED";
            reason = "4 AuthData values verified";
            at = now - random.nextInt(20) * hour - random.nextInt(3_600_000);
        } else if (kind < 0.40) {
            int which = random.nextInt(3);
            outcome = which == 0 ? "NOT_SUPPORTED" : which == 1 ? "FAILED" : "UNREACHABLE";
            reason = which == 0 ? "no GetAuthData service: Execute /16/0/1 answered NOT_FOUND"
                    : which == 1 ? "Identity 0: NONCE_MISMATCH (nonce does not match the one sent)"
                    : "no answer from the device within 30 s";
            at = now - random.nextInt(20) * hour;
        } else {
            // stored COMPLIANT, but the verdict is 2 to 7 days old: reported UNVERIFIED
            outcome = "VERIFIED";
            reason = "4 AuthData values verified";
            at = now - (48 + random.nextInt(120)) * hour;
        }
        boolean verified = "VERIFIED".equals(outcome);
        boolean challenged = verified || "FAILED".equals(outcome);
        device.setObject(++p, outcome == null ? null : at, Types.BIGINT);
        device.setString(++p, outcome);
        device.setString(++p, outcome == null ? null : reason);
        device.setString(++p, challenged ? "sign" : null);
        device.setObject(++p, outcome == null || kind < 0.10 ? null : 0, Types.INTEGER);
        device.setObject(++p, verified ? counter : null, Types.BIGINT);
        device.setString(++p, challenged ? claimsJson(uniqueId, model, version, counter, at, verified)
                : null);
        return p;
    }

    /** As the collector writes it: the claims of the four values verified, or of the one that failed. */
    private String claimsJson(String uniqueId, String[] model, String version, long counter, long at,
            boolean verified) {
        String[] values = {uniqueId, model[0], model[1], version};
        int count = verified ? values.length : 1;
        StringBuilder json = new StringBuilder("[");
        for (int id = 0; id < count; id++) {
            if (id > 0) {
                json.append(',');
            }
            byte[] nonce = new byte[16];
            random.nextBytes(nonce);
            json.append("{\"identityId\":").append(id).append(",\"identityValue\":\"").append(values[id])
                    .append("\",\"counter\":").append(counter - count + id + 1).append(",\"issuedAt\":")
                    .append(at / 1000).append(",\"nonce\":\"")
                    .append(Base64.getUrlEncoder().withoutPadding().encodeToString(nonce)).append("\"}");
        }
        return json.append(']').toString();
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }

    /** Brings the planner statistics up to date, as the database's own maintenance would after a load. */
    static void analyze(String jdbcUrl, boolean postgres) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
            // PostgreSQL: VACUUM also sets the visibility map, which index-only scans need (autovacuum would).
            // The tables are named, so that other schemas of the database are left alone.
            s.execute(postgres ? "VACUUM ANALYZE devices, device_counts, certifications" : "ANALYZE");
        }
    }
}
