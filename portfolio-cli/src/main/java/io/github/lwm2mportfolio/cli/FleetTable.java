package io.github.lwm2mportfolio.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet as an aligned text table, from the JSON of {@code GET /api/devices} items and
 * {@code GET /api/compliance}: one line per device, then a line of counts per compliance state.
 */
final class FleetTable {

    static final List<String> HEADER = List.of("ENDPOINT", "STATE", "MANUFACTURER", "MODEL", "SW VERSION",
            "UNIQUE ID", "VERIFIED", "ONLINE", "REASON");
    private static final String NONE = "-";

    private FleetTable() {
    }

    /**
     * @param devices device summaries as JSON objects (endpoint, state, online, host {...}, lastVerification {...},
     *        reason)
     * @param compliance the compliance counts as JSON ({"counts": {STATE: n, ...}, "total": n}), or null for no
     *        summary line
     * @param filtered whether the devices are a filtered part of the fleet: the summary then counts them, and
     *        says how many the fleet has
     */
    static String render(List<Map<String, Object>> devices, Map<String, Object> compliance, boolean filtered) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (Map<String, Object> device : devices) {
            Map<String, Object> host = object(device.get("host"));
            Map<String, Object> verification = object(device.get("lastVerification"));
            rows.add(List.of(cell(device.get("endpoint")), cell(device.get("state")),
                    cell(host.get("manufacturer")), cell(host.get("model")), cell(host.get("softwareVersion")),
                    cell(host.get("uniqueId")), cell(verification.get("outcome")), online(device.get("online")),
                    cell(device.get("reason"))));
        }
        StringBuilder table = new StringBuilder(TextTable.align(rows, column -> true));
        if (compliance != null) {
            table.append(filtered ? shownSummary(devices, compliance) : summary(compliance)).append('\n');
        }
        return table.toString();
    }

    /** E.g. "4 devices: NO_PORTFOLIO 1, UNCERTIFIED 1, UNVERIFIED 0, COMPLIANT 2". */
    static String summary(Map<String, Object> compliance) {
        Map<String, Object> counts = object(compliance.get("counts"));
        Object total = compliance.get("total");
        StringBuilder line = new StringBuilder();
        line.append(total == null ? "?" : total).append(" device").append(one(total) ? "" : "s").append(':');
        String separator = " ";
        for (Map.Entry<String, Object> count : counts.entrySet()) {
            line.append(separator).append(count.getKey()).append(' ').append(count.getValue());
            separator = ", ";
        }
        return line.toString();
    }

    /** E.g. "1 device shown: UNCERTIFIED 1 (of 3 devices in the fleet)". */
    static String shownSummary(List<Map<String, Object>> devices, Map<String, Object> compliance) {
        Map<String, Long> shown = new LinkedHashMap<>();
        for (String state : object(compliance.get("counts")).keySet()) {
            long count = devices.stream().filter(device -> state.equals(device.get("state"))).count();
            if (count > 0) {
                shown.put(state, count);
            }
        }
        StringBuilder line = new StringBuilder().append(devices.size()).append(" device")
                .append(devices.size() == 1 ? "" : "s").append(" shown");
        String separator = ": ";
        for (Map.Entry<String, Long> count : shown.entrySet()) {
            line.append(separator).append(count.getKey()).append(' ').append(count.getValue());
            separator = ", ";
        }
        Object total = compliance.get("total");
        return line.append(" (of ").append(total == null ? "?" : total).append(" device")
                .append(one(total) ? "" : "s").append(" in the fleet)").toString();
    }

    private static boolean one(Object total) {
        return total instanceof Number number && number.longValue() == 1;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    private static String online(Object value) {
        if (value instanceof Boolean online) {
            return online ? "yes" : "no";
        }
        return NONE;
    }

    /** A value as a cell: devices choose these strings, so control characters never reach the terminal. */
    private static String cell(Object value) {
        if (value == null) {
            return NONE;
        }
        String text = value.toString();
        if (text.isEmpty()) {
            return NONE;
        }
        StringBuilder safe = new StringBuilder(text.length());
        text.codePoints().forEach(c -> safe.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return safe.toString();
    }
}
