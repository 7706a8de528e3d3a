package io.github.lwm2mportfolio.cli.bench;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Measures a fleet wave by wave (the reregister load): registrations go to the tracker of the current wave, and a
 * device's outcome to the wave of its latest registration. The bench server moves to the next wave once the one
 * before is done, so a client that registers twice within a wave (a retry) still counts once in it.
 */
final class RegistrationWaves implements DeviceOutcomes {

    private final List<? extends DeviceOutcomes> waves;
    /** Endpoint to the index of the wave of its latest registration. */
    private final Map<String, Integer> waveOf = new ConcurrentHashMap<>();
    private volatile int current;

    RegistrationWaves(List<? extends DeviceOutcomes> waves) {
        if (waves.isEmpty()) {
            throw new IllegalArgumentException("at least one wave");
        }
        this.waves = List.copyOf(waves);
    }

    /** Registrations from now on belong to the next wave (the last one stays the last). */
    void nextWave() {
        current = Math.min(current + 1, waves.size() - 1);
    }

    @Override
    public void registered(String endpoint) {
        int wave = current;
        waveOf.put(endpoint, wave);
        waves.get(wave).registered(endpoint);
    }

    @Override
    public void succeeded(String endpoint) {
        Integer wave = waveOf.get(endpoint);
        if (wave != null) {
            waves.get(wave).succeeded(endpoint);
        }
    }

    @Override
    public void failed(String endpoint, String reason) {
        Integer wave = waveOf.get(endpoint);
        if (wave != null) {
            waves.get(wave).failed(endpoint, reason);
        }
    }
}
