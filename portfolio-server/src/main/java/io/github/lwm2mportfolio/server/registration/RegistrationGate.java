package io.github.lwm2mportfolio.server.registration;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP.Code;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands in front of Leshan's {@code /rd} resource and refuses, before Leshan registers anything:
 * <ul>
 * <li>a lifetime ({@code lt}) outside the accepted range, in a Register or an Update: 4.00 with the range;</li>
 * <li>a Register of an endpoint not registered now, from a source address that has used up its registrations:
 * 5.03 Service Unavailable with Max-Age, the seconds after which it may try again (RFC 7252 5.9.3.4). 5.03 and
 * not 4.03: the client is not refused for what it is but for how many registered from its address lately.</li>
 * <li>a plain-CoAP Register of an endpoint that is or was registered over CoAPS: 4.03, so that nobody takes over
 * a DTLS device's registration without its credentials (removing the device forgets it);</li>
 * <li>a Register when the inventory cannot say whether that is so: 5.03, to try again later;</li>
 * <li>a Register, an Update or a De-register while the shared registration store (Redis, for a node of several)
 * is unreachable: 5.03 at once, rather than a reset after its timeout.</li>
 * </ul>
 * Every other request goes to Leshan's resource unchanged. Each refusal is logged once with the endpoint, the
 * source address and the reason; those of the rate limit at most once a second, since a flood causes them.
 */
public final class RegistrationGate extends CoapResource {

    private static final Logger LOG = LoggerFactory.getLogger(RegistrationGate.class);

    private final Resource registrations;
    private final RegistrationLimits limits;
    private final EndpointHistory history;
    private final SourceRateLimiter perSource;
    /** Max-Age of a 5.03 for an unavailable inventory: the seconds after which a device may try again. */
    private static final long UNAVAILABLE_RETRY_SECONDS = 30;

    private volatile long lastRefusalLog;
    /** Set when the server stops: why every new Register is answered 5.03, and the Max-Age it carries. */
    private volatile String closedReason;
    private volatile long closedRetrySeconds;
    /** Why the registration store cannot be used now, or empty; never asked of a store in memory. */
    private volatile Supplier<Optional<String>> storeProblem = Optional::empty;

    RegistrationGate(Resource registrations, RegistrationLimits limits, EndpointHistory history) {
        super(registrations.getName());
        this.registrations = registrations;
        this.limits = limits;
        this.history = history;
        this.perSource = new SourceRateLimiter(limits.perSourceBurst(), limits.perSourceRate(), System::nanoTime);
    }

    /**
     * Puts a gate in front of the server's {@code /rd} resource.
     *
     * @param history whether an endpoint is registered now and whether it is or was over CoAPS
     */
    public static RegistrationGate install(CoapServer server, RegistrationLimits limits, EndpointHistory history) {
        Resource registrations = server.getRoot().getChild("rd");
        if (registrations == null) {
            throw new IllegalStateException("the LwM2M server has no /rd resource");
        }
        server.remove(registrations);
        RegistrationGate gate = new RegistrationGate(registrations, limits, history);
        server.add(gate);
        return gate;
    }

    /**
     * From now on every Register is answered 5.03 with this reason and a Max-Age of {@code retrySeconds}: a
     * client backs off at once and registers with the next server, rather than waiting for answers that never
     * come. Updates and deregistrations go on, so that collections under way can end.
     */
    public void close(String reason, long retrySeconds) {
        closedRetrySeconds = retrySeconds;
        closedReason = reason;
    }

    /** Answers 5.03 to every registration request while {@code problem} says why the store cannot be used. */
    public void refuseWhileStoreDown(Supplier<Optional<String>> problem) {
        this.storeProblem = problem;
    }

    @Override
    public Resource getChild(String name) {
        return this; // /rd/{id}: updates and deregistrations, passed on to Leshan
    }

    @Override
    public void handleRequest(Exchange exchange) {
        Request request = exchange.getRequest();
        if (request.getCode() == Code.POST) {
            String refusal = lifetimeRefusal(request.getOptions().getUriQueryStrings());
            if (refusal != null) {
                LOG.info("registration{} from {} refused (4.00): {}", endpointOf(request), source(request), refusal);
                refuse(exchange, ResponseCode.BAD_REQUEST, refusal, null);
                return;
            }
            String closed = closedReason;
            if (closed != null && request.getOptions().getURIPathCount() == 1) {
                refuse(exchange, ResponseCode.SERVICE_UNAVAILABLE, closed, closedRetrySeconds);
                return;
            }
        }
        if (request.getCode() == Code.POST || request.getCode() == Code.DELETE) {
            Optional<String> storeDown = storeProblem.get();
            if (storeDown.isPresent()) {
                logRefusal(() -> LOG.warn("registration request from {} refused (5.03): {}", source(request),
                        storeDown.get()));
                refuse(exchange, ResponseCode.SERVICE_UNAVAILABLE,
                        "the registration store is unavailable; try again later", UNAVAILABLE_RETRY_SECONDS);
                return;
            }
        }
        if (request.getCode() == Code.POST && request.getOptions().getURIPathCount() == 1 && !admitted(exchange)) {
            return;
        }
        registrations.handleRequest(exchange);
    }

    /** Logs a refusal that a flood or an outage causes many of: at most once a second. */
    private void logRefusal(Runnable log) {
        long now = System.nanoTime();
        if (now - lastRefusalLog > 1_000_000_000L) {
            lastRefusalLog = now;
            log.run();
        }
    }

    /** Whether a Register may go on to Leshan; answers it when not. */
    private boolean admitted(Exchange exchange) {
        Request request = exchange.getRequest();
        String endpoint = query(request.getOptions().getUriQueryStrings(), "ep");
        // a Register of an endpoint registered now replaces its own registration and costs no token; the rate
        // is checked first, so that a flood costs no database reads
        if (endpoint == null || !history.registeredNow(endpoint)) {
            InetAddress source = request.getSourceContext().getPeerAddress().getAddress();
            long retryAfter = perSource.tryAcquire(source);
            if (retryAfter > 0) {
                String reason = "too many registrations from " + source.getHostAddress() + " (at most "
                        + limits.perSourceBurst() + " at once, then " + limits.perSourceRate()
                        + " per second); try again in " + retryAfter + " s";
                logRefusal(() -> LOG.info("registration of {} from {} refused (5.03): {}", printable(endpoint),
                        source(request), reason));
                refuse(exchange, ResponseCode.SERVICE_UNAVAILABLE, reason, retryAfter);
                return false;
            }
        }
        if (endpoint == null) {
            return true; // Leshan refuses it
        }
        boolean securedBefore;
        try {
            // asked over CoAPS too: Leshan's own lookups of the same database would fail with no answer
            securedBefore = history.securedBefore(endpoint);
        } catch (RuntimeException e) { // logged without the trace and the statement (it names the endpoint)
            LOG.warn("registration of {} from {} refused: the inventory is unavailable ({})", printable(endpoint),
                    source(request), String.valueOf(e.getCause() != null ? e.getCause() : e));
            refuse(exchange, ResponseCode.SERVICE_UNAVAILABLE, "the inventory is unavailable; try again later",
                    UNAVAILABLE_RETRY_SECONDS);
            return false;
        }
        if (securedBefore && request.getSourceContext().getPeerIdentity() == null) {
            LOG.warn("registration of {} from {} refused: it came over plain CoAP, but the endpoint has "
                    + "registered over DTLS before", printable(endpoint), source(request));
            refuse(exchange, ResponseCode.FORBIDDEN, "endpoint has registered over DTLS before: register over CoAPS",
                    null);
            return false;
        }
        return true;
    }

    /** The endpoint as a log line may show it: no control characters (no forged lines), at most 100 chars. */
    private static String printable(String endpoint) {
        if (endpoint == null) {
            return null;
        }
        String shown = endpoint.replaceAll("\\p{Cntrl}", "?");
        return shown.length() <= 100 ? shown : shown.substring(0, 100) + "...";
    }

    private static String source(Request request) {
        return String.valueOf(request.getSourceContext().getPeerAddress());
    }

    /** Null when the request names no lifetime or an acceptable one. */
    private String lifetimeRefusal(List<String> queries) {
        String value = query(queries, "lt");
        if (value == null) {
            return null;
        }
        long seconds;
        try {
            seconds = Long.parseLong(value);
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        long min = limits.minLifetime().toSeconds();
        long max = limits.maxLifetime().toSeconds();
        if (seconds >= min && seconds <= max) {
            return null;
        }
        return "lifetime must be " + min + " to " + max + " seconds, got '" + shorten(value) + "'";
    }

    private static String query(List<String> queries, String name) {
        String prefix = name + "=";
        for (String query : queries) {
            if (query.startsWith(prefix)) {
                return query.substring(prefix.length());
            }
        }
        return null;
    }

    private static String shorten(String value) {
        return value.length() <= 24 ? value : value.substring(0, 24) + "...";
    }

    /** Answers; logged before, so that whoever sees the answer finds the log line written. */
    private void refuse(Exchange exchange, ResponseCode code, String reason, Long maxAge) {
        Response response = new Response(code);
        response.setPayload(reason);
        response.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
        if (maxAge != null) {
            response.getOptions().setMaxAge(maxAge);
        }
        exchange.sendResponse(response);
    }

    /** " of ep" for a Register; an Update names no endpoint. */
    private static String endpointOf(Request request) {
        String endpoint = query(request.getOptions().getUriQueryStrings(), "ep");
        return endpoint == null ? "" : " of " + printable(endpoint);
    }
}
