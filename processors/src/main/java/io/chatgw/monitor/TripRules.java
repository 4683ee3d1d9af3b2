package io.chatgw.monitor;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * When a window's figures breach limits: with at least {@code minCalls} executions, an error rate or a timeout rate
 * strictly above its limit, or (with at least {@code minCalls} first events) a mean latency to the first event
 * strictly above {@code latencyRatio} of the path's first-event timeout. Checked in that order; the first breach
 * names the threshold. The same rule, with the lower restore limits, decides whether half-open probes succeeded.
 */
public final class TripRules {

    public static final String ERROR_RATE = "error_rate";
    public static final String TIMEOUT_RATE = "timeout_rate";
    public static final String LATENCY = "latency";

    /** Rates in [0,1]; {@code latencyRatio} of the path's first-event timeout. */
    public record Limits(double errorRate, double timeoutRate, double latencyRatio) {
    }

    /** Which threshold, and the figures behind it (what a trip keeps and the status shows). */
    public record Breach(String threshold, double value, double limit, WindowFigures figures) {

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("threshold", threshold);
            m.put("value", Math.round(value * 10_000) / 10_000.0);
            m.put("limit", Math.round(limit * 10_000) / 10_000.0);
            m.put("window", figures.toJson());
            return m;
        }
    }

    private TripRules() {
    }

    public static Optional<Breach> breach(WindowFigures f, int minCalls, Limits limits, Duration firstEventTimeout) {
        if (f.calls() < minCalls) {
            return Optional.empty();
        }
        if (f.errorRate() > limits.errorRate()) {
            return Optional.of(new Breach(ERROR_RATE, f.errorRate(), limits.errorRate(), f));
        }
        if (f.timeoutRate() > limits.timeoutRate()) {
            return Optional.of(new Breach(TIMEOUT_RATE, f.timeoutRate(), limits.timeoutRate(), f));
        }
        double latencyLimitMillis = limits.latencyRatio() * firstEventTimeout.toNanos() / 1e6;
        if (f.firstEventCalls() >= minCalls && f.meanFirstEventMillis() > latencyLimitMillis) {
            return Optional.of(new Breach(LATENCY, f.meanFirstEventMillis(), latencyLimitMillis, f));
        }
        return Optional.empty();
    }
}
