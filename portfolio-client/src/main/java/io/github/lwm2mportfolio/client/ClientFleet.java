package io.github.lwm2mportfolio.client;

import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.util.ExecutorsUtil;
import org.eclipse.californium.elements.util.NamedThreadFactory;
import org.eclipse.californium.elements.util.ProtocolScheduledExecutorService;
import org.eclipse.leshan.client.LeshanClient;
import org.eclipse.leshan.client.LeshanClientBuilder;
import org.eclipse.leshan.client.resource.LwM2mObjectEnabler;
import org.eclipse.leshan.core.link.DefaultLinkSerializer;
import org.eclipse.leshan.core.link.LinkSerializer;
import org.eclipse.leshan.core.link.lwm2m.attributes.DefaultLwM2mAttributeParser;
import org.eclipse.leshan.core.link.lwm2m.attributes.LwM2mAttributeParser;
import org.eclipse.leshan.transport.californium.client.endpoint.CaliforniumClientEndpointsProvider;

import io.github.lwm2mportfolio.client.registration.RegistrationBackOff;
import io.github.lwm2mportfolio.client.registration.RegistrationForm;
import io.github.lwm2mportfolio.client.registration.RegistrationFormEngineFactory;
import io.github.lwm2mportfolio.client.transport.SharedCoapClientProtocolProvider;
import io.github.lwm2mportfolio.client.transport.SharedUdpTransport;

/**
 * What many LwM2M clients in one JVM share, so that threads and memory do not grow per client: one UDP selector
 * transport, Californium's and Leshan's executors, the GetAuthData workers, one Californium configuration and
 * Leshan's (stateless) codecs. A client alone costs about 2 threads and 90 KB; on a fleet about 25 KB and no thread.
 * Give it to {@link PortfolioClient.Builder#fleet(ClientFleet)}, or build plain Leshan clients with
 * {@link #leshanClient(String, java.util.List, InetAddress, RegistrationForm)}. Close it after its clients.
 */
public final class ClientFleet implements AutoCloseable {

    private final SharedUdpTransport transport;
    private final ProtocolScheduledExecutorService coapExecutor;
    private final ScheduledExecutorService leshanExecutor;
    private final ThreadPoolExecutor authExecutor;
    private final Configuration configuration;
    private final LinkSerializer linkSerializer = new DefaultLinkSerializer();
    private final LwM2mAttributeParser attributeParser = new DefaultLwM2mAttributeParser();

    /**
     * @param name prefix of the fleet's thread names
     * @param threads threads of each shared pool; Leshan's registration engine waits on its pool while a request is
     *        in flight, so this also bounds concurrent registrations
     */
    public ClientFleet(String name, int threads) throws IOException {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.transport = SharedUdpTransport.builder().name(name + "-udp").workerThreads(Math.min(threads, 4)).build();
        this.coapExecutor = ExecutorsUtil.newProtocolScheduledThreadPool(threads, new NamedThreadFactory(name + "-coap#"));
        this.leshanExecutor = Executors.newScheduledThreadPool(threads, new NamedThreadFactory(name + "-leshan#"));
        // Bounded: a server that floods GetAuthData gets "too busy", the fleet keeps its memory.
        this.authExecutor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(16_384), new NamedThreadFactory(name + "-auth#"));
        this.configuration = ClientProtocols.configuration(new SharedCoapClientProtocolProvider(transport, coapExecutor),
                ClientProtocols.coaps(coapExecutor, ClientProtocols.HandshakeFailures.IGNORED));
    }

    /**
     * Endpoints for one client: plain CoAP on the shared transport, DTLS on the shared executor; the client's failed
     * handshakes go to {@code failures}.
     */
    CaliforniumClientEndpointsProvider endpointsProvider(InetAddress localAddress,
            ClientProtocols.HandshakeFailures failures) {
        CaliforniumClientEndpointsProvider.Builder builder = new CaliforniumClientEndpointsProvider.Builder(
                new SharedCoapClientProtocolProvider(transport, coapExecutor),
                ClientProtocols.coaps(coapExecutor, failures))
                .setConfiguration(configuration);
        if (localAddress != null) {
            builder.setClientAddress(localAddress);
        }
        return builder.build();
    }

    /** Sets what the fleet shares on a Leshan client builder. */
    LeshanClientBuilder share(LeshanClientBuilder builder) {
        return builder.setSharedExecutor(leshanExecutor).setEncoder(ClientCodecs.ENCODER)
                .setDecoder(ClientCodecs.DECODER)
                .setLinkSerializer(linkSerializer).setAttributeParser(attributeParser);
    }

    /** Call once the Leshan client is built: its CoapServer exists only then. */
    void attach(CaliforniumClientEndpointsProvider endpoints) {
        SharedCoapClientProtocolProvider.shareCoapServerExecutor(endpoints, coapExecutor);
    }

    ExecutorService authExecutor() {
        return authExecutor;
    }

    /**
     * A plain Leshan client (whatever objects it is given) on the fleet's shared resources, not started; it registers
     * in the given form as a {@link io.github.lwm2mportfolio.client.PortfolioClient} does.
     */
    public LeshanClient leshanClient(String endpoint, java.util.List<? extends LwM2mObjectEnabler> objects,
            InetAddress localAddress, RegistrationForm form) {
        CaliforniumClientEndpointsProvider endpoints = endpointsProvider(localAddress,
                ClientProtocols.HandshakeFailures.IGNORED);
        LeshanClient client = share(new LeshanClientBuilder(endpoint)).setObjects(objects)
                .setEndpointsProviders(endpoints)
                .setRegistrationEngineFactory(new RegistrationFormEngineFactory(form, RegistrationBackOff.DEFAULT,
                        notice -> {
                        }))
                .setLinkFormatHelper(RegistrationFormEngineFactory.linkFormat(form)).build();
        attach(endpoints);
        return client;
    }

    public SharedUdpTransport transport() {
        return transport;
    }

    /** Stops the shared threads; the fleet's clients must be closed first. */
    @Override
    public void close() {
        authExecutor.shutdownNow();
        leshanExecutor.shutdownNow();
        coapExecutor.shutdownNow();
        transport.close();
    }
}
