package io.chatgw.resilience;

import io.chatgw.core.ExecutionMode;
import io.chatgw.core.PathUnavailable;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The three paths' circuit breakers, in one registry (the one camel-resilience4j-micrometer exports and the admin
 * endpoints act on). Named after the path's wire name; routes/paths.yaml refers to them as beans. Only
 * {@link PathUnavailable} counts as a failure: a path that answered with its own error served the request.
 */
public final class PathBreakers {

    private final CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();

    /** @param firstEventTimeouts each path's first-event timeout (the slow-call default is 80% of it) */
    public PathBreakers(Map<String, ResilienceProperties.Breaker> configured, Map<ExecutionMode, Duration> firstEventTimeouts) {
        configured.keySet().forEach(name -> ExecutionMode.parse(name).orElseThrow(() ->
                new IllegalArgumentException("gateway.resilience.breakers: empty path name")));
        for (ExecutionMode path : ExecutionMode.values()) {
            ResilienceProperties.Breaker b = configured.get(path.wire());
            if (b == null) {
                b = new ResilienceProperties.Breaker(null, null, null, null, null, null, null);
            }
            Duration firstEvent = Objects.requireNonNull(firstEventTimeouts.get(path), path.wire());
            Duration window = or(b.window(), Duration.ofSeconds(60));
            CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                    .failureRateThreshold(or(b.failureRateThreshold(), 50f))
                    .slowCallRateThreshold(or(b.slowCallRateThreshold(), 100f))
                    .slowCallDurationThreshold(or(b.slowCallDuration(), firstEvent.multipliedBy(8).dividedBy(10)))
                    .minimumNumberOfCalls(or(b.minimumCalls(), 10))
                    .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
                    .slidingWindowSize((int) Math.max(1, window.toSeconds()))
                    .waitDurationInOpenState(or(b.waitInOpen(), Duration.ofSeconds(30)))
                    .permittedNumberOfCallsInHalfOpenState(or(b.halfOpenCalls(), 3))
                    .recordExceptions(PathUnavailable.class)
                    .writableStackTraceEnabled(false)
                    .build();
            registry.circuitBreaker(path.wire(), config);
        }
    }

    public CircuitBreaker of(ExecutionMode path) {
        return registry.circuitBreaker(path.wire());
    }

    public CircuitBreakerRegistry registry() {
        return registry;
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
