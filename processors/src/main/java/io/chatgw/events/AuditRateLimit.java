package io.chatgw.events;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most {@code perMinute} audit events per source (an address) and clock minute, so a flood of bad logins or
 * bad plane connections cannot fill audit_log; what is not audited is still counted and logged by its caller.
 * Remembers at most 10,000 sources per minute (beyond: one shared bucket).
 */
public final class AuditRateLimit {

    private static final int MAX_SOURCES = 10_000;

    private final int perMinute;
    private final java.util.function.LongSupplier clockMillis;
    private final ConcurrentHashMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private volatile long minute = -1;

    public AuditRateLimit(int perMinute) {
        this(perMinute, System::currentTimeMillis);
    }

    AuditRateLimit(int perMinute, java.util.function.LongSupplier clockMillis) {
        this.perMinute = perMinute;
        this.clockMillis = clockMillis;
    }

    /** True when this source may be audited once more this minute. */
    public boolean allow(String source) {
        long now = clockMillis.getAsLong() / 60_000;
        if (now != minute) {
            synchronized (this) {
                if (now != minute) {
                    counts.clear();
                    minute = now;
                }
            }
        }
        String key = source == null ? "-" : source.length() > 64 ? source.substring(0, 64) : source;
        if (counts.size() >= MAX_SOURCES && !counts.containsKey(key)) {
            key = "*";
        }
        return counts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() <= perMinute;
    }
}
