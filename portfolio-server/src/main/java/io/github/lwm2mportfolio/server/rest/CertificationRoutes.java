package io.github.lwm2mportfolio.server.rest;

import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.compliance.Certification;
import io.github.lwm2mportfolio.server.compliance.CertificationCsv;
import io.github.lwm2mportfolio.server.compliance.CertificationCsvException;
import io.github.lwm2mportfolio.server.compliance.CertificationList;
import io.github.lwm2mportfolio.server.inventory.Inventory;
import io.github.lwm2mportfolio.server.rest.RestApi.ApiException;
import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * {@code /api/certifications}: the certification list as JSON or CSV, and the CSV uploads that replace its
 * records or its allocated unique IDs.
 */
final class CertificationRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(CertificationRoutes.class);

    private final Inventory inventory;
    private final RequestBodies bodies;
    /** Each upload replaces one half of the list and keeps the other: two must not interleave. */
    private final Object certificationLock = new Object();

    CertificationRoutes(Inventory inventory, RequestBodies bodies) {
        this.inventory = inventory;
        this.bodies = bodies;
    }

    void addTo(Javalin javalin) {
        javalin.get("/api/certifications", this::getCertifications);
        javalin.post("/api/certifications", this::replaceCertifications, Role.ADMIN);
        javalin.post("/api/certifications/unique-ids", this::replaceUniqueIds, Role.ADMIN);
    }

    private void getCertifications(Context ctx) {
        CertificationList list = inventory.certifications();
        String accept = ctx.header("Accept");
        if (accept != null && accept.contains("text/csv")) {
            ctx.contentType("text/csv; charset=utf-8").result(CertificationCsv.toCsv(list.records()));
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("records", list.records());
        body.put("allocatedUniqueIds", new TreeSet<>(list.allocatedUniqueIds()));
        ctx.json(body);
    }

    private void replaceCertifications(Context ctx) {
        String csv = bodies.csv(ctx);
        List<Certification> records;
        try {
            records = CertificationCsv.parseCertifications(new StringReader(csv));
        } catch (CertificationCsvException e) {
            throw badCsv(e);
        }
        synchronized (certificationLock) {
            CertificationList current = inventory.certifications();
            inventory.replaceCertifications(new CertificationList(records, current.allocatedUniqueIds()));
        }
        LOG.info("certification list replaced by token '{}': {} records", AccessGuard.callerName(ctx), records.size());
        ctx.json(Map.of("count", records.size()));
    }

    private void replaceUniqueIds(Context ctx) {
        String csv = bodies.csv(ctx);
        Set<String> uniqueIds;
        try {
            uniqueIds = CertificationCsv.parseUniqueIds(new StringReader(csv));
        } catch (CertificationCsvException e) {
            throw badCsv(e);
        }
        synchronized (certificationLock) {
            CertificationList current = inventory.certifications();
            inventory.replaceCertifications(new CertificationList(current.records(), uniqueIds));
        }
        LOG.info("allocated unique IDs replaced by token '{}': {}", AccessGuard.callerName(ctx), uniqueIds.size());
        ctx.json(Map.of("count", uniqueIds.size()));
    }

    private static ApiException badCsv(CertificationCsvException e) {
        return new ApiException(400, e.getMessage(), Map.of("line", e.lineNumber()));
    }
}
