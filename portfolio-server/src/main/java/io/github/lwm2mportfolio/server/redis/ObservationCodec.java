package io.github.lwm2mportfolio.server.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.eclipse.leshan.core.endpoint.DefaultEndPointUriHandler;
import org.eclipse.leshan.core.endpoint.EndPointUriHandler;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.observation.CompositeObservation;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.core.observation.ObservationIdentifier;
import org.eclipse.leshan.core.observation.SingleObservation;
import org.eclipse.leshan.core.request.ContentFormat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A Leshan observation (single or composite) as JSON text, with the protocol data Californium needs back. */
final class ObservationCodec {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EndPointUriHandler URIS = new DefaultEndPointUriHandler();

    private ObservationCodec() {
    }

    /** The observation's key part: the endpoint URI it was made through and its token. */
    static String id(ObservationIdentifier id) {
        return id.getEndpointUri() + "#" + id.getAsHexString();
    }

    static String encode(Observation obs) {
        ObjectNode o = JSON.createObjectNode();
        o.put("uri", obs.getId().getEndpointUri().toString());
        o.put("token", obs.getId().getAsHexString());
        o.put("registration", obs.getRegistrationId());
        o.set("context", JSON.valueToTree(obs.getContext()));
        o.set("protocol", JSON.valueToTree(obs.getProtocolData()));
        if (obs instanceof SingleObservation single) {
            o.put("path", single.getPath().toString());
            putFormat(o, "format", single.getContentFormat());
        } else if (obs instanceof CompositeObservation composite) {
            composite.getPaths().forEach(path -> o.withArray("paths").add(path.toString()));
            putFormat(o, "requestFormat", composite.getRequestContentFormat());
            putFormat(o, "responseFormat", composite.getResponseContentFormat());
        } else {
            throw new IllegalArgumentException("cannot keep a " + obs.getClass().getSimpleName() + " in Redis");
        }
        return o.toString();
    }

    static Observation decode(String text) {
        try {
            JsonNode o = JSON.readTree(text);
            ObservationIdentifier id = new ObservationIdentifier(URIS.createUri(o.get("uri").asText()),
                    HexFormat.of().parseHex(o.get("token").asText()));
            String registration = o.get("registration").asText();
            Map<String, String> context = map(o.get("context"));
            Map<String, String> protocol = map(o.get("protocol"));
            if (o.has("path")) {
                return new SingleObservation(id, registration, new LwM2mPath(o.get("path").asText()),
                        format(o, "format"), context, protocol);
            }
            List<LwM2mPath> paths = new ArrayList<>();
            o.get("paths").forEach(path -> paths.add(new LwM2mPath(path.asText())));
            return new CompositeObservation(id, registration, paths, format(o, "requestFormat"),
                    format(o, "responseFormat"), context, protocol);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalStateException("an observation in Redis that cannot be read: " + e.getMessage(), e);
        }
    }

    private static void putFormat(ObjectNode o, String field, ContentFormat format) {
        if (format != null) {
            o.put(field, format.getCode());
        }
    }

    private static ContentFormat format(JsonNode o, String field) {
        return o.has(field) ? ContentFormat.fromCode(o.get(field).asInt()) : null;
    }

    private static Map<String, String> map(JsonNode node) {
        Map<String, String> map = new HashMap<>();
        if (node != null && !node.isNull()) {
            node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        }
        return map;
    }
}
