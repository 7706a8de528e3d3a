package io.github.lwm2mportfolio.server.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;

import io.github.lwm2mportfolio.server.compliance.ComplianceState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code portfolio_devices{state=...}}: the inventory's devices per compliance state, from its counts query (a
 * small table, no scan of the devices) read at most once per {@link #MAX_AGE} whatever the scrape rate. While the
 * database does not answer the gauges are NaN, which Prometheus shows as a gap.
 */
final class ComplianceGauges {

    static final Duration MAX_AGE = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(ComplianceGauges.class);

    private final LoadingCache<Boolean, Map<ComplianceState, Long>> counts;

    ComplianceGauges(Supplier<Map<ComplianceState, Long>> source) {
        this.counts = Caffeine.newBuilder().expireAfterWrite(MAX_AGE).build(any -> source.get());
    }

    void bindTo(MeterRegistry registry) {
        for (ComplianceState state : ComplianceState.values()) {
            Gauge.builder("portfolio.devices", this, gauges -> gauges.count(state))
                    .description("Devices in the inventory per compliance state (read at most every "
                            + MAX_AGE.toSeconds() + " s)")
                    .tag("state", state.name()).strongReference(true).register(registry);
        }
    }

    private double count(ComplianceState state) {
        try {
            Long count = counts.get(Boolean.TRUE).get(state);
            return count == null ? 0 : count;
        } catch (RuntimeException e) {
            LOG.debug("compliance counts for /metrics: {}", e.toString());
            return Double.NaN;
        }
    }
}
