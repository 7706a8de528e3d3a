package io.github.lwm2mportfolio.cli.bench;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import io.github.lwm2mportfolio.server.redis.SharedRedis;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;

/**
 * The PostgreSQL schema and Redis key prefix of one run of ours as nodes: made fresh, measured with the fleet
 * registered, removed on close, so that runs never see each other's devices and leave nothing behind.
 */
final class SharedRun implements AutoCloseable {

    private static final int SCAN_BATCH = 1000;

    private final String database;
    private final String schema;
    private final String redisUri;
    private final SharedRedis redis;
    private final long usedMemoryBefore;

    private SharedRun(String database, String schema, String redisUri, SharedRedis redis) {
        this.database = database;
        this.schema = schema;
        this.redisUri = redisUri;
        this.redis = redis;
        this.usedMemoryBefore = usedMemory();
    }

    static SharedRun open(String database, String redisUri) throws IOException {
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String schema = "bench_" + run;
        try (Connection connection = DriverManager.getConnection(database);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IOException("cannot make a schema in " + database + ": " + e.getMessage(), e);
        }
        try {
            return new SharedRun(database, schema, redisUri, SharedRedis.connect(redisUri, "bench-" + run + ":",
                    "bench"));
        } catch (RuntimeException e) {
            dropSchema(database, schema);
            throw new IOException(e.getMessage(), e);
        }
    }

    /** The URL the nodes get: the run's schema on the given server. */
    String jdbcUrl() {
        return database + (database.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    String redisUri() {
        return redisUri;
    }

    String redisPrefix() {
        return redis.keys().prefix();
    }

    /** Sizes now, with {@code registeredClients} registered. */
    SharedStorage measure(int registeredClients) throws IOException {
        Map<String, long[]> kinds = new TreeMap<>();
        long keys = 0;
        long bytes = 0;
        try {
            for (String key : keys()) {
                Long usage = redis.commands().memoryUsage(key);
                if (usage == null) {
                    continue; // gone meanwhile (a lease released)
                }
                String rest = key.substring(redisPrefix().length());
                long[] kind = kinds.computeIfAbsent(rest.contains(":") ? rest.substring(0, rest.indexOf(':')) : rest,
                        k -> new long[2]);
                kind[0]++;
                kind[1] += usage;
                keys++;
                bytes += usage;
            }
        } catch (RedisException e) {
            throw new IOException("cannot measure the run's keys in Redis: " + e.getMessage(), e);
        }
        List<SharedStorage.KeyKind> byKind = new ArrayList<>();
        kinds.forEach((kind, figures) -> byKind.add(new SharedStorage.KeyKind(kind, figures[0], figures[1])));
        List<SharedStorage.Table> tables = tables();
        return new SharedStorage(schema, redisPrefix(), registeredClients, keys, bytes, byKind, usedMemoryBefore, usedMemory(),
                tables.stream().mapToLong(SharedStorage.Table::bytes).sum(), tables);
    }

    private List<SharedStorage.Table> tables() throws IOException {
        List<SharedStorage.Table> tables = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(database);
                PreparedStatement names = connection.prepareStatement("SELECT table_name, pg_total_relation_size("
                        + "quote_ident(table_schema) || '.' || quote_ident(table_name)) FROM information_schema.tables "
                        + "WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY table_name")) {
            names.setString(1, schema);
            try (ResultSet rows = names.executeQuery()) {
                while (rows.next()) {
                    String table = rows.getString(1);
                    tables.add(new SharedStorage.Table(table, count(connection, table), rows.getLong(2)));
                }
            }
        } catch (SQLException e) {
            throw new IOException("cannot measure the run's schema: " + e.getMessage(), e);
        }
        return tables;
    }

    private long count(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + schema + ".\"" + table + "\"")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private long usedMemory() {
        String info = redis.commands().info("memory");
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).strip());
            }
        }
        return -1;
    }

    private List<String> keys() {
        List<String> keys = new ArrayList<>();
        ScanArgs match = ScanArgs.Builder.matches(redisPrefix() + "*").limit(SCAN_BATCH);
        KeyScanCursor<String> cursor = redis.commands().scan(match);
        keys.addAll(cursor.getKeys());
        while (!cursor.isFinished()) {
            cursor = redis.commands().scan(ScanCursor.of(cursor.getCursor()), match);
            keys.addAll(cursor.getKeys());
        }
        return keys;
    }

    /** Drops the schema and deletes the keys; call it once the nodes have stopped. */
    @Override
    public void close() {
        try {
            List<String> keys = keys();
            for (int from = 0; from < keys.size(); from += SCAN_BATCH) {
                redis.commands().del(keys.subList(from, Math.min(keys.size(), from + SCAN_BATCH)).toArray(String[]::new));
            }
        } finally {
            redis.close();
            dropSchema(database, schema);
        }
    }

    private static void dropSchema(String database, String schema) {
        try (Connection connection = DriverManager.getConnection(database);
                Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop the run's schema " + schema + ": " + e.getMessage(), e);
        }
    }
}
