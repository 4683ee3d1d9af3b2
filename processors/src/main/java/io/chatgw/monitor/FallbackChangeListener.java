package io.chatgw.monitor;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.LongConsumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the monitor up when another instance changed the tripped state: {@code LISTEN runtime_fallbacks} on a
 * dedicated connection (not one of the pool's), each notification carrying the new version. NOTIFY is not durable,
 * so the monitor also reloads every poll interval, and after the connection was lost and opened again.
 */
final class FallbackChangeListener implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(FallbackChangeListener.class);
    /** Longest a wait for notifications blocks, so a stop is noticed quickly. */
    private static final int WAIT_MILLIS = 250;

    private final ListenConnections connections;
    private final LongConsumer onVersion;
    private final Runnable onPoll;
    private final long pollNanos;
    private final long reconnectMillis;
    private volatile boolean running = true;
    private volatile Thread thread;
    private volatile boolean listening;

    /**
     * @param onVersion called with the version a notification carries
     * @param onPoll    called every poll interval and after (re)connecting
     */
    FallbackChangeListener(ListenConnections connections, LongConsumer onVersion, Runnable onPoll,
                           Duration pollInterval, Duration reconnectDelay) {
        this.connections = connections;
        this.onVersion = onVersion;
        this.onPoll = onPoll;
        this.pollNanos = pollInterval.toNanos();
        this.reconnectMillis = reconnectDelay.toMillis();
    }

    void start(String name) {
        Thread t = new Thread(this, name);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    void stop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether the LISTEN connection is open (a change made elsewhere wakes this instance up at once). */
    boolean listening() {
        return listening;
    }

    @Override
    public void run() {
        while (running) {
            try (Connection connection = connections.open()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + FallbackStore.CHANNEL);
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                listening = true;
                log.debug("listening on {}", FallbackStore.CHANNEL);
                onPoll.run(); // anything missed while not listening
                long nextPoll = System.nanoTime() + pollNanos;
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
                    if (notifications != null) {
                        long highest = -1;
                        for (PGNotification n : notifications) {
                            highest = Math.max(highest, parse(n.getParameter()));
                        }
                        onVersion.accept(highest);
                    }
                    if (System.nanoTime() - nextPoll >= 0) {
                        onPoll.run();
                        nextPoll = System.nanoTime() + pollNanos;
                    }
                }
            } catch (SQLException | RuntimeException e) {
                listening = false;
                if (running) {
                    log.warn("runtime monitor: listening for {} failed ({}); reconnecting in {} ms",
                            FallbackStore.CHANNEL, e.toString(), reconnectMillis);
                    pause();
                }
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(reconnectMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private static long parse(String payload) {
        try {
            return Long.parseLong(payload.trim());
        } catch (RuntimeException e) {
            return Long.MAX_VALUE; // not ours to interpret: reload
        }
    }
}
