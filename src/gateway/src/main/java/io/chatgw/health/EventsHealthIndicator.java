package io.chatgw.health;

import io.chatgw.events.DrainEventSpool;
import io.chatgw.events.EventJournal;
import io.chatgw.events.EventMeters;
import io.chatgw.events.RelayOutbox;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/**
 * {@code events} health (docs/events.md): the spool (events, bytes, bound, full), whether PostgreSQL and Kafka
 * took the last pass, and the outbox (unpublished rows, age of the oldest). DOWN while the spool is full (events
 * are being refused); UP otherwise, also while a sink is down (the events wait, nothing is lost).
 */
@Component("events")
public class EventsHealthIndicator extends AbstractHealthIndicator {

    private final EventJournal spool;
    private final DrainEventSpool drain;
    private final RelayOutbox relay;
    private final EventMeters meters;

    public EventsHealthIndicator(EventJournal spool, DrainEventSpool drain, RelayOutbox relay, EventMeters meters) {
        super("events health check failed");
        this.spool = spool;
        this.drain = drain;
        this.relay = relay;
        this.meters = meters;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean full = spool.isFull();
        (full ? builder.down() : builder.up())
                .withDetail("spoolEvents", spool.events())
                .withDetail("spoolBytes", spool.bytes())
                .withDetail("spoolMaxBytes", spool.maxBytes())
                .withDetail("spoolFull", full)
                .withDetail("postgresqlDown", drain.postgresDown())
                .withDetail("kafkaDown", relay.kafkaDown())
                .withDetail("outboxUnpublished", meters.outboxDepth())
                .withDetail("outboxOldestAgeSeconds", meters.outboxOldestAgeMs() / 1000.0);
    }
}
