package io.github.lwm2mportfolio.server;

import java.util.List;

import org.eclipse.californium.core.coap.CoAP.Code;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.server.MessageDeliverer;

import io.github.lwm2mportfolio.server.inventory.InputRules;

/**
 * Answers 4.00 with the reason to a registration whose endpoint name the inventory's rules refuse
 * ({@link InputRules#checkEndpoint}: missing, blank, control characters, U+FFFD from bytes that are not UTF-8,
 * markup, paths) before Leshan sees it: Leshan answered an empty name 5.00 with a stack trace in the log, and
 * took names with control characters into logs, tables and the console.
 */
final class RegistrationScreen implements MessageDeliverer {

    private final MessageDeliverer next;

    RegistrationScreen(MessageDeliverer next) {
        this.next = next;
    }

    @Override
    public void deliverRequest(Exchange exchange) {
        Request request = exchange.getRequest();
        if (request.getCode() == Code.POST && "rd".equals(request.getOptions().getUriPathString())) {
            String refusal = refusal(request.getOptions().getUriQueryStrings());
            if (refusal != null) {
                Response response = new Response(ResponseCode.BAD_REQUEST);
                response.setPayload(refusal);
                response.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
                exchange.sendResponse(response);
                return;
            }
        }
        next.deliverRequest(exchange);
    }

    @Override
    public void deliverResponse(Exchange exchange, Response response) {
        next.deliverResponse(exchange, response);
    }

    private static String refusal(List<String> query) {
        String endpoint = null;
        for (String parameter : query) {
            if (parameter.startsWith("ep=")) {
                if (endpoint != null) {
                    return "the registration names its endpoint twice";
                }
                endpoint = parameter.substring(3);
            }
        }
        if (endpoint == null) {
            return "the registration has no endpoint name (ep=)";
        }
        try {
            InputRules.checkEndpoint(endpoint);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
