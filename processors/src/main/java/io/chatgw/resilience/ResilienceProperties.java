package io.chatgw.resilience;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Breakers and fallback of the paths ({@code gateway.resilience.*}); docs/resilience.md. */
@ConfigurationProperties("gateway.resilience")
public record ResilienceProperties(
        /** path -> the path that answers when it cannot ({@code none}: no fallback); see {@link FallbackTargets}. */
        @DefaultValue Map<String, String> fallbackTo,
        /** path -> its breaker's settings; a path not listed, or a setting left out, gets {@link Breaker}'s defaults. */
        @DefaultValue Map<String, Breaker> breakers) {

    /**
     * One path's circuit breaker around "connect -> first event". Any value left null takes the default named.
     *
     * @param failureRateThreshold  percent of failed calls in the window that opens it (50)
     * @param slowCallRateThreshold percent of slow calls in the window that opens it (100)
     * @param slowCallDuration      a call slower than this is slow (80% of the path's first-event timeout)
     * @param minimumCalls          calls in the window before any rate counts (10)
     * @param window                the time-based sliding window (60s)
     * @param waitInOpen            how long it stays open before letting half-open probes through (30s)
     * @param halfOpenCalls         probe calls in half-open that decide closing or reopening (3)
     */
    public record Breaker(Float failureRateThreshold, Float slowCallRateThreshold, Duration slowCallDuration,
                          Integer minimumCalls, Duration window, Duration waitInOpen, Integer halfOpenCalls) {
    }
}
