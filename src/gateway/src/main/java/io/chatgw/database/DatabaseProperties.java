package io.chatgw.database;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a request that needs PostgreSQL fails while PostgreSQL is unreachable ({@code gateway.database.*},
 * docs/configuration.md, docs/operations.md "PostgreSQL down"): with 503 {@code database_unavailable} and
 * {@code Retry-After}, within a bound, instead of waiting for the pool's own timeout.
 *
 * @param requestConnectionTimeout the longest a request waits for a pooled connection (the background writers keep
 *                                 the pool's {@code spring.datasource.hikari.connection-timeout})
 * @param retryAfter               the {@code Retry-After} of a 503 {@code database_unavailable}; while PostgreSQL is
 *                                 known to be down, requests are refused at once and one request per this interval
 *                                 tries it again
 */
@ConfigurationProperties("gateway.database")
public record DatabaseProperties(
        @DefaultValue("2s") Duration requestConnectionTimeout,
        @DefaultValue("5s") Duration retryAfter) {

    public DatabaseProperties {
        if (requestConnectionTimeout.toMillis() < 250) {
            throw new IllegalArgumentException("gateway.database.request-connection-timeout must be at least 250ms (Hikari's minimum)");
        }
        if (retryAfter.toMillis() < 1) {
            throw new IllegalArgumentException("gateway.database.retry-after must be positive");
        }
    }
}
