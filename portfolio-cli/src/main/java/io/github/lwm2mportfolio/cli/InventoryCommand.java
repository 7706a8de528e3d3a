package io.github.lwm2mportfolio.cli;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.type.TypeReference;

import io.github.lwm2mportfolio.server.compliance.ComplianceState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code portfolio inventory}: the fleet of a running server, as a table, JSON or the compliance CSV report. */
@Command(name = "inventory", mixinStandardHelpOptions = true,
        description = "Show the fleet of a running portfolio server: host identities, verdicts, compliance.")
final class InventoryCommand implements Callable<Integer> {

    enum Format {
        table, json, csv
    }

    private static final int PAGE_SIZE = 1000;

    @Spec
    CommandSpec spec;

    @Mixin
    ApiAccess api;

    @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT",
            description = "table, json or csv (the compliance report). Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = "--state", paramLabel = "STATE",
            description = "Only devices in this state: ${COMPLETION-CANDIDATES}.")
    ComplianceState state;

    @Option(names = "--q", paramLabel = "TEXT",
            description = "Only devices whose endpoint or host identity contains this text.")
    String text;

    private RestClient rest;

    @Override
    public Integer call() throws Exception {
        rest = api.client(spec);
        PrintWriter out = spec.commandLine().getOut();
        switch (format) {
        case table -> out.print(FleetTable.render(allDevices(), rest.getJson("/api/compliance"),
                state != null || text != null && !text.isBlank()));
        case json -> out.println(rest.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(allDevices()));
        case csv -> out.print(rest.get("/api/compliance/report.csv" + filters('?')));
        }
        out.flush();
        return 0;
    }

    /** Every page of the fleet list, in the server's order, by cursor (each page costs the same however deep). */
    private List<Map<String, Object>> allDevices() {
        List<Map<String, Object>> devices = new ArrayList<>();
        String after = null;
        do {
            Map<String, Object> body = rest.getJson("/api/devices?limit=" + PAGE_SIZE + filters('&')
                    + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8)));
            List<Map<String, Object>> items = rest.mapper().convertValue(body.get("items"), new TypeReference<>() {
            });
            if (items != null) {
                devices.addAll(items);
            }
            after = body.get("next") instanceof String next ? next : null;
        } while (after != null);
        return devices;
    }

    private String filters(char first) {
        StringBuilder query = new StringBuilder();
        if (state != null) {
            query.append(query.length() == 0 ? first : '&').append("state=").append(state.name());
        }
        if (text != null && !text.isBlank()) {
            query.append(query.length() == 0 ? first : '&').append("q=")
                    .append(URLEncoder.encode(text, StandardCharsets.UTF_8));
        }
        return query.toString();
    }
}
