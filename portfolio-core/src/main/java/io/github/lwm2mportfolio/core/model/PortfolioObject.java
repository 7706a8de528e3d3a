package io.github.lwm2mportfolio.core.model;

/**
 * Identifiers of the Portfolio object (16) and of the Device resource that links to it.
 * The object is 16, not the placeholder 14 of the change request: 14 is the registered
 * "LwM2M Software Component" object (see docs/DECISIONS.md).
 */
public final class PortfolioObject {

    public static final int OBJECT_ID = 16;
    public static final String VERSION = "1.0";

    public static final int IDENTITY = 0;
    public static final int GET_AUTH_DATA = 1;
    public static final int AUTH_DATA = 2;
    public static final int AUTH_STATUS = 3;

    public static final int DEVICE_OBJECT_ID = 3;
    public static final int EXT_DEV_INFO = 22;

    private PortfolioObject() {
    }

    /** The path of a Portfolio instance as it appears in AuthData claims, e.g. "/16/0". */
    public static String instancePath(int instanceId) {
        return "/" + OBJECT_ID + "/" + instanceId;
    }
}
