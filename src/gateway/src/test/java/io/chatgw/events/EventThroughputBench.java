package io.chatgw.events;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * bench/events-throughput: sustained events per second through the one way out with the gateway's own parts
 * (spool -> PostgreSQL row + outbox row -> Kafka relay, idempotent producer, acks=all) on a real PostgreSQL and a
 * real KRaft broker, with the default batch sizes. Events are accepted (appended to the spool) as fast as they
 * go while the drain and the relay run on their own threads, as the timers run them in the gateway; the figure is
 * accepted events / time until the last one was acknowledged by Kafka. Not a test: run by bench/events-throughput.
 */
public final class EventThroughputBench {

    private EventThroughputBench() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 1);
        kafka.brokerProperty("auto.create.topics.enable", "true");
        kafka.afterPropertiesSet();
        try (EventPipelineSupport pg = new EventPipelineSupport()) {
            Path dir = Files.createTempDirectory("bench-spool-");
            EventsProperties defaults = pg.config(dir);
            EventsProperties config = new EventsProperties(1, 10_000, defaults.spool(), 200, 500,
                    new EventsProperties.Relay(200, 500, 5000, 10000, 15000, "1 day"), defaults.usageTopic(),
                    defaults.auditTopic(), 10, 300000, false, defaults.shutdownDrainTimeout(), 16384);
            try (EventJournal journal = new EventJournal(dir, 1L << 30, 8L << 20, false);
                 RelayOutbox relay = new RelayOutbox(pg.jdbc, pg.tx, pg.meters, config, kafka.getBrokersAsString())) {
                DrainEventSpool drain = new DrainEventSpool(journal, pg.store, pg.json, pg.meters, config);
                warmUp(journal, pg, drain, relay);
                long written0 = count(pg, "written");
                long published0 = count(pg, "published");
                AtomicBoolean done = new AtomicBoolean();
                List<Thread> loops = List.of(loop("drain", done, () -> drain.process(null)),
                        loop("relay", done, () -> relay.process(null)));
                long t0 = System.nanoTime();
                for (int i = 0; i < events; i++) {
                    journal.append(pg.json.write(usage(i)));
                }
                long accepted = System.nanoTime();
                long writtenAt = 0;
                while (count(pg, "published") - published0 < events) {
                    if (writtenAt == 0 && count(pg, "written") - written0 >= events) {
                        writtenAt = System.nanoTime();
                    }
                    Thread.sleep(20);
                }
                long end = System.nanoTime();
                done.set(true);
                for (Thread t : loops) {
                    t.join(30_000);
                }
                System.out.printf("events: %d (usage, ~%d bytes each)%n", events, pg.json.write(usage(0)).length());
                System.out.printf("accepted into the spool: %.0f events/s%n", events / seconds(t0, accepted));
                System.out.printf("in PostgreSQL (row + outbox row): %.0f events/s%n",
                        events / seconds(t0, writtenAt == 0 ? end : writtenAt));
                System.out.printf("acknowledged by Kafka (end to end, sustained): %.0f events/s (%.1f s)%n",
                        events / seconds(t0, end), seconds(t0, end));
            }
        } finally {
            kafka.destroy();
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static Thread loop(String name, AtomicBoolean done, Step step) {
        Thread t = new Thread(() -> {
            while (!done.get()) {
                try {
                    step.run();
                    Thread.sleep(1); // the timers' period is 200 ms; a full batch goes on at once either way
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }, name);
        t.start();
        return t;
    }

    private static void warmUp(EventJournal journal, EventPipelineSupport pg, DrainEventSpool drain, RelayOutbox relay)
            throws Exception {
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 2000; i++) {
                journal.append(pg.json.write(usage(-1 - i - round * 2000)));
            }
            drain.process(null);
            relay.process(null);
        }
        while (count(pg, "published") < count(pg, "written")) {
            relay.process(null);
        }
    }

    private static long count(EventPipelineSupport pg, String what) {
        return (long) pg.registry.find("gateway.events." + what).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static Event usage(int n) {
        Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("requestId", java.util.UUID.nameUUIDFromBytes(("bench-" + n + "-" + System.nanoTime()).getBytes()).toString());
        data.put("attempt", 1);
        data.put("sessionId", java.util.UUID.randomUUID().toString());
        data.put("userId", "u-bench-" + (n % 50));
        data.put("orgId", "org-bench-" + (n % 5));
        data.put("path", "direct_llm");
        data.put("status", "completed");
        data.put("model", "gpt-4o-mini");
        data.put("tokensIn", 12);
        data.put("tokensOut", 64);
        data.put("latencyMs", 340);
        data.put("estimated", false);
        return new Event(java.util.UUID.randomUUID(), Event.USAGE, "org-bench-" + (n % 5), java.time.Instant.now(), data);
    }

    private static double seconds(long from, long to) {
        return (to - from) / 1e9;
    }
}
