package io.github.lwm2mportfolio.server;

import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import javax.security.auth.x500.X500Principal;

import org.eclipse.californium.scandium.dtls.AlertMessage;
import org.eclipse.californium.scandium.dtls.AlertMessage.AlertDescription;
import org.eclipse.californium.scandium.dtls.AlertMessage.AlertLevel;
import org.eclipse.californium.scandium.dtls.CertificateMessage;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.CertificateVerificationResult;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.HandshakeException;
import org.eclipse.californium.scandium.dtls.HandshakeResultHandler;
import org.eclipse.californium.scandium.dtls.x509.CertificateVerifier;
import org.eclipse.californium.scandium.util.ServerNames;

/**
 * The DTLS connector's certificate verifier, which also fails the handshake (alert certificate_revoked) when the
 * device's certificate is revoked (REST {@code PUT /api/revocations}, {@code --revoked}): a revoked device no
 * longer registers, not only its AuthData is refused. Verifiers that answer later (a null result) are not wrapped.
 */
final class RevocationCheckingVerifier implements CertificateVerifier {

    private final CertificateVerifier verifier;
    private final Function<X509Certificate, Optional<String>> revocation;

    RevocationCheckingVerifier(CertificateVerifier verifier, Function<X509Certificate, Optional<String>> revocation) {
        this.verifier = verifier;
        this.revocation = revocation;
    }

    @Override
    public List<CertificateType> getSupportedCertificateTypes() {
        return verifier.getSupportedCertificateTypes();
    }

    @Override
    public CertificateVerificationResult verifyCertificate(ConnectionId cid, ServerNames serverName,
            InetSocketAddress remotePeer, boolean clientUsage, boolean verifySubject, boolean truncateCertificatePath,
            CertificateMessage message) {
        CertificateVerificationResult result = verifier.verifyCertificate(cid, serverName, remotePeer, clientUsage,
                verifySubject, truncateCertificatePath, message);
        if (result == null || result.getException() != null || message.getCertificateChain() == null) {
            return result;
        }
        List<? extends Certificate> chain = message.getCertificateChain().getCertificates();
        if (!chain.isEmpty() && chain.get(0) instanceof X509Certificate device) {
            Optional<String> why = revocation.apply(device);
            if (why.isPresent()) {
                return new CertificateVerificationResult(cid, new HandshakeException(
                        "certificate " + device.getSubjectX500Principal().getName() + " is revoked: " + why.get(),
                        new AlertMessage(AlertLevel.FATAL, AlertDescription.CERTIFICATE_REVOKED)));
            }
        }
        return result;
    }

    @Override
    public List<X500Principal> getAcceptedIssuers() {
        return verifier.getAcceptedIssuers();
    }

    @Override
    public void setResultHandler(HandshakeResultHandler resultHandler) {
        verifier.setResultHandler(resultHandler);
    }
}
