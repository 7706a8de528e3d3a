package io.github.lwm2mportfolio.cli.bench;

import io.github.lwm2mportfolio.cli.simulate.SimulateCommand;

/**
 * Sends the warm-up fleet's devices (endpoints starting with {@link #PREFIX}) to one tracker and the measured
 * fleet's to another, so that the JIT compiler's work on a fresh JVM stays out of the figures of both modes.
 */
final class WarmupRouter implements DeviceOutcomes {

    static final String PREFIX = SimulateCommand.WARMUP_PREFIX;

    private final DeviceOutcomes warmup;
    private final DeviceOutcomes measured;

    WarmupRouter(DeviceOutcomes warmup, DeviceOutcomes measured) {
        this.warmup = warmup;
        this.measured = measured;
    }

    private DeviceOutcomes of(String endpoint) {
        return endpoint.startsWith(PREFIX) ? warmup : measured;
    }

    @Override
    public void registered(String endpoint) {
        of(endpoint).registered(endpoint);
    }

    @Override
    public void succeeded(String endpoint) {
        of(endpoint).succeeded(endpoint);
    }

    @Override
    public void failed(String endpoint, String reason) {
        of(endpoint).failed(endpoint, reason);
    }
}
