package io.chatgw.events;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.support.LifecycleStrategySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a normal stop (SIGTERM) does with the events (docs/events.md, "Stopping"). When Camel starts stopping
 * (before any route stops) the accept pool is shut down and drained into the spool: every event handed over so far
 * is accepted; later ones (turns ending while the routes stop) are appended on their own thread. Once every route
 * has stopped (nothing records events any more), the spool is written into PostgreSQL and the outbox relayed to
 * Kafka until both are empty or {@code gateway.events.shutdown-drain-timeout} is over. What is left then stays where
 * it is, durable: in the spool (replayed at the next start) or unpublished in the outbox (relayed by whichever
 * instance relays next). Each phase waits at most the drain timeout.
 */
public final class DrainEventsAtStop extends LifecycleStrategySupport {

    private static final Logger log = LoggerFactory.getLogger(DrainEventsAtStop.class);

    private final ExecutorService acceptPool;
    private final EventJournal journal;
    private final DrainEventSpool spool;
    private final RelayOutbox relay;
    private final Duration timeout;
    private final long pauseMillis;

    public DrainEventsAtStop(ExecutorService acceptPool, EventJournal journal, DrainEventSpool spool, RelayOutbox relay,
                             EventsProperties config) {
        this.acceptPool = acceptPool;
        this.journal = journal;
        this.spool = spool;
        this.relay = relay;
        this.timeout = config.shutdownDrainTimeout();
        this.pauseMillis = Math.max(10, Math.min(config.drainInterval(), config.relay().interval()));
    }

    @Override
    public void onContextStopping(CamelContext context) {
        acceptPool.shutdown();
        try {
            if (!acceptPool.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.error("events still waiting to be accepted after {} at shutdown: they are lost", timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * On a thread of its own, waited for at most the drain timeout: a PostgreSQL that does not answer (a connection
     * wait of the pool's connection-timeout) cannot hold the stop up. Left running past the timeout it changes
     * nothing that matters: a segment goes only after its commit, a row is published only after Kafka's ack.
     */
    @Override
    public void onContextStopped(CamelContext context) {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        long[] unpublished = {-1};
        Thread drain = new Thread(() -> unpublished[0] = drainUntil(deadline), "event-drain-at-stop");
        drain.setDaemon(true);
        drain.start();
        try {
            drain.join(timeout.toMillis() + 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (!drain.isAlive() && journal.events() == 0 && unpublished[0] == 0) {
            log.info("events drained at shutdown in {} ms: the spool is empty and every outbox row is published", ms);
        } else {
            log.warn("event drain at shutdown ended after {} ms (shutdown-drain-timeout {}): {} events stay in the spool {} "
                            + "(replayed at the next start), {} outbox rows unpublished (relayed later)", ms, timeout,
                    journal.events(), journal.dir(), drain.isAlive() || unpublished[0] < 0 ? "unknown" : unpublished[0]);
        }
    }

    /** Spool into PostgreSQL, then outbox to Kafka, until both are empty or the deadline; the rows left unpublished. */
    private long drainUntil(long deadline) {
        long unpublished = -1;
        try {
            while (true) {
                spool.process(null);
                if (journal.events() == 0) {
                    unpublished = relay.relayUntil(deadline);
                }
                if ((journal.events() == 0 && unpublished == 0) || System.nanoTime() >= deadline) {
                    return unpublished;
                }
                Thread.sleep(pauseMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            log.warn("event drain at shutdown stopped: {}", e.toString());
        }
        return unpublished;
    }
}
