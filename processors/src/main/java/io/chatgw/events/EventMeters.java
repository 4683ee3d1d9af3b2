package io.chatgw.events;

import io.chatgw.metrics.MetricTags;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The events' metrics: accepted (into the spool), written (into PostgreSQL), published (acknowledged by Kafka),
 * refused and dead-lettered, per type; spool depth and bytes; outbox depth and the age of its oldest unpublished
 * row (as of the relay's last look); publish lag; tokens under the OpenTelemetry GenAI name.
 */
public final class EventMeters {

    static final List<String> TYPES = List.of(Event.USAGE, Event.AUDIT, Event.PLANE_USAGE, Event.SHADOW_COMPARISON);

    private final MeterRegistry meters;
    private final MetricTags tags;
    private final AtomicLong outboxDepth = new AtomicLong();
    private final AtomicLong outboxOldestAgeMs = new AtomicLong();
    private final Timer publishLag;

    public EventMeters(MeterRegistry meters) {
        this(meters, MetricTags.withDefaults());
    }

    public EventMeters(MeterRegistry meters, MetricTags tags) {
        this.meters = meters;
        this.tags = tags;
        for (String type : TYPES) { // visible at 0 before the first event
            accepted(type);
            written(type);
            if (!Event.SHADOW_COMPARISON.equals(type)) { // never on Kafka
                published(type);
            }
            refused(type);
            dead(type);
        }
        publishLag = Timer.builder("gateway.events.publish.lag") // registered now: its buckets exist before the first publish
                .description("from an event's occurrence to Kafka's acknowledgement").publishPercentileHistogram()
                .register(meters);
        Gauge.builder("gateway.events.outbox.depth", outboxDepth, AtomicLong::get)
                .description("outbox rows not yet acknowledged by Kafka (as of the relay's last pass)").register(meters);
        Gauge.builder("gateway.events.outbox.oldest.age", outboxOldestAgeMs, v -> v.get() / 1000.0)
                .baseUnit("seconds").description("age of the oldest unpublished outbox row").register(meters);
    }

    public void spool(Supplier<Number> events, Supplier<Number> bytes, long maxBytes) {
        // strong references: a gauge holds its object weakly, and these suppliers are referenced nowhere else
        // (a collected one reads NaN)
        Gauge.builder("gateway.events.spool.events", events, s -> s.get().doubleValue()).strongReference(true)
                .description("events in the local spool, not yet in PostgreSQL").register(meters);
        Gauge.builder("gateway.events.spool.bytes", bytes, s -> s.get().doubleValue()).baseUnit("bytes").strongReference(true)
                .description("bytes of the local spool").register(meters);
        Gauge.builder("gateway.events.spool.max", () -> maxBytes).baseUnit("bytes")
                .description("the spool's bound (gateway.events.spool.max-size)").register(meters);
    }

    public Counter accepted(String type) {
        return counter("gateway.events.accepted", "events appended to the spool (durable from here)", type);
    }

    public Counter written(String type) {
        return counter("gateway.events.written", "events written to PostgreSQL with their outbox row", type);
    }

    public Counter published(String type) {
        return counter("gateway.events.published", "outbox rows Kafka acknowledged", type);
    }

    public Counter refused(String type) {
        return counter("gateway.events.refused", "events not accepted (spool full or unwritable): in the ERROR log", type);
    }

    public Counter dead(String type) {
        return counter("gateway.events.dead", "events PostgreSQL rejected as invalid: in the spool's dead file", type);
    }

    public void publishLag(Duration lag) {
        publishLag.record(lag.isNegative() ? Duration.ZERO : lag);
    }

    public void outbox(long depth, long oldestAgeMs) {
        outboxDepth.set(depth);
        outboxOldestAgeMs.set(oldestAgeMs);
    }

    public long outboxDepth() {
        return outboxDepth.get();
    }

    public long outboxOldestAgeMs() {
        return outboxOldestAgeMs.get();
    }

    /**
     * {@code gen_ai.client.token.usage} (OpenTelemetry GenAI semantic conventions) by org, model and token type; org
     * and model bounded by {@code gateway.metrics.max-org-tags} / {@code max-model-tags} (beyond: {@code other}).
     */
    public void tokens(String org, String model, String tokenType, long tokens) {
        DistributionSummary.builder("gen_ai.client.token.usage").baseUnit("tokens")
                .description("tokens per LLM call, as the provider reported them")
                .tag("gen_ai.token.type", tokenType).tag("gen_ai.request.model", tags.model(model))
                .tag("org", tags.org(org))
                .register(meters).record(tokens);
    }

    private Counter counter(String name, String description, String type) {
        return Counter.builder(name).description(description).tag("type", type).register(meters);
    }
}
