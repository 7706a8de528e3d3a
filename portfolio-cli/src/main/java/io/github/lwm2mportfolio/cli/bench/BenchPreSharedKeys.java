package io.github.lwm2mportfolio.cli.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.lwm2mportfolio.cli.simulate.SimulateCommand;
import io.github.lwm2mportfolio.cli.simulate.SimulatorAuthority;

/**
 * The DTLS pre-shared keys of a bench fleet, by endpoint (the PSK identity is the endpoint name): the warm-up
 * fleet's and the measured fleet's, made from the seed as the simulator makes them, so that no key is written
 * anywhere or passed between the JVMs.
 */
final class BenchPreSharedKeys {

    private BenchPreSharedKeys() {
    }

    static Map<String, byte[]> of(long seed, int warmup, int clients) {
        SimulatorAuthority authority = SimulatorAuthority.fromSeed(seed);
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (int i = 0; i < warmup; i++) {
            String endpoint = SimulateCommand.endpoint(SimulateCommand.WARMUP_PREFIX, i);
            keys.put(endpoint, authority.pskKey(endpoint));
        }
        for (int i = 0; i < clients; i++) {
            String endpoint = SimulateCommand.endpoint(SimulateCommand.DEFAULT_PREFIX, i);
            keys.put(endpoint, authority.pskKey(endpoint));
        }
        return Collections.unmodifiableMap(keys);
    }
}
