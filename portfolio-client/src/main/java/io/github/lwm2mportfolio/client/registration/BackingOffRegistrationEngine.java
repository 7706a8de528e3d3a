package io.github.lwm2mportfolio.client.registration;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.eclipse.leshan.client.RegistrationUpdate;
import org.eclipse.leshan.client.engine.RegistrationEngine;
import org.eclipse.leshan.client.observer.LwM2mClientObserverAdapter;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.ResponseCode;
import org.eclipse.leshan.core.request.RegisterRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leshan's registration engine, restarted after a failed registration with a growing wait
 * ({@link RegistrationBackOff}) instead of Leshan's fixed one, and with each failure told in one line that says what
 * happened, what to check and when the next attempt is. A reason already told is not explained again: later lines
 * only say that the client is still not registered and when it tries next.
 *
 * <p>Leshan's engine keeps its own retry too far away to matter; {@link RegistrationEngine#start()} (which cancels
 * it and registers at once) is the retry. After a first timeout Leshan tries once more over a new connection before
 * it gives up: only the outcome of that second attempt counts.
 */
final class BackingOffRegistrationEngine extends LwM2mClientObserverAdapter implements RegistrationEngine {

    private static final Logger LOG = LoggerFactory.getLogger(BackingOffRegistrationEngine.class);

    private final RegistrationEngine engine;
    private final String endpoint;
    private final ServerForms forms;
    private final RegistrationBackOff backOff;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final Consumer<String> notices;

    // Guarded by this.
    private boolean running;
    private Future<?> nextAttempt;
    private int attemptsSinceStart;
    private int failuresInARow;
    private String handshakeFailure;
    private String lastReason;

    BackingOffRegistrationEngine(RegistrationEngine engine, String endpoint, ServerForms forms,
            RegistrationBackOff backOff, ScheduledExecutorService scheduler, boolean ownsScheduler,
            Consumer<String> notices) {
        this.engine = engine;
        this.endpoint = endpoint;
        this.forms = forms;
        this.backOff = backOff;
        this.scheduler = scheduler;
        this.ownsScheduler = ownsScheduler;
        this.notices = notices;
    }

    /**
     * A DTLS handshake with the server failed: told at once (the Register itself only times out later). With no
     * advice, the server never answered.
     */
    synchronized void handshakeFailed(InetSocketAddress peer, Throwable cause, String advice) {
        handshakeFailure = advice == null ? RegistrationProblems.noAnswer(peer.getHostString() + ":" + peer.getPort())
                : RegistrationProblems.handshakeFailed(peer, cause, advice);
        if (!handshakeFailure.equals(lastReason)) {
            lastReason = handshakeFailure;
            notice(handshakeFailure);
        }
    }

    @Override
    public synchronized void onRegistrationStarted(LwM2mServer server, RegisterRequest request) {
        attemptsSinceStart++;
    }

    @Override
    public synchronized void onRegistrationSuccess(LwM2mServer server, RegisterRequest request, String id) {
        attemptsSinceStart = 0; // a later re-registration by Leshan (after a failed update) counts from here
        failuresInARow = 0;
        lastReason = null;
        handshakeFailure = null;
    }

    @Override
    public synchronized void onRegistrationFailure(LwM2mServer server, RegisterRequest request, ResponseCode code,
            String errorMessage, Exception cause) {
        String uri = server.getUri();
        failed(server, code != null && !code.isSuccess()
                ? RegistrationProblems.refused(uri, forms.formFor(uri), code, errorMessage)
                : RegistrationProblems.failed(uri, cause));
    }

    @Override
    public synchronized void onRegistrationTimeout(LwM2mServer server, RegisterRequest request) {
        String reason = handshakeFailure != null ? handshakeFailure : RegistrationProblems.noAnswer(server.getUri());
        if (attemptsSinceStart < 2 && running) {
            // Leshan tries again at once over a new connection: say so, the back-off comes after that attempt.
            if (!reason.equals(lastReason)) {
                lastReason = reason;
                notice(reason + "; trying again now over a new connection");
            }
            handshakeFailure = null;
            return;
        }
        failed(server, reason);
    }

    private void failed(LwM2mServer server, String reason) {
        if (!running) {
            return;
        }
        if (handshakeFailure != null) {
            reason = handshakeFailure; // what the timeout or the send error came from
        }
        Duration wait = backOff.waitAfter(++failuresInARow);
        String next = "next attempt in " + RegistrationBackOff.inWords(wait);
        if (reason.equals(lastReason)) {
            notice("not registered at " + server.getUri() + " (" + (failuresInARow == 1 ? "see the reason above"
                    : "same reason") + "); " + next);
        } else {
            lastReason = reason;
            notice(reason + "; " + next);
        }
        if (nextAttempt != null) {
            nextAttempt.cancel(false);
        }
        nextAttempt = scheduler.schedule(this::attemptAgain, wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void attemptAgain() {
        synchronized (this) {
            if (!running) {
                return;
            }
            nextAttempt = null;
            attemptsSinceStart = 0;
            handshakeFailure = null;
        }
        engine.start(); // cancels Leshan's own retry and registers now
    }

    private void notice(String reason) {
        String line = endpoint + ": " + reason;
        LOG.warn("{}", line);
        notices.accept(line);
    }

    @Override
    public void start() {
        synchronized (this) {
            running = true;
            attemptsSinceStart = 0;
            handshakeFailure = null;
        }
        engine.start();
    }

    @Override
    public void stop(boolean deregister) {
        cancelNextAttempt();
        engine.stop(deregister);
    }

    @Override
    public void destroy(boolean deregister) {
        cancelNextAttempt();
        engine.destroy(deregister);
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
    }

    private synchronized void cancelNextAttempt() {
        running = false;
        if (nextAttempt != null) {
            nextAttempt.cancel(false);
            nextAttempt = null;
        }
    }

    @Override
    public void triggerRegistrationUpdate() {
        engine.triggerRegistrationUpdate();
    }

    @Override
    public void triggerRegistrationUpdate(LwM2mServer server) {
        engine.triggerRegistrationUpdate(server);
    }

    @Override
    public void triggerRegistrationUpdate(RegistrationUpdate registrationUpdate) {
        engine.triggerRegistrationUpdate(registrationUpdate);
    }

    @Override
    public void triggerRegistrationUpdate(LwM2mServer server, RegistrationUpdate registrationUpdate) {
        engine.triggerRegistrationUpdate(server, registrationUpdate);
    }

    @Override
    public boolean triggerClientInitiatedBootstrap(boolean deregister) {
        return engine.triggerClientInitiatedBootstrap(deregister);
    }

    @Override
    public String getRegistrationId(LwM2mServer server) {
        return engine.getRegistrationId(server);
    }

    @Override
    public Map<String, LwM2mServer> getRegisteredServers() {
        return engine.getRegisteredServers();
    }

    @Override
    public LwM2mServer getRegisteredServer(long serverId) {
        return engine.getRegisteredServer(serverId);
    }

    @Override
    public boolean isAllowedToCommunicate(LwM2mServer server) {
        return engine.isAllowedToCommunicate(server);
    }

    @Override
    public String getEndpoint() {
        return engine.getEndpoint();
    }
}
