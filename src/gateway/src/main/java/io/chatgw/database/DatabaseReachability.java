package io.chatgw.database;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the gateway knows PostgreSQL to be unreachable, learnt from the connections it asks the pool for (every
 * thread's: requests and background writers). Down after a connection could not be opened; up again after any
 * connection was handed out. While down, a request is refused at once, except one request per
 * {@code retryInterval}, which tries PostgreSQL again (and brings it back up if it answers).
 */
public final class DatabaseReachability {

    private static final Logger log = LoggerFactory.getLogger(DatabaseReachability.class);

    private final long retryIntervalNanos;
    private final LongSupplier nanoClock;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicLong lastAttempt = new AtomicLong();

    public DatabaseReachability(Duration retryInterval, LongSupplier nanoClock) {
        this.retryIntervalNanos = retryInterval.toNanos();
        this.nanoClock = nanoClock;
    }

    /** Whether a request may ask for a connection now: always while up; while down, once per retry interval. */
    public boolean admitsRequest() {
        if (!down.get()) {
            return true;
        }
        long now = nanoClock.getAsLong();
        long last = lastAttempt.get();
        return now - last >= retryIntervalNanos && lastAttempt.compareAndSet(last, now);
    }

    /** A connection was handed out. */
    public void reached() {
        if (down.get() && down.compareAndSet(true, false)) {
            log.info("PostgreSQL answers again: requests that need it are served again");
        }
    }

    /** A connection could not be opened. */
    public void unreachable(Throwable failure) {
        lastAttempt.set(nanoClock.getAsLong());
        if (down.compareAndSet(false, true)) {
            log.warn("PostgreSQL is unreachable ({}): requests that need it get 503 database_unavailable", failure.toString());
        }
    }

    public boolean isDown() {
        return down.get();
    }
}
