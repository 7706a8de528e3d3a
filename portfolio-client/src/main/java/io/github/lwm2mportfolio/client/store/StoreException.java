package io.github.lwm2mportfolio.client.store;

/**
 * The durable store could not be opened, read or written. The message names the file or directory
 * involved and the reason, so that it can be shown to an operator as it is.
 */
public class StoreException extends Exception {

    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
