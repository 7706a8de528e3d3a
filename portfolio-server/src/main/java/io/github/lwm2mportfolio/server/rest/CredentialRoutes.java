package io.github.lwm2mportfolio.server.rest;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import io.github.lwm2mportfolio.server.access.Role;
import io.github.lwm2mportfolio.server.inventory.DeviceCredential;
import io.github.lwm2mportfolio.server.inventory.InputRules;
import io.github.lwm2mportfolio.server.inventory.Inventory;
import io.github.lwm2mportfolio.server.rest.RestApi.ApiException;
import io.javalin.Javalin;
import io.javalin.http.Context;

/** {@code /api/credentials}: the devices' DTLS credentials, listed, set and removed; keys are never shown. */
final class CredentialRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(CredentialRoutes.class);

    private final Inventory inventory;
    private final RequestBodies bodies;

    CredentialRoutes(Inventory inventory, RequestBodies bodies) {
        this.inventory = inventory;
        this.bodies = bodies;
    }

    void addTo(Javalin javalin) {
        javalin.get("/api/credentials", this::listCredentials);
        javalin.put("/api/credentials/{endpoint}", this::putCredential, Role.ADMIN);
        javalin.delete("/api/credentials/{endpoint}", this::deleteCredential, Role.ADMIN);
    }

    private void listCredentials(Context ctx) {
        ctx.json(inventory.credentials().stream().map(CredentialRoutes::credentialView).toList());
    }

    private void putCredential(Context ctx) {
        String endpoint = RequestInput.endpoint(ctx);
        DeviceCredential credential = credential(endpoint, bodies.json(ctx));
        if (credential.pskIdentity() != null) {
            Optional<DeviceCredential> holder = inventory.credentialByPskIdentity(credential.pskIdentity());
            if (holder.isPresent() && !holder.get().endpoint().equals(endpoint)) {
                throw new ApiException(409, "PSK identity '" + credential.pskIdentity() + "' is already used by '"
                        + holder.get().endpoint() + "'");
            }
        }
        try {
            inventory.putCredential(credential);
        } catch (IllegalArgumentException e) {
            // checked above; only a concurrent PUT of the same PSK identity gets here
            throw new ApiException(409, e.getMessage());
        }
        LOG.info("credential of {} set by token '{}': {}", endpoint, AccessGuard.callerName(ctx), credential.kind());
        ctx.json(credentialView(credential));
    }

    private void deleteCredential(Context ctx) {
        String endpoint = RequestInput.endpoint(ctx);
        if (!inventory.removeCredential(endpoint)) {
            throw new ApiException(404, "no credential for '" + endpoint + "'");
        }
        LOG.info("credential of {} removed by token '{}'", endpoint, AccessGuard.callerName(ctx));
        ctx.status(204);
    }

    private static DeviceCredential credential(String endpoint, JsonNode body) {
        String kindText = RequestInput.text(body, "kind");
        if (kindText == null) {
            throw new ApiException(400, "kind is required: PSK, RPK or X509");
        }
        DeviceCredential.Kind kind;
        try {
            kind = DeviceCredential.Kind.valueOf(kindText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "kind must be PSK, RPK or X509, got '" + kindText + "'");
        }
        Set<String> allowed = switch (kind) {
        case PSK -> Set.of("kind", "pskIdentity", "pskKeyHex");
        case RPK -> Set.of("kind", "publicKeyHex");
        case X509 -> Set.of("kind");
        };
        List<String> extra = new ArrayList<>();
        body.fieldNames().forEachRemaining(name -> {
            if (!allowed.contains(name)) {
                extra.add(name);
            }
        });
        if (!extra.isEmpty()) {
            throw new ApiException(400, kind + " takes only " + new TreeSet<>(allowed) + ", not " + extra);
        }
        return switch (kind) {
        case PSK -> {
            String identity = RequestInput.text(body, "pskIdentity");
            if (identity == null) {
                throw new ApiException(400, "pskIdentity is required for PSK");
            }
            try {
                InputRules.checkPskIdentity(identity);
                yield new DeviceCredential(endpoint, kind, identity, InputRules.checkPsk(hex(body, "pskKeyHex")));
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, e.getMessage());
            }
        }
        case RPK -> {
            byte[] key = hex(body, "publicKeyHex");
            checkPublicKey(key);
            yield new DeviceCredential(endpoint, kind, null, key);
        }
        case X509 -> new DeviceCredential(endpoint, kind, null, null);
        };
    }

    private static byte[] hex(JsonNode body, String field) {
        String value = RequestInput.text(body, field);
        if (value == null) {
            throw new ApiException(400, field + " is required");
        }
        try {
            return HexFormat.of().parseHex(value);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, field + " must be hexadecimal: " + e.getMessage());
        }
    }

    /** An RPK must be a SubjectPublicKeyInfo of a key DTLS can use (EC or EdDSA). */
    private static void checkPublicKey(byte[] der) {
        for (String algorithm : List.of("EC", "EdDSA")) {
            try {
                KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
                return;
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // try the next algorithm
            }
        }
        throw new ApiException(400, "publicKeyHex must be an EC or EdDSA public key (SubjectPublicKeyInfo DER)");
    }

    /** What a credential shows: never a key. */
    private static Map<String, Object> credentialView(DeviceCredential credential) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("endpoint", credential.endpoint());
        view.put("kind", credential.kind().name());
        if (credential.pskIdentity() != null) {
            view.put("pskIdentity", credential.pskIdentity());
        }
        return view;
    }
}
