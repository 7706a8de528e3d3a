package io.github.lwm2mportfolio.cli.bench;

import java.util.Collection;
import java.util.Map;

import org.eclipse.leshan.core.LwM2mId;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.server.registration.RegistrationListener;
import org.eclipse.leshan.server.registration.RegistrationUpdate;

/**
 * The baseline: Leshan as it comes (in-memory registration store, its default models; over DTLS its in-memory
 * security store) reading /3/0 once from every client that registers, again when a client registers anew. A
 * device is done when the read is answered.
 */
final class BareLeshanBenchServer extends LeshanBenchServer {

    /** Far above any answer on loopback: only a lost device reaches it. */
    private static final long READ_TIMEOUT_MS = 30_000;

    private final DeviceOutcomes tracker;

    /** @param preSharedKeys by endpoint, over DTLS */
    BareLeshanBenchServer(DeviceOutcomes tracker, BenchTransport transport, Map<String, byte[]> preSharedKeys) {
        super(transport, preSharedKeys, leshanAsItComes -> leshanAsItComes);
        this.tracker = tracker;
        server.getRegistrationService().addListener(new ReadOnRegistration());
    }

    private final class ReadOnRegistration implements RegistrationListener {
        @Override
        public void registered(Registration registration, Registration previousReg,
                Collection<Observation> previousObservations) {
            String endpoint = registration.getEndpoint();
            tracker.registered(endpoint);
            server.send(registration, new ReadRequest(LwM2mId.DEVICE, 0), READ_TIMEOUT_MS, response -> {
                if (response.isSuccess()) {
                    tracker.succeeded(endpoint);
                } else {
                    tracker.failed(endpoint, "read /3/0 answered " + response.getCode());
                }
            }, error -> tracker.failed(endpoint, "read /3/0: " + error));
        }

        @Override
        public void updated(RegistrationUpdate update, Registration updatedReg, Registration previousReg) {
        }

        @Override
        public void unregistered(Registration registration, Collection<Observation> observations, boolean expired,
                Registration newReg) {
        }
    }
}
