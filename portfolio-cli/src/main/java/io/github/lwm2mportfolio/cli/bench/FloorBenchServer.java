package io.github.lwm2mportfolio.cli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.eclipse.leshan.core.node.LwM2mMultipleResource;
import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.LwM2mResourceInstance;
import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.node.ObjectLink;
import org.eclipse.leshan.core.observation.CompositeObservation;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.core.observation.SingleObservation;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.DownlinkDeviceManagementRequest;
import org.eclipse.leshan.core.request.ExecuteRequest;
import org.eclipse.leshan.core.request.ObserveCompositeRequest;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.response.LwM2mResponse;
import org.eclipse.leshan.core.response.ObserveCompositeResponse;
import org.eclipse.leshan.core.response.ObserveResponse;
import org.eclipse.leshan.server.model.VersionedModelProvider;
import org.eclipse.leshan.server.observation.ObservationListener;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.server.registration.RegistrationListener;
import org.eclipse.leshan.server.registration.RegistrationUpdate;

import io.github.lwm2mportfolio.core.auth.AuthService;
import io.github.lwm2mportfolio.core.cose.CoseException;
import io.github.lwm2mportfolio.core.cose.CoseMessage;
import io.github.lwm2mportfolio.core.cose.CoseSign1;
import io.github.lwm2mportfolio.core.cose.FastEcdsa;
import io.github.lwm2mportfolio.core.model.PortfolioModels;
import io.github.lwm2mportfolio.core.model.PortfolioObject;
import io.github.lwm2mportfolio.core.profile.GetAuthDataRequest;

/**
 * The floor: what no Portfolio server can go under. Bare Leshan (in-memory stores, models 3 and 16)
 * makes the same LwM2M exchanges with each device as ours (one Observe-Composite of /3/0/22 with /16/n/0 and /16/n/3
 * of every announced instance, kept as ours keeps it, Execute GetAuthData sign, the DATA_AVAIL notification, Read
 * /16/n/2) and checks the same
 * signatures with the raw primitive: the device certificate against the fleet CA once, then every AuthData
 * value's COSE_Sign1 signature. It checks no claim and stores nothing, and it never blocks a thread: every
 * step runs in the callback of the one before. A device is done when its signatures are checked.
 */
final class FloorBenchServer extends LeshanBenchServer {

    private static final long REQUEST_TIMEOUT_MS = 30_000;
    private static final int NONCE_BYTES = 16;
    private static final long DATA_AVAIL = 1;
    private static final LwM2mPath EXT_DEV_INFO = new LwM2mPath(PortfolioObject.DEVICE_OBJECT_ID, 0,
            PortfolioObject.EXT_DEV_INFO);

    private final DeviceOutcomes tracker;
    private final List<X509Certificate> anchors;
    private final SecureRandom random = new SecureRandom();
    /** Endpoint to the DATA_AVAIL notification its challenge waits for. */
    private final Map<String, CompletableFuture<Void>> dataAvailable = new ConcurrentHashMap<>();

    /**
     * @param trustDirectory certificates (PEM or DER) of the CAs that sign the devices' certificates
     * @param preSharedKeys by endpoint, over DTLS
     */
    FloorBenchServer(DeviceOutcomes tracker, Path trustDirectory, BenchTransport transport,
            Map<String, byte[]> preSharedKeys) throws IOException, GeneralSecurityException {
        super(transport, preSharedKeys,
                leshan -> leshan.setObjectModelProvider(new VersionedModelProvider(PortfolioModels.serverModels())));
        this.tracker = tracker;
        this.anchors = readAnchors(trustDirectory);
        server.getRegistrationService().addListener(new ChallengeOnRegistration());
        server.getObservationService().addListener(new AuthStatusNotifications());
    }

    private void challenge(Registration registration) {
        String endpoint = registration.getEndpoint();
        List<LwM2mPath> paths = new ArrayList<>(List.of(EXT_DEV_INFO));
        for (LwM2mPath announced : registration.getAvailableInstances()) {
            if (announced.getObjectId() == PortfolioObject.OBJECT_ID && announced.isObjectInstance()) {
                int n = announced.getObjectInstanceId();
                paths.add(new LwM2mPath(PortfolioObject.OBJECT_ID, n, PortfolioObject.IDENTITY));
                paths.add(new LwM2mPath(PortfolioObject.OBJECT_ID, n, PortfolioObject.AUTH_STATUS));
            }
        }
        send(registration, new ObserveCompositeRequest(ContentFormat.SENML_CBOR, ContentFormat.SENML_CBOR, paths))
                .thenCompose(observed -> {
                    int n = lowestLinkedInstance(observed.getContent().get(EXT_DEV_INFO));
                    LwM2mPath identity = new LwM2mPath(PortfolioObject.OBJECT_ID, n, PortfolioObject.IDENTITY);
                    return execute(registration, n, observed.getContent().get(identity))
                            .thenCompose(available -> send(registration,
                                    new ReadRequest("/16/" + n + "/" + PortfolioObject.AUTH_DATA)));
                })
                .thenAccept(authData -> checkSignatures(authData.getContent()))
                .whenComplete((done, error) -> {
                    dataAvailable.remove(endpoint);
                    if (error == null) {
                        tracker.succeeded(endpoint);
                    } else {
                        Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                        tracker.failed(endpoint, cause instanceof TimeoutException
                                ? "no DATA_AVAIL notification within " + REQUEST_TIMEOUT_MS + " ms"
                                : String.valueOf(cause.getMessage()));
                    }
                });
    }

    /** Executes GetAuthData sign on every Identity value; completes on the DATA_AVAIL notification (or times out). */
    private CompletableFuture<Void> execute(Registration registration, int n, LwM2mNode identities) {
        List<Integer> ids = new ArrayList<>(((LwM2mMultipleResource) identities).getInstances().keySet());
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        CompletableFuture<Void> available = new CompletableFuture<>();
        dataAvailable.put(registration.getEndpoint(), available); // before the Execute: the notification may win
        return send(registration, new ExecuteRequest("/16/" + n + "/" + PortfolioObject.GET_AUTH_DATA,
                GetAuthDataRequest.toArguments(ids, AuthService.SIGN, nonce, null)))
                // a lost notification would leave the device, and so the run, waiting for ever: it fails instead
                .thenCompose(executed -> available.orTimeout(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS));
    }

    private void checkSignatures(LwM2mNode authData) {
        PublicKey deviceKey = null;
        for (LwM2mResourceInstance value : ((LwM2mMultipleResource) authData).getInstances().values()) {
            try {
                CoseMessage message = CoseSign1.parse((byte[]) value.getValue());
                if (deviceKey == null) {
                    deviceKey = certifiedKey(message.x5chain().get(0));
                }
                CoseSign1.verify(message, deviceKey, null);
            } catch (CoseException | GeneralSecurityException e) {
                throw new IllegalStateException("AuthData " + value.getId() + ": " + e.getMessage(), e);
            }
        }
    }

    /** The device key, once its certificate's signature is checked with the issuing CA's key (one signature). */
    private PublicKey certifiedKey(X509Certificate device) throws GeneralSecurityException {
        for (X509Certificate anchor : anchors) {
            if (anchor.getSubjectX500Principal().equals(device.getIssuerX500Principal())) {
                device.verify(anchor.getPublicKey(), FastEcdsa.PROVIDER); // the provider ours checks chains with
                return device.getPublicKey();
            }
        }
        throw new GeneralSecurityException("no CA for " + device.getIssuerX500Principal());
    }

    private <T extends LwM2mResponse> CompletableFuture<T> send(Registration registration,
            DownlinkDeviceManagementRequest<T> request) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        server.send(registration, request, REQUEST_TIMEOUT_MS, response -> {
            if (response.isSuccess()) {
                answer.complete(response);
            } else {
                answer.completeExceptionally(new IllegalStateException(
                        request + " answered " + response.getCode()));
            }
        }, error -> answer.completeExceptionally(error));
        return answer;
    }

    private static int lowestLinkedInstance(LwM2mNode links) {
        TreeSet<Integer> linked = new TreeSet<>();
        for (LwM2mResourceInstance value : ((LwM2mMultipleResource) links).getInstances().values()) {
            if (value.getValue() instanceof ObjectLink link && link.getObjectId() == PortfolioObject.OBJECT_ID) {
                linked.add(link.getObjectInstanceId());
            }
        }
        if (linked.isEmpty()) {
            throw new IllegalStateException("/3/0/22 links no Portfolio instance");
        }
        return linked.first();
    }

    private static List<X509Certificate> readAnchors(Path directory) throws IOException, GeneralSecurityException {
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        List<X509Certificate> anchors = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    x509.generateCertificates(in).forEach(c -> anchors.add((X509Certificate) c));
                }
            }
        }
        if (anchors.isEmpty()) {
            throw new IOException("no CA certificate in " + directory);
        }
        return anchors;
    }

    private final class ChallengeOnRegistration implements RegistrationListener {
        @Override
        public void registered(Registration registration, Registration previousReg,
                Collection<Observation> previousObservations) {
            tracker.registered(registration.getEndpoint());
            challenge(registration);
        }

        @Override
        public void updated(RegistrationUpdate update, Registration updatedReg, Registration previousReg) {
        }

        @Override
        public void unregistered(Registration registration, Collection<Observation> observations, boolean expired,
                Registration newReg) {
        }
    }

    /** Completes a waiting challenge when its AuthStatus notification says DATA_AVAIL. */
    private final class AuthStatusNotifications implements ObservationListener {
        @Override
        public void onResponse(SingleObservation observation, Registration registration, ObserveResponse response) {
        }

        @Override
        public void newObservation(Observation observation, Registration registration) {
        }

        @Override
        public void cancelled(Observation observation) {
        }

        @Override
        public void onResponse(CompositeObservation observation, Registration registration,
                ObserveCompositeResponse response) {
            response.getContent().forEach((path, node) -> {
                if (path.getObjectId() == PortfolioObject.OBJECT_ID && path.isResource()
                        && path.getResourceId() == PortfolioObject.AUTH_STATUS
                        && node instanceof LwM2mSingleResource status
                        && Long.valueOf(DATA_AVAIL).equals(status.getValue())) {
                    CompletableFuture<Void> waiting = dataAvailable.get(registration.getEndpoint());
                    if (waiting != null) {
                        waiting.complete(null);
                    }
                }
            });
        }

        @Override
        public void onError(Observation observation, Registration registration, Exception error) {
        }
    }
}
