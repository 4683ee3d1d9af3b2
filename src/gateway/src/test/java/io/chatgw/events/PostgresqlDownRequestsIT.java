package io.chatgw.events;

import static io.chatgw.events.StoppableBackends.metric;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.support.GatewayProcess;
import io.chatgw.support.SseClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Requests while PostgreSQL is stopped for real, under the whole gateway as a process of its own with the pool's
 * default 30 s connection timeout (docs/operations.md "PostgreSQL down"): turns of callers, keys and sessions the
 * gateway already knows keep running (their history from memory, their records spooled, their conversation turns
 * held), what needs PostgreSQL itself answers 503 {@code database_unavailable} with {@code Retry-After} in its API's
 * error shape within seconds, a turn already streaming finishes, and once PostgreSQL is back everything held is
 * written and new turns work without a restart.
 */
class PostgresqlDownRequestsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Far below the pool's 30 s: a behaviour check against the hang, not a speed target. */
    private static final Duration FAST = Duration.ofSeconds(10);
    private static final String UP = "gateway_dependency_up{dependency=\"postgresql\"}";

    static StoppableBackends backends;
    static JdbcTemplate jdbc;

    @BeforeAll
    static void start() throws Exception {
        backends = StoppableBackends.start(1);
        jdbc = backends.jdbc();
    }

    @AfterAll
    static void stop() throws Exception {
        backends.close();
    }

    @Test
    void whilePostgresqlIsStoppedKnownSessionsAndKeysKeepAnsweringWhatNeedsItGets503AndEverythingIsWrittenWhenItIsBack()
            throws Exception {
        Path spool = Files.createTempDirectory("pgdown-spool-");
        String run = UUID.randomUUID().toString().substring(0, 6);
        String user = "u-pgdown-" + run;
        String org = "org-pgdown-" + run;
        try (GatewayProcess gateway = GatewayProcess.start(backends.gatewayConfig(spool, "10s",
                Map.of("spring.datasource.hikari.connection-timeout", "30000")))) {
            SseClient http = new SseClient(gateway.port());
            List<String> whileDownRequestIds = new java.util.ArrayList<>();
            String token = gateway.token(user, org);
            String session = gateway.newSession(token); // provisions the user
            String admin = devToken(http, "u-pgdown-admin-" + run, org, "admin");
            HttpResponse<String> created = http.send("POST", "/api/v1/admin/api-keys", admin, "application/json",
                    json(Map.of("user_id", user, "name", "pgdown")));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String key = JSON.readTree(created.body()).get("key").asText();
            assertThat(last(gateway.chat(token, session, "[[standin chunks=2 delay_ms=1]] before"))).isEqualTo("done");
            assertThat(completion(http, key).statusCode()).isEqualTo(200);

            SseClient.Stream streaming = http.post("/api/v1/sessions/" + gateway.newSession(token) + "/messages", token,
                    "{\"message\":\"[[standin chunks=60 delay_ms=100]] streaming when postgresql stops\"}");
            assertThat(streaming.status()).isEqualTo(200);
            String streamingRequestId = streaming.next().json().get("request_id").asText();
            await("the spool written into PostgreSQL").atMost(Duration.ofSeconds(30))
                    .until(() -> metric(gateway, "gateway_events_spool_events") == 0);

            String newUser = gateway.token("u-pgdown-new-" + run, org); // a token, not yet a user PostgreSQL knows
            String fresh = gateway.newSession(token); // created here: its relay and empty conversation known from birth
            backends.stopPostgres();
            try {
                // a known session keeps answering, with its history from memory (the first request finds PostgreSQL
                // unreachable within gateway.database.request-connection-timeout; the next ones at once)
                List<SseClient.Event> whileDown = gateway.chat(token, session, "[[standin chunks=2 delay_ms=1]] while down");
                assertThat(last(whileDown)).as("a turn in a known session while PostgreSQL is down").isEqualTo("done");
                whileDownRequestIds.add(whileDown.get(0).json().get("request_id").asText());
                List<SseClient.Event> echoed = gateway.chat(token, session, "[[standin echo_messages]] what came before");
                assertThat(last(echoed)).isEqualTo("done");
                whileDownRequestIds.add(echoed.get(0).json().get("request_id").asText());
                assertThat(text(echoed)).as("the history sent while PostgreSQL is down")
                        .contains("before").contains("while down");
                List<SseClient.Event> first = gateway.chat(token, fresh, "[[standin chunks=2 delay_ms=1]] first message");
                assertThat(last(first)).as("the first message of a session created just before").isEqualTo("done");
                whileDownRequestIds.add(first.get(0).json().get("request_id").asText());
                // an OpenAI call with a known key, in a per-request session made without its row
                HttpResponse<String> answered = completion(http, key);
                assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
                whileDownRequestIds.add(answered.headers().firstValue("x-request-id").orElseThrow());

                // what needs PostgreSQL itself: a user it has not seen, a lasting session, the stored conversation, admin
                assertRefused(() -> http.send("POST", "/api/v1/sessions", newUser, null, null), false);
                assertRefused(() -> http.send("POST", "/api/v1/sessions", token, null, null), false);
                assertRefused(() -> http.send("GET", "/api/v1/sessions/" + session + "/messages", token, null, null), false);
                assertRefused(() -> http.send("POST", "/api/v1/admin/api-keys", admin, "application/json",
                        json(Map.of("user_id", user, "name", "while down"))), false);
                assertRefused(() -> http.send("POST", "/v1/responses", "Bearer " + key, "application/json",
                        json(Map.of("model", "chat-gateway", "input", "while down"))), true);

                await("gateway_dependency_up says so").atMost(Duration.ofSeconds(60))
                        .until(() -> metric(gateway, UP) == 0);
                try (streaming) {
                    assertThat(last(streaming.all())).as("the turn streaming when PostgreSQL stopped").isEqualTo("done");
                }
                await("its usage waits in the spool").atMost(Duration.ofSeconds(30))
                        .until(() -> metric(gateway, "gateway_events_spool_events") > 0);
            } finally {
                backends.startPostgres();
            }

            await("a new turn works again, without a restart").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                    .until(() -> "done".equals(last(gateway.chat(token, session, "[[standin chunks=2 delay_ms=1]] after"))));
            HttpResponse<String> answered = completion(http, key);
            await("gateway_dependency_up back").atMost(Duration.ofSeconds(60)).until(() -> metric(gateway, UP) == 1);
            assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
            for (String requestId : whileDownRequestIds) {
                await("the usage of " + requestId + ", answered while PostgreSQL was down, written from the spool")
                        .atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject(
                                "SELECT count(*) FROM usage_records WHERE request_id = ?::uuid", Integer.class, requestId) == 1);
            }
            await("the conversation turns answered while PostgreSQL was down, held and then written")
                    .atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject(
                            "SELECT count(*) FROM conversation_turns WHERE request_id IN (?::uuid, ?::uuid, ?::uuid)", Integer.class,
                            whileDownRequestIds.get(0), whileDownRequestIds.get(1), whileDownRequestIds.get(2)) == 3);
            assertThat(jdbc.queryForList("SELECT user_message FROM conversation_turns WHERE session_id = ?::uuid "
                    + "ORDER BY started_at", String.class, session)).as("the session's conversation, in order")
                    .startsWith("[[standin chunks=2 delay_ms=1]] before", "[[standin chunks=2 delay_ms=1]] while down",
                            "[[standin echo_messages]] what came before");
            assertThat(metric(gateway, "gateway_database_last_known_served_total{lookup=\"session\"}")).isPositive();
            await("the streamed turn's usage written from the spool").atMost(Duration.ofSeconds(60)).until(() ->
                    jdbc.queryForObject("SELECT count(*) FROM usage_records WHERE request_id = ?::uuid", Integer.class,
                            streamingRequestId) == 1);
            assertThat(gateway.logText()).as("a refused request is no unexpected failure: no ERROR line, no stack trace")
                    .doesNotContain("API request failed").doesNotContain("OpenAI-compatible request failed");
        }
    }

    /** 503 database_unavailable, Retry-After, the API's own error shape, no stack trace, within {@link #FAST}. */
    private static void assertRefused(Callable<HttpResponse<String>> request, boolean openAi) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r = request.call();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(r.statusCode()).as(r.uri() + ": " + r.body()).isEqualTo(503);
        assertThat(took).as(r.uri() + " answered after " + took).isLessThan(FAST);
        assertThat(r.headers().firstValue("Retry-After")).as(r.uri().toString()).hasValue("5");
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("database_unavailable");
        assertThat(error.get("message").asText()).isNotBlank().doesNotContain("Exception");
        if (openAi) { // OpenAI's shape: message, type, param, code
            assertThat(error.get("type").asText()).isEqualTo("server_error");
            assertThat(error.has("param")).isTrue();
            assertThat(error.size()).isEqualTo(4);
        } else { // the chat API's shape: code, message
            assertThat(error.size()).isEqualTo(2);
        }
    }

    private static HttpResponse<String> completion(SseClient http, String key) throws Exception {
        return http.send("POST", "/v1/chat/completions", "Bearer " + key, "application/json", json(Map.of(
                "model", "chat-gateway",
                "messages", List.of(Map.of("role", "user", "content", "[[standin chunks=2 delay_ms=1]] hi")))));
    }

    private static String devToken(SseClient http, String user, String org, String roles) throws Exception {
        HttpResponse<String> r = http.send("GET", "/dev/token?sub=" + user + "&org=" + org + "&roles=" + roles, null, null, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body().trim();
    }

    private static byte[] json(Object value) throws Exception {
        return JSON.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
    }

    /** The text events' deltas, joined. */
    private static String text(List<SseClient.Event> events) {
        StringBuilder text = new StringBuilder();
        events.stream().filter(e -> e.type().equals("text")).forEach(e -> text.append(e.json().get("delta").asText()));
        return text.toString();
    }

    private static String last(List<SseClient.Event> events) {
        return events.isEmpty() ? null : events.get(events.size() - 1).type();
    }
}
