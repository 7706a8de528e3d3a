package io.github.lwm2mportfolio.client.store;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** The JSON file format of the store, version 1: encoding, and decoding with validation. */
final class StoreFormat {

    static final String FORMAT = "lwm2m-portfolio-store";
    static final int VERSION = 1;

    private static final JsonMapper MAPPER = JsonMapper.builder()
            // A duplicated key would otherwise silently win over the first one.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // Keeps file content (identity values) out of error messages.
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    // Explicit "\n" so that the file is byte-identical on every platform.
    private static final ObjectWriter WRITER;

    static {
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(indenter);
        printer.indentArraysWith(indenter);
        WRITER = MAPPER.writer(printer);
    }

    private static final Pattern CANONICAL_ID = Pattern.compile("0|[1-9][0-9]{0,4}");
    private static final Pattern JACKSON_SOURCE = Pattern.compile("\\s*\\([^()]*\\[Source:[^\\]]*\\][^()]*\\)");
    private static final int MAX_SHOWN = 40;

    private StoreFormat() {
    }

    static byte[] encode(StoredState state) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("counterHighWater", state.counterHighWater());
        ArrayNode instances = root.putArray("instances");
        for (StoredInstance i : state.instances()) {
            ObjectNode node = instances.addObject();
            node.put("id", i.id());
            node.put("owner", i.owner());
            node.put("locked", i.locked());
            ObjectNode identities = node.putObject("identities");
            i.identities().forEach((k, v) -> identities.put(Integer.toString(k), v));
        }
        try {
            String text = WRITER.writeValueAsString(root) + "\n";
            return text.getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            // A tree of strings and numbers always serializes.
            throw new IllegalStateException("cannot encode store state", e);
        }
    }

    static StoredState decode(Path file, byte[] bytes) throws StoreCorruptedException {
        return new Decoder(file).decode(bytes);
    }

    private static final class Decoder {

        private final Path file;

        Decoder(Path file) {
            this.file = file;
        }

        StoredState decode(byte[] bytes) throws StoreCorruptedException {
            if (bytes.length == 0) {
                throw corrupted("the file is empty");
            }
            String text = utf8(bytes);
            if (text.startsWith("\uFEFF")) {
                // Some editors add a byte order mark when a user repairs the file by hand.
                text = text.substring(1);
            }
            if (text.isBlank()) {
                throw corrupted("the file contains only whitespace");
            }
            JsonNode root;
            try (JsonParser parser = MAPPER.createParser(text)) {
                root = MAPPER.readTree(parser);
                // Text after the top-level value means the file is not one we wrote.
                if (parser.nextToken() != null) {
                    throw corrupted("not valid JSON: unexpected content after the end of the top-level value"
                            + at(parser.currentTokenLocation()));
                }
            } catch (JsonProcessingException e) {
                throw new StoreCorruptedException(file, "not valid JSON: " + describe(e), e);
            } catch (IOException e) {
                // Parsing a String does no I/O; anything here is still about the content.
                throw new StoreCorruptedException(file, "not valid JSON: " + e, e);
            }
            if (!root.isObject()) {
                throw corrupted("top level: expected a JSON object, found " + show(root));
            }

            JsonNode format = required(root, "format", "");
            if (!format.isTextual() || !FORMAT.equals(format.textValue())) {
                throw corrupted("format: expected \"" + FORMAT + "\", found " + show(format));
            }
            long version = integer(required(root, "version", ""), "version");
            if (version != VERSION) {
                throw corrupted("version: " + version + " is not supported (this program reads version "
                        + VERSION + ")");
            }
            long counterHighWater = integer(required(root, "counterHighWater", ""), "counterHighWater");
            if (counterHighWater < 0) {
                throw corrupted("counterHighWater: " + counterHighWater + " is negative");
            }
            JsonNode instancesNode = required(root, "instances", "");
            if (!instancesNode.isArray()) {
                throw corrupted("instances: expected an array, found " + show(instancesNode));
            }

            List<StoredInstance> instances = new ArrayList<>(instancesNode.size());
            Map<Integer, Integer> indexById = new HashMap<>();
            for (int k = 0; k < instancesNode.size(); k++) {
                String where = "instances[" + k + "]";
                StoredInstance instance = instance(instancesNode.get(k), where);
                Integer earlier = indexById.putIfAbsent(instance.id(), k);
                if (earlier != null) {
                    throw corrupted(where + ".id: " + instance.id() + " is already used by instances["
                            + earlier + "]");
                }
                instances.add(instance);
            }
            return new StoredState(instances, counterHighWater);
        }

        private StoredInstance instance(JsonNode node, String where) throws StoreCorruptedException {
            if (!node.isObject()) {
                throw corrupted(where + ": expected an object, found " + show(node));
            }
            long id = integer(required(node, "id", where), where + ".id");
            if (!StoredInstance.isValidId(id)) {
                throw corrupted(where + ".id: " + id + " is out of range 0.." + StoredInstance.MAX_ID);
            }
            JsonNode ownerNode = required(node, "owner", where);
            if (!ownerNode.isTextual()) {
                throw corrupted(where + ".owner: expected a string, found " + show(ownerNode));
            }
            String owner = ownerNode.textValue();
            String ownerProblem = StoredInstance.ownerProblem(owner);
            if (ownerProblem != null) {
                throw corrupted(where + ": " + ownerProblem);
            }
            JsonNode lockedNode = required(node, "locked", where);
            if (!lockedNode.isBoolean()) {
                throw corrupted(where + ".locked: expected true or false, found " + show(lockedNode));
            }
            JsonNode identitiesNode = required(node, "identities", where);
            if (!identitiesNode.isObject()) {
                throw corrupted(where + ".identities: expected an object, found " + show(identitiesNode));
            }
            TreeMap<Integer, String> identities = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = identitiesNode.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                if (!CANONICAL_ID.matcher(key).matches() || !StoredInstance.isValidId(Integer.parseInt(key))) {
                    throw corrupted(where + ".identities: key '" + shorten(key)
                            + "' is not an Identity instance id (0.." + StoredInstance.MAX_ID + ")");
                }
                if (!e.getValue().isTextual()) {
                    throw corrupted(where + ".identities." + key + ": expected a string, found "
                            + show(e.getValue()));
                }
                identities.put(Integer.parseInt(key), e.getValue().textValue());
            }
            try {
                return new StoredInstance((int) id, owner, lockedNode.booleanValue(), identities);
            } catch (IllegalArgumentException e) {
                // Checked above already; kept so that a rule added to the record is still reported with its place.
                throw new StoreCorruptedException(file, where + ": " + e.getMessage(), e);
            }
        }

        private JsonNode required(JsonNode parent, String field, String where) throws StoreCorruptedException {
            JsonNode value = parent.get(field);
            if (value == null) {
                String place = where.isEmpty() ? field : where + "." + field;
                throw corrupted(place + ": missing");
            }
            return value;
        }

        private long integer(JsonNode node, String where) throws StoreCorruptedException {
            if (!node.isIntegralNumber()) {
                throw corrupted(where + ": expected an integer, found " + show(node));
            }
            if (!node.canConvertToLong()) {
                throw corrupted(where + ": " + node.asText() + " is out of range");
            }
            return node.longValue();
        }

        private String utf8(byte[] bytes) throws StoreCorruptedException {
            CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            ByteBuffer in = ByteBuffer.wrap(bytes);
            // UTF-8 never yields more chars than bytes.
            CharBuffer out = CharBuffer.allocate(bytes.length);
            CoderResult result = decoder.decode(in, out, true);
            if (!result.isError()) {
                result = decoder.flush(out);
            }
            if (result.isError()) {
                throw corrupted("not UTF-8 text: invalid byte sequence at byte offset " + in.position());
            }
            return out.flip().toString();
        }

        private StoreCorruptedException corrupted(String reason) {
            return new StoreCorruptedException(file, reason);
        }
    }

    private static String describe(JsonProcessingException e) {
        // Jackson puts "(... [Source: ...])" into some messages; say where in plain words instead.
        String message = JACKSON_SOURCE.matcher(e.getOriginalMessage()).replaceAll("").replace('\n', ' ');
        return message + at(e.getLocation());
    }

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() <= 0) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static String show(JsonNode node) {
        switch (node.getNodeType()) {
            case STRING:
                return "the string \"" + shorten(node.textValue()) + "\"";
            case NUMBER:
                return "the number " + shorten(node.asText());
            case BOOLEAN:
                return node.asText();
            case NULL:
                return "null";
            case ARRAY:
                return "an array";
            case OBJECT:
                return "an object";
            default:
                return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static String shorten(String s) {
        return s.length() <= MAX_SHOWN ? s : s.substring(0, MAX_SHOWN) + "...";
    }
}
