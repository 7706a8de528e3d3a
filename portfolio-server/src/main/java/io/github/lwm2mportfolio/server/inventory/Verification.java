package io.github.lwm2mportfolio.server.inventory;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * A verdict on one GetAuthData challenge of one Portfolio instance. In the REST API the claims are a JSON object,
 * {@code claims}, not a string of JSON.
 *
 * @param service sign, mac or encrypt; null when no AuthData was made
 * @param instanceId the Portfolio instance challenged; null when none could be
 * @param counter the highest AuthData counter accepted in it; null when none
 * @param claimsJson the accepted or rejected claims as JSON, for display; null when unreadable
 */
public record Verification(Instant at, VerificationOutcome outcome, String reason, String service,
        Integer instanceId, Long counter, @JsonIgnore String claimsJson) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The claims as JSON (an object), or null; text that is not JSON stays a string rather than break the answer. */
    @JsonProperty("claims")
    public JsonNode claims() {
        if (claimsJson == null) {
            return null;
        }
        try {
            return JSON.readTree(claimsJson);
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(claimsJson);
        }
    }
}
