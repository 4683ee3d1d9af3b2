package io.chatgw.monitor;

import java.time.Instant;

/**
 * The monitor's time: what the windows (resilience4j's and Micrometer's clocks have the same two methods) and the
 * trips' cool-downs read. {@link #SYSTEM} in the gateway; tests move a manual one.
 */
public interface MonitorClock extends io.github.resilience4j.core.Clock, io.micrometer.core.instrument.Clock {

    MonitorClock SYSTEM = new MonitorClock() {
        @Override
        public long wallTime() {
            return System.currentTimeMillis();
        }

        @Override
        public long monotonicTime() {
            return System.nanoTime();
        }
    };

    @Override
    long wallTime();

    @Override
    long monotonicTime();

    default Instant now() {
        return Instant.ofEpochMilli(wallTime());
    }
}
