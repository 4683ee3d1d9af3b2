package io.chatgw.events;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/** Knobs of the one way out for usage and audit events ({@code gateway.events.*}); docs/events.md. */
@ConfigurationProperties("gateway.events")
public record EventsProperties(
        /** Threads that accept wire-tapped events (append them to the spool); one keeps the spool's order. */
        @DefaultValue("1") int acceptThreads,
        /** Events waiting for an accept thread; beyond, the flow's own thread appends (nothing is dropped). */
        @DefaultValue("10000") int acceptQueue,
        @DefaultValue Spool spool,
        /** Milliseconds between passes draining the spool into PostgreSQL (a timer period in routes/events.yaml). */
        @DefaultValue("200") long drainInterval,
        /** Events per PostgreSQL transaction. */
        @DefaultValue("500") int batchSize,
        @DefaultValue Relay relay,
        /** Topics (docs/events.md). */
        @DefaultValue("gateway.usage") String usageTopic,
        @DefaultValue("gateway.audit") String auditTopic,
        /** Authentication failures audited per source address and minute (a flood cannot fill audit_log). */
        @DefaultValue("10") int authFailureAuditsPerMinute,
        /** Milliseconds between refreshes of the usage_daily view (a timer period in routes/events.yaml). */
        @DefaultValue("300000") long dailyRefreshInterval,
        /** true: while the spool is full, new turns are refused (503 events_unavailable); false: they go on. */
        @DefaultValue("false") boolean refuseTurnsWhenSpoolFull,
        /**
         * A normal stop: longest wait for the accept pool, then for the spool into PostgreSQL and the outbox to Kafka
         * once the routes stopped; what is left stays in the spool / the outbox (docs/events.md, "Stopping").
         */
        @DefaultValue("10s") Duration shutdownDrainTimeout,
        /** A plane's fire_and_forget report larger than this (its data's JSON) is recorded invalid, cut to this size. */
        @DefaultValue("16384") int planeReportMaxBytes) {

    /** The local disk journal every event passes through: the spool while PostgreSQL is down. */
    public record Spool(
            /** Keep it on a persistent disk of its own: it is the only copy of events PostgreSQL did not get yet. */
            @DefaultValue("data/events") Path dir,
            /** Total bytes; an event that does not fit is refused: ERROR log with its content, counted, health DOWN. */
            @DefaultValue("256MB") DataSize maxSize,
            @DefaultValue("8MB") DataSize segmentSize,
            /** true: fsync after every append (survives a machine crash, not only a killed process). */
            @DefaultValue("false") boolean syncEachAppend,
            /** fsync of the open segment this often when sync-each-append is false. */
            @DefaultValue("1s") Duration syncInterval) {
    }

    /** The outbox relay to Kafka: one gateway instance at a time (a PostgreSQL advisory lock per pass). */
    public record Relay(
            /** Milliseconds between relay passes (a timer period in routes/events.yaml). */
            @DefaultValue("200") long interval,
            /** Outbox rows per pass (sent together, then marked published as far as Kafka acknowledged them in order). */
            @DefaultValue("500") int batchSize,
            /** Longest a send waits for the broker's metadata or buffer space. */
            @DefaultValue("5000") int maxBlockMs,
            @DefaultValue("10000") int requestTimeoutMs,
            /** A send not acknowledged by then fails; its row stays unpublished and is sent again next pass. */
            @DefaultValue("15000") int deliveryTimeoutMs,
            /** Published outbox rows are deleted once this old (a PostgreSQL interval). */
            @DefaultValue("1 day") String publishedRetention) {
    }
}
