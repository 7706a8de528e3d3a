package io.github.lwm2mportfolio.server.registration;

import java.net.InetAddress;
import java.util.List;
import java.util.function.Predicate;

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
 * </ul>
 * Every other request goes to Leshan's resource unchanged. Refusals are logged at most once a second.
 */
public final class RegistrationGate extends CoapResource {

    private static final Logger LOG = LoggerFactory.getLogger(RegistrationGate.class);

    private final Resource registrations;
    private final RegistrationLimits limits;
    private final Predicate<String> registeredNow;
    private final SourceRateLimiter perSource;
    private volatile long lastRefusalLog;

    RegistrationGate(Resource registrations, RegistrationLimits limits, Predicate<String> registeredNow) {
        super(registrations.getName());
        this.registrations = registrations;
        this.limits = limits;
        this.registeredNow = registeredNow;
        this.perSource = new SourceRateLimiter(limits.perSourceBurst(), limits.perSourceRate(), System::nanoTime);
    }

    /**
     * Puts a gate in front of the server's {@code /rd} resource.
     *
     * @param registeredNow whether an endpoint is registered now (its Register is a re-registration, not a new one)
     */
    public static void install(CoapServer server, RegistrationLimits limits, Predicate<String> registeredNow) {
        Resource registrations = server.getRoot().getChild("rd");
        if (registrations == null) {
            throw new IllegalStateException("the LwM2M server has no /rd resource");
        }
        server.remove(registrations);
        server.add(new RegistrationGate(registrations, limits, registeredNow));
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
                refuse(exchange, ResponseCode.BAD_REQUEST, refusal, null);
                return;
            }
            if (request.getOptions().getURIPathCount() == 1 && !reRegistration(request)) {
                InetAddress source = request.getSourceContext().getPeerAddress().getAddress();
                long retryAfter = perSource.tryAcquire(source);
                if (retryAfter > 0) {
                    refuse(exchange, ResponseCode.SERVICE_UNAVAILABLE, "too many registrations from "
                            + source.getHostAddress() + " (at most " + limits.perSourceBurst() + " at once, then "
                            + limits.perSourceRate() + " per second); try again in " + retryAfter + " s", retryAfter);
                    return;
                }
            }
        }
        registrations.handleRequest(exchange);
    }

    /** A Register of an endpoint registered now: it replaces its own registration and costs no token. */
    private boolean reRegistration(Request request) {
        String endpoint = query(request.getOptions().getUriQueryStrings(), "ep");
        return endpoint != null && registeredNow.test(endpoint);
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

    private void refuse(Exchange exchange, ResponseCode code, String reason, Long maxAge) {
        Response response = new Response(code);
        response.setPayload(reason);
        response.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
        if (maxAge != null) {
            response.getOptions().setMaxAge(maxAge);
        }
        exchange.sendResponse(response);
        long now = System.nanoTime();
        if (now - lastRefusalLog > 1_000_000_000L) {
            lastRefusalLog = now;
            LOG.info("registration refused ({}): {}", code, reason);
        }
    }
}
