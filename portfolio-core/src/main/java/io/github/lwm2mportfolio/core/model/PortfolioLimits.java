package io.github.lwm2mportfolio.core.model;

/**
 * Bounds a client enforces so that a server (or a bug in the host application) cannot exhaust memory or
 * storage. Over a limit the client answers 4.00 with a reason and changes nothing.
 */
public record PortfolioLimits(int maxIdentityBytes, int maxIdentitiesPerInstance, int maxInstances) {

    public static final PortfolioLimits DEFAULTS = new PortfolioLimits(1024, 64, 16);

    public PortfolioLimits {
        if (maxIdentityBytes < 1 || maxIdentitiesPerInstance < 1 || maxInstances < 1) {
            throw new IllegalArgumentException("limits must be at least 1: " + maxIdentityBytes + ", "
                    + maxIdentitiesPerInstance + ", " + maxInstances);
        }
    }
}
