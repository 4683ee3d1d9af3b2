package io.chatgw.core;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Makes the request path's {@link LastKnown} caches (one per lookup: callers, API keys, sessions, user modes, canary
 * buckets, conversations), each counting the reads it served while PostgreSQL was unreachable in
 * {@code gateway_database_last_known_served_total{lookup}}.
 */
@Component
@EnableConfigurationProperties(LastKnownReads.Settings.class)
public class LastKnownReads {

    /**
     * {@code gateway.database.last-known.*} (docs/configuration.md).
     *
     * @param maxEntries entries kept per lookup (least recently used dropped); 0 = none: every request that needs
     *                   PostgreSQL gets 503 while it is down
     * @param maxAge     the oldest entry served in PostgreSQL's place (it is refreshed by every read while PostgreSQL answers)
     */
    @ConfigurationProperties("gateway.database.last-known")
    public record Settings(@DefaultValue("50000") int maxEntries, @DefaultValue("30m") Duration maxAge) {
        public Settings {
            if (maxEntries < 0 || maxAge.isNegative()) {
                throw new IllegalArgumentException("gateway.database.last-known.max-entries and .max-age are not negative");
            }
        }
    }

    private final Settings settings;
    private final MeterRegistry meters;

    public LastKnownReads(Settings settings, MeterRegistry meters) {
        this.settings = settings;
        this.meters = meters;
    }

    /** A cache for {@code lookup} with the configured size. */
    public <K, V> LastKnown<K, V> cache(String lookup) {
        return cache(lookup, settings.maxEntries());
    }

    /** A cache for {@code lookup} holding at most {@code maxEntries} (a lookup of large values bounds its own). */
    public <K, V> LastKnown<K, V> cache(String lookup, int maxEntries) {
        Counter served = Counter.builder("gateway.database.last.known.served").tag("lookup", lookup)
                .description("reads answered from the last value PostgreSQL gave, while it was unreachable")
                .register(meters);
        return new LastKnown<>(maxEntries, settings.maxAge().toNanos(), System::nanoTime, served);
    }
}
