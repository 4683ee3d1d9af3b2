package io.chatgw.shadow;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * The shadow metrics (docs/shadow.md): runs by outcome, skipped samples by reason, compared pairs and divergences by
 * kind, and the shadow's latency delta to its primary. Tags hold only the gateway's own names (paths, kinds, reasons,
 * outcomes), never a value from outside.
 */
@Component
public class ShadowMeters {

    private final MeterRegistry registry;

    public ShadowMeters(MeterRegistry registry) {
        this.registry = registry;
        // the failure counters at 0 from the start (dashboards and alerts see them before the first failure)
        ShadowAdmission.SKIP_REASONS.forEach(this::skippedCounter);
        primaryUnfinishedCounter();
    }

    /** A shadow run ended: {@code completed}, {@code failed} or {@code timeout}. */
    void run(String kind, String target, String outcome) {
        Counter.builder("gateway.shadow.runs").description("shadow runs by sample kind, target path and outcome")
                .tag("kind", kind).tag("target", target).tag("outcome", outcome).register(registry).increment();
    }

    /** A sample that was not run: {@code cost_cap}, {@code pool_full}, {@code concurrency}, {@code route_stopped}. */
    void skipped(String reason) {
        skippedCounter(reason).increment();
    }

    private Counter skippedCounter(String reason) {
        return Counter.builder("gateway.shadow.skipped").description("shadow samples not run, by reason")
                .tag("reason", reason).register(registry);
    }

    /** A pair compared (diverged or not), and each kind it diverged in. */
    void compared(String kind, String primary, String target, Iterable<String> divergences, boolean diverged) {
        Counter.builder("gateway.shadow.comparisons").description("compared pairs by sample kind and whether they diverged")
                .tag("kind", kind).tag("primary", primary).tag("target", target).tag("diverged", String.valueOf(diverged))
                .register(registry).increment();
        for (String divergence : divergences) {
            Counter.builder("gateway.shadow.divergences").description("compared pairs that diverged, by divergence kind")
                    .tag("kind", kind).tag("primary", primary).tag("target", target).tag("divergence", divergence)
                    .register(registry).increment();
        }
    }

    /**
     * How much slower ({@code direction=slower}) or faster the shadow was than its primary, for {@code measure}
     * {@code first_event} or {@code duration}.
     */
    void latencyDelta(String measure, long deltaMillis) {
        Timer.builder("gateway.shadow.latency.delta").description("shadow minus primary: time to first event, duration")
                .tag("measure", measure).tag("direction", deltaMillis > 0 ? "slower" : deltaMillis < 0 ? "faster" : "same")
                .publishPercentileHistogram().register(registry).record(Duration.ofMillis(Math.abs(deltaMillis)));
    }

    /** A pair given up because its primary did not end within gateway.shadow.primary-wait. */
    void primaryUnfinished() {
        primaryUnfinishedCounter().increment();
    }

    private Counter primaryUnfinishedCounter() {
        return Counter.builder("gateway.shadow.primary.unfinished")
                .description("shadow pairs not compared: the primary did not end within gateway.shadow.primary-wait")
                .register(registry);
    }

    void inFlight(Supplier<Number> count) {
        io.micrometer.core.instrument.Gauge.builder("gateway.shadow.in.flight", count)
                .description("shadow runs admitted and not yet compared").register(registry);
    }
}
