package io.chatgw.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.auth.JwtVerifier;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole gateway on a random port with real PostgreSQL, a real KRaft Kafka broker, the reference
 * legacy runtime and the stand-in LLM over real HTTP (all started by the embedded defaults). One Spring
 * context shared by every integration test class.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({"dev", "test"})
@AutoConfigureObservability(tracing = false) // metrics export is off in tests unless asked for
public abstract class GatewayTestBase {

    protected static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    protected int port;
    @Autowired
    protected JwtVerifier jwt;
    @Autowired
    protected JdbcTemplate jdbc;
    @Autowired
    protected io.chatgw.routing.RoutePolicies policies;

    protected SseClient client;

    /** The execution-plane socket needs a fixed port (planes are told it up front): a free one per Spring context. */
    @DynamicPropertySource
    static void planePort(DynamicPropertyRegistry registry) throws IOException {
        int free;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            free = socket.getLocalPort();
        }
        registry.add("gateway.plane.port", () -> free);
    }

    @Autowired
    private io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry breakers;

    /** Every test starts with closed, empty breakers: one test's failures never open a breaker under another. */
    @BeforeEach
    void connect() {
        client = new SseClient(port);
        breakers.getAllCircuitBreakers().forEach(io.github.resilience4j.circuitbreaker.CircuitBreaker::reset);
    }

    protected String tokenFor(String user, String org, String... roles) {
        return jwt.issue(user, org, List.of(roles), Duration.ofMinutes(10), Map.of());
    }

    protected String newSession(String token) throws IOException, InterruptedException {
        return newSession(token, null);
    }

    protected String newSession(String token, String agentId) throws IOException, InterruptedException {
        byte[] body = agentId == null ? null : ("{\"agent_id\":\"" + agentId + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = client.send("POST", "/api/v1/sessions", token, body == null ? null : "application/json", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).get("session_id").asText();
    }

    protected SseClient.Stream sendMessage(String token, String sessionId, String message) throws Exception {
        return client.post("/api/v1/sessions/" + sessionId + "/messages", token,
                JSON.writeValueAsString(Map.of("message", message)));
    }

    /** Sends a message and reads its stream to the end (done or error); fails after 60 s instead of hanging. */
    protected List<SseClient.Event> chat(String token, String sessionId, String message) throws Exception {
        SseClient.Stream s = sendMessage(token, sessionId, message);
        try {
            assertThat(s.status()).isEqualTo(200);
            return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return s.all();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).get(60, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            s.close();
        }
    }

    /**
     * Waits until this instance's routing policies caught up with a change made in the database (NOTIFY from the
     * change's trigger; the requirement is well under a second).
     */
    protected void awaitPoliciesCurrent() {
        long version = jdbc.queryForObject("SELECT version FROM policy_version WHERE id = 1", Long.class);
        org.awaitility.Awaitility.await("route policies at version " + version).atMost(Duration.ofSeconds(2))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> policies.snapshot().version() >= version);
    }

    protected static JsonNode errorOf(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body()).get("error");
    }
}
