package io.github.lwm2mportfolio.server.inventory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.SqlStatements;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;

import io.github.lwm2mportfolio.server.Revocations;
import io.github.lwm2mportfolio.server.access.TokenStore;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.compliance.ComplianceEvaluator;
import io.github.lwm2mportfolio.server.compliance.ComplianceState;
import io.micrometer.core.instrument.MeterRegistry;

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
 * <p>
 * The work is done by package-private collaborators, one per concern: {@link DatabaseSetup} opens the database,
 * {@link DeviceWrites}, {@link IdentityWrites} and {@link VerificationWrites} write devices through
 * {@link DeviceRows} and {@link RetryingTransactions}, {@link DeviceDetails}, {@link DeviceListing} and
 * {@link DeviceCursorListing} read them, {@link CertificationTable} and {@link CredentialTable} keep the
 * certification list and the credentials, {@link TokenTable} the API tokens.
 */
public final class JdbcInventory implements Inventory {

    public static final Duration DEFAULT_FRESHNESS = Duration.ofHours(24);
    /** Verdicts kept per device; older ones are deleted. */
    public static final int VERIFICATIONS_KEPT = 50;
    /** Identity changes {@link #device(String)} returns, newest first. */
    public static final int HISTORY_SHOWN = 200;
    /** The reason of a VERIFIED verdict whose counter was not above the stored one. */
    public static final String COUNTER_REPLAYED = "counter replayed";

    /** Rows per statement or batch when many are read or written. */
    static final int BATCH = 1000;
    /** How long a health check waits for the database before it calls it unreachable. */
    static final Duration PROBE_BOUND = Duration.ofSeconds(1);

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final DeviceWrites deviceWrites;
    private final IdentityWrites identityWrites;
    private final VerificationWrites verificationWrites;
    private final CollectionWrites collectionWrites;
    private final DeviceDetails deviceDetails;
    private final DeviceListing deviceListing;
    private final DeviceCursorListing deviceCursorListing;
    private final CertificationTable certificationTable;
    private final CertificationMatches certificationMatches;
    private final CredentialTable credentialTable;
    private final TokenTable tokenTable;
    private final DatabaseProbe probe;
    private final Strangers strangers;
    private final DeviceLifecycle deviceLifecycle;
    private final RevocationTable revocationTable;
    private final RetryingTransactions transactions;
    private final ComplianceChanges complianceChanges = new ComplianceChanges();
    private final java.util.concurrent.CopyOnWriteArrayList<Consumer<Revocations>> revocationListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    private JdbcInventory(HikariDataSource dataSource, Clock clock, Duration freshness, SecretSealer sealer) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        this.transactions = new RetryingTransactions(jdbi, complianceChanges);
        DeviceStates states = new DeviceStates(clock, freshness);
        DeviceRows rows = new DeviceRows(clock, states, complianceChanges);
        this.deviceWrites = new DeviceWrites(transactions, rows);
        this.identityWrites = new IdentityWrites(transactions, rows);
        this.verificationWrites = new VerificationWrites(jdbi, transactions, rows);
        this.collectionWrites = new CollectionWrites(jdbi, transactions, rows);
        this.deviceDetails = new DeviceDetails(jdbi, states);
        this.deviceListing = new DeviceListing(jdbi, states);
        this.deviceCursorListing = new DeviceCursorListing(jdbi, states);
        this.certificationTable = new CertificationTable(jdbi, transactions, clock, states, complianceChanges);
        this.certificationMatches = new CertificationMatches(jdbi);
        this.deviceLifecycle = new DeviceLifecycle(transactions);
        this.revocationTable = new RevocationTable(jdbi, transactions);
        this.credentialTable = new CredentialTable(jdbi, transactions, sealer);
        this.tokenTable = new TokenTable(jdbi, transactions, clock);
        this.probe = new DatabaseProbe(dataSource, PROBE_BOUND);
        this.strangers = new Strangers(jdbi, transactions);
    }

    /** Tells {@code logger} of every SQL statement from now on (a batch is one), to count what a write costs. */
    void logStatementsTo(SqlLogger logger) {
        jdbi.getConfig(SqlStatements.class).setSqlLogger(logger);
    }

    /**
     * Opens the database at this URL with the system clock, a verification freshness of 24 hours and PSKs sealed
     * with a key of this process only ({@link SecretSealer#ephemeral()}: for tests and tools that keep none).
     */
    public static JdbcInventory open(String jdbcUrl) {
        return open(jdbcUrl, Clock.systemUTC(), DEFAULT_FRESHNESS);
    }

    /**
     * Opens the database at this URL, creating or migrating its schema, with PSKs sealed with a key of this
     * process only ({@link SecretSealer#ephemeral()}).
     *
     * @param jdbcUrl {@code jdbc:h2:...} (the PostgreSQL compatibility options are added when missing) or
     *        {@code jdbc:postgresql://...} (user and password as URL parameters)
     * @param clock the "now" of compliance states
     * @param verificationFreshness how long a VERIFIED verdict keeps a device COMPLIANT
     * @throws IllegalStateException when the database cannot be reached or migrated, with a one-line reason
     *         that names the URL without its password
     */
    public static JdbcInventory open(String jdbcUrl, Clock clock, Duration verificationFreshness) {
        return open(jdbcUrl, clock, verificationFreshness, SecretSealer.ephemeral());
    }

    /**
     * Opens the database at this URL, creating or migrating its schema, with PSKs sealed by {@code sealer} (PSKs
     * stored unsealed by an older version are sealed now).
     *
     * @throws IllegalStateException as {@link #open(String, Clock, Duration)}, and when a stored PSK was sealed
     *         with another key
     */
    public static JdbcInventory open(String jdbcUrl, Clock clock, Duration verificationFreshness,
            SecretSealer sealer) {
        Objects.requireNonNull(sealer, "sealer");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(verificationFreshness, "verificationFreshness");
        if (verificationFreshness.isNegative() || verificationFreshness.isZero()) {
            throw new IllegalArgumentException("the verification freshness must be positive, got "
                    + verificationFreshness);
        }
        HikariDataSource pool = DatabaseSetup.openPool(jdbcUrl);
        try {
            return new JdbcInventory(pool, clock, verificationFreshness, sealer);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * Publishes the database's figures to this registry from now on: the write transactions' time and retries,
     * and the connection pool's (Hikari's own meters).
     */
    public void bindMetrics(MeterRegistry registry) {
        transactions.measureWith(new TransactionMetrics(registry));
        dataSource.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
    }

    /** The default embedded database: an H2 file {@code inventory.mv.db} in this directory. */
    public static String h2Url(Path dataDirectory) {
        return DatabaseUrls.h2Url(dataDirectory);
    }

    /** The URL with every password replaced by ***. */
    static String redact(String url) {
        return DatabaseUrls.redact(url);
    }

    // ------------------------------------------------------------------------------------------------ writes

    @Override
    public void registered(String endpoint, String lwm2mVersion, boolean hasPortfolioObject, Instant at) {
        deviceWrites.registered(endpoint, lwm2mVersion, hasPortfolioObject, at);
    }

    @Override
    public void registeredOverDtls(String endpoint) {
        deviceWrites.registeredOverDtls(endpoint);
    }

    @Override
    public boolean hasRegisteredOverDtls(String endpoint) {
        return deviceDetails.hasRegisteredOverDtls(endpoint);
    }

    @Override
    public void deregistered(String endpoint, Instant at) {
        deviceWrites.deregistered(endpoint, at);
    }

    /**
     * Marks every device offline, for a server that starts: Leshan keeps registrations in memory, so no device
     * is registered with a new server run until it registers again. Returns how many were online.
     */
    public int markAllOffline() {
        return deviceWrites.allOffline();
    }

    @Override
    public void seen(String endpoint, Instant at) {
        deviceWrites.seen(endpoint, at);
    }

    @Override
    public void portfoliosCollected(String endpoint, List<PortfolioSnapshot> portfolios, boolean extDevInfoPresent,
            Instant at) {
        identityWrites.portfoliosCollected(endpoint, portfolios, extDevInfoPresent, at);
    }

    @Override
    public boolean collectionRecorded(CollectionRecord record) {
        return collectionWrites.record(Objects.requireNonNull(record, "record"));
    }

    @Override
    public List<Boolean> collectionsRecorded(List<CollectionRecord> records) {
        return collectionWrites.recordAll(Objects.requireNonNull(records, "records"));
    }

    @Override
    public Optional<CollectionBasis> collectionBasis(String endpoint) {
        return collectionWrites.basis(endpoint);
    }

    @Override
    public boolean identitiesReported(String endpoint, int instanceId, Map<Integer, String> values, Instant at) {
        return identityWrites.identitiesReported(endpoint, instanceId, values, at);
    }

    @Override
    public void identityReported(String endpoint, int instanceId, int identityId, String value, Instant at) {
        identityWrites.identityReported(endpoint, instanceId, identityId, value, at);
    }

    @Override
    public long lastAcceptedCounter(String endpoint) {
        return verificationWrites.lastAcceptedCounter(endpoint);
    }

    @Override
    public boolean verificationRecorded(String endpoint, Verification verification) {
        return verificationWrites.verificationRecorded(endpoint, verification);
    }

    @Override
    public void collectionFailed(String endpoint, String reason, Instant at) {
        deviceWrites.collectionFailed(endpoint, reason, at);
    }

    @Override
    public boolean established(String endpoint) {
        return strangers.established(endpoint);
    }

    @Override
    public int purgeStrangers(Instant notSeenSince) {
        return strangers.purge(notSeenSince);
    }

    @Override
    public boolean removeDevice(String endpoint) {
        return deviceLifecycle.remove(endpoint);
    }

    @Override
    public boolean reEnrol(String endpoint, String actor, Instant at) {
        return deviceLifecycle.reEnrol(endpoint, actor, at);
    }

    /**
     * Tells {@code listener} every change of a device's stored compliance state, after its transaction committed,
     * on the writing thread: it must not block.
     */
    public void addComplianceListener(Consumer<ComplianceChange> listener) {
        complianceChanges.addListener(Objects.requireNonNull(listener, "listener"));
    }

    // ------------------------------------------------------------------------------------------------- reads

    @Override
    public Optional<DeviceDetail> device(String endpoint) {
        return deviceDetails.device(endpoint);
    }

    @Override
    public Page<DeviceSummary> devices(DeviceQuery query) {
        return deviceListing.devices(query);
    }

    @Override
    public CursorPage<DeviceSummary> devices(DeviceCursorQuery query) {
        return deviceCursorListing.devices(query);
    }

    /**
     * Gives every device to {@code consumer}, ordered by endpoint, a thousand rows read at a time (not one
     * snapshot: a device written meanwhile may appear as it was before or after the write).
     */
    public void forEachDevice(Consumer<DeviceSummary> consumer) {
        forEachDevice(consumer, BATCH);
    }

    void forEachDevice(Consumer<DeviceSummary> consumer, int batchSize) {
        deviceListing.forEachDevice(consumer, batchSize);
    }

    @Override
    public Map<ComplianceState, Long> complianceCounts() {
        return deviceListing.complianceCounts();
    }

    // --------------------------------------------------------------------------------------- certifications

    @Override
    public CertificationList certifications() {
        return certificationTable.certifications();
    }

    @Override
    public List<CertificationMatch> certificationMatches() {
        return certificationMatches.of(certificationTable.certifications().records());
    }

    @Override
    public void replaceCertifications(CertificationList list) {
        certificationTable.replaceCertifications(list, null, false);
    }

    @Override
    public void replaceCertifications(CertificationList list, String changedBy, boolean throughApi) {
        certificationTable.replaceCertifications(list, changedBy, throughApi);
    }

    @Override
    public Optional<CertificationSource> certificationSource() {
        return certificationTable.source();
    }

    // ------------------------------------------------------------------------------------------- revocations

    @Override
    public Revocations revocations() {
        return revocationTable.revocations();
    }

    @Override
    public void replaceRevocations(Revocations revocations) {
        revocationTable.replace(revocations);
        for (Consumer<Revocations> listener : revocationListeners) {
            listener.accept(revocations);
        }
    }

    /** Tells {@code listener} each list stored by {@link #replaceRevocations}, for the verifier that uses it. */
    public void addRevocationListener(Consumer<Revocations> listener) {
        revocationListeners.add(Objects.requireNonNull(listener, "listener"));
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
        credentialTable.putCredential(credential);
    }

    @Override
    public Optional<DeviceCredential> credential(String endpoint) {
        return credentialTable.credential(endpoint);
    }

    @Override
    public Optional<DeviceCredential> credentialByPskIdentity(String pskIdentity) {
        return credentialTable.credentialByPskIdentity(pskIdentity);
    }

    @Override
    public List<DeviceCredential> credentials() {
        return credentialTable.credentials();
    }

    @Override
    public boolean removeCredential(String endpoint) {
        return credentialTable.removeCredential(endpoint);
    }

    // ------------------------------------------------------------------------------------------------ tokens

    @Override
    public TokenStore tokens() {
        return tokenTable;
    }

    @Override
    public Optional<String> databaseProblem() {
        return probe.problem();
    }

    @Override
    public void close() {
        probe.close();
        dataSource.close();
    }
}
