package io.chatgw.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The event pipeline against a real PostgreSQL that is stopped and started for real and a real KRaft broker:
 * spool -> PostgreSQL (row + outbox, one transaction) -> Kafka, with each sink down in turn.
 */
class EventPipelineIT {

    static EventPipelineSupport pg;
    static EmbeddedKafkaKraftBroker kafka;

    @BeforeAll
    static void start() throws Exception {
        pg = new EventPipelineSupport();
        kafka = new EmbeddedKafkaKraftBroker(1, 1);
        kafka.brokerProperty("auto.create.topics.enable", "true");
        kafka.afterPropertiesSet();
    }

    @AfterAll
    static void stop() throws Exception {
        kafka.destroy();
        pg.close();
    }

    @Test
    void eventsAcceptedWhilePostgresqlIsStoppedAreSpooledAndReplayedInOrderWhenItIsBack() throws Exception {
        Path dir = Files.createTempDirectory("spool-");
        EventsProperties config = pg.config(dir);
        try (EventJournal journal = pg.journal(dir)) {
            DrainEventSpool drain = new DrainEventSpool(journal, pg.store, pg.json, pg.meters, config);
            List<Event> events = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                events.add(EventPipelineSupport.event(i, 7));
            }
            for (Event e : events.subList(0, 50)) {
                journal.append(pg.json.write(e));
            }
            drain.process(null);
            assertThat(count(events)).isEqualTo(50);

            pg.stopPostgres();
            for (Event e : events.subList(50, 200)) {
                journal.append(pg.json.write(e));
            }
            drain.process(null); // PostgreSQL is down: nothing lost, all still spooled
            assertThat(drain.postgresDown()).isTrue();
            assertThat(journal.events()).isEqualTo(150);

            pg.startPostgres();
            drain.process(null);
            assertThat(drain.postgresDown()).isFalse();
            assertThat(journal.events()).isZero();
            assertThat(count(events)).isEqualTo(200);
            // outbox order = acceptance order
            List<String> ids = pg.jdbc.queryForList("SELECT event_id::text FROM event_outbox WHERE event_id::text = ANY(?) ORDER BY seq",
                    String.class, (Object) events.stream().map(e -> e.id().toString()).toArray(String[]::new));
            assertThat(ids).containsExactlyElementsOf(events.stream().map(e -> e.id().toString()).toList());
        }
    }

    @Test
    void aReplayedSpoolWritesNothingTwice() throws Exception {
        Path dir = Files.createTempDirectory("spool-");
        List<Event> events = List.of(EventPipelineSupport.event(1, 1), EventPipelineSupport.event(2, 1));
        pg.store.write(events);
        pg.store.write(events); // a crash after the commit and before the segment went: the same batch again
        assertThat(count(events)).isEqualTo(2);
        assertThat(pg.jdbc.queryForObject("SELECT count(*) FROM event_outbox WHERE event_id::text = ANY(?)", Integer.class,
                (Object) events.stream().map(e -> e.id().toString()).toArray(String[]::new))).isEqualTo(2);
        try (EventJournal journal = pg.journal(dir)) {
            assertThat(journal.events()).isZero();
        }
    }

    @Test
    void anEventPostgresqlRejectsGoesToTheDeadFileAndDoesNotBlockTheOthers() throws Exception {
        Path dir = Files.createTempDirectory("spool-");
        try (EventJournal journal = pg.journal(dir)) {
            DrainEventSpool drain = new DrainEventSpool(journal, pg.store, pg.json, pg.meters, pg.config(dir));
            Event good = EventPipelineSupport.event(10, 1);
            Event bad = new Event(java.util.UUID.randomUUID(), Event.AUDIT, "k", java.time.Instant.now(),
                    Map.of("actor", "a", "action", "it.bad", "requestId", "not-a-uuid"));
            journal.append(pg.json.write(bad));
            journal.append(pg.json.write(good));
            drain.process(null);
            assertThat(journal.events()).isZero();
            assertThat(count(List.of(good))).isEqualTo(1);
            assertThat(Files.readString(dir.resolve("dead.jsonl"))).contains(bad.id().toString());
        }
    }

    @Test
    void kafkaUnreachableKeepsRowsInTheOutboxUntilABrokerAcknowledgesThemWithEachKeysOrderKept() throws Exception {
        Path dir = Files.createTempDirectory("spool-");
        EventsProperties config = pg.config(dir);
        String topic = config.auditTopic();
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            events.add(EventPipelineSupport.event(i, 5));
        }
        pg.store.write(events);
        try (RelayOutbox dead = new RelayOutbox(pg.jdbc, pg.tx, pg.meters, config, "127.0.0.1:1")) {
            dead.process(null);
            assertThat(dead.kafkaDown()).isTrue();
        }
        assertThat(unpublished(events)).isEqualTo(200);

        try (RelayOutbox relay = new RelayOutbox(pg.jdbc, pg.tx, pg.meters, config, kafka.getBrokersAsString())) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                relay.process(null);
                assertThat(unpublished(events)).isZero();
            });
        }
        List<ConsumerRecord<String, String>> records = EventPipelineSupport.consume(kafka.getBrokersAsString(), topic,
                events.stream().map(e -> e.id().toString()).toList());
        Map<String, List<Integer>> perKey = new HashMap<>();
        Set<String> seen = new LinkedHashSet<>();
        Set<String> ours = new java.util.HashSet<>(events.stream().map(e -> e.id().toString()).toList());
        for (ConsumerRecord<String, String> r : records) {
            String id = EventPipelineSupport.idOf(r.value());
            if (ours.contains(id) && seen.add(id)) { // consumers dedupe by event id
                perKey.computeIfAbsent(r.key(), k -> new ArrayList<>())
                        .add(EventPipelineSupport.JSON.readTree(r.value()).at("/data/details/n").asInt());
            }
        }
        assertThat(seen).hasSize(200);
        assertThat(perKey).hasSize(5);
        perKey.values().forEach(ns -> assertThat(ns).isSorted());
    }

    @Test
    void aRowIsMarkedPublishedOnlyAfterTheBrokerAcknowledgedIt() throws Exception {
        Path dir = Files.createTempDirectory("spool-");
        EventsProperties config = pg.config(dir);
        pg.jdbc.update("UPDATE event_outbox SET published_at = now() WHERE published_at IS NULL");
        List<Event> events = List.of(EventPipelineSupport.event(1, 1), EventPipelineSupport.event(2, 1),
                EventPipelineSupport.event(3, 1));
        pg.store.write(events);
        MockProducer<String, String> producer = new MockProducer<>(false, new StringSerializer(), new StringSerializer());
        RelayOutbox relay = new RelayOutbox(pg.jdbc, pg.tx, pg.meters, config, producers(producer));
        Thread pass = new Thread(() -> relay.process(null));
        pass.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 3);
        assertThat(unpublished(events)).isEqualTo(3); // sent, not acknowledged: not published
        producer.completeNext();
        producer.errorNext(new org.apache.kafka.common.errors.TimeoutException("no ack"));
        producer.completeNext();
        pass.join(10_000);
        // the first is published; the failed one and the one after it (same key) are not, whatever its ack
        assertThat(unpublished(events)).isEqualTo(2);
        assertThat(pg.jdbc.queryForObject("SELECT published_at IS NOT NULL FROM event_outbox WHERE event_id = ?::uuid",
                Boolean.class, events.get(0).id().toString())).isTrue();
    }

    @Test
    void afterAFailedSendTheRestOfTheKeysRowsAreNotSentByThatProducerAndGoAgainNextPassAfterTheFailedOneInOrder()
            throws Exception {
        Path dir = Files.createTempDirectory("spool-");
        EventsProperties config = pg.config(dir);
        pg.jdbc.update("UPDATE event_outbox SET published_at = now() WHERE published_at IS NULL");
        List<Event> events = List.of(EventPipelineSupport.event(1, 1), EventPipelineSupport.event(2, 1),
                EventPipelineSupport.event(3, 1), EventPipelineSupport.event(4, 1));
        pg.store.write(events);
        MockProducer<String, String> first = new MockProducer<>(false, new StringSerializer(), new StringSerializer());
        MockProducer<String, String> second = new MockProducer<>(true, new StringSerializer(), new StringSerializer());
        RelayOutbox relay = new RelayOutbox(pg.jdbc, pg.tx, pg.meters, config, producers(first, second));
        Thread pass = new Thread(() -> relay.process(null));
        pass.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> first.history().size() == 4);
        first.completeNext();
        first.errorNext(new org.apache.kafka.common.errors.TimeoutException("expired"));
        pass.join(10_000);
        assertThat(pass.isAlive()).isFalse();
        assertThat(unpublished(events)).isEqualTo(3);
        // the failed row's producer is closed with the two rows after it unsent: they can never reach Kafka
        // ahead of it; the next pass sends the failed row first, then the rest, from a new producer
        assertThat(first.closed()).isTrue();
        relay.process(null);
        assertThat(second.history()).extracting(r -> EventPipelineSupport.idOf(r.value()))
                .containsExactly(events.get(1).id().toString(), events.get(2).id().toString(), events.get(3).id().toString());
        assertThat(unpublished(events)).isZero();
    }

    @Test
    void twoRelaysOnOneOutboxPublishEveryEventWithEachKeysOrderKept() throws Exception {
        Path dir = Files.createTempDirectory("spool-");
        EventsProperties config = pg.config(dir);
        pg.jdbc.update("UPDATE event_outbox SET published_at = now() WHERE published_at IS NULL");
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            events.add(EventPipelineSupport.event(1000 + i, 6));
        }
        // two gateway instances' relays (each its own producer and connections) passing at the same time, while
        // the events arrive in batches
        try (RelayOutbox a = new RelayOutbox(pg.jdbc, pg.tx, pg.meters, config, kafka.getBrokersAsString());
             RelayOutbox b = new RelayOutbox(pg.jdbc, pg.tx, pg.meters, config, kafka.getBrokersAsString())) {
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            List<Thread> relays = List.of(new Thread(() -> { while (!stop.get()) { a.process(null); } }),
                    new Thread(() -> { while (!stop.get()) { b.process(null); } }));
            relays.forEach(Thread::start);
            for (int i = 0; i < events.size(); i += 30) {
                pg.store.write(events.subList(i, i + 30));
                Thread.sleep(20);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> unpublished(events) == 0);
            stop.set(true);
            for (Thread t : relays) {
                t.join(20_000);
            }
        }
        List<ConsumerRecord<String, String>> records = EventPipelineSupport.consume(kafka.getBrokersAsString(),
                config.auditTopic(), events.stream().map(e -> e.id().toString()).toList());
        Map<String, List<Integer>> perKey = new HashMap<>();
        Set<String> seen = new LinkedHashSet<>();
        Set<String> ours = new java.util.HashSet<>(events.stream().map(e -> e.id().toString()).toList());
        for (ConsumerRecord<String, String> r : records) {
            String id = EventPipelineSupport.idOf(r.value());
            if (ours.contains(id) && seen.add(id)) {
                perKey.computeIfAbsent(r.key(), k -> new ArrayList<>())
                        .add(EventPipelineSupport.JSON.readTree(r.value()).at("/data/details/n").asInt());
            }
        }
        assertThat(seen).hasSize(300);
        assertThat(perKey).hasSize(6);
        perKey.values().forEach(ns -> assertThat(ns).hasSize(50).isSorted());
    }

    /** The relay's producers, one after the other (a new one after a failed send). */
    @SafeVarargs
    private static java.util.function.Supplier<org.apache.kafka.clients.producer.Producer<String, String>> producers(
            MockProducer<String, String>... producers) {
        java.util.Iterator<MockProducer<String, String>> next = List.of(producers).iterator();
        return () -> next.hasNext() ? next.next() : new MockProducer<>(true, new StringSerializer(), new StringSerializer());
    }

    private static int count(List<Event> events) {
        return pg.jdbc.queryForObject("SELECT count(*) FROM audit_log WHERE event_id::text = ANY(?)", Integer.class,
                (Object) events.stream().map(e -> e.id().toString()).toArray(String[]::new));
    }

    private static int unpublished(List<Event> events) {
        return pg.jdbc.queryForObject("SELECT count(*) FROM event_outbox WHERE published_at IS NULL AND event_id::text = ANY(?)",
                Integer.class, (Object) events.stream().map(e -> e.id().toString()).toArray(String[]::new));
    }
}
