package io.github.lwm2mportfolio.server.compliance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import io.github.lwm2mportfolio.server.inventory.DeviceSummary;
import io.github.lwm2mportfolio.server.inventory.HostIdentityView;
import io.github.lwm2mportfolio.server.inventory.Verification;

/**
 * The fleet's compliance as a CSV file (RFC 4180, CRLF line ends) for an operator's spreadsheet:
 * <pre>
 * endpoint,state,manufacturer,model,software_version,unique_id,online,last_verification,last_reason,reason
 * </pre>
 * {@code last_verification} is the instant of the last verdict (ISO-8601, UTC), empty when none;
 * {@code last_reason} is its outcome, followed by ": " and its reason when it has one (e.g.
 * {@code FAILED: counter replayed}); {@code reason} is why the device is in its state
 * ({@link ComplianceReasons}). Unknown values are empty fields. Any field that a spreadsheet would read
 * as a formula (it starts with {@code = + - @}, a tab or a carriage return) gets a leading {@code '}, since
 * the endpoint and the host's values come from the devices.
 */
public final class ComplianceReport {

    public static final String HEADER =
            "endpoint,state,manufacturer,model,software_version,unique_id,online,last_verification,last_reason,reason";

    private static final String NEWLINE = "\r\n";

    private ComplianceReport() {
    }

    /** The whole report: header and one line per device, in the order given. */
    public static String csv(List<DeviceSummary> devices) {
        StringBuilder out = new StringBuilder(HEADER.length() + 2 + devices.size() * 96);
        out.append(HEADER).append(NEWLINE);
        for (DeviceSummary device : devices) {
            appendRow(out, device);
        }
        return out.toString();
    }

    /**
     * Writes one device's line (with its line end) to {@code out}: with {@link #HEADER} and
     * {@code JdbcInventory.forEachDevice}, a report of a large fleet streams without holding it in memory.
     */
    public static void appendRow(Appendable out, DeviceSummary device) {
        HostIdentityView host = device.host() == null ? HostIdentityView.UNKNOWN : device.host();
        Verification last = device.lastVerification();
        String lastAt = last == null || last.at() == null ? null : last.at().toString();
        String lastReason = null;
        if (last != null && last.outcome() != null) {
            lastReason = last.reason() == null || last.reason().isBlank() ? last.outcome().name()
                    : last.outcome().name() + ": " + last.reason();
        }
        String[] fields = { device.endpoint(), device.state() == null ? null : device.state().name(),
                host.manufacturer(), host.model(), host.softwareVersion(), host.uniqueId(),
                Boolean.toString(device.online()), lastAt, lastReason, device.reason() };
        try {
            for (int i = 0; i < fields.length; i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(field(fields[i]));
            }
            out.append(NEWLINE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One field: formula-neutralised, then quoted when needed. */
    static String field(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        char first = value.charAt(0);
        if (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r') {
            value = "'" + value;
        }
        boolean needsQuotes = false;
        for (int i = 0; i < value.length() && !needsQuotes; i++) {
            char c = value.charAt(i);
            needsQuotes = c == ',' || c == '"' || c == '\r' || c == '\n';
        }
        if (!needsQuotes && (Character.isWhitespace(value.charAt(0))
                || Character.isWhitespace(value.charAt(value.length() - 1)))) {
            needsQuotes = true;
        }
        return needsQuotes ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }
}
