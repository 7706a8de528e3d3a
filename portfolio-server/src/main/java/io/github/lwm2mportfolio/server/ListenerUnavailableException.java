package io.github.lwm2mportfolio.server;

/**
 * A listener (CoAP, CoAPs, the REST API) could not take its port: the server does not run half-started, it
 * stops and says which port of which listener.
 */
public final class ListenerUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String listener;
    private final int port;

    public ListenerUnavailableException(String listener, String host, int port, Throwable cause) {
        super(listener + " port " + port + " on " + host + " cannot be bound (another program holds it, or it is "
                + "not permitted): stop that program or choose another port", cause);
        this.listener = listener;
        this.port = port;
    }

    /** CoAP, CoAPs or REST API. */
    public String listener() {
        return listener;
    }

    public int port() {
        return port;
    }
}
