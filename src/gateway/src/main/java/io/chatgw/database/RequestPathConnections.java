package io.chatgw.database;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.chatgw.core.DatabaseUnavailable;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The gateway's DataSource: Hikari's pool, with a bounded wait on the request path. A connection asked for by a
 * request ({@link RequestPathDatabase#call}) waits at most {@code gateway.database.request-connection-timeout}, and
 * none is asked for while {@link DatabaseReachability} knows PostgreSQL to be down (except its periodic retry);
 * every other thread (outbox relay, spool replay, conversation writer, probes) waits the pool's own
 * {@code connection-timeout}, as before, and keeps its own retries. Every connection handed out or refused tells
 * {@link DatabaseReachability} whether PostgreSQL answers.
 */
public final class RequestPathConnections extends DelegatingDataSource implements AutoCloseable {

    private final HikariDataSource pool;
    private final DatabaseReachability reachability;
    private final long requestTimeoutMillis;

    public RequestPathConnections(HikariDataSource pool, DatabaseReachability reachability, DatabaseProperties config) {
        super(pool);
        this.pool = pool;
        this.reachability = reachability;
        this.requestTimeoutMillis = config.requestConnectionTimeout().toMillis();
    }

    @Override
    public Connection getConnection() throws SQLException {
        boolean request = RequestPathDatabase.onRequestPath();
        if (request && !reachability.admitsRequest()) {
            throw new SQLTransientConnectionException("PostgreSQL is known to be unreachable", "08001");
        }
        try {
            // the pool exists once the first connection was asked for (Flyway's, at start)
            Connection connection = request && pool.getHikariPoolMXBean() instanceof HikariPool hikari
                    ? hikari.getConnection(requestTimeoutMillis)
                    : pool.getConnection();
            reachability.reached();
            return connection;
        } catch (SQLException e) {
            if (connectFailed(e)) {
                reachability.unreachable(e);
            }
            throw e;
        }
    }

    /** Closes the pool (the bean's destroy method, as Hikari's own {@code close} was). */
    @Override
    public void close() {
        pool.close();
    }

    /**
     * A connection could not be opened: a connection-class SQLSTATE, or the pool's timeout with the failure of its
     * last attempt to connect as the cause. The pool's timeout without a cause is a busy pool, not a down database.
     */
    static boolean connectFailed(SQLException e) {
        return DatabaseUnavailable.isConnectionState(e.getSQLState())
                || (e instanceof SQLTransientConnectionException && e.getCause() != null);
    }
}
