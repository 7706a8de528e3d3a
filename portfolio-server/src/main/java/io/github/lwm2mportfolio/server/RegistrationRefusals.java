package io.github.lwm2mportfolio.server;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.interceptors.MessageInterceptor;

/**
 * Leshan answers a refused registration 4.03 with no payload; this gives the device the reason the authorizer
 * found, as a diagnostic payload of that 4.03. Reasons wait by the peer's address for the response, which is
 * sent right after the refusal.
 */
final class RegistrationRefusals implements MessageInterceptor {

    /** More refusals than this waiting at once means their answers were lost: start over. */
    private static final int MAX_WAITING = 10_000;

    private final Map<InetSocketAddress, String> reasons = new ConcurrentHashMap<>();

    void refused(InetSocketAddress peer, String reason) {
        if (reasons.size() >= MAX_WAITING) {
            reasons.clear();
        }
        reasons.put(peer, reason);
    }

    @Override
    public void sendResponse(Response response) {
        if (response.getCode() != ResponseCode.FORBIDDEN || response.getPayloadSize() > 0
                || response.getDestinationContext() == null) {
            return;
        }
        String reason = reasons.remove(response.getDestinationContext().getPeerAddress());
        if (reason != null) {
            response.setPayload(reason.getBytes(StandardCharsets.UTF_8));
            response.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
        }
    }
}
