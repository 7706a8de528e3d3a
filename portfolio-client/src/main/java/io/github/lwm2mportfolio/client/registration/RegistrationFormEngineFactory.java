package io.github.lwm2mportfolio.client.registration;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
import org.eclipse.leshan.client.request.UplinkRequestSender;
import org.eclipse.leshan.client.resource.LwM2mObjectTree;
import org.eclipse.leshan.client.servers.ServersInfoExtractor;
import org.eclipse.leshan.client.util.LinkFormatHelper;
import org.eclipse.leshan.core.request.ContentFormat;

/**
 * Leshan's own registration engine, whose Register and Update go out in the client's {@link RegistrationForm} and
 * fall back once to {@link RegistrationForm#CONSERVATIVE} when a server refuses them (see
 * {@link FormAdaptingSender}). One per client: it remembers the form each server accepted.
 */
public final class RegistrationFormEngineFactory implements RegistrationEngineFactory {

    /** Leshan's own wait between two failed registrations, made explicit so that the logs can say it. */
    public static final Duration DEFAULT_RETRY_WAIT = Duration.ofMinutes(10);

    private final DefaultRegistrationEngineFactory engines = new DefaultRegistrationEngineFactory();
    private final ServerForms forms;
    private final Duration retryWait;
    private final Consumer<String> notices;
    private volatile Runnable objectLinksUpdate = () -> {
    };

    /**
     * @param retryWait how long the engine waits after a refused or failed registration before the next one
     * @param notices told, in one line, when the client changes its form or a server refuses the fallback form too
     *        (the line is logged at WARN as well)
     */
    public RegistrationFormEngineFactory(RegistrationForm form, Duration retryWait, Consumer<String> notices) {
        this.forms = new ServerForms(form);
        this.notices = Objects.requireNonNull(notices, "notices");
        this.retryWait = Objects.requireNonNull(retryWait, "retryWait");
        if (retryWait.isNegative() || retryWait.isZero() || retryWait.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the registration retry wait must be positive and under 24 days, got "
                    + retryWait);
        }
        engines.setRetryWaitingTimeInMs((int) retryWait.toMillis());
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
                retryWait, notices);
        RegistrationEngine engine = engines.createRegistratioEngine(endpointNameProvider, objectTree, endpointsManager,
                inForm, bootstrapState, observer, additionalAttributes, bsAdditionalAttributes, supportedContentFormat,
                sharedExecutor, linkFormatHelper, serversInfoExtractor);
        List<ContentFormat> formats = List.copyOf(supportedContentFormat);
        objectLinksUpdate = () -> engine.triggerRegistrationUpdate(new RegistrationUpdate(
                linkFormatHelper.getClientDescription(objectTree.getObjectEnablers().values(), null, formats)));
        return engine;
    }

    /**
     * Sends a registration update that carries the client's object links as they are now, as Leshan does when an
     * instance is added or removed (an update without links would leave the server's view stale).
     */
    public void sendObjectLinksUpdate() {
        objectLinksUpdate.run();
    }
}
