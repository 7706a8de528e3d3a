package io.github.lwm2mportfolio.server.collector;

import java.time.Duration;

import org.eclipse.leshan.core.request.DownlinkDeviceManagementRequest;
import org.eclipse.leshan.core.request.SimpleDownlinkRequest;
import org.eclipse.leshan.core.request.exception.ClientSleepingException;
import org.eclipse.leshan.core.request.exception.InvalidResponseException;
import org.eclipse.leshan.core.request.exception.RequestCanceledException;
import org.eclipse.leshan.core.response.LwM2mResponse;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.registration.Registration;

/**
 * Sends LwM2M requests and turns every way they can go wrong into a {@link CollectionException} with a reason;
 * each request is timed by operation and outcome ({@link CollectorMetrics}).
 */
final class DeviceRequests {

    private final LeshanServer server;
    private final long timeoutMs;
    private final CollectorMetrics metrics;

    DeviceRequests(LeshanServer server, Duration timeout, CollectorMetrics metrics) {
        this.server = server;
        this.timeoutMs = timeout.toMillis();
        this.metrics = metrics;
    }

    <T extends LwM2mResponse> T send(Registration registration, DownlinkDeviceManagementRequest<T> request)
            throws CollectionException {
        String what = request.getClass().getSimpleName().replace("Request", "")
                + (request instanceof SimpleDownlinkRequest<?> simple ? " " + simple.getPath() : "");
        CollectorMetrics.Request timing = metrics.request(request);
        String outcome = "failure";
        try {
            T response = server.send(registration, request, timeoutMs);
            if (response == null) {
                outcome = "timeout";
                throw new CollectionException(what + ": no answer within " + timeoutMs + " ms", true);
            }
            outcome = response.isSuccess() ? "success" : "error";
            return response;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollectionException(what + ": interrupted", false);
        } catch (ClientSleepingException e) {
            throw new CollectionException(what + ": the client is sleeping (queue mode)", true);
        } catch (RequestCanceledException e) {
            throw new CollectionException(what + ": cancelled (" + e.getMessage() + ")", false);
        } catch (InvalidResponseException e) {
            throw new CollectionException(what + ": malformed answer (" + e.getMessage() + ")", false);
        } catch (RuntimeException e) {
            // Codec errors, send failures, a registration that went away in the middle.
            throw new CollectionException(what + ": " + e.getClass().getSimpleName() + " (" + e.getMessage() + ")",
                    true);
        } finally {
            timing.end(outcome);
        }
    }

    LeshanServer server() {
        return server;
    }
}
