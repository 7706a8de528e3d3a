package io.github.lwm2mportfolio.server.inventory;

import static io.github.lwm2mportfolio.server.inventory.SqlValues.epochMillis;

import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;

import org.jdbi.v3.core.Handle;

import io.github.lwm2mportfolio.server.compliance.ComplianceState;
import io.github.lwm2mportfolio.server.inventory.DeviceCounts.CountKey;

/**
 * The start and end of every device write: the device's row locked for the transaction (created when the
 * endpoint is unknown, since a notification may race its registration), then saved back with its state
 * recomputed and the per-state counts kept.
 */
final class DeviceRows {

    private final Clock clock;
    private final DeviceStates states;
    private final ComplianceChanges complianceChanges;

    DeviceRows(Clock clock, DeviceStates states, ComplianceChanges complianceChanges) {
        this.clock = clock;
        this.states = states;
        this.complianceChanges = complianceChanges;
    }

    /** Locks the device's row for this transaction, creating the row when the endpoint is new. */
    DeviceRow lockDevice(Handle h, String endpoint) {
        String select = "SELECT " + DeviceRow.COLUMNS + " FROM devices WHERE endpoint = ? FOR UPDATE";
        Optional<DeviceRow> row = h.createQuery(select).bind(0, endpoint).map(DeviceRow.MAPPER).findOne();
        if (row.isPresent()) {
            return row.get();
        }
        int inserted = h.createUpdate(
                "INSERT INTO devices (endpoint, search_text) VALUES (?, ?) ON CONFLICT DO NOTHING")
                .bind(0, endpoint).bind(1, searchText(endpoint, HostIdentityView.UNKNOWN)).execute();
        if (inserted > 0) {
            return DeviceRow.created(endpoint); // inserted and so locked by this transaction: nothing to read back
        }
        return h.createQuery(select).bind(0, endpoint).map(DeviceRow.MAPPER).one(); // another one created it
    }

    /** Recomputes the state and writes the row back (last_counter is only ever raised by its own UPDATE). */
    void save(Handle h, DeviceRow row) {
        Instant now = clock.instant();
        ComplianceState before = row.inserted ? null : row.state;
        // A device created by this transaction was in the column's default state (NO_PORTFOLIO) until now: a whole
        // collection written at once still tells that it became COMPLIANT, say.
        ComplianceState announcedBefore = row.state;
        row.state = states.evaluate(row,
                DeviceStates.linksHostInstance(row) && CertificationTable.certifiedInDatabase(h, row.host), now);
        Verification v = row.lastVerification;
        h.createUpdate("UPDATE devices SET lwm2m_version = ?, online = ?, has_portfolio_object = ?, "
                + "ext_dev_info_present = ?, registered_at = ?, last_seen = ?, state = ?, collection_error = ?, "
                + "host_unique_id = ?, host_manufacturer = ?, host_model = ?, host_software_version = ?, "
                + "search_text = ?, last_identity_change = ?, verified_at = ?, verification_outcome = ?, "
                + "verification_reason = ?, verification_service = ?, verification_instance_id = ?, "
                + "verification_counter = ?, verification_claims_json = ?, host_verified = ?, object_links_digest = ?, "
                + "collected_at = ? WHERE endpoint = ?")
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
                .bind(21, row.hostVerified)
                .bind(22, row.objectLinksDigest)
                .bind(23, epochMillis(row.collectedAt))
                .bind(24, row.endpoint)
                .execute();
        if (before != row.state) {
            TreeMap<CountKey, Long> deltas = new TreeMap<>();
            if (before != null) {
                deltas.merge(CountKey.of(before, row.endpoint), -1L, Long::sum);
            }
            deltas.merge(CountKey.of(row.state, row.endpoint), 1L, Long::sum);
            DeviceCounts.adjust(h, deltas);
            if (announcedBefore != row.state) {
                complianceChanges.changed(new ComplianceChange(now, row.endpoint, announcedBefore, row.state,
                        states.summary(row, states.cutoff()).reason()));
            }
        }
        row.inserted = false;
    }

    /** What the fleet list's text filter matches: the endpoint and the host Identity, lower case. */
    private static String searchText(String endpoint, HostIdentityView host) {
        return String.join("\n", lower(endpoint), lower(host.uniqueId()), lower(host.manufacturer()),
                lower(host.model()), lower(host.softwareVersion()));
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
