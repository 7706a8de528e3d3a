package io.github.lwm2mportfolio.server.rest;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

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
 * {@code /api/certifications}: the certification list as JSON or CSV; {@code PUT} replaces its records,
 * {@code POST} adds records (those already listed are left as they are and counted), {@code DELETE} with
 * {@code ?manufacturer=&model=&softwareVersion=} removes one. Records come as CSV ({@code text/csv}, the
 * {@value CertificationCsv#CERTIFICATIONS_HEADER} header) or as JSON ({@code {"records": [{"manufacturer": ...,
 * "model": ..., "softwareVersion": ...}]}}, as GET gives them). {@code POST /api/certifications/unique-ids}
 * replaces the allocated unique IDs; {@code GET /api/certifications/matches} counts, for each record, the devices
 * that report that host. Every change is recorded as made through the API by the caller's token, so
 * that a start with {@code --certified FILE} does not undo it.
 */
final class CertificationRoutes {

    private final Inventory inventory;
    private final RequestBodies bodies;
    /** Each change reads the list and writes it back whole: two must not interleave. */
    private final Object certificationLock = new Object();

    CertificationRoutes(Inventory inventory, RequestBodies bodies) {
        this.inventory = inventory;
        this.bodies = bodies;
    }

    void addTo(Javalin javalin) {
        javalin.get("/api/certifications", this::getCertifications);
        javalin.get("/api/certifications/matches", ctx -> ctx.json(inventory.certificationMatches()));
        javalin.put("/api/certifications", this::replaceCertifications, Role.ADMIN);
        javalin.post("/api/certifications", this::addCertifications, Role.ADMIN);
        javalin.delete("/api/certifications", this::removeCertification, Role.ADMIN);
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
        List<Certification> records = records(ctx);
        int before;
        synchronized (certificationLock) {
            CertificationList current = inventory.certifications();
            before = current.records().size();
            store(ctx, new CertificationList(records, current.allocatedUniqueIds()));
        }
        int count = inventory.certifications().records().size();
        ctx.json(Map.of("count", count, "replaced", before));
    }

    private void addCertifications(Context ctx) {
        List<Certification> given = records(ctx);
        int added;
        int count;
        synchronized (certificationLock) {
            CertificationList current = inventory.certifications();
            Set<Certification> records = new LinkedHashSet<>(current.records());
            int before = records.size();
            given.stream().map(CertificationRoutes::trimmed).forEach(records::add);
            added = records.size() - before;
            count = records.size();
            if (added > 0) {
                store(ctx, new CertificationList(new ArrayList<>(records), current.allocatedUniqueIds()));
            }
        }
        ctx.json(Map.of("added", added, "alreadyListed", given.size() - added, "count", count));
    }

    private void removeCertification(Context ctx) {
        Certification record = new Certification(query(ctx, "manufacturer"), query(ctx, "model"),
                query(ctx, "softwareVersion"));
        int count;
        synchronized (certificationLock) {
            CertificationList current = inventory.certifications();
            List<Certification> records = new ArrayList<>(current.records());
            if (!records.remove(record)) {
                throw new ApiException(404, "no certification record " + record.manufacturer() + " / "
                        + record.model() + " / " + record.softwareVersion());
            }
            count = records.size();
            store(ctx, new CertificationList(records, current.allocatedUniqueIds()));
        }
        ctx.json(Map.of("removed", record, "count", count));
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
            store(ctx, new CertificationList(current.records(), uniqueIds));
        }
        ctx.json(Map.of("count", uniqueIds.size()));
    }

    private void store(Context ctx, CertificationList list) {
        inventory.replaceCertifications(list, "token '" + AccessGuard.callerName(ctx) + "'", true);
    }

    /** The records of a CSV or JSON body. */
    private List<Certification> records(Context ctx) {
        String type = ctx.contentType();
        if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            return jsonRecords(bodies.json(ctx));
        }
        try {
            return CertificationCsv.parseCertifications(new StringReader(bodies.csv(ctx)));
        } catch (CertificationCsvException e) {
            throw badCsv(e);
        }
    }

    private static List<Certification> jsonRecords(JsonNode body) {
        JsonNode records = body.get("records");
        if (records == null || !records.isArray()) {
            throw new ApiException(400, "the body must be {\"records\": [{\"manufacturer\": \"...\", \"model\": "
                    + "\"...\", \"softwareVersion\": \"...\"}, ...]}");
        }
        List<Certification> list = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            JsonNode record = records.get(i);
            if (!record.isObject()) {
                throw new ApiException(400, "records[" + i + "] must be an object");
            }
            list.add(new Certification(field(record, i, "manufacturer"), field(record, i, "model"),
                    field(record, i, "softwareVersion")));
        }
        return list;
    }

    private static String field(JsonNode record, int index, String name) {
        String value;
        try {
            value = RequestInput.text(record, name);
        } catch (ApiException e) {
            throw new ApiException(400, "records[" + index + "]." + e.getMessage());
        }
        if (value == null) {
            throw new ApiException(400, "records[" + index + "]." + name + " is required");
        }
        return checkLength(value, "records[" + index + "]." + name);
    }

    private static String query(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            throw new ApiException(400, "say which record to remove: ?manufacturer=...&model=...&softwareVersion=... "
                    + "(" + name + " is missing)");
        }
        return checkLength(value.strip(), name);
    }

    private static String checkLength(String value, String name) {
        if (value.length() > CertificationCsv.MAX_FIELD_LENGTH) {
            throw new ApiException(400, name + " is longer than " + CertificationCsv.MAX_FIELD_LENGTH
                    + " characters");
        }
        return value;
    }

    private static Certification trimmed(Certification record) {
        return new Certification(record.manufacturer().strip(), record.model().strip(),
                record.softwareVersion().strip());
    }

    private static ApiException badCsv(CertificationCsvException e) {
        return new ApiException(400, e.getMessage(), Map.of("line", e.lineNumber()));
    }
}
