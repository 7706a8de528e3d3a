package io.github.lwm2mportfolio.client.registration;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Locale;

import org.eclipse.leshan.core.ResponseCode;

/** Why a registration failed, in words a person acts on: what happened, and what to check. */
final class RegistrationProblems {

    /** Characters of a server's or a library's message kept on a line. */
    private static final int MAX_REASON = 200;

    private RegistrationProblems() {
    }

    /** The server answered the Register with an error code. */
    static String refused(String serverUri, RegistrationForm form, ResponseCode code, String message) {
        String refused = "registration refused by " + serverUri + " (" + codeInWords(code, message) + ")";
        if (code.equals(ResponseCode.FORBIDDEN) || code.equals(ResponseCode.UNAUTHORIZED)) {
            return refused + ": check the endpoint name and the credentials the server holds for it";
        }
        if (code.equals(ResponseCode.BAD_REQUEST) || code.equals(ResponseCode.PRECONDITION_FAILED)) {
            return refused + " in the form " + form + ": the server does not take this LwM2M version or these "
                    + "content formats";
        }
        return refused + ": check the server's log for the reason";
    }

    /** The Register could not be sent, or failed on the way. */
    static String failed(String serverUri, Exception cause) {
        String host = host(serverUri);
        if (host != null && !resolves(host, serverUri)) {
            return "cannot resolve host " + host + ": check the server address " + serverUri;
        }
        return "registration at " + serverUri + " failed (" + oneLine(cause) + "): check the server address and "
                + "the network";
    }

    /** No answer came to the Register, even over a new connection. */
    static String noAnswer(String serverUri) {
        return "no answer from " + serverUri + ": check that the server runs at this address and port and that "
                + "UDP reaches it";
    }

    /** A DTLS handshake failed (a wrong key, an unknown identity, a certificate the other side does not trust). */
    static String handshakeFailed(InetSocketAddress peer, Throwable cause, String advice) {
        return "DTLS handshake with " + peer.getHostString() + ":" + peer.getPort() + " failed (" + oneLine(cause)
                + "): " + advice;
    }

    /** "4.03 Forbidden", with the server's own words when it gave some. */
    static String codeInWords(ResponseCode code, String message) {
        int value = code.getCode();
        StringBuilder name = new StringBuilder();
        for (String word : code.getName().split("_")) {
            name.append(name.isEmpty() ? "" : " ").append(word.charAt(0))
                    .append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        String words = String.format("%d.%02d %s", value / 100, value % 100, name);
        String reason = message == null ? "" : clean(message);
        return reason.isEmpty() ? words : words + ": " + reason;
    }

    private static String host(String serverUri) {
        try {
            return new URI(serverUri).getHost();
        } catch (Exception e) {
            return null;
        }
    }

    private static boolean resolves(String host, String serverUri) {
        return !new InetSocketAddress(host, Math.max(0, URI.create(serverUri).getPort())).isUnresolved();
    }

    private static String oneLine(Throwable cause) {
        if (cause == null) {
            return "no reason given";
        }
        Throwable deepest = cause;
        while (deepest.getCause() != null && deepest.getCause() != deepest) {
            deepest = deepest.getCause();
        }
        String message = deepest.getMessage();
        return clean(message == null || message.isBlank() ? deepest.getClass().getSimpleName() : message);
    }

    /** One printable line of reasonable length, whatever a server or a library put in it. */
    static String clean(String text) {
        String line = text.strip().replaceAll("\\p{Cntrl}", "?");
        return line.length() > MAX_REASON ? line.substring(0, MAX_REASON) + "..." : line;
    }
}
