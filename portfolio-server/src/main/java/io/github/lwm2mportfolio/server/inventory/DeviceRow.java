package io.github.lwm2mportfolio.server.inventory;

import static io.github.lwm2mportfolio.server.inventory.SqlValues.instant;

import java.time.Instant;

import org.jdbi.v3.core.mapper.RowMapper;

import io.github.lwm2mportfolio.server.compliance.ComplianceState;

/** One devices row, changed in memory by a write and then saved whole (but for last_counter). */
final class DeviceRow {

    /** The columns {@link #MAPPER} reads, for {@code SELECT}. */
    static final String COLUMNS = "endpoint, lwm2m_version, online, has_portfolio_object, "
            + "ext_dev_info_present, registered_at, last_seen, state, last_counter, collection_error, collected_at, "
            + "host_unique_id, host_manufacturer, host_model, host_software_version, last_identity_change, "
            + "verified_at, verification_outcome, verification_reason, verification_service, "
            + "verification_instance_id, verification_counter, verification_claims_json, host_verified, "
            + "object_links_digest";

    static final RowMapper<DeviceRow> MAPPER = (rs, ctx) -> {
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
        row.collectedAt = instant(rs, "collected_at");
        row.host = new HostIdentityView(rs.getString("host_unique_id"), rs.getString("host_manufacturer"),
                rs.getString("host_model"), rs.getString("host_software_version"));
        row.lastIdentityChange = instant(rs, "last_identity_change");
        row.hostVerified = rs.getBoolean("host_verified");
        row.objectLinksDigest = rs.getString("object_links_digest");
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
    /** When a collection last completed; null: never. */
    Instant collectedAt;
    HostIdentityView host;
    /** A VERIFIED verdict confirmed the host values: values reported since are claims until verified. */
    boolean hostVerified;
    Instant lastIdentityChange;
    /** The object links of the registration last collected, digested; null: unknown. */
    String objectLinksDigest;
    Verification lastVerification;
    /** Created by this transaction: counted for the first time when saved. */
    boolean inserted;

    /** A row just inserted: the columns' defaults (V1__inventory.sql). */
    static DeviceRow created(String endpoint) {
        DeviceRow row = new DeviceRow();
        row.endpoint = endpoint;
        row.state = ComplianceState.NO_PORTFOLIO;
        row.lastCounter = -1;
        row.host = HostIdentityView.UNKNOWN;
        row.inserted = true;
        return row;
    }

    /** The later of a stored instant (maybe null) and a new one: events may arrive out of order. */
    static Instant latest(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }
}
