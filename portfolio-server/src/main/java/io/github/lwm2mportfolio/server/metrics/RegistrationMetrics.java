package io.github.lwm2mportfolio.server.metrics;

import java.util.Collection;

import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.server.registration.RegistrationListener;
import org.eclipse.leshan.server.registration.RegistrationUpdate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Counts the LwM2M registrations, their updates and their ends (a deregistration or an expiry). */
final class RegistrationMetrics implements RegistrationListener {

    private final Counter registrations;
    private final Counter updates;
    private final Counter deregistrations;
    private final Counter expiries;

    RegistrationMetrics(MeterRegistry registry) {
        this.registrations = Counter.builder("portfolio.registrations").description("LwM2M registrations accepted")
                .register(registry);
        this.updates = Counter.builder("portfolio.registration.updates")
                .description("LwM2M registration updates accepted").register(registry);
        this.deregistrations = ends(registry, "deregistered");
        this.expiries = ends(registry, "expired");
    }

    private static Counter ends(MeterRegistry registry, String reason) {
        return Counter.builder("portfolio.deregistrations")
                .description("Registrations that ended: the device deregistered or its lifetime expired")
                .tag("reason", reason).register(registry);
    }

    @Override
    public void registered(Registration registration, Registration previousReg,
            Collection<Observation> previousObservations) {
        registrations.increment();
    }

    @Override
    public void updated(RegistrationUpdate update, Registration updatedReg, Registration previousReg) {
        updates.increment();
    }

    @Override
    public void unregistered(Registration registration, Collection<Observation> observations, boolean expired,
            Registration newReg) {
        if (newReg == null) { // a new registration of the same endpoint replaces it: not an end
            (expired ? expiries : deregistrations).increment();
        }
    }
}
