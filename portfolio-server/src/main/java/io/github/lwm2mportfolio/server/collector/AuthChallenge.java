package io.github.lwm2mportfolio.server.collector;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.eclipse.leshan.core.ResponseCode;
import org.eclipse.leshan.core.node.LwM2mMultipleResource;
import org.eclipse.leshan.core.node.LwM2mResourceInstance;
import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.ExecuteRequest;
import org.eclipse.leshan.core.request.ObserveRequest;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.response.ExecuteResponse;
import org.eclipse.leshan.core.response.ObserveResponse;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.server.registration.Registration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.lwm2mportfolio.core.auth.AuthClaims;
import io.github.lwm2mportfolio.core.auth.AuthDataVerifier;
import io.github.lwm2mportfolio.core.auth.AuthService;
import io.github.lwm2mportfolio.core.auth.Expectation;
import io.github.lwm2mportfolio.core.auth.Verdict;
import io.github.lwm2mportfolio.core.auth.VerifierKeys;
import io.github.lwm2mportfolio.core.cose.CoseException;
import io.github.lwm2mportfolio.core.cose.CoseSign1;
import io.github.lwm2mportfolio.core.model.AuthStatus;
import io.github.lwm2mportfolio.core.model.PortfolioObject;
import io.github.lwm2mportfolio.core.profile.GetAuthDataRequest;
import io.github.lwm2mportfolio.server.inventory.PortfolioSnapshot;
import io.github.lwm2mportfolio.server.inventory.Verification;
import io.github.lwm2mportfolio.server.inventory.VerificationOutcome;

/**
 * One GetAuthData challenge of one Portfolio instance: observe AuthStatus, execute with a fresh nonce, wait
 * for DATA_AVAIL, read AuthData once, verify every value. When AuthStatus is observed already, with the Identity
 * (see {@link PortfolioReader}), it is not observed again nor cancelled after. A device that cannot take part gets a verdict that says so;
 * only transport trouble that may pass is thrown.
 */
final class AuthChallenge {

    private static final int NONCE_BYTES = 16;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DeviceRequests requests;
    private final AuthStatusWaiters waiters;
    private final VerifierKeys keys;
    private final Duration authTimeout;
    private final AuthDataVerifier verifier;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    AuthChallenge(DeviceRequests requests, AuthStatusWaiters waiters, VerifierKeys keys, Duration authTimeout,
            Clock clock) {
        this.requests = requests;
        this.waiters = waiters;
        this.keys = keys;
        this.authTimeout = authTimeout;
        this.clock = clock;
        this.verifier = new AuthDataVerifier(clock);
    }

    /** @param instanceObserved whether /16/n/3 is observed already, for good (with /16/n/0) */
    Verification run(Registration registration, PortfolioSnapshot instance, AuthService service, long lastCounter,
            boolean instanceObserved) throws CollectionException {
        int n = instance.instanceId();
        if (instance.identities().isEmpty()) {
            return verdict(VerificationOutcome.NOT_SUPPORTED, "/16/" + n + " has no Identity to challenge", null, n,
                    null, null);
        }
        String endpoint = registration.getEndpoint();
        String statusPath = "/16/" + n + "/" + PortfolioObject.AUTH_STATUS;
        if (!instanceObserved) {
            ObserveResponse observed = requests.send(registration,
                    new ObserveRequest(ContentFormat.TEXT, statusPath));
            if (!observed.isSuccess()) {
                return notSupportedOrError(observed.getCode(), observed.getErrorMessage(), "Observe " + statusPath,
                        n);
            }
        }
        CompletableFuture<AuthStatus> answer = waiters.expect(endpoint, n);
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            ExecuteResponse executed = requests.send(registration, new ExecuteRequest("/16/" + n + "/1",
                    GetAuthDataRequest.toArguments(List.copyOf(instance.identities().keySet()), service, nonce,
                            null)));
            if (!executed.isSuccess()) {
                return notSupportedOrError(executed.getCode(), executed.getErrorMessage(), "GetAuthData", n);
            }
            AuthStatus status = awaitStatus(registration, answer, statusPath);
            if (status == AuthStatus.ERROR) {
                return verdict(VerificationOutcome.DEVICE_ERROR, "the device reported AuthStatus ERROR", service, n,
                        null, null);
            }
            if (status != AuthStatus.DATA_AVAIL) {
                return verdict(VerificationOutcome.UNREACHABLE, "no DATA_AVAIL within " + authTimeout.toMillis()
                        + " ms of GetAuthData", service, n, null, null);
            }
            return verifyAuthData(registration, instance, service, nonce, lastCounter);
        } finally {
            waiters.cancel(endpoint, n);
            if (!instanceObserved) {
                requests.server().getObservationService().cancelObservations(registration, statusPath);
            }
        }
    }

    private AuthStatus awaitStatus(Registration registration, CompletableFuture<AuthStatus> answer,
            String statusPath) throws CollectionException {
        try {
            return answer.get(authTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // A notification may have been lost on the way: ask once.
            ReadResponse read = requests.send(registration, new ReadRequest(ContentFormat.TEXT, statusPath));
            if (read.isSuccess() && read.getContent() instanceof LwM2mSingleResource value
                    && value.getValue() instanceof Long code && code >= 0 && code <= 2) {
                return AuthStatus.fromCode(code);
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollectionException("interrupted while waiting for AuthStatus", false);
        } catch (ExecutionException e) {
            throw new CollectionException("waiting for AuthStatus failed: " + e.getCause(), true);
        }
    }

    private Verification verifyAuthData(Registration registration, PortfolioSnapshot instance, AuthService service,
            byte[] nonce, long lastCounter) throws CollectionException {
        int n = instance.instanceId();
        String path = "/16/" + n + "/" + PortfolioObject.AUTH_DATA;
        ReadResponse read = requests.send(registration, new ReadRequest(path));
        if (!read.isSuccess()) {
            return verdict(VerificationOutcome.DEVICE_ERROR, "Read " + path + ": " + read.getCode(), service, n, null,
                    null);
        }
        if (!(read.getContent() instanceof LwM2mMultipleResource authData)) {
            return verdict(VerificationOutcome.FAILED, path + " is not a multiple resource as the object defines",
                    service, n, null, null);
        }
        long counter = lastCounter;
        List<Map<String, Object>> claims = new ArrayList<>();
        for (Map.Entry<Integer, String> identity : new TreeMap<>(instance.identities()).entrySet()) {
            LwM2mResourceInstance value = authData.getInstance(identity.getKey());
            if (value == null) {
                return verdict(VerificationOutcome.FAILED, "no AuthData for Identity " + identity.getKey(), service,
                        n, null, json(claims));
            }
            if (!(value.getValue() instanceof byte[] bytes)) {
                return verdict(VerificationOutcome.FAILED, "AuthData " + identity.getKey() + " is not opaque",
                        service, n, null, json(claims));
            }
            Verdict verdict = verifier.verify(bytes, new Expectation(registration.getEndpoint(),
                    PortfolioObject.instancePath(n), identity.getKey(), identity.getValue(), nonce, counter, service),
                    keys);
            if (verdict.claims() != null) {
                claims.add(claimsView(verdict.claims(), service == AuthService.SIGN ? signer(bytes) : null));
            }
            if (!verdict.accepted()) {
                return verdict(VerificationOutcome.FAILED, "Identity " + identity.getKey() + ": " + verdict.reason()
                        + " (" + verdict.message() + ")", service, n, null, json(claims));
            }
            counter = verdict.claims().counter();
        }
        return verdict(VerificationOutcome.VERIFIED, claims.size() + " AuthData values verified", service, n, counter,
                json(claims));
    }

    private Verification notSupportedOrError(ResponseCode code, String message, String what, int n) {
        boolean notThere = code == ResponseCode.NOT_FOUND || code == ResponseCode.METHOD_NOT_ALLOWED;
        String reason = what + " answered " + code + (message == null ? "" : " (" + message + ")");
        return verdict(notThere ? VerificationOutcome.NOT_SUPPORTED : VerificationOutcome.DEVICE_ERROR,
                notThere ? "no GetAuthData service: " + reason : reason, null, n, null, null);
    }

    private Verification verdict(VerificationOutcome outcome, String reason, AuthService service, int instanceId,
            Long counter, String claimsJson) {
        return new Verification(clock.instant(), outcome, reason, service == null ? null : service.argument(),
                instanceId, counter, claimsJson);
    }

    /** The certificate a sign AuthData value carries (x5chain, leaf first), or null: shown with its claims. */
    private static X509Certificate signer(byte[] authData) {
        try {
            List<X509Certificate> chain = CoseSign1.parse(authData).x5chain();
            return chain.isEmpty() ? null : chain.get(0);
        } catch (CoseException e) {
            return null; // the verdict says what is wrong with it
        }
    }

    private static Map<String, Object> claimsView(AuthClaims claims, X509Certificate signer) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("endpoint", claims.endpoint());
        view.put("path", claims.instancePath());
        view.put("identityId", claims.identityId());
        view.put("identityValue", claims.identityValue());
        view.put("counter", claims.counter());
        view.put("issuedAt", claims.issuedAt());
        if (claims.nonce() != null) {
            view.put("nonce", Base64.getUrlEncoder().withoutPadding().encodeToString(claims.nonce()));
        }
        if (signer != null) {
            view.put("certificateSubject", signer.getSubjectX500Principal().getName());
            view.put("certificateIssuer", signer.getIssuerX500Principal().getName());
        }
        return view;
    }

    private static String json(List<Map<String, Object>> claims) {
        if (claims.isEmpty()) {
            return null;
        }
        try {
            return JSON.writeValueAsString(claims);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
