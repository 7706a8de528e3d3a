package io.github.lwm2mportfolio.server.inventory;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * Tells a database that cannot be reached (refused, gone, no connection in time) from a failing statement, and
 * says why in a few words: never the driver's message, which may name the URL or a statement's values.
 */
public final class DatabaseOutage {

    public static final int RETRY_AFTER_SECONDS = 10;

    private DatabaseOutage() {
    }

    /**
     * Whether the failure is a connection to the database that could not be had or was lost. Jdbi's
     * ConnectionException alone is not enough: a pool closed by a stopping server throws one too.
     */
    public static boolean isOutage(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException
                    || t instanceof SQLException sql && sql.getSQLState() != null
                            && sql.getSQLState().startsWith("08")) { // SQL's class 08: connection exception
                return true;
            }
        }
        return false;
    }

    /** A short cause, e.g. "it refused the connection". */
    public static String cause(Throwable exception) {
        boolean poolTimedOut = false;
        for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException) {
                return "it refused the connection";
            }
            if (t instanceof SocketTimeoutException) {
                return "it did not answer";
            }
            poolTimedOut |= t instanceof SQLTransientConnectionException;
        }
        return poolTimedOut ? "no connection to it could be had in time" : "the connection to it was lost";
    }
}
