package io.github.lwm2mportfolio.server.inventory;

import java.util.Map;

/** The host device as its Portfolio instance linked from /3/0/22 describes it; any field may be null. */
public record HostIdentityView(String uniqueId, String manufacturer, String model, String softwareVersion) {

    public static final HostIdentityView UNKNOWN = new HostIdentityView(null, null, null, null);

    /** From Identity values in the published numbering (0 unique ID, 1 manufacturer, 2 model, 3 sw version). */
    public static HostIdentityView of(Map<Integer, String> identities) {
        return new HostIdentityView(identities.get(0), identities.get(1), identities.get(2), identities.get(3));
    }
}
