package io.github.lwm2mportfolio.bench;

import io.github.lwm2mportfolio.server.ServerEvents;
import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.collector.DeviceOperations;
import io.github.lwm2mportfolio.server.compliance.ComplianceState;
import io.github.lwm2mportfolio.server.inventory.CursorPage;
import io.github.lwm2mportfolio.server.inventory.DeviceCursorQuery;
import io.github.lwm2mportfolio.server.inventory.DeviceQuery;
import io.github.lwm2mportfolio.server.inventory.DeviceSummary;
import io.github.lwm2mportfolio.server.inventory.JdbcInventory;
import io.github.lwm2mportfolio.server.inventory.Page;
import io.github.lwm2mportfolio.server.inventory.Verification;
import io.github.lwm2mportfolio.server.rest.RestApi;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One page of 100 devices of the fleet list from an inventory of 100,000, anywhere in the list (deep pages
 * included), read in the two ways the API offers, side by side: by offset ({@code page=}, a random page
 * number: the page is the one a user jumps to) and by cursor ({@code after=}, a random endpoint of the fleet
 * as the cursor: the page a client reaches by following {@code next}, or a console resuming where it was).
 * Each straight from {@link JdbcInventory#devices}, without and with a state filter, and through the REST API
 * over loopback HTTP. SampleTime, so that the result has p50, p99 and p99.9; the target is p99 under 20 ms on
 * both databases. Each trial loads its own fleet (10 to 60 s on the shared machine), which is why the
 * filtered page is not also measured over HTTP: the HTTP, Javalin and JSON share of a page is the difference
 * between {@code httpPage} and {@code inventoryPage}.
 *
 * <p>The state filter is UNVERIFIED: with stale COMPLIANT verdicts in the fleet it is the costliest query
 * (two index ranges merged). PostgreSQL is {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres} unless
 * {@code -Dportfolio.bench.postgres=...} (through {@code -jvmArgsAppend}) names another; the benchmark uses
 * a schema of its own and drops it at teardown.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class InventoryPageBenchmark {

    static final int DEVICES = 100_000;
    static final int PAGE_SIZE = 100;
    static final ComplianceState FILTER = ComplianceState.UNVERIFIED;
    static final String POSTGRES = System.getProperty("portfolio.bench.postgres",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    @Param({"h2", "postgresql"})
    public String database;

    private Path directory;
    private String schema;
    private JdbcInventory inventory;
    private RestApi api;
    private String authorization;
    private HttpClient http;
    private String base;
    private int pages;
    private int filteredPages;
    // Every endpoint, and the UNVERIFIED ones, in list order: the cursors of the cursor pages.
    private List<String> endpoints;
    private List<String> filteredEndpoints;
    private String cursorBase;

    /** Each thread jumps to its own sequence of pages. */
    @State(Scope.Thread)
    public static class Pages {
        final SplittableRandom random = new SplittableRandom(16);
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        String url;
        boolean postgres = database.equals("postgresql");
        if (postgres) {
            schema = "bench_inventory_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            createSchema(schema);
            url = POSTGRES + (POSTGRES.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        } else {
            directory = TempDirectory.create("inventory");
            url = JdbcInventory.h2Url(directory);
        }
        inventory = JdbcInventory.open(url); // migrates the empty schema
        long started = System.nanoTime();
        // reWriteBatchedInserts: the PostgreSQL driver sends a batch as multi-row INSERTs, fewer round trips
        FleetLoader.load(postgres ? url + "&reWriteBatchedInserts=true" : url, DEVICES, 42, Instant.now());
        FleetLoader.analyze(url, postgres);
        double seconds = (System.nanoTime() - started) / 1e9;

        pages = DEVICES / PAGE_SIZE;
        long filtered = inventory.complianceCounts().get(FILTER);
        filteredPages = (int) ((filtered + PAGE_SIZE - 1) / PAGE_SIZE);
        api = RestApi.start("127.0.0.1", 0, inventory, new NoDevices(), new ServerEvents());
        authorization = "Bearer " + inventory.tokens().create("bench", Role.VIEWER).secret();
        base = "http://127.0.0.1:" + api.port() + "/api/devices?size=" + PAGE_SIZE + "&page=";
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        cursorBase = "http://127.0.0.1:" + api.port() + "/api/devices?limit=" + PAGE_SIZE + "&after=";
        endpoints = everyEndpoint(null);
        filteredEndpoints = everyEndpoint(FILTER);

        // A load that went wrong would make an empty page look fast.
        Page<DeviceSummary> last = inventory.devices(new DeviceQuery(null, null, pages - 1, PAGE_SIZE));
        if (last.total() != DEVICES || last.items().size() != PAGE_SIZE || endpoints.size() != DEVICES
                || filteredEndpoints.size() != filtered) {
            throw new IllegalStateException("the inventory holds " + last.total() + " devices, the last page "
                    + last.items().size() + "; by cursor " + endpoints.size() + " devices, "
                    + filteredEndpoints.size() + " " + FILTER);
        }
        System.out.printf("%n%s: %,d devices loaded in %.1f s, %,d %s; a page is %,d bytes of JSON%n", database,
                DEVICES, seconds, filtered, FILTER, get(base + 0).length);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        if (api != null) {
            api.stop();
        }
        if (inventory != null) {
            inventory.close();
        }
        if (schema != null) {
            dropSchema(schema);
        }
        TempDirectory.delete(directory);
    }

    @Benchmark
    public Page<DeviceSummary> inventoryPage(Pages p) {
        return inventory.devices(new DeviceQuery(null, null, p.random.nextInt(pages), PAGE_SIZE));
    }

    @Benchmark
    public Page<DeviceSummary> inventoryPageByState(Pages p) {
        return inventory.devices(new DeviceQuery(FILTER, null, p.random.nextInt(filteredPages), PAGE_SIZE));
    }

    /** The whole path a console takes: HTTP, Javalin, the query, JSON of 100 devices. */
    @Benchmark
    public byte[] httpPage(Pages p) throws IOException, InterruptedException {
        return get(base + p.random.nextInt(pages));
    }

    @Benchmark
    public CursorPage<DeviceSummary> cursorPage(Pages p) {
        return inventory.devices(new DeviceCursorQuery(null, null, cursor(p, endpoints), PAGE_SIZE, false));
    }

    @Benchmark
    public CursorPage<DeviceSummary> cursorPageByState(Pages p) {
        return inventory.devices(new DeviceCursorQuery(FILTER, null, cursor(p, filteredEndpoints), PAGE_SIZE,
                false));
    }

    @Benchmark
    public byte[] httpCursorPage(Pages p) throws IOException, InterruptedException {
        return get(cursorBase + URLEncoder.encode(cursor(p, endpoints), StandardCharsets.UTF_8));
    }

    /** A random endpoint of the list with a full page after it. */
    private static String cursor(Pages p, List<String> list) {
        return list.get(p.random.nextInt(list.size() - PAGE_SIZE));
    }

    private List<String> everyEndpoint(ComplianceState state) {
        List<String> all = new ArrayList<>();
        String after = null;
        do {
            CursorPage<DeviceSummary> page = inventory.devices(new DeviceCursorQuery(state, null, after,
                    DeviceCursorQuery.MAX_LIMIT, false));
            page.items().forEach(d -> all.add(d.endpoint()));
            after = page.next();
        } while (after != null);
        return all;
    }

    private byte[] get(String uri) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(uri))
                .header("Authorization", authorization).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + response.statusCode() + ": "
                    + new String(response.body()));
        }
        return response.body();
    }

    /**
     * pg_trgm goes into public first: the migration would otherwise install it in this schema, and dropping
     * the schema would take the extension away from everyone else.
     */
    private static void createSchema(String schema) throws SQLException {
        try (Connection c = DriverManager.getConnection(POSTGRES); Statement s = c.createStatement()) {
            try {
                s.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public");
            } catch (SQLException e) {
                // the inventory works without it, and the fleet list without a text filter does not use it
            }
            s.execute("CREATE SCHEMA " + schema);
        }
    }

    private static void dropSchema(String schema) throws SQLException {
        try (Connection c = DriverManager.getConnection(POSTGRES); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    /** The fleet list never reaches a device. */
    private static final class NoDevices implements DeviceOperations {

        @Override
        public CompletableFuture<Verification> verifyNow(String endpoint) {
            throw new UnsupportedOperationException("no devices in a benchmark");
        }

        @Override
        public CompletableFuture<WriteOutcome> writeIdentity(String endpoint, int instanceId, int identityId,
                String value) {
            throw new UnsupportedOperationException("no devices in a benchmark");
        }
    }
}
