package io.github.lwm2mportfolio.client.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.leshan.core.endpoint.Protocol;
import org.eclipse.leshan.core.observation.CompositeObservation;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.core.observation.SingleObservation;
import org.eclipse.leshan.core.request.DownlinkDeviceManagementRequest;
import org.eclipse.leshan.core.response.LwM2mResponse;
import org.eclipse.leshan.core.response.ObserveCompositeResponse;
import org.eclipse.leshan.core.response.ObserveResponse;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.LeshanServerBuilder;
import org.eclipse.leshan.server.model.VersionedModelProvider;
import org.eclipse.leshan.server.observation.ObservationListener;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.server.registration.RegistrationListener;
import org.eclipse.leshan.server.registration.RegistrationUpdate;
import org.eclipse.leshan.servers.security.InMemorySecurityStore;
import org.eclipse.leshan.servers.security.NonUniqueSecurityInfoException;
import org.eclipse.leshan.servers.security.SecurityInfo;
import org.eclipse.leshan.transport.californium.server.endpoint.CaliforniumServerEndpointsProvider;
import org.eclipse.leshan.transport.californium.server.endpoint.coap.CoapServerProtocolProvider;
import org.eclipse.leshan.transport.californium.server.endpoint.coaps.CoapsServerProtocolProvider;

import io.github.lwm2mportfolio.core.model.PortfolioModels;

/**
 * A plain Leshan server on loopback (CoAP and CoAPS, ports 0) that knows our models, for client tests.
 * Over DTLS it accepts PSK, RPK and X.509: its own identity is a certificate issued by a test CA (its key is
 * also its RPK), and it trusts device certificates issued by that CA. Shared with other modules' tests through
 * this module's test-jar.
 */
public final class TestLwm2mServer implements AutoCloseable {

    /** Generous: an upper bound that a loaded CI machine must not hit, not a pace. */
    private static final long TIMEOUT_MS = 10_000;

    private final LeshanServer server;
    private final InMemorySecurityStore securityStore = new InMemorySecurityStore();
    private final TestCertificates certificates = new TestCertificates("lwm2m-portfolio test CA");
    private final TestCertificates.Credential identity = certificates.server("test lwm2m server");
    private final Map<String, BlockingQueue<Registration>> registrations = new ConcurrentHashMap<>();
    private final Map<String, BlockingQueue<Registration>> deregistrations = new ConcurrentHashMap<>();
    private final BlockingQueue<Notification> notifications = new LinkedBlockingQueue<>();

    private record Notification(String path, ObserveResponse response) {
    }

    public TestLwm2mServer() {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        CaliforniumServerEndpointsProvider endpoints = new CaliforniumServerEndpointsProvider.Builder(
                new CoapServerProtocolProvider(), new CoapsServerProtocolProvider())
                .addEndpoint(loopback, Protocol.COAP).addEndpoint(loopback, Protocol.COAPS).build();
        server = new LeshanServerBuilder().setEndpointsProviders(endpoints).setSecurityStore(securityStore)
                .setObjectModelProvider(new VersionedModelProvider(PortfolioModels.serverModels()))
                // One key pair serves both: Leshan offers the certificate's key as the RPK.
                .setPrivateKey(identity.privateKey()).setPublicKey(identity.certificate().getPublicKey())
                .setCertificateChain(new X509Certificate[] { identity.certificate() })
                .setTrustedCertificates(new X509Certificate[] { certificates.ca() }).build();
        server.getRegistrationService().addListener(new RegistrationListener() {
            @Override
            public void registered(Registration registration, Registration previousReg,
                    Collection<Observation> previousObservations) {
                queue(registrations, registration.getEndpoint()).add(registration);
            }

            @Override
            public void updated(RegistrationUpdate update, Registration updatedReg, Registration previousReg) {
            }

            @Override
            public void unregistered(Registration registration, Collection<Observation> observations, boolean expired,
                    Registration newReg) {
                if (!expired) {
                    queue(deregistrations, registration.getEndpoint()).add(registration);
                }
            }
        });
        server.getObservationService().addListener(new ObservationListener() {
            @Override
            public void newObservation(Observation observation, Registration registration) {
            }

            @Override
            public void cancelled(Observation observation) {
            }

            @Override
            public void onResponse(SingleObservation observation, Registration registration,
                    ObserveResponse response) {
                notifications.add(new Notification(observation.getPath().toString(), response));
            }

            @Override
            public void onResponse(CompositeObservation observation, Registration registration,
                    ObserveCompositeResponse response) {
            }

            @Override
            public void onError(Observation observation, Registration registration, Exception error) {
            }
        });
        server.start();
    }

    public String coapUri() {
        return server.getEndpoint(Protocol.COAP).getURI().toString();
    }

    public String coapsUri() {
        return server.getEndpoint(Protocol.COAPS).getURI().toString();
    }

    public void addPsk(String endpoint, String identity, byte[] key) throws NonUniqueSecurityInfoException {
        securityStore.add(SecurityInfo.newPreSharedKeyInfo(endpoint, identity, key));
    }

    /** The device's credential goes: it may register without security again. */
    public void removeSecurity(String endpoint) {
        securityStore.remove(endpoint, false);
    }

    /** A device that authenticates with this raw public key. */
    public void addRpk(String endpoint, PublicKey devicePublicKey) throws NonUniqueSecurityInfoException {
        securityStore.add(SecurityInfo.newRawPublicKeyInfo(endpoint, devicePublicKey));
    }

    /** A device that authenticates with a certificate of {@link #certificates()}'s CA whose CN is the endpoint. */
    public void addX509(String endpoint) throws NonUniqueSecurityInfoException {
        securityStore.add(SecurityInfo.newX509CertInfo(endpoint));
    }

    /** The key clients pin for RPK (the public key of {@link #serverCertificate()}). */
    public PublicKey serverPublicKey() {
        return identity.certificate().getPublicKey();
    }

    public X509Certificate serverCertificate() {
        return identity.certificate();
    }

    /** The CA this server trusts for device certificates; issue client certificates with it. */
    public TestCertificates certificates() {
        return certificates;
    }

    public Registration awaitRegistration(String endpoint) throws InterruptedException {
        return awaitRegistration(endpoint, Duration.ofMillis(TIMEOUT_MS));
    }

    /** For clients that take long to come up, e.g. a new JVM. */
    public Registration awaitRegistration(String endpoint, Duration within) throws InterruptedException {
        Registration registration = queue(registrations, endpoint).poll(within.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(registration).as("registration of " + endpoint).isNotNull();
        return registration;
    }

    /** Fails if the endpoint registers within the given time (waits on the registration queue, no sleep). */
    public void assertNoRegistration(String endpoint, Duration during) throws InterruptedException {
        Registration registration = queue(registrations, endpoint).poll(during.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(registration).as("registration of " + endpoint).isNull();
    }

    public Registration awaitDeregistration(String endpoint) throws InterruptedException {
        Registration registration = queue(deregistrations, endpoint).poll(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        assertThat(registration).as("deregistration of " + endpoint).isNotNull();
        return registration;
    }

    public ObserveResponse awaitNotification() throws InterruptedException {
        Notification notification = notifications.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        assertThat(notification).as("a notification").isNotNull();
        return notification.response();
    }

    /** The next notification whose path is the given one, skipping others. */
    public ObserveResponse awaitNotification(String path) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        while (System.nanoTime() < deadline) {
            Notification notification = notifications.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (notification != null && notification.path().equals(path)) {
                return notification.response();
            }
        }
        throw new AssertionError("no notification for " + path);
    }

    public void clearNotifications() {
        notifications.clear();
    }

    public <T extends LwM2mResponse> T send(Registration registration, DownlinkDeviceManagementRequest<T> request)
            throws InterruptedException {
        T response = server.send(registration, request, TIMEOUT_MS);
        assertThat(response).as("response to " + request).isNotNull();
        return response;
    }

    /**
     * Sends a raw CoAP POST (Execute) from the server's plain CoAP endpoint, for payloads Leshan's own
     * request classes refuse to build (malformed argument lists).
     */
    public org.eclipse.californium.core.coap.Response rawExecute(Registration registration, String path,
            String payload) throws InterruptedException {
        org.eclipse.californium.core.coap.Request request = org.eclipse.californium.core.coap.Request.newPost();
        request.setPayload(payload);
        return raw(registration, request, path);
    }

    /**
     * Sends a raw CoAP request with these bytes and content format (-1: none) from the server's plain CoAP
     * endpoint, for payloads Leshan's encoders never make (invalid UTF-8, truncated TLV, garbage).
     */
    public org.eclipse.californium.core.coap.Response raw(Registration registration,
            org.eclipse.californium.core.coap.CoAP.Code code, String path, int contentFormat, byte[] payload)
            throws InterruptedException {
        org.eclipse.californium.core.coap.Request request = new org.eclipse.californium.core.coap.Request(code);
        request.setPayload(payload);
        if (contentFormat >= 0) {
            request.getOptions().setContentFormat(contentFormat);
        }
        return raw(registration, request, path);
    }

    private org.eclipse.californium.core.coap.Response raw(Registration registration,
            org.eclipse.californium.core.coap.Request request, String path) throws InterruptedException {
        java.net.InetSocketAddress address = registration.getSocketAddress();
        request.setURI("coap://" + address.getHostString() + ":" + address.getPort() + path);
        ((org.eclipse.leshan.transport.californium.server.endpoint.CaliforniumServerEndpoint) server
                .getEndpoint(Protocol.COAP)).getCoapEndpoint().sendRequest(request);
        org.eclipse.californium.core.coap.Response response = request.waitForResponse(TIMEOUT_MS);
        assertThat(response).as("raw response to " + path).isNotNull();
        return response;
    }

    public LeshanServer leshan() {
        return server;
    }

    private static BlockingQueue<Registration> queue(Map<String, BlockingQueue<Registration>> map, String endpoint) {
        return map.computeIfAbsent(endpoint, e -> new LinkedBlockingQueue<>());
    }

    @Override
    public void close() {
        server.destroy();
    }
}
