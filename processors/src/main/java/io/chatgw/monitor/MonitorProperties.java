package io.chatgw.monitor;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Knobs of the runtime monitor and its automatic fallback ({@code gateway.monitor.*}); docs/resilience.md. */
@ConfigurationProperties("gateway.monitor")
public record MonitorProperties(
        /** false: nothing is recorded and no traffic is moved. */
        @DefaultValue("true") boolean enabled,
        /** The sliding time window of each path (per org and global). */
        @DefaultValue("5m") Duration window,
        /** Executions an org's window needs on a path before its rates count. */
        @DefaultValue("20") int minCalls,
        /** Executions the global window (all orgs) needs on a path before its rates count. */
        @DefaultValue("100") int globalMinCalls,
        @DefaultValue Trip trip,
        @DefaultValue Restore restore,
        @DefaultValue HalfOpen halfOpen,
        /** Error codes that count as TIMEOUT; other codes are ERROR unless listed in {@code uncounted-codes}. */
        @DefaultValue("upstream_timeout") List<String> timeoutCodes,
        /** Error codes that are not the path's fault (the gateway's own or the client's): not recorded. */
        @DefaultValue({"shutting_down", "path_unavailable", "llm_unavailable", "internal_error"}) List<String> uncountedCodes,
        /** Safety-net reload of the tripped state from PostgreSQL (NOTIFY wakes instances up at once). */
        @DefaultValue("5s") Duration pollInterval,
        /** Wait before the listening connection is opened again after it failed. */
        @DefaultValue("1s") Duration reconnectDelay) {

    /** A path trips when a rate is strictly above its limit. */
    public record Trip(
            @DefaultValue("0.5") double errorRate,
            @DefaultValue("0.3") double timeoutRate,
            /** Mean latency to the first event above this share of the path's first-event timeout. */
            @DefaultValue("0.8") double latencyRatio) {
    }

    /** Half-open probes restore the path only if no rate is above these (lower) limits. */
    public record Restore(
            @DefaultValue("0.2") double errorRate,
            @DefaultValue("0.1") double timeoutRate,
            @DefaultValue("0.6") double latencyRatio) {
    }

    public record HalfOpen(
            /** Time after a trip before probe traffic goes back to the path; 0 = never (ops reset only). */
            @DefaultValue("0s") Duration coolDown,
            /** Share of the tripped traffic sent to the path as probes while half-open. */
            @DefaultValue("0.1") double probeShare,
            /** Probe executions that decide: restored, or tripped again (a new cool-down). */
            @DefaultValue("10") int probeCalls) {
    }

    public MonitorProperties {
        require(window.toSeconds() >= 1, "gateway.monitor.window must be at least 1s");
        require(minCalls >= 1 && globalMinCalls >= 1, "gateway.monitor.min-calls / global-min-calls must be >= 1");
        require(rate(trip.errorRate()) && rate(trip.timeoutRate()) && trip.latencyRatio() > 0,
                "gateway.monitor.trip.*: rates in [0,1), latency-ratio > 0");
        require(rate(restore.errorRate()) && rate(restore.timeoutRate()) && restore.latencyRatio() > 0,
                "gateway.monitor.restore.*: rates in [0,1), latency-ratio > 0");
        require(restore.errorRate() < trip.errorRate() && restore.timeoutRate() < trip.timeoutRate()
                        && restore.latencyRatio() < trip.latencyRatio(),
                "gateway.monitor.restore.* must be below gateway.monitor.trip.* (no flapping)");
        require(!halfOpen.coolDown().isNegative(), "gateway.monitor.half-open.cool-down must not be negative");
        require(halfOpen.probeShare() > 0 && halfOpen.probeShare() <= 1, "gateway.monitor.half-open.probe-share in (0,1]");
        require(halfOpen.probeCalls() >= 1, "gateway.monitor.half-open.probe-calls must be >= 1");
        require(pollInterval.toMillis() >= 100 && reconnectDelay.toMillis() >= 10,
                "gateway.monitor.poll-interval >= 100ms, reconnect-delay >= 10ms");
    }

    private static boolean rate(double r) {
        return r >= 0 && r < 1;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
