package io.github.lwm2mportfolio.client.registration;

import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.eclipse.leshan.client.request.UplinkRequestSender;
import org.eclipse.leshan.client.resource.LwM2mObjectTree;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.client.util.LinkFormatHelper;
import org.eclipse.leshan.core.LwM2m.LwM2mVersion;
import org.eclipse.leshan.core.ResponseCode;
import org.eclipse.leshan.core.link.Link;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.RegisterRequest;
import org.eclipse.leshan.core.request.UpdateRequest;
import org.eclipse.leshan.core.request.UplinkRequest;
import org.eclipse.leshan.core.response.ErrorCallback;
import org.eclipse.leshan.core.response.LwM2mResponse;
import org.eclipse.leshan.core.response.RegisterResponse;
import org.eclipse.leshan.core.response.ResponseCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits between Leshan's registration engine and its transport. Leshan always registers as LwM2M 1.1 with every
 * optional content format in the root link; this sender rewrites the Register (and the object links of an Update)
 * into the server's {@link RegistrationForm}. When a server answers 4.00 or 4.12 to a Register in any other form, it
 * retries at once, a single time, in {@link RegistrationForm#CONSERVATIVE}, and keeps that form for the server. A
 * refusal of that form too goes back to the engine, which tells it and waits its back-off: there is no busy loop.
 */
final class FormAdaptingSender implements UplinkRequestSender {

    private static final Logger LOG = LoggerFactory.getLogger(FormAdaptingSender.class);

    /** The object versions a server of each LwM2M version takes as default (Device 1.0 in LwM2M 1.0, ...). */
    private static final Map<LwM2mVersion, LinkFormatHelper> LINKS = Map.of(LwM2mVersion.V1_0,
            new LinkFormatHelper(LwM2mVersion.V1_0), LwM2mVersion.V1_1, new LinkFormatHelper(LwM2mVersion.V1_1));

    private final UplinkRequestSender transport;
    private final LwM2mObjectTree objects;
    private final Set<ContentFormat> supported;
    private final ServerForms forms;
    private final Consumer<String> notices;

    FormAdaptingSender(UplinkRequestSender transport, LwM2mObjectTree objects, Set<ContentFormat> supported,
            ServerForms forms, Consumer<String> notices) {
        this.transport = transport;
        this.objects = objects;
        this.supported = supported;
        this.forms = forms;
        this.notices = notices;
    }

    /** Link format of the client's objects as a server of this LwM2M version expects it (also for Discover). */
    static LinkFormatHelper linkFormat(LwM2mVersion version) {
        return LINKS.get(version);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends LwM2mResponse> T send(LwM2mServer server, UplinkRequest<T> request, long timeoutInMs)
            throws InterruptedException {
        if (request instanceof RegisterRequest register) {
            return (T) register(server, register, timeoutInMs);
        }
        return transport.send(server, inServerForm(server, request), timeoutInMs);
    }

    @Override
    public <T extends LwM2mResponse> void send(LwM2mServer server, UplinkRequest<T> request, long timeoutInMs,
            ResponseCallback<T> responseCallback, ErrorCallback errorCallback) {
        transport.send(server, inServerForm(server, request), timeoutInMs, responseCallback, errorCallback);
    }

    private RegisterResponse register(LwM2mServer server, RegisterRequest request, long timeoutInMs)
            throws InterruptedException {
        RegistrationForm form = forms.formFor(server.getUri());
        RegisterResponse response = transport.send(server, inForm(request, form), timeoutInMs);
        if (!refusesForm(response) || form.equals(RegistrationForm.CONSERVATIVE)) {
            return response;
        }
        forms.fallBack(server.getUri());
        notice(request.getEndpointName() + ": " + server.getUri() + " refused the Register as " + form + " ("
                + RegistrationProblems.codeInWords(response.getCode(), response.getErrorMessage())
                + "); registering as " + RegistrationForm.CONSERVATIVE + " now and from now on");
        return transport.send(server, inForm(request, RegistrationForm.CONSERVATIVE), timeoutInMs);
    }

    private void notice(String line) {
        LOG.warn("{}", line);
        notices.accept(line);
    }

    @SuppressWarnings("unchecked")
    private <T extends LwM2mResponse> UplinkRequest<T> inServerForm(LwM2mServer server, UplinkRequest<T> request) {
        RegistrationForm form = forms.formFor(server.getUri());
        if (request instanceof RegisterRequest register) {
            return (UplinkRequest<T>) inForm(register, form);
        }
        if (request instanceof UpdateRequest update && update.getObjectLinks() != null) {
            // Leshan's Update carries the object links without ct, in the LwM2M version of its own helper.
            Link[] links = linkFormat(form.version()).getClientDescription(objects.getObjectEnablers().values(), null,
                    null);
            return (UplinkRequest<T>) new UpdateRequest(update.getRegistrationId(), update.getLifeTimeInSec(),
                    update.getSmsNumber(), update.getBindingMode(), links, update.getAdditionalAttributes());
        }
        return request;
    }

    private RegisterRequest inForm(RegisterRequest request, RegistrationForm form) {
        Link[] links = linkFormat(form.version()).getClientDescription(objects.getObjectEnablers().values(), null,
                form.rootLinkFormats(supported));
        // LwM2M 1.0 has no Q parameter: Leshan's "false" must become absent (a real queue mode still fails loudly).
        Boolean queueMode = form.version().equals(LwM2mVersion.V1_0) && Boolean.FALSE.equals(request.getQueueMode())
                ? null
                : request.getQueueMode();
        return new RegisterRequest(request.getEndpointName(), request.getLifetime(), form.version().toString(),
                request.getBindingMode(), queueMode, request.getSmsNumber(), links, request.getAdditionalAttributes());
    }

    /** 4.00 and 4.12 are what servers answer to a Register whose version or link attributes they do not accept. */
    private static boolean refusesForm(RegisterResponse response) {
        return response != null && (response.getCode().equals(ResponseCode.BAD_REQUEST)
                || response.getCode().equals(ResponseCode.PRECONDITION_FAILED));
    }
}
