package io.github.lwm2mportfolio.client.registration;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

import org.eclipse.leshan.client.EndpointsManager;
import org.eclipse.leshan.client.RegistrationUpdate;
import org.eclipse.leshan.client.bootstrap.BootstrapHandler;
import org.eclipse.leshan.client.engine.ClientEndpointNameProvider;
import org.eclipse.leshan.client.engine.DefaultRegistrationEngineFactory;
import org.eclipse.leshan.client.engine.RegistrationEngine;
import org.eclipse.leshan.client.engine.RegistrationEngineFactory;
import org.eclipse.leshan.client.observer.LwM2mClientObserver;
import org.eclipse.leshan.client.observer.LwM2mClientObserverDispatcher;
import org.eclipse.leshan.client.request.UplinkRequestSender;
import org.eclipse.leshan.client.resource.LwM2mObjectTree;
import org.eclipse.leshan.client.servers.ServersInfoExtractor;
import org.eclipse.leshan.client.util.LinkFormatHelper;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.util.NamedThreadFactory;

/**
 * Leshan's own registration engine, whose Register and Update go out in the client's {@link RegistrationForm} and
 * fall back once to {@link RegistrationForm#CONSERVATIVE} when a server refuses them (see
 * {@link FormAdaptingSender}), and which retries a failed registration with a back-off, telling why in words (see
 * {@link BackingOffRegistrationEngine}). One per client: it remembers the form each server accepted.
 */
public final class RegistrationFormEngineFactory implements RegistrationEngineFactory {

    /** Leshan's own retry, kept too far away to happen: the back-off restarts the engine before. */
    private static final Duration LESHAN_RETRY_WAIT = Duration.ofMillis(Integer.MAX_VALUE);

    private final DefaultRegistrationEngineFactory engines = new DefaultRegistrationEngineFactory();
    private final ServerForms forms;
    private final RegistrationBackOff backOff;
    private final Consumer<String> notices;
    private volatile Runnable objectLinksUpdate = () -> {
    };
    private volatile BackingOffRegistrationEngine engine;

    /**
     * @param backOff how long the client waits after a refused or failed registration before the next one
     * @param notices told, in one line, when the client changes its form, and why each failed registration failed
     *        and when the next attempt is (the line is logged at WARN as well)
     */
    public RegistrationFormEngineFactory(RegistrationForm form, RegistrationBackOff backOff,
            Consumer<String> notices) {
        this.forms = new ServerForms(form);
        this.notices = Objects.requireNonNull(notices, "notices");
        this.backOff = Objects.requireNonNull(backOff, "backOff");
        if (backOff.longest().compareTo(LESHAN_RETRY_WAIT) >= 0) {
            throw new IllegalArgumentException("the registration back-off must stay under 24 days, got "
                    + backOff.longest());
        }
        engines.setRetryWaitingTimeInMs((int) LESHAN_RETRY_WAIT.toMillis());
    }

    /**
     * Tells the client's registration that a DTLS handshake with its server failed, and what to check, or null when
     * the server never answered; give it to the DTLS connector (Scandium reports such a failure to the Register as a
     * timeout only).
     */
    public void handshakeFailed(InetSocketAddress peer, Throwable cause, String advice) {
        BackingOffRegistrationEngine current = engine;
        if (current != null) {
            current.handshakeFailed(peer, cause, advice);
        }
    }

    /** The form the client registers with at this server now (the configured one unless the server refused it). */
    public RegistrationForm formFor(String serverUri) {
        return forms.formFor(serverUri);
    }

    /** The link format for Discover answers, in the configured form's LwM2M version. */
    public static LinkFormatHelper linkFormat(RegistrationForm form) {
        return FormAdaptingSender.linkFormat(form.version());
    }

    @Override
    public RegistrationEngine createRegistratioEngine(ClientEndpointNameProvider endpointNameProvider,
            LwM2mObjectTree objectTree, EndpointsManager endpointsManager, UplinkRequestSender requestSender,
            BootstrapHandler bootstrapState, LwM2mClientObserver observer, Map<String, String> additionalAttributes,
            Map<String, String> bsAdditionalAttributes, Set<ContentFormat> supportedContentFormat,
            ScheduledExecutorService sharedExecutor, LinkFormatHelper linkFormatHelper,
            ServersInfoExtractor serversInfoExtractor) {
        UplinkRequestSender inForm = new FormAdaptingSender(requestSender, objectTree, supportedContentFormat, forms,
                notices);
        // The back-off needs a scheduler: the fleet's, or one of the client's own that Leshan's engine uses too.
        boolean ownScheduler = sharedExecutor == null;
        ScheduledExecutorService scheduler = ownScheduler ? Executors.newSingleThreadScheduledExecutor(
                new NamedThreadFactory("Leshan client registration")) : sharedExecutor;
        LwM2mClientObserverDispatcher observers = new LwM2mClientObserverDispatcher();
        observers.addObserver(observer);
        RegistrationEngine leshanEngine = engines.createRegistratioEngine(endpointNameProvider, objectTree,
                endpointsManager, inForm, bootstrapState, observers, additionalAttributes, bsAdditionalAttributes,
                supportedContentFormat, scheduler, linkFormatHelper, serversInfoExtractor);
        BackingOffRegistrationEngine backingOff = new BackingOffRegistrationEngine(leshanEngine,
                leshanEngine.getEndpoint(), forms, backOff, scheduler, ownScheduler, notices);
        observers.addObserver(backingOff);
        engine = backingOff;
        List<ContentFormat> formats = List.copyOf(supportedContentFormat);
        objectLinksUpdate = () -> backingOff.triggerRegistrationUpdate(new RegistrationUpdate(
                linkFormatHelper.getClientDescription(objectTree.getObjectEnablers().values(), null, formats)));
        return backingOff;
    }

    /**
     * Sends a registration update that carries the client's object links as they are now, as Leshan does when an
     * instance is added or removed (an update without links would leave the server's view stale).
     */
    public void sendObjectLinksUpdate() {
        objectLinksUpdate.run();
    }
}
