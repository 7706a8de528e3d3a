package io.github.lwm2mportfolio.server.compliance;

import java.util.List;
import java.util.Set;

/**
 * The operator's certified hosts, and optionally the host unique IDs it allocated (empty: not checked).
 */
public record CertificationList(List<Certification> records, Set<String> allocatedUniqueIds) {

    public static final CertificationList EMPTY = new CertificationList(List.of(), Set.of());

    public CertificationList {
        records = List.copyOf(records);
        allocatedUniqueIds = Set.copyOf(allocatedUniqueIds);
    }
}
