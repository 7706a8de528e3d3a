package io.github.lwm2mportfolio.server.collector;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.leshan.core.LwM2m.LwM2mVersion;
import org.eclipse.leshan.core.ResponseCode;
import org.eclipse.leshan.server.registration.Registration;

/**
 * Which registrations refused an Observe-Composite of a Portfolio instance's Identity and AuthStatus: they are
 * collected resource by resource, as before issue 12, until they register again. LwM2M 1.0 peers are never asked.
 */
final class CompositeObservations {

    /** 5.01 Not Implemented, which Leshan's ResponseCode does not name. */
    private static final int NOT_IMPLEMENTED_CODE = 5 << 5 | 1;
    /** The answers that say "not this way": the next collections of the registration do not ask again. */
    private static final Set<Integer> REFUSALS = Set.of(ResponseCode.METHOD_NOT_ALLOWED_CODE,
            ResponseCode.BAD_REQUEST_CODE, NOT_IMPLEMENTED_CODE, ResponseCode.NOT_ACCEPTABLE_CODE,
            ResponseCode.UNSUPPORTED_CONTENT_FORMAT_CODE);

    private final Set<String> refused = ConcurrentHashMap.newKeySet();

    boolean allowed(Registration registration) {
        return registration.getLwM2mVersion().newerThan(LwM2mVersion.V1_0) && !refused.contains(registration.getId());
    }

    /** An answer to an Observe-Composite that was not a success; true when it is a refusal, now remembered. */
    boolean answered(Registration registration, ResponseCode code) {
        if (!REFUSALS.contains(code.getCode())) {
            return false;
        }
        refused.add(registration.getId());
        return true;
    }

    /** An answer that Leshan could not decode: the registration is not asked again. */
    void undecodable(Registration registration) {
        refused.add(registration.getId());
    }

    /** The registration ended. */
    void forget(Registration registration) {
        refused.remove(registration.getId());
    }
}
