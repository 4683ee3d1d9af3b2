package io.chatgw.database;

import io.chatgw.core.DatabaseUnavailable;
import io.chatgw.core.GatewayException;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.camel.CamelContext;

/**
 * The request path's side of PostgreSQL, in one place for every endpoint: {@link #call} runs a request's routes
 * with the request path's bounded connection wait ({@link RequestPathConnections}), and {@link #failure} turns
 * PostgreSQL being unreachable into 503 {@code database_unavailable} with {@code Retry-After}
 * ({@code gateway.database.retry-after}), whatever exception it surfaced as.
 */
public final class RequestPathDatabase {

    /** Its bean name: the HTTP layer finds it in Camel's registry, as the routes find their processors. */
    public static final String BEAN = "requestPathDatabase";

    private static final ThreadLocal<Boolean> ON_REQUEST_PATH = new ThreadLocal<>();

    private final Duration retryAfter;

    public RequestPathDatabase(DatabaseProperties config) {
        this.retryAfter = config.retryAfter();
    }

    /** The gateway's instance. */
    public static RequestPathDatabase of(CamelContext camel) {
        RequestPathDatabase database = camel.getRegistry().lookupByNameAndType(BEAN, RequestPathDatabase.class);
        if (database == null) {
            throw new IllegalStateException("no bean " + BEAN + " (DatabaseBeans)");
        }
        return database;
    }

    /**
     * Runs {@code work} on this thread as the request path: the connections it asks for wait at most
     * {@code gateway.database.request-connection-timeout}. Work handed to other threads (wire-taps, the turn's
     * path, the event and conversation writers) is not the request path.
     */
    public <T> T call(Callable<T> work) throws Exception {
        Boolean outer = ON_REQUEST_PATH.get();
        ON_REQUEST_PATH.set(Boolean.TRUE);
        try {
            return work.call();
        } finally {
            if (outer == null) {
                ON_REQUEST_PATH.remove();
            }
        }
    }

    public static boolean onRequestPath() {
        return ON_REQUEST_PATH.get() != null;
    }

    /** {@code failure} as the client is told about it: 503 database_unavailable if PostgreSQL was unreachable. */
    public Exception failure(Exception failure) {
        if (failure instanceof GatewayException || !DatabaseUnavailable.isUnreachable(failure)) {
            return failure;
        }
        return new DatabaseUnavailable(retryAfter, failure);
    }
}
