package io.chatgw.core;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * 503 {@code database_unavailable}: a request needed PostgreSQL and PostgreSQL could not be reached (no connection
 * within {@code gateway.database.request-connection-timeout}, known to be down, or the connection broke). The HTTP
 * layers send {@code Retry-After}; docs/operations.md "PostgreSQL down".
 */
public class DatabaseUnavailable extends GatewayException implements RetryAfter {

    private final long retryAfterSeconds;

    public DatabaseUnavailable(Duration retryAfter, Throwable cause) {
        super(503, "database_unavailable", "the gateway's database is unreachable; retry later", cause);
        this.retryAfterSeconds = RetryAfter.seconds(retryAfter);
    }

    @Override
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /**
     * Whether {@code failure} (or one of its causes) says PostgreSQL could not be reached or went away: no
     * connection (Spring's {@code CannotGetJdbcConnectionException}, {@code CannotCreateTransactionException}, the
     * pool's {@code SQLTransientConnectionException}), a broken one (SQLSTATE class 08), or a server shutting down
     * or starting (57P01-57P03). A query PostgreSQL answered with an error is not one.
     */
    public static boolean isUnreachable(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 20; t = t.getCause(), depth++) {
            if (t instanceof DataAccessResourceFailureException || t instanceof TransientDataAccessResourceException
                    || t instanceof RecoverableDataAccessException || t instanceof CannotCreateTransactionException
                    || t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql && isConnectionState(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code work}'s result, or {@code otherwise}'s if {@code work} failed because PostgreSQL could not be reached
     * ({@link #isUnreachable}); any other failure is thrown as it was.
     */
    public static <T> T unlessUnreachable(java.util.function.Supplier<T> work, java.util.function.Supplier<T> otherwise) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            if (!isUnreachable(e)) {
                throw e;
            }
            return otherwise.get();
        }
    }

    /** SQLSTATE class 08 (connection exception); 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now. */
    public static boolean isConnectionState(String state) {
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                || state.equals("57P03"));
    }
}
