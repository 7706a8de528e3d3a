package io.github.lwm2mportfolio.server.collector;

/** A step of a collection that did not work out; the message is the reason kept in the inventory. */
class CollectionException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    CollectionException(String reason, boolean retryable) {
        super(reason);
        this.retryable = retryable;
    }

    /** Whether trying again later may help (timeouts, 5.xx), as opposed to an answer that will not change. */
    boolean retryable() {
        return retryable;
    }
}
