package io.github.lwm2mportfolio.server.rest;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;

import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.collector.DeviceOperations;
import io.github.lwm2mportfolio.server.collector.DeviceOperations.WriteOutcome;
import io.github.lwm2mportfolio.server.inventory.Inventory;
import io.github.lwm2mportfolio.server.inventory.Verification;
import io.github.lwm2mportfolio.server.rest.RestApi.ApiException;
import io.javalin.Javalin;
import io.javalin.http.Context;

/** {@code /api/devices}: the fleet list, one device, and verify and Identity writes on demand. */
final class DeviceRoutes {

    /** How long a request waits for a device's answer before it answers 504. */
    private static final Duration DEVICE_WAIT = Duration.ofSeconds(30);
    private static final int MAX_RESOURCE_ID = 65534;

    private final Inventory inventory;
    private final DeviceOperations devices;
    private final SharedVerifications verifications;
    private final RequestBodies bodies;
    /** Null for a server alone. */
    private final DeviceHolders holders;
    private final RequestForwarder forwarder;

    /** @param holders which node talks to a device; null for a server alone */
    DeviceRoutes(Inventory inventory, DeviceOperations devices, RequestBodies bodies, DeviceHolders holders) {
        this.inventory = inventory;
        this.devices = devices;
        this.verifications = new SharedVerifications(devices, DEVICE_WAIT);
        this.bodies = bodies;
        this.holders = holders;
        // The holder waits DEVICE_WAIT for the device at most, then answers: a little more for the hop.
        this.forwarder = holders == null ? null : new RequestForwarder(holders.node(), DEVICE_WAIT.plusSeconds(5));
    }

    void addTo(Javalin javalin) {
        javalin.get("/api/devices", this::listDevices);
        javalin.get("/api/devices/{endpoint}", this::getDevice);
        javalin.post("/api/devices/{endpoint}/verify", this::verify, Role.OPERATOR);
        javalin.put("/api/devices/{endpoint}/portfolio/{n}/identity/{i}", this::writeIdentity, Role.OPERATOR);
        javalin.delete("/api/devices/{endpoint}", this::removeDevice, Role.ADMIN);
        javalin.post("/api/devices/{endpoint}/re-enrolment", this::reEnrol, Role.ADMIN);
    }

    /**
     * Forgets the device's registration (if any) first, so that no collection brings it back, then deletes it
     * with its history. A device still running registers again at its next update and reappears as new.
     */
    private void removeDevice(Context ctx) {
        String endpoint = knownDevice(ctx);
        boolean wasRegistered = devices.forget(endpoint);
        if (!inventory.removeDevice(endpoint)) {
            throw noDevice(endpoint);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("endpoint", endpoint);
        body.put("removed", true);
        body.put("wasRegistered", wasRegistered);
        body.put("note", wasRegistered
                ? "its registration was dropped too: if it is still running, it registers again at its next update "
                        + "and reappears with a new history"
                : "it reappears if it registers again");
        ctx.json(body);
    }

    /** Lets a device whose store was lost (its AuthData counter started again at 1) verify again. */
    private void reEnrol(Context ctx) {
        String endpoint = RequestInput.endpoint(ctx);
        String actor = AccessGuard.callerName(ctx);
        if (!inventory.reEnrol(endpoint, actor, java.time.Instant.now())) {
            throw noDevice(endpoint);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("endpoint", endpoint);
        body.put("reEnrolledBy", actor);
        body.put("next", "the next verification accepts the device's AuthData counter from any value: run verify "
                + "or wait for its next collection");
        ctx.json(body);
    }

    private void listDevices(Context ctx) {
        if (RequestInput.pagesByCursor(ctx)) {
            ctx.json(inventory.devices(RequestInput.deviceCursorQuery(ctx)));
        } else {
            ctx.json(inventory.devices(RequestInput.deviceQuery(ctx)));
        }
    }

    private void getDevice(Context ctx) {
        String endpoint = RequestInput.endpoint(ctx);
        ctx.json(inventory.device(endpoint).orElseThrow(() -> noDevice(endpoint)));
    }

    private void verify(Context ctx) {
        String endpoint = knownDevice(ctx);
        if (forwardedToHolder(ctx, endpoint)) {
            return;
        }
        ctx.json(await(endpoint, verifications.verify(endpoint)));
    }

    /**
     * With several nodes, a request for a device registered through another node goes to that node, and its
     * answer is this request's; true when it went (the caller was authorised here first, by the AccessGuard).
     */
    private boolean forwardedToHolder(Context ctx, String endpoint) {
        if (holders == null) {
            return false;
        }
        Optional<DeviceHolders.Holder> holder = holders.holderOf(endpoint,
                ctx.header(DeviceHolders.FORWARDED_BY) != null);
        holder.ifPresent(node -> forwarder.forward(ctx, node));
        return holder.isPresent();
    }

    private void writeIdentity(Context ctx) {
        String endpoint = knownDevice(ctx);
        int instanceId = resourceId(ctx, "n");
        int identityId = resourceId(ctx, "i");
        String value = identityValue(ctx);
        if (forwardedToHolder(ctx, endpoint)) {
            return;
        }
        String path = "/16/" + instanceId + "/0/" + identityId;
        WriteOutcome outcome = await(endpoint, devices.writeIdentity(endpoint, instanceId, identityId, value));
        if (outcome.success()) {
            ctx.json(Map.of("code", outcome.code()));
            return;
        }
        String reason = outcome.errorMessage() == null || outcome.errorMessage().isBlank() ? ""
                : ": " + outcome.errorMessage();
        String code = String.valueOf(outcome.code());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("deviceCode", code);
        details.put("deviceMessage", outcome.errorMessage());
        switch (code) {
        case "UNAUTHORIZED" -> throw new ApiException(409,
                "device '" + endpoint + "' refused to write " + path + ": the Identity is locked" + reason, details);
        case "NOT_FOUND" -> throw new ApiException(404,
                "device '" + endpoint + "' has no " + path + reason, details);
        case "BAD_REQUEST" -> throw new ApiException(400,
                "device '" + endpoint + "' rejected the value for " + path + reason, details);
        default -> throw new ApiException(502,
                "device '" + endpoint + "' answered " + code + " to the write of " + path + reason, details);
        }
    }

    private static int resourceId(Context ctx, String name) {
        String value = ctx.pathParam(name);
        try {
            int id = Integer.parseInt(value);
            if (id >= 0 && id <= MAX_RESOURCE_ID) {
                return id;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ApiException(400,
                name + " must be an integer from 0 to " + MAX_RESOURCE_ID + ", got '" + value + "'");
    }

    private String identityValue(Context ctx) {
        JsonNode value = bodies.json(ctx).get("value");
        if (value == null || value.isNull()) {
            throw new ApiException(400, "the body must be {\"value\": \"...\"}");
        }
        if (!value.isTextual()) {
            throw new ApiException(400, "value must be a string");
        }
        if (value.asText().isBlank()) {
            throw new ApiException(400, "value must not be blank");
        }
        return value.asText();
    }

    private String knownDevice(Context ctx) {
        String endpoint = RequestInput.endpoint(ctx);
        if (inventory.device(endpoint).isEmpty()) {
            throw noDevice(endpoint);
        }
        return endpoint;
    }

    private static ApiException noDevice(String endpoint) {
        return new ApiException(404, "no device '" + endpoint + "'");
    }

    /** Waits for a device's answer; offline and timeouts become 503 and 504. */
    private static <T> T await(String endpoint, CompletableFuture<T> answer) {
        try {
            return answer.get(DEVICE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw deviceTimeout(endpoint);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted while waiting for device '" + endpoint + "'");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TimeoutException
                    || cause instanceof org.eclipse.leshan.core.request.exception.TimeoutException) {
                throw deviceTimeout(endpoint);
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("device operation on '" + endpoint + "' failed", cause);
        }
    }

    private static ApiException deviceTimeout(String endpoint) {
        return new ApiException(504, "device '" + endpoint + "' did not answer in time");
    }
}
