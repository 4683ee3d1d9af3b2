package io.chatgw.events;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One pass of the outbox relay (routes/events.yaml): in one transaction that holds a PostgreSQL advisory lock
 * (so one gateway instance relays at a time and one key's events cannot overtake each other), the oldest
 * unpublished rows in seq order are sent with the idempotent producer ({@code acks=all}); rows are marked
 * published only as far as Kafka acknowledged them in order. A send that fails leaves its row and every later row
 * unpublished, and the producer is closed at once (its unsent batches dropped) and replaced: they are sent again
 * next pass, the failed one first (at least once; consumers dedupe by event id). docs/events.md, "Order".
 */
public final class RelayOutbox implements Processor, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RelayOutbox.class);
    /** pg_try_advisory_xact_lock key of the relay (any constant; "outbox" in ASCII). */
    static final long RELAY_LOCK = 0x6f7574626f78L;

    private record Row(long seq, String type, String topic, String key, String payload, Instant occurredAt) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final EventMeters meters;
    private final EventsProperties.Relay config;
    private final Supplier<Producer<String, String>> producers;
    /** Replaced after a failed send (passes never overlap: one holds the advisory lock). */
    private volatile Producer<String, String> producer;
    private volatile boolean kafkaDown;
    private volatile boolean postgresDown;

    public RelayOutbox(JdbcTemplate jdbc, TransactionTemplate tx, EventMeters meters, EventsProperties config,
                       String brokers) {
        this(jdbc, tx, meters, config, () -> new KafkaProducer<>(producerConfig(brokers, config.relay()),
                new StringSerializer(), new StringSerializer()));
    }

    RelayOutbox(JdbcTemplate jdbc, TransactionTemplate tx, EventMeters meters, EventsProperties config,
                Supplier<Producer<String, String>> producers) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.meters = meters;
        this.config = config.relay();
        this.producers = producers;
        this.producer = producers.get();
    }

    static Map<String, Object> producerConfig(String brokers, EventsProperties.Relay relay) {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, relay.maxBlockMs(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, relay.requestTimeoutMs(),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(relay.deliveryTimeoutMs(), relay.requestTimeoutMs() + 5));
    }

    @Override
    public void process(Exchange exchange) {
        try {
            int sent;
            long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            do { // full batches: go on at once (for a second), so the interval does not cap the throughput
                sent = Boolean.TRUE.equals(tx.execute(status -> pass(Long.MAX_VALUE))) ? config.batchSize() : 0;
            } while (sent > 0 && System.nanoTime() < deadline);
            measureDepth();
            if (postgresDown) {
                postgresDown = false;
                log.info("event outbox relay: PostgreSQL is back");
            }
        } catch (RuntimeException e) {
            if (EventStore.isOutage(e)) {
                if (!postgresDown) {
                    postgresDown = true;
                    log.warn("event outbox relay: PostgreSQL unreachable ({}); spooled events wait", e.toString());
                }
                return;
            }
            throw e;
        }
    }

    /**
     * At shutdown (DrainEventsAtStop): passes until the outbox is empty or {@code deadlineNanos} (System.nanoTime)
     * is reached; an acknowledgement not in by then counts as a failed send (the row stays unpublished). A send
     * waiting for the broker's metadata can add up to {@code max-block-ms}.
     * @return the rows still unpublished, or -1 when PostgreSQL could not be read
     */
    public long relayUntil(long deadlineNanos) {
        try {
            while (System.nanoTime() < deadlineNanos && Boolean.TRUE.equals(tx.execute(status -> pass(deadlineNanos)))) {
                // a full batch went: go on
            }
            return measureDepth();
        } catch (RuntimeException e) {
            if (EventStore.isOutage(e)) {
                return -1;
            }
            throw e;
        }
    }

    /** One batch, acknowledgements awaited until {@code ackDeadlineNanos} at most; true when it was full (more may be waiting). */
    private boolean pass(long ackDeadlineNanos) {
        if (!Boolean.TRUE.equals(jdbc.queryForObject("SELECT pg_try_advisory_xact_lock(?)", Boolean.class, RELAY_LOCK))) {
            return false; // another instance relays now
        }
        List<Row> rows = jdbc.query("""
                SELECT seq, event_type, topic, event_key, payload, occurred_at FROM event_outbox
                WHERE published_at IS NULL ORDER BY seq LIMIT ?""",
                (rs, i) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getTimestamp(6).toInstant()), config.batchSize());
        if (rows.isEmpty()) {
            return false;
        }
        List<Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
        RuntimeException sendFailure = null;
        for (Row row : rows) {
            try {
                Future<RecordMetadata> ack = producer.send(new ProducerRecord<>(row.topic(), row.key(), row.payload()));
                if (ack.isDone() && failed(ack)) { // no metadata within max-block-ms: the rest would wait as long each
                    acks.add(ack);
                    break;
                }
                acks.add(ack);
            } catch (RuntimeException e) { // buffer full, serialization
                sendFailure = e;
                break;
            }
        }
        List<Long> published = new ArrayList<>(acks.size());
        Exception failure = sendFailure;
        for (int i = 0; i < acks.size(); i++) {
            try {
                long waitNanos = Math.min(TimeUnit.MILLISECONDS.toNanos(config.deliveryTimeoutMs() + 5_000L),
                        Math.max(0, ackDeadlineNanos - System.nanoTime()));
                acks.get(i).get(waitNanos, TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                failure = e;
                break; // the rows after it stay unpublished too, whatever their acks: order is kept
            }
            published.add(rows.get(i).seq());
        }
        if (!published.isEmpty()) {
            jdbc.update("UPDATE event_outbox SET published_at = now() WHERE seq = ANY(?)",
                    (Object) published.toArray(new Long[0]));
            Instant now = Instant.now();
            for (int i = 0; i < published.size(); i++) {
                meters.published(rows.get(i).type()).increment();
                meters.publishLag(Duration.between(rows.get(i).occurredAt(), now));
            }
        }
        if (failure != null) {
            // every send after the failed one is abandoned with its producer: a batch still in its buffer is never
            // sent (a fresh idempotent producer would otherwise send a later row of the key while this one is not
            // written). Those rows go again next pass, after the failed one, from a new producer.
            if (acks.subList(Math.min(published.size() + 1, acks.size()), acks.size()).stream().anyMatch(a -> !a.isDone())) {
                producer.close(Duration.ZERO);
                producer = producers.get();
            }
            if (!kafkaDown) {
                kafkaDown = true;
                log.warn("event outbox relay: Kafka did not acknowledge ({}); {} rows wait in the outbox",
                        failure.toString(), rows.size() - published.size());
            }
            return false;
        }
        if (kafkaDown) {
            kafkaDown = false;
            log.info("event outbox relay: Kafka acknowledges again");
        }
        return rows.size() == config.batchSize();
    }

    private static boolean failed(Future<RecordMetadata> ack) {
        try {
            ack.get();
            return false;
        } catch (Exception e) {
            return true;
        }
    }

    /** Updates the outbox depth and age meters; returns the depth. */
    private long measureDepth() {
        long[] depth = {0};
        jdbc.query("SELECT count(*), min(occurred_at) FROM event_outbox WHERE published_at IS NULL", rs -> {
            Timestamp oldest = rs.getTimestamp(2);
            depth[0] = rs.getLong(1);
            meters.outbox(depth[0], oldest == null ? 0 : Math.max(0, System.currentTimeMillis() - oldest.getTime()));
        });
        return depth[0];
    }

    public boolean kafkaDown() {
        return kafkaDown;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
