package io.github.lwm2mportfolio.server.rest;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.lwm2mportfolio.server.compliance.ComplianceReport;
import io.github.lwm2mportfolio.server.compliance.ComplianceState;
import io.github.lwm2mportfolio.server.inventory.DeviceQuery;
import io.github.lwm2mportfolio.server.inventory.DeviceSummary;
import io.github.lwm2mportfolio.server.inventory.Inventory;
import io.github.lwm2mportfolio.server.inventory.JdbcInventory;
import io.github.lwm2mportfolio.server.inventory.Page;
import io.javalin.Javalin;
import io.javalin.http.Context;

/** {@code /api/compliance}: the devices per state, and the CSV report of the fleet. */
final class ComplianceRoutes {

    private final Inventory inventory;

    ComplianceRoutes(Inventory inventory) {
        this.inventory = inventory;
    }

    void addTo(Javalin javalin) {
        javalin.get("/api/compliance", this::complianceCounts);
        javalin.get("/api/compliance/report.csv", this::complianceReport);
    }

    private void complianceCounts(Context ctx) {
        Map<ComplianceState, Long> counts = inventory.complianceCounts();
        Map<String, Long> perState = new LinkedHashMap<>();
        long total = 0;
        for (ComplianceState state : ComplianceState.values()) {
            long count = counts.getOrDefault(state, 0L);
            perState.put(state.name(), count);
            total += count;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("counts", perState);
        body.put("total", total);
        ctx.json(body);
    }

    /** Streams the report: a large fleet never sits in memory as one text. */
    private void complianceReport(Context ctx) throws IOException {
        DeviceQuery first = RequestInput.deviceQuery(ctx);
        ctx.header("Content-Disposition", "attachment; filename=\"compliance-report.csv\"");
        ctx.contentType("text/csv; charset=utf-8");
        Writer out = new BufferedWriter(new OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8));
        out.write(ComplianceReport.HEADER + "\r\n");
        if (first.state() == null && first.text() == null && inventory instanceof JdbcInventory jdbc) {
            jdbc.forEachDevice(device -> ComplianceReport.appendRow(out, device));
        } else {
            DeviceQuery query = new DeviceQuery(first.state(), first.text(), 0, DeviceQuery.MAX_SIZE);
            long written = 0;
            while (true) {
                Page<DeviceSummary> page = inventory.devices(query);
                for (DeviceSummary device : page.items()) {
                    ComplianceReport.appendRow(out, device);
                }
                written += page.items().size();
                if (page.items().isEmpty() || written >= page.total()) {
                    break;
                }
                query = new DeviceQuery(query.state(), query.text(), query.page() + 1, query.size());
            }
        }
        out.flush();
    }
}
