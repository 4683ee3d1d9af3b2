package io.chatgw.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The event pipeline's parts (spool, store, drain, relay) on a PostgreSQL of their own that a test stops and
 * starts for real (same data directory and port), and a Kafka broker address.
 */
final class EventPipelineSupport implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    final Path dataDir;
    final int port;
    EmbeddedPostgres postgres;
    final DataSource db;
    final JdbcTemplate jdbc;
    final TransactionTemplate tx;
    final EventJson json = new EventJson();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final EventMeters meters = new EventMeters(registry);
    final EventStore store;

    EventPipelineSupport() throws IOException {
        dataDir = Files.createTempDirectory("events-pg-");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        startPostgres();
        Flyway.configure().dataSource(postgres.getPostgresDatabase()).locations("filesystem:sql").load().migrate();
        // a data source that opens a new connection each time: it works again as soon as PostgreSQL is back
        org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
        ds.setServerNames(new String[] {"127.0.0.1"});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName("postgres");
        ds.setUser("postgres");
        ds.setConnectTimeout(2);
        db = ds;
        jdbc = new JdbcTemplate(db);
        tx = new TransactionTemplate(new DataSourceTransactionManager(db));
        store = new EventStore(jdbc, tx, json, "it.usage." + port, "it.audit." + port);
    }

    void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).setPort(port)
                .setPGStartupWait(Duration.ofSeconds(30)).start();
    }

    /** Stops PostgreSQL for real (pg_ctl stop); its data stays. */
    void stopPostgres() throws IOException {
        postgres.close();
    }

    EventsProperties config(Path spool) {
        return new EventsProperties(1, 1000,
                new EventsProperties.Spool(spool, org.springframework.util.unit.DataSize.ofMegabytes(64),
                        org.springframework.util.unit.DataSize.ofKilobytes(64), false, Duration.ofSeconds(1)),
                100, 100, new EventsProperties.Relay(100, 100, 1500, 1000, 2000, "1 day"),
                "it.usage." + port, "it.audit." + port, 10, 300000, false, Duration.ofSeconds(5), 16384);
    }

    EventJournal journal(Path dir) throws IOException {
        return new EventJournal(dir, 64L << 20, 64L << 10, false);
    }

    /** An audit event numbered {@code n} for one of {@code keys} actors (the Kafka key). */
    static Event event(int n, int keys) {
        return Audit.of("actor-" + (n % keys), "org-it", "it.event", "t-" + n, Map.of("n", n));
    }

    /** Every record of a topic from the start, until each of the {@code wanted} event ids was seen or 30 s passed. */
    static List<ConsumerRecord<String, String>> consume(String brokers, String topic, List<String> wanted) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "events-it-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> all = new ArrayList<>();
        java.util.Set<String> missing = new java.util.HashSet<>(wanted);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!missing.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(300))) {
                    all.add(r);
                    missing.remove(idOf(r.value()));
                }
            }
        }
        return all;
    }

    static String idOf(String value) {
        try {
            return JSON.readTree(value).get("id").asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
