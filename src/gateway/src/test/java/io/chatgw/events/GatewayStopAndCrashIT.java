package io.chatgw.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatgw.support.GatewayProcess;
import io.chatgw.support.KafkaProcess;
import io.chatgw.support.SseClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The whole gateway as a process of its own, stopped (SIGTERM) and killed (kill -9) with events on their way out,
 * against a real PostgreSQL and a real Kafka broker (three partitions) that are stopped and started for real
 * (docs/events.md, "Stopping and crashing").
 */
class GatewayStopAndCrashIT {

    static Path pgData;
    static int pgPort;
    static EmbeddedPostgres postgres;
    static JdbcTemplate jdbc;
    static KafkaProcess kafka;

    @BeforeAll
    static void start() throws Exception {
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
        kafka = new KafkaProcess(3).start();
    }

    @AfterAll
    static void stop() throws Exception {
        kafka.close();
        postgres.close();
    }

    @Test
    void aNormalStopWritesAndPublishesEveryEventAcceptedBeforeItWithinTheDrainTimeout() throws Exception {
        Path spool = Files.createTempDirectory("crash-spool-");
        String user = "u-stop-" + UUID.randomUUID().toString().substring(0, 8);
        // the timers pass once at start, then not for a minute: what is accepted stays in the spool until the stop
        try (GatewayProcess gateway = GatewayProcess.start(gatewayConfig(spool, "20s", Map.of(
                "gateway.events.drain-interval", "60000", "gateway.events.relay.interval", "60000")))) {
            String token = gateway.token(user, "org-stop");
            String session = gateway.newSession(token);
            for (int i = 0; i < 30; i++) {
                assertThat(last(gateway.chat(token, session, "[[standin chunks=2 delay_ms=1]] hi " + i))).isEqualTo("done");
            }
            assertThat(usageRows(user)).isZero(); // all of it waits in the spool
            await().atMost(Duration.ofSeconds(10)).until(() -> spooledEvents(spool) >= 30);

            gateway.stop(120);
            assertThat(gateway.logText()).contains("events drained at shutdown");
        }
        assertThat(spooledEvents(spool)).isZero();
        assertThat(usageRows(user)).isEqualTo(30);
        assertThat(unpublished(user)).isZero();
        assertPublishedOncePerIdInOutboxOrder(user, 30);
    }

    @Test
    void eventsLeftAfterTheDrainTimeoutOrAKillNineWithEventsInTheSpoolAndTheOutboxAreAllPublishedAfterTheRestart()
            throws Exception {
        Path spool = Files.createTempDirectory("crash-spool-");
        String user = "u-crash-" + UUID.randomUUID().toString().substring(0, 8);
        kafka.stop();
        try {
            // 1. Kafka down: events reach PostgreSQL and wait in the outbox; then PostgreSQL stops under running
            // turns: their events wait in the spool. A stop with a 2 s drain timeout leaves both where they are.
            try (GatewayProcess gateway = GatewayProcess.start(gatewayConfig(spool, "2s", Map.of()))) {
                String token = gateway.token(user, "org-crash");
                runTurnsThenStopPostgresUnderRunningOnes(gateway, token, 10, 6);
                await().atMost(Duration.ofSeconds(20)).until(() -> spooledEvents(spool) >= 6);
                long t0 = System.nanoTime();
                gateway.stop(120);
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(60));
                assertThat(gateway.logText()).contains("event drain at shutdown ended").contains("stay in the spool");
            }
            assertThat(spooledEvents(spool)).isGreaterThanOrEqualTo(6); // kept on disk for the next start

            // 2. the next start replays the spool into PostgreSQL (Kafka still down); the same again, then kill -9
            startPostgres();
            try (GatewayProcess gateway = GatewayProcess.start(gatewayConfig(spool, "2s", Map.of()))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> spooledEvents(spool) == 0);
                assertThat(usageRows(user)).isEqualTo(16);
                String token = gateway.token(user, "org-crash");
                runTurnsThenStopPostgresUnderRunningOnes(gateway, token, 10, 6);
                await().atMost(Duration.ofSeconds(20)).until(() -> spooledEvents(spool) >= 6);
                assertThat(gateway.kill()).isEqualTo(137);
            }
        } finally {
            if (postgres == null) {
                startPostgres();
            }
            kafka.start();
        }
        assertThat(unpublished(user)).isPositive();
        assertThat(spooledEvents(spool)).isGreaterThanOrEqualTo(6);

        // 3. both back, a new gateway on the same spool: every accepted event in PostgreSQL and on Kafka
        try (GatewayProcess gateway = GatewayProcess.start(gatewayConfig(spool, "10s", Map.of()))) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(usageRows(user)).isEqualTo(32);
                assertThat(unpublished(user)).isZero();
            });
            assertThat(spooledEvents(spool)).isZero();
            assertPublishedOncePerIdInOutboxOrder(user, 32);
        }
    }

    @Test
    void twoHundredTurnsWhileKafkaIsStoppedAndTwoHundredUnderAStoppedPostgresqlAreEachRecordedOnceInBoth()
            throws Exception {
        Path spool = Files.createTempDirectory("crash-spool-");
        String run = UUID.randomUUID().toString().substring(0, 6);
        try (GatewayProcess gateway = GatewayProcess.start(gatewayConfig(spool, "10s", Map.of()))) {
            // four users in four orgs (four Kafka keys), four clients at a time; Kafka stopped for real after the
            // first 40 turns and started again after the 160th
            List<String[]> callers = new ArrayList<>();
            for (int u = 0; u < 4; u++) {
                String token = gateway.token("u-k" + u + "-" + run, "org-k" + u + "-" + run);
                callers.add(new String[] {token, gateway.newSession(token)});
            }
            java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                for (int batch = 0; batch < 50; batch++) {
                    if (batch == 10) {
                        kafka.stop();
                    }
                    if (batch == 40) {
                        kafka.start();
                    }
                    List<CompletableFuture<String>> turns = new ArrayList<>();
                    for (String[] caller : callers) {
                        turns.add(CompletableFuture.supplyAsync(() -> {
                            try {
                                return last(gateway.chat(caller[0], caller[1], "[[standin chunks=2 delay_ms=1]] hi"));
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        }, clients));
                    }
                    for (CompletableFuture<String> turn : turns) {
                        assertThat(turn.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("done");
                    }
                }
            } finally {
                clients.shutdownNow();
                if (!kafkaUp()) {
                    kafka.start();
                }
            }
            for (int u = 0; u < 4; u++) {
                String user = "u-k" + u + "-" + run;
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    assertThat(usageRows(user)).isEqualTo(50);
                    assertThat(unpublished(user)).isZero();
                });
                assertPublishedOncePerIdInOutboxOrder(user, 50);
            }

            // 200 turns streaming at once when PostgreSQL stops: all complete, and all are recorded once it is back
            String token = gateway.token("u-pg-" + run, "org-pg-" + run);
            List<SseClient.Stream> streams = new ArrayList<>();
            SseClient http = new SseClient(gateway.port());
            for (int i = 0; i < 200; i++) {
                SseClient.Stream stream = http.post("/api/v1/sessions/" + gateway.newSession(token) + "/messages",
                        token, "{\"message\":\"[[standin chunks=40 delay_ms=100]] long\"}");
                assertThat(stream.status()).isEqualTo(200);
                streams.add(stream);
            }
            for (SseClient.Stream stream : streams) {
                assertThat(stream.next()).isNotNull();
            }
            postgres.close();
            postgres = null;
            try {
                assertAllEndDone(streams);
            } finally {
                startPostgres();
            }
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(usageRows("u-pg-" + run)).isEqualTo(200);
                assertThat(unpublished("u-pg-" + run)).isZero();
            });
            assertPublishedOncePerIdInOutboxOrder("u-pg-" + run, 200);
        }
    }

    @Test
    void aShadowPairComparedWhilePostgresqlIsStoppedWaitsInTheSpoolAndIsStoredOnceWhenItIsBack() throws Exception {
        Path spool = Files.createTempDirectory("crash-spool-");
        String run = UUID.randomUUID().toString().substring(0, 6);
        String user = "u-shd-" + run;
        String org = "org-shd-" + run;
        try (GatewayProcess gateway = GatewayProcess.start(gatewayConfig(spool, "10s", Map.of()))) {
            String token = gateway.token(user, org);
            String session = gateway.newSession(token); // provisions the user
            jdbc.update("UPDATE users SET execution_mode = 'direct_llm' WHERE id = ?", user);
            jdbc.update("INSERT INTO route_policies (scope, scope_id, canary_percent, shadow_percent, shadow_path) "
                    + "VALUES ('org', ?, NULL, 100, 'legacy')", org);
            await("the org's shadow policy applies").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(3))
                    .until(() -> {
                        gateway.chat(token, session, "warm up");
                        return jdbc.queryForObject("SELECT count(*) FROM shadow_comparisons WHERE org_id = ?", Integer.class, org) > 0;
                    });
            double accepted = metric(gateway, "gateway_events_accepted_total{type=\"shadow_comparison\"}");

            // the primary (direct_llm) answers at once; its legacy shadow 6 s later, when PostgreSQL is stopped
            List<SseClient.Event> events = gateway.chat(token, gateway.newSession(token),
                    "[[runtime first_event_delay_ms=6000]] while postgresql is down");
            assertThat(last(events)).isEqualTo("done");
            String requestId = events.get(0).json().get("request_id").asText();
            postgres.close();
            postgres = null;
            try {
                await("the pair accepted into the spool").atMost(Duration.ofSeconds(60)).until(() ->
                        metric(gateway, "gateway_events_accepted_total{type=\"shadow_comparison\"}") > accepted);
            } finally {
                startPostgres();
            }
            await("the pair written once PostgreSQL is back").atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject(
                    "SELECT count(*) FROM shadow_comparisons WHERE primary_request_id = ?::uuid", Integer.class, requestId) == 1);
            assertThat(jdbc.queryForMap("SELECT shadow_path, shadow_status FROM shadow_comparisons WHERE primary_request_id = ?::uuid",
                    requestId)).containsEntry("shadow_path", "legacy").containsEntry("shadow_status", "completed");
        }
    }

    /** A sample's value on the gateway's /actuator/prometheus (0 when it has none). */
    private static double metric(GatewayProcess gateway, String series) throws Exception {
        String body = new SseClient(gateway.port()).send("GET", "/actuator/prometheus", null, null, null).body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(series) + " (\\S+)$")
                .matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static boolean kafkaUp() {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1",
                    Integer.parseInt(kafka.brokers().substring(kafka.brokers().lastIndexOf(':') + 1))), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads every stream to its end (a thread each): each ends with `done`. */
    private static void assertAllEndDone(List<SseClient.Stream> streams) throws Exception {
        java.util.concurrent.ExecutorService readers = java.util.concurrent.Executors.newFixedThreadPool(streams.size());
        try {
            List<CompletableFuture<String>> ends = streams.stream().map(s -> CompletableFuture.supplyAsync(() -> {
                try (s) {
                    return last(s.all());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, readers)).toList();
            for (CompletableFuture<String> end : ends) {
                assertThat(end.get(120, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("done");
            }
        } finally {
            readers.shutdownNow();
        }
    }

    /**
     * {@code before} short turns one after the other (PostgreSQL up), then {@code during} long ones at once;
     * PostgreSQL is stopped while they stream (after they were admitted), and they all complete.
     */
    private static void runTurnsThenStopPostgresUnderRunningOnes(GatewayProcess gateway, String token, int before,
                                                                 int during) throws Exception {
        String session = gateway.newSession(token);
        for (int i = 0; i < before; i++) {
            assertThat(last(gateway.chat(token, session, "[[standin chunks=2 delay_ms=1]] hi " + i))).isEqualTo("done");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM event_outbox WHERE published_at IS NULL", Integer.class) > 0);
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < during; i++) {
            sessions.add(gateway.newSession(token));
        }
        List<SseClient.Stream> streams = new ArrayList<>();
        for (String s : sessions) {
            SseClient.Stream stream = new SseClient(gateway.port()).post("/api/v1/sessions/" + s + "/messages", token,
                    "{\"message\":\"[[standin chunks=30 delay_ms=100]] long\"}");
            assertThat(stream.status()).isEqualTo(200);
            streams.add(stream);
        }
        for (SseClient.Stream stream : streams) {
            assertThat(stream.next()).isNotNull(); // admitted and streaming
        }
        postgres.close();
        postgres = null;
        assertAllEndDone(streams);
    }

    private static Map<String, String> gatewayConfig(Path spool, String drainTimeout, Map<String, String> more) {
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

    /**
     * The user's usage events on Kafka, deduped by id as a consumer does (keeping the first copy): each of the
     * {@code expected} once, and on each key in the order of the outbox (the order they were accepted in).
     */
    private static void assertPublishedOncePerIdInOutboxOrder(String user, int expected) throws Exception {
        List<String> outbox = jdbc.queryForList("SELECT o.event_id::text FROM event_outbox o JOIN usage_records u "
                + "ON u.id = o.event_id WHERE u.user_id = ? ORDER BY o.seq", String.class, user);
        assertThat(outbox).hasSize(expected);
        Set<String> ours = new java.util.HashSet<>(outbox);
        List<ConsumerRecord<String, String>> records = consumeUntil(ours);
        Set<String> seen = new LinkedHashSet<>();
        Map<String, List<String>> perKey = new HashMap<>();
        for (ConsumerRecord<String, String> r : records) {
            String id = EventPipelineSupport.idOf(r.value());
            if (ours.contains(id) && seen.add(id)) {
                perKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(id);
            }
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(outbox);
        assertThat(perKey).hasSize(1); // one org: one key
        assertThat(perKey.values().iterator().next()).containsExactlyElementsOf(outbox);
    }

    /** The usage topic from the start until every one of {@code ids} was seen (60 s at most). */
    private static List<ConsumerRecord<String, String>> consumeUntil(Set<String> ids) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.brokers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "crash-it-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> all = new ArrayList<>();
        Set<String> missing = new java.util.HashSet<>(ids);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("gateway.usage"));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!missing.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(300))) {
                    all.add(r);
                    missing.remove(EventPipelineSupport.idOf(r.value()));
                }
            }
        }
        return all;
    }

    private static int usageRows(String user) {
        return jdbc.queryForObject("SELECT count(*) FROM usage_records WHERE user_id = ?", Integer.class, user);
    }

    private static int unpublished(String user) {
        return jdbc.queryForObject("SELECT count(*) FROM event_outbox o JOIN usage_records u ON u.id = o.event_id "
                + "WHERE u.user_id = ? AND o.published_at IS NULL", Integer.class, user);
    }

    /** Events in the spool's segment files (what a gateway on this spool replays at its start). */
    private static long spooledEvents(Path spool) throws IOException {
        try (Stream<Path> files = Files.list(spool)) {
            long n = 0;
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".jsonl")
                    && !f.getFileName().toString().equals("dead.jsonl")).toList()) {
                try (Stream<String> lines = Files.lines(f)) {
                    n += lines.filter(l -> !l.isBlank()).count();
                } catch (java.nio.file.NoSuchFileException drained) {
                    // deleted meanwhile: drained
                }
            }
            return n;
        }
    }

    private static String last(List<SseClient.Event> events) {
        return events.isEmpty() ? null : events.get(events.size() - 1).type();
    }

    private static String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres";
    }

    private static void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false).setPort(pgPort)
                .setPGStartupWait(Duration.ofSeconds(30)).start();
    }
}
