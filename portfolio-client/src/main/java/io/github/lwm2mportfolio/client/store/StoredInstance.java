package io.github.lwm2mportfolio.client.store;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Portfolio instance as the store keeps it.
 *
 * @param id the Portfolio object instance id, 0..65534
 * @param owner the object instance that owns this Portfolio instance, as {@code "objectId/instanceId"}
 *     (e.g. {@code "3/0"}), in canonical decimal form without leading zeros
 * @param locked whether the instance is protected against server writes and deletes
 * @param identities the Identity resource instances (resource 0), by resource instance id 0..65534;
 *     an unmodifiable copy, so later changes to the map given here do not reach the store
 */
public record StoredInstance(int id, String owner, boolean locked, SortedMap<Integer, String> identities) {

    /** Highest object instance / resource instance id; 65535 is reserved by LwM2M. */
    public static final int MAX_ID = 65534;

    /** Highest object id (16 bits). */
    public static final int MAX_OBJECT_ID = 65535;

    // Canonical form only, so that owners can be compared as strings.
    private static final Pattern OWNER = Pattern.compile("(0|[1-9][0-9]{0,4})/(0|[1-9][0-9]{0,4})");

    public StoredInstance {
        if (!isValidId(id)) {
            throw new IllegalArgumentException("id " + id + " is out of range 0.." + MAX_ID);
        }
        Objects.requireNonNull(owner, "owner");
        String ownerProblem = ownerProblem(owner);
        if (ownerProblem != null) {
            throw new IllegalArgumentException(ownerProblem);
        }
        Objects.requireNonNull(identities, "identities");
        TreeMap<Integer, String> copy = new TreeMap<>();
        for (Map.Entry<Integer, String> e : identities.entrySet()) {
            Integer key = e.getKey();
            if (key == null) {
                throw new IllegalArgumentException("identity id must not be null");
            }
            if (!isValidId(key)) {
                throw new IllegalArgumentException("identity id " + key + " is out of range 0.." + MAX_ID);
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("identity " + key + " has a null value");
            }
            // An unpaired surrogate would be written as '?' and read back as another value.
            if (!StandardCharsets.UTF_8.newEncoder().canEncode(e.getValue())) {
                throw new IllegalArgumentException("identity " + key + " is not valid Unicode (unpaired surrogate)");
            }
            copy.put(key, e.getValue());
        }
        identities = Collections.unmodifiableSortedMap(copy);
    }

    /** Same as the canonical constructor, for callers holding a plain {@link Map}. */
    public static StoredInstance of(int id, String owner, boolean locked, Map<Integer, String> identities) {
        Objects.requireNonNull(identities, "identities");
        TreeMap<Integer, String> sorted = new TreeMap<>();
        for (Map.Entry<Integer, String> e : identities.entrySet()) {
            if (e.getKey() == null) {
                throw new IllegalArgumentException("identity id must not be null");
            }
            sorted.put(e.getKey(), e.getValue());
        }
        return new StoredInstance(id, owner, locked, sorted);
    }

    /** Whether {@code id} is a valid object instance or resource instance id. */
    public static boolean isValidId(long id) {
        return id >= 0 && id <= MAX_ID;
    }

    /** Why {@code owner} is not a valid owner string, or {@code null} when it is valid. */
    static String ownerProblem(String owner) {
        Matcher m = OWNER.matcher(owner);
        if (!m.matches()) {
            return "owner '" + owner + "' is not of the form objectId/instanceId (e.g. 3/0)";
        }
        if (Integer.parseInt(m.group(1)) > MAX_OBJECT_ID) {
            return "owner '" + owner + "': object id is out of range 0.." + MAX_OBJECT_ID;
        }
        if (Integer.parseInt(m.group(2)) > MAX_ID) {
            return "owner '" + owner + "': instance id is out of range 0.." + MAX_ID;
        }
        return null;
    }
}
