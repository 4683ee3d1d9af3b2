package io.chatgw.events;

import io.chatgw.support.GatewayProcess;
import io.chatgw.support.KafkaProcess;
import io.chatgw.support.SseClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A real PostgreSQL (on a fixed port and data directory, so it can be stopped and started again under a running
 * gateway) and a real Kafka broker, for tests that run the whole gateway as a process of its own
 * ({@link GatewayProcess}) and stop its backends for real: GatewayStopAndCrashIT, ShadowPairUnderStoppedPostgresIT.
 */
final class StoppableBackends implements AutoCloseable {

    private final Path pgData;
    private final int pgPort;
    private final JdbcTemplate jdbc;
    private final KafkaProcess kafka;
    private EmbeddedPostgres postgres;

    private StoppableBackends(int kafkaPartitions) throws Exception {
        pgData = Files.createTempDirectory("crash-pg-");
        try (ServerSocket s = new ServerSocket(0)) {
            pgPort = s.getLocalPort();
        }
        startPostgres();
        org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
        ds.setUrl(jdbcUrl());
        ds.setUser("postgres");
        ds.setConnectTimeout(2);
        jdbc = new JdbcTemplate(ds);
        kafka = new KafkaProcess(kafkaPartitions).start();
    }

    /** PostgreSQL, and a Kafka broker whose topics have {@code kafkaPartitions} partitions. */
    static StoppableBackends start(int kafkaPartitions) throws Exception {
        return new StoppableBackends(kafkaPartitions);
    }

    JdbcTemplate jdbc() {
        return jdbc;
    }

    KafkaProcess kafka() {
        return kafka;
    }

    /** Stops PostgreSQL for real (its data stays for {@link #startPostgres()}). */
    void stopPostgres() throws IOException {
        postgres.close();
        postgres = null;
    }

    /** Starts PostgreSQL on its port and data directory again, if it is stopped. */
    void startPostgres() throws IOException {
        if (postgres != null) {
            return;
        }
        postgres = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false).setPort(pgPort)
                .setPGStartupWait(Duration.ofSeconds(30)).start();
    }

    /** A gateway's properties on these backends: its own spool, the shutdown drain timeout, and {@code more}. */
    Map<String, String> gatewayConfig(Path spool, String drainTimeout, Map<String, String> more) {
        Map<String, String> config = new HashMap<>(Map.of(
                "spring.datasource.url", jdbcUrl(),
                "spring.datasource.username", "postgres",
                "spring.datasource.password", "postgres",
                "spring.datasource.hikari.connection-timeout", "2000",
                "camel.component.kafka.brokers", kafka.brokers(),
                "gateway.events.spool.dir", spool.toString(),
                "gateway.events.shutdown-drain-timeout", drainTimeout,
                "gateway.events.relay.max-block-ms", "2000",
                "gateway.events.relay.request-timeout-ms", "2000",
                "gateway.events.relay.delivery-timeout-ms", "4000"));
        // every client here is 127.0.0.1: 200 streams at once plus the pooled connections of the set-up calls
        config.put("gateway.http.max-connections-per-source", "2000");
        config.putAll(more);
        return config;
    }

    /** A sample's value on the gateway's /actuator/prometheus (0 when it has none). */
    static double metric(GatewayProcess gateway, String series) throws Exception {
        String body = new SseClient(gateway.port()).send("GET", "/actuator/prometheus", null, null, null).body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(series) + " (\\S+)$")
                .matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres";
    }

    @Override
    public void close() throws Exception {
        kafka.close();
        if (postgres != null) {
            postgres.close();
        }
    }
}
