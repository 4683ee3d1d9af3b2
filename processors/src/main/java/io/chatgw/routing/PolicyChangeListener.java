package io.chatgw.routing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Keeps {@link RoutePolicies} fresh on this instance: LISTENs on channel {@code route_policies} (the database's
 * triggers NOTIFY the new policy version on every change of a routing input, at commit) and, as the safety net for
 * a notification missed while disconnected, compares the version every {@code gateway.policy.poll-interval}.
 * One dedicated connection and one daemon thread; on a lost connection it reconnects and re-reads.
 */
@Component
public class PolicyChangeListener implements SmartLifecycle {

    static final String CHANNEL = "route_policies";
    private static final Logger log = LoggerFactory.getLogger(PolicyChangeListener.class);
    private static final int WAIT_SLICE_MS = 250;
    /** Tagged so that ops (and a test) can tell the listener's connection in pg_stat_activity. */
    static final String VERSION_QUERY = "SELECT version FROM policy_version WHERE id = 1 /* policy-change-listener */";

    private final DataSource dataSource;
    private final RoutePolicies policies;
    private final PolicyProperties properties;
    private volatile boolean running;
    private volatile int backendPid = -1;
    private Thread thread;

    public PolicyChangeListener(DataSource dataSource, RoutePolicies policies, PolicyProperties properties) {
        this.dataSource = dataSource;
        this.policies = policies;
        this.properties = properties;
    }

    @Override
    public synchronized void start() {
        running = true;
        thread = new Thread(this::listen, "policy-change-listener");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(2 * WAIT_SLICE_MS + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The PostgreSQL backend of the listening connection (pg_stat_activity.pid), -1 before the first connect. */
    public int backendPid() {
        return backendPid;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void listen() {
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                try (Statement st = connection.createStatement()) {
                    st.execute("LISTEN " + CHANNEL + " /* policy-change-listener */");
                    try (ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                        backendPid = rs.next() ? rs.getInt(1) : -1;
                    }
                }
                policies.refreshIfNewer(version(connection)); // whatever changed while we were not listening
                PGConnection pg = connection.unwrap(PGConnection.class);
                long pollMs = properties.pollInterval().toMillis();
                long nextPoll = System.currentTimeMillis() + pollMs;
                while (running) {
                    PGNotification[] notes = pg.getNotifications(WAIT_SLICE_MS);
                    long seen = -1;
                    if (notes != null) {
                        for (PGNotification n : notes) {
                            seen = Math.max(seen, parse(n.getParameter()));
                        }
                    }
                    if (seen < 0 && System.currentTimeMillis() >= nextPoll) {
                        seen = version(connection);
                        nextPoll = System.currentTimeMillis() + pollMs;
                    }
                    if (seen >= 0) {
                        policies.refreshIfNewer(seen);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                log.warn("route policy change listener lost its connection ({}); reconnecting in {}",
                        e.getMessage(), properties.reconnectDelay());
                try {
                    Thread.sleep(properties.reconnectDelay().toMillis());
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private static long version(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery(VERSION_QUERY)) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    /** A payload that is not a version (someone NOTIFYing by hand) still means "look": re-read. */
    private static long parse(String payload) {
        try {
            return Long.parseLong(payload.trim());
        } catch (RuntimeException e) {
            return Long.MAX_VALUE;
        }
    }
}
