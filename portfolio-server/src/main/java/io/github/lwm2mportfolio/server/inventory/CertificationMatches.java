package io.github.lwm2mportfolio.server.inventory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import io.github.lwm2mportfolio.server.compliance.Certification;

/**
 * Which devices report each certified host: one grouped read of the devices' hosts for the counts, then, for each
 * record that some device matches, its first endpoints (a read that stops at the first few). The counts cost one
 * scan of the devices whatever the number of records, where a search per record would cost one each.
 */
final class CertificationMatches {

    static final int FIRST_ENDPOINTS = 10;

    private final Jdbi jdbi;

    CertificationMatches(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    List<CertificationMatch> of(List<Certification> records) {
        return jdbi.withHandle(h -> {
            Map<Certification, Long> counts = hostCounts(h);
            List<CertificationMatch> matches = new ArrayList<>(records.size());
            for (Certification record : records) {
                Certification key = record.trimmed();
                long devices = counts.getOrDefault(key, 0L);
                List<String> first = devices == 0 ? List.of() : firstEndpoints(h, key);
                matches.add(new CertificationMatch(record.manufacturer(), record.model(), record.softwareVersion(),
                        devices, first));
            }
            return matches;
        });
    }

    /** Devices per host, hosts trimmed as compliance compares them. */
    private static Map<Certification, Long> hostCounts(Handle h) {
        Map<Certification, Long> counts = new HashMap<>();
        h.createQuery("SELECT host_manufacturer, host_model, host_software_version, COUNT(*) AS devices "
                + "FROM devices WHERE host_manufacturer IS NOT NULL AND host_model IS NOT NULL "
                + "AND host_software_version IS NOT NULL "
                + "GROUP BY host_manufacturer, host_model, host_software_version")
                .map((rs, ctx) -> Map.entry(new Certification(rs.getString(1), rs.getString(2), rs.getString(3))
                        .trimmed(), rs.getLong(4)))
                .forEach(entry -> counts.merge(entry.getKey(), entry.getValue(), Long::sum));
        return counts;
    }

    private static List<String> firstEndpoints(Handle h, Certification host) {
        return h.createQuery("SELECT endpoint FROM devices WHERE TRIM(host_manufacturer) = ? "
                + "AND TRIM(host_model) = ? AND TRIM(host_software_version) = ? ORDER BY endpoint LIMIT "
                + FIRST_ENDPOINTS)
                .bind(0, host.manufacturer()).bind(1, host.model()).bind(2, host.softwareVersion())
                .mapTo(String.class).list();
    }
}
