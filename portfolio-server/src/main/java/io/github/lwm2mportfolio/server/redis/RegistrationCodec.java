package io.github.lwm2mportfolio.server.redis;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import org.eclipse.leshan.core.LwM2m.LwM2mVersion;
import org.eclipse.leshan.core.LwM2m.Version;
import org.eclipse.leshan.core.endpoint.DefaultEndPointUriHandler;
import org.eclipse.leshan.core.endpoint.EndPointUriHandler;
import org.eclipse.leshan.core.link.DefaultLinkSerializer;
import org.eclipse.leshan.core.link.LinkParseException;
import org.eclipse.leshan.core.link.lwm2m.DefaultLwM2mLinkParser;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.request.BindingMode;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.server.registration.Registration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Leshan registration as JSON text. The text is also what the store's compare-and-set compares, so one
 * registration always gives the same text (maps are written in key order).
 */
final class RegistrationCodec {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EndPointUriHandler URIS = new DefaultEndPointUriHandler();
    // The parser Leshan reads a Register request's links with: the links read back are equal to the stored ones.
    private static final DefaultLwM2mLinkParser LINKS = new DefaultLwM2mLinkParser();

    private RegistrationCodec() {
    }

    static String encode(Registration r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", r.getId());
        o.put("ep", r.getEndpoint());
        o.set("peer", PeerCodec.peer(r.getClientTransportData()));
        o.put("uri", r.getEndpointUri().toString());
        o.put("registered", r.getRegistrationDate().getTime());
        o.put("updated", r.getLastUpdate().getTime());
        o.put("lifetime", r.getLifeTimeInSec());
        o.put("sms", r.getSmsNumber());
        o.put("version", r.getLwM2mVersion().toString());
        o.put("binding", BindingMode.toString(r.getBindingMode()));
        if (r.getQueueMode() != null) {
            o.put("queue", r.getQueueMode());
        }
        o.put("root", r.getRootPath());
        o.put("links", new DefaultLinkSerializer().serializeCoreLinkFormat(r.getObjectLinks()));
        ArrayNode formats = o.putArray("formats");
        r.getSupportedContentFormats().stream().mapToInt(ContentFormat::getCode).sorted().forEach(formats::add);
        ObjectNode objects = o.putObject("objects");
        r.getSupportedObject().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> objects.put(e.getKey().toString(), e.getValue().toString()));
        ArrayNode instances = o.putArray("instances");
        r.getAvailableInstances().stream().sorted().map(LwM2mPath::toString).forEach(instances::add);
        o.set("attributes", sorted(r.getAdditionalRegistrationAttributes()));
        o.set("custom", sorted(r.getCustomRegistrationData()));
        return o.toString();
    }

    static Registration decode(String text) {
        try {
            JsonNode o = JSON.readTree(text);
            Registration.Builder b = new Registration.Builder(o.get("id").asText(), o.get("ep").asText(),
                    PeerCodec.peer(o.get("peer")), URIS.createUri(o.get("uri").asText()));
            b.registrationDate(new Date(o.get("registered").asLong()));
            b.lastUpdate(new Date(o.get("updated").asLong()));
            b.lifeTimeInSec(o.get("lifetime").asLong());
            b.smsNumber(o.get("sms").isNull() ? null : o.get("sms").asText());
            b.lwM2mVersion(LwM2mVersion.get(o.get("version").asText()));
            b.bindingMode(BindingMode.parse(o.get("binding").asText()));
            if (o.has("queue")) {
                b.queueMode(o.get("queue").asBoolean());
            }
            b.rootPath(o.get("root").asText());
            b.objectLinks(LINKS.parseCoreLinkFormat(o.get("links").asText().getBytes(StandardCharsets.UTF_8)));
            Set<ContentFormat> formats = new HashSet<>();
            o.get("formats").forEach(code -> formats.add(ContentFormat.fromCode(code.asInt())));
            b.supportedContentFormats(formats);
            Map<Integer, Version> objects = new HashMap<>();
            o.get("objects").fields().forEachRemaining(
                    e -> objects.put(Integer.valueOf(e.getKey()), new Version(e.getValue().asText())));
            b.supportedObjects(objects);
            Set<LwM2mPath> instances = new HashSet<>();
            o.get("instances").forEach(path -> instances.add(new LwM2mPath(path.asText())));
            b.availableInstances(instances);
            b.additionalRegistrationAttributes(map(o.get("attributes")));
            b.customRegistrationData(map(o.get("custom")));
            return b.build();
        } catch (JsonProcessingException | LinkParseException | RuntimeException e) {
            throw new IllegalStateException("a registration in Redis that cannot be read: " + e.getMessage(), e);
        }
    }

    private static ObjectNode sorted(Map<String, String> map) {
        ObjectNode node = JSON.createObjectNode();
        map.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> node.put(e.getKey(), e.getValue()));
        return node;
    }

    private static Map<String, String> map(JsonNode node) {
        Map<String, String> map = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            map.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText());
        }
        return map;
    }
}
