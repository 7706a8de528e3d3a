package io.github.lwm2mportfolio.client.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.californium.core.CoapExchange;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;

/**
 * An LwM2M server stricter and older than Leshan, written on Californium alone (no Leshan server code) to try clients
 * against the servers they meet in the field. Its registration interface checks a Register as such servers do and
 * refuses it with a reason: {@link Rule#SINGLE_CT} with 4.00 when the root link's {@code ct} is a quoted list (old C
 * servers read one number there), {@link Rule#LWM2M_1_0_ONLY} with 4.12 when {@code lwm2m} is not 1.0 (LwM2M 1.1's
 * answer to a version the server does not support). An accepted Register gets 2.01 and a Location; the test then
 * drives the client with plain CoAP requests ({@link #get}, {@link #put}, {@link #post}) and checks the answers.
 * Every Register and Update it receives is kept, accepted or not, to assert what went over the wire.
 */
public final class StrictLwm2mServer implements AutoCloseable {

    /** How strict the server is. */
    public enum Rule {
        /** 4.00 to a root link whose ct is a quoted list. */
        SINGLE_CT,
        /** 4.12 to any lwm2m= other than 1.0. */
        LWM2M_1_0_ONLY,
        /**
         * 4.00 to every Register, as to an endpoint the server does not know, with a hostile reason (a line break and
         * a forged log line) that the client must not print as it is.
         */
        REFUSE_ALL
    }

    /** A Register or Update as received: its URI query parameters, its link-format payload and the answer. */
    public record Received(Map<String, String> query, String payload, ResponseCode answer, InetSocketAddress client) {

        public boolean accepted() {
            return answer.isSuccess();
        }
    }

    /** Generous: an upper bound that a loaded CI machine must not hit, not a pace. */
    private static final long TIMEOUT_MS = 10_000;

    private final Set<Rule> rules;
    private final CoapServer server;
    private final CoapEndpoint endpoint;
    private final AtomicInteger registrationIds = new AtomicInteger();
    private final List<Received> registers = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Received> registerQueue = new LinkedBlockingQueue<>();
    private final BlockingQueue<Received> updates = new LinkedBlockingQueue<>();
    private volatile CountDownLatch acceptedRegisterGate = new CountDownLatch(0);

    public StrictLwm2mServer(Rule first, Rule... others) {
        this.rules = EnumSet.of(first, others);
        CoapConfig.register();
        UdpConfig.register();
        Configuration configuration = Configuration.createStandardWithoutFile();
        server = new CoapServer(configuration);
        endpoint = new CoapEndpoint.Builder().setConfiguration(configuration)
                .setInetSocketAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build();
        server.addEndpoint(endpoint);
        server.add(new RegistrationInterface());
        server.start();
    }

    public String coapUri() {
        return "coap://" + endpoint.getAddress().getHostString() + ":" + endpoint.getAddress().getPort();
    }

    /**
     * Holds the answer to every accepted Register (it is recorded at once) until the returned latch is counted
     * down: the client stays mid-registration meanwhile.
     */
    public CountDownLatch holdAcceptedRegisters() {
        CountDownLatch gate = new CountDownLatch(1);
        acceptedRegisterGate = gate;
        return gate;
    }

    /** Every Register received so far, in order. */
    public List<Received> registers() {
        return List.copyOf(registers);
    }

    /** The next Register received (accepted or refused). */
    public Received awaitRegister() throws InterruptedException {
        Received register = registerQueue.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        assertThat(register).as("a Register within " + TIMEOUT_MS + " ms").isNotNull();
        return register;
    }

    /** Waits for Registers until one is accepted, and returns it. */
    public Received awaitAcceptedRegister() throws InterruptedException {
        while (true) {
            Received register = awaitRegister();
            if (register.accepted()) {
                return register;
            }
        }
    }

    public Received awaitUpdate() throws InterruptedException {
        Received update = updates.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        assertThat(update).as("an Update within " + TIMEOUT_MS + " ms").isNotNull();
        return update;
    }

    /** A Read of {@code path} asking for content format {@code accept}. */
    public Response get(InetSocketAddress client, String path, int accept) throws InterruptedException {
        Request request = Request.newGet();
        request.getOptions().setAccept(accept);
        return send(client, path, request);
    }

    /** A Write (replace) of {@code path} with a payload in content format {@code contentFormat}. */
    public Response put(InetSocketAddress client, String path, int contentFormat, byte[] payload)
            throws InterruptedException {
        Request request = Request.newPut();
        request.getOptions().setContentFormat(contentFormat);
        request.setPayload(payload);
        return send(client, path, request);
    }

    /** A Create (on an object) or an Execute (on a resource, text/plain arguments). */
    public Response post(InetSocketAddress client, String path, int contentFormat, byte[] payload)
            throws InterruptedException {
        Request request = Request.newPost();
        if (payload.length > 0) {
            request.getOptions().setContentFormat(contentFormat);
            request.setPayload(payload);
        }
        return send(client, path, request);
    }

    private Response send(InetSocketAddress client, String path, Request request) throws InterruptedException {
        request.setURI("coap://" + client.getHostString() + ":" + client.getPort() + path);
        endpoint.sendRequest(request);
        Response response = request.waitForResponse(TIMEOUT_MS);
        assertThat(response).as("an answer to " + request.getCode() + " " + path).isNotNull();
        return response;
    }

    @Override
    public void close() {
        server.destroy();
    }

    private static Map<String, String> query(CoapExchange exchange) {
        Map<String, String> query = new LinkedHashMap<>();
        for (String parameter : exchange.getRequestOptions().getUriQueryStrings()) {
            int equals = parameter.indexOf('=');
            query.put(equals < 0 ? parameter : parameter.substring(0, equals),
                    equals < 0 ? "" : parameter.substring(equals + 1));
        }
        return query;
    }

    /** {@code /rd}: Register, and one child per registration for Update and Deregister. */
    private final class RegistrationInterface extends CoapResource {

        RegistrationInterface() {
            super("rd");
        }

        @Override
        public void handlePOST(CoapExchange exchange) {
            Map<String, String> query = query(exchange);
            String payload = exchange.getRequestText();
            String refusal = refusal(exchange, query, payload);
            ResponseCode answer = refusal == null ? ResponseCode.CREATED
                    : refusal.startsWith("LwM2M version") ? ResponseCode.PRECONDITION_FAILED : ResponseCode.BAD_REQUEST;
            Received register = new Received(query, payload, answer, exchange.getSourceSocketAddress());
            registers.add(register);
            registerQueue.add(register);
            if (refusal != null) {
                exchange.respond(answer, refusal);
                return;
            }
            awaitGate();
            String id = "r" + registrationIds.incrementAndGet();
            add(new Registration(id));
            exchange.setLocationPath("rd/" + id);
            exchange.respond(ResponseCode.CREATED);
        }

        private void awaitGate() {
            try {
                assertThat(acceptedRegisterGate.await(TIMEOUT_MS, TimeUnit.MILLISECONDS))
                        .as("the test released the Register's answer").isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** What this server finds wrong with a Register, or null. */
        private String refusal(CoapExchange exchange, Map<String, String> query, String payload) {
            if (query.get("ep") == null || query.get("ep").isEmpty()) {
                return "the endpoint name (ep) is required";
            }
            if (exchange.getRequestOptions().getContentFormat() != MediaTypeRegistry.APPLICATION_LINK_FORMAT) {
                return "the payload must be application/link-format";
            }
            if (rules.contains(Rule.REFUSE_ALL)) {
                return "unknown endpoint\r\nWARN forged log line";
            }
            if (rules.contains(Rule.LWM2M_1_0_ONLY) && !"1.0".equals(query.get("lwm2m"))) {
                return "LwM2M version " + query.get("lwm2m") + " is not supported, only 1.0";
            }
            if (rules.contains(Rule.SINGLE_CT)) {
                for (String link : payload.split(",")) {
                    if (link.startsWith("</>") && link.contains(";ct=\"")) {
                        return "the root link's ct must be one content format";
                    }
                }
            }
            return null;
        }
    }

    /** {@code /rd/ID}: Update (POST) and Deregister (DELETE). */
    private final class Registration extends CoapResource {

        Registration(String id) {
            super(id);
        }

        @Override
        public void handlePOST(CoapExchange exchange) {
            updates.add(new Received(query(exchange), exchange.getRequestText(), ResponseCode.CHANGED,
                    exchange.getSourceSocketAddress()));
            exchange.respond(ResponseCode.CHANGED);
        }

        @Override
        public void handleDELETE(CoapExchange exchange) {
            delete();
            exchange.respond(ResponseCode.DELETED);
        }
    }

    /** For tests that print what they saw. */
    @Override
    public String toString() {
        List<String> lines = new ArrayList<>();
        registers.forEach(register -> lines.add(register.query() + " " + register.payload() + " -> "
                + register.answer()));
        return "StrictLwm2mServer" + rules + lines;
    }
}
