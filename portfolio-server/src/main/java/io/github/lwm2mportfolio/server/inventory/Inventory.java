package io.github.lwm2mportfolio.server.inventory;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.lwm2mportfolio.server.Revocations;
import io.github.lwm2mportfolio.server.access.TokenStore;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.compliance.ComplianceState;

/**
 * The fleet's host-device identities, verdicts and compliance, kept in a database. Every method is safe to
 * call from many threads at once; concurrent calls never lose an update. Each write recomputes the
 * device's compliance state.
 */
public interface Inventory extends AutoCloseable {

    /** A client registered (or re-registered): creates the device or updates it, online. */
    void registered(String endpoint, String lwm2mVersion, boolean hasPortfolioObject, Instant at);

    /**
     * The endpoint registered over CoAPS: from now on it is refused over plain CoAP, until the device is removed
     * ({@link #removeDevice(String)}). Creates the device when unknown.
     */
    void registeredOverDtls(String endpoint);

    /** Whether the endpoint ever registered over CoAPS since it was last removed. */
    boolean hasRegisteredOverDtls(String endpoint);

    /** A client deregistered or expired: kept, offline. */
    void deregistered(String endpoint, Instant at);

    /** The client was heard from (update, notification). */
    void seen(String endpoint, Instant at);

    /**
     * What a collection read: replaces the device's Portfolio instances, appends every changed Identity
     * value to the history, clears the last collection error.
     */
    void portfoliosCollected(String endpoint, List<PortfolioSnapshot> portfolios, boolean extDevInfoPresent,
            Instant at);

    /**
     * A whole collection in one transaction: the registration it was made on, what it read, its verdict (a
     * VERIFIED one raises the counter as {@link #verificationRecorded} does) and its failure. Returns false when
     * the verdict was VERIFIED but stored as FAILED "counter replayed".
     */
    boolean collectionRecorded(CollectionRecord record);

    /**
     * The collections of several devices in one transaction, each written as {@link #collectionRecorded} writes
     * it; the results in the same order. One that cannot be written rolls back all of them.
     */
    List<Boolean> collectionsRecorded(List<CollectionRecord> records);

    /** What a collection of this device starts from; empty when the device is unknown. */
    Optional<CollectionBasis> collectionBasis(String endpoint);

    /**
     * A whole Identity resource of one instance notified (values by Identity number), in one transaction: each
     * value that appeared, changed or went away is recorded as {@link #identityReported} does, and the device is
     * seen. True when a value changed.
     */
    boolean identitiesReported(String endpoint, int instanceId, Map<Integer, String> values, Instant at);

    /** One Identity value reported by a notification (null: removed); appended to the history if changed. */
    void identityReported(String endpoint, int instanceId, int identityId, String value, Instant at);

    /** The last AuthData counter accepted from this device, -1 when none. */
    long lastAcceptedCounter(String endpoint);

    /**
     * Records a verdict. For a VERIFIED one with a counter, the device's counter is raised in the same
     * transaction only if it is higher than the stored one; when it is not (a concurrent verification got
     * there first), the verdict is stored as FAILED "counter replayed" and false is returned.
     */
    boolean verificationRecorded(String endpoint, Verification verification);

    /** A collection failed for a reason (kept until the next good collection). */
    void collectionFailed(String endpoint, String reason, Instant at);

    /**
     * Whether the device is established: it has a DTLS credential, or a collection of it completed and found a
     * Portfolio object. The collector serves established devices before strangers.
     */
    boolean established(String endpoint);

    /**
     * Deletes the strangers that are gone: devices offline, with no credential, not seen since this instant, that
     * never completed a collection or never had a Portfolio object. Returns how many.
     */
    int purgeStrangers(Instant notSeenSince);

    /**
     * Removes the device with its whole history (instances, Identity changes, verdicts, actions); its DTLS
     * credential stays. False when the endpoint is unknown.
     */
    boolean removeDevice(String endpoint);

    /**
     * Re-enrols a device whose store was lost: forgets the highest AuthData counter accepted from it, so that its
     * next verified AuthData is accepted whatever its counter, and records the action with who asked for it.
     * False when the endpoint is unknown.
     */
    boolean reEnrol(String endpoint, String actor, Instant at);

    Optional<DeviceDetail> device(String endpoint);

    /** A page of the fleet list by offset; deep pages cost more, see {@link DeviceCursorQuery}. */
    Page<DeviceSummary> devices(DeviceQuery query);

    /** A page of the fleet list after a cursor: every page costs what the first one does. */
    CursorPage<DeviceSummary> devices(DeviceCursorQuery query);

    Map<ComplianceState, Long> complianceCounts();

    CertificationList certifications();

    /** Replaces the certification list in one transaction and recomputes every device's state. */
    void replaceCertifications(CertificationList list);

    /** The same, recording who changed it ("token 'ops'", "file certified.csv") and whether through the API. */
    void replaceCertifications(CertificationList list, String changedBy, boolean throughApi);

    /** For each record of the certification list, the devices that report that host. */
    List<CertificationMatch> certificationMatches();

    /** Who last changed the certification list; empty when it was never set. */
    Optional<CertificationSource> certificationSource();

    /** The revoked device certificates kept in the inventory. */
    Revocations revocations();

    /** Replaces the revoked device certificates; the server's verifier uses the new list from now on. */
    void replaceRevocations(Revocations revocations);

    void putCredential(DeviceCredential credential);

    Optional<DeviceCredential> credential(String endpoint);

    Optional<DeviceCredential> credentialByPskIdentity(String pskIdentity);

    List<DeviceCredential> credentials();

    boolean removeCredential(String endpoint);

    /** The API tokens of the REST API, kept in the same database. */
    TokenStore tokens();

    /** Empty when the database answers now (within a second, even when it hangs), else what is wrong. */
    Optional<String> databaseProblem();

    @Override
    void close();
}
