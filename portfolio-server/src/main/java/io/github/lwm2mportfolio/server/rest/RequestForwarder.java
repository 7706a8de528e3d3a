package io.github.lwm2mportfolio.server.rest;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.lwm2mportfolio.server.rest.DeviceHolders.Holder;
import io.github.lwm2mportfolio.server.rest.RestApi.ApiException;
import io.javalin.http.Context;

/**
 * Sends a REST request on to the node that holds its device and answers with that node's answer: the same
 * method, path, query, body (as this node read and checked it) and Authorization (the other node checks the same token, in the shared database),
 * marked {@link DeviceHolders#FORWARDED_BY}; its status, body and the headers that matter come back, with
 * {@link DeviceHolders#ANSWERED_BY} naming it. A forward that fails answers 502 or 504 and records nothing.
 */
final class RequestForwarder {

    private static final Logger LOG = LoggerFactory.getLogger(RequestForwarder.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final List<String> REQUEST_HEADERS = List.of("Authorization", "Content-Type", "Accept");
    private static final List<String> ANSWER_HEADERS = List.of("Content-Type", "Retry-After", "WWW-Authenticate",
            DeviceHolders.ANSWERED_BY);

    private final String node;
    private final Duration answerTimeout;
    private final HttpClient http;

    /** @param answerTimeout how long the holder may take: longer than it waits for the device itself */
    RequestForwarder(String node, Duration answerTimeout) {
        this.node = node;
        this.answerTimeout = answerTimeout;
        // HTTPS holders: their certificate must be one the JVM trusts (javax.net.ssl.trustStore), for their name.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    void forward(Context ctx, Holder holder) {
        URI target = ForwardedUri.of(holder.restUri(), ctx.path(), ctx.queryString());
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(answerTimeout)
                .method(ctx.method().name(), HttpRequest.BodyPublishers.ofByteArray(BoundedBody.alreadyRead(ctx)))
                .header(DeviceHolders.FORWARDED_BY, node);
        for (String name : REQUEST_HEADERS) {
            String value = ctx.header(name);
            if (value != null) {
                request.header(name, value);
            }
        }
        HttpResponse<byte[]> answer;
        try {
            answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpConnectTimeoutException e) {
            throw failed(504, holder, "did not accept a connection within " + CONNECT_TIMEOUT.toSeconds() + " s");
        } catch (HttpTimeoutException e) {
            throw failed(504, holder, "did not answer within " + answerTimeout.toSeconds() + " s");
        } catch (ConnectException e) {
            throw failed(502, holder, "refused the connection");
        } catch (IOException e) {
            throw failed(502, holder, "could not be reached (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted while forwarding to server node '" + holder.node() + "'");
        }
        ctx.status(answer.statusCode());
        for (String name : ANSWER_HEADERS) {
            answer.headers().firstValue(name).ifPresent(value -> ctx.header(name, value));
        }
        ctx.result(answer.body());
    }

    private ApiException failed(int status, Holder holder, String what) {
        String reason = "server node '" + holder.node() + "', which holds the device, " + what + " at "
                + holder.restUri() + ": nothing was done; try again";
        LOG.warn("forwarding to {}: {}", holder.node(), reason);
        return new ApiException(status, reason);
    }
}
