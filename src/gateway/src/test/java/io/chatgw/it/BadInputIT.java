package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.SseClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every bad request gets a 4xx with {"error":{code,message}}, and leaves nothing behind. */
class BadInputIT extends GatewayTestBase {

    private String token;

    @BeforeEach
    void tokens() {
        token = tokenFor("u-alice", "org-acme");
    }

    private HttpResponse<String> postMessage(String session, String contentType, String body) throws Exception {
        return client.send("POST", "/api/v1/sessions/" + session + "/messages", token, contentType,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private void assertError(HttpResponse<String> r, int status, String code) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode error = errorOf(r);
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("message").asText()).isNotBlank();
    }

    @Test
    void malformedJson() throws Exception {
        assertError(postMessage(newSession(token), "application/json", "{\"message\": "), 400, "malformed_json");
    }

    @Test
    void jsonThatIsNotAnObject() throws Exception {
        assertError(postMessage(newSession(token), "application/json", "[\"hi\"]"), 400, "malformed_json");
    }

    @Test
    void missingMessage() throws Exception {
        assertError(postMessage(newSession(token), "application/json", "{\"text\": \"hi\"}"), 400, "missing_message");
    }

    @Test
    void emptyMessage() throws Exception {
        assertError(postMessage(newSession(token), "application/json", "{\"message\": \"   \"}"), 400, "empty_message");
    }

    @Test
    void messageOfTheWrongType() throws Exception {
        assertError(postMessage(newSession(token), "application/json", "{\"message\": 42}"), 400, "invalid_message");
    }

    @Test
    void emptyBody() throws Exception {
        assertError(postMessage(newSession(token), "application/json", null), 400, "missing_body");
    }

    @Test
    void bodyOverTheLimit() throws Exception {
        String huge = "x".repeat(70 * 1024);
        assertError(postMessage(newSession(token), "application/json", "{\"message\": \"" + huge + "\"}"), 413, "body_too_large");
    }

    @Test
    void wrongContentType() throws Exception {
        assertError(postMessage(newSession(token), "text/plain", "{\"message\": \"hi\"}"), 415, "unsupported_media_type");
    }

    @Test
    void unknownSession() throws Exception {
        assertError(postMessage(UUID.randomUUID().toString(), "application/json", "{\"message\": \"hi\"}"), 404, "session_not_found");
        assertError(postMessage("not-a-uuid", "application/json", "{\"message\": \"hi\"}"), 404, "session_not_found");
    }

    @Test
    void unknownAgentWhenCreatingASession() throws Exception {
        HttpResponse<String> r = client.send("POST", "/api/v1/sessions", token, "application/json",
                "{\"agent_id\": \"agent-nope\"}".getBytes(StandardCharsets.UTF_8));
        assertError(r, 400, "unknown_agent");
    }

    @Test
    void badLastEventId() throws Exception {
        String session = newSession(token);
        HttpResponse<String> r = client.send("GET", "/api/v1/sessions/" + session + "/events?last_event_id=abc", token, null, null);
        assertError(r, 400, "invalid_last_event_id");
    }

    @Test
    void rejectedRequestsLeaveNoTurnAndNoUsageBehind() throws Exception {
        String session = newSession(token);
        postMessage(session, "application/json", "{\"message\": ");
        postMessage(session, "text/plain", "hi");

        assertThat(jdbc.queryForObject("SELECT count(*) FROM usage_records WHERE session_id = ?::uuid",
                Integer.class, session)).isZero();
        // the session is not left claimed: a good message goes through
        List<SseClient.Event> events = chat(token, session, "hi");
        assertThat(events.get(events.size() - 1).type()).isEqualTo("done");
    }

    @Test
    void aSecondMessageWhileTheFirstIsStreamingIsAConflict() throws Exception {
        String session = newSession(token);
        try (SseClient.Stream first = sendMessage(token, session, "[[standin chunks=20 delay_ms=100]] slow one")) {
            first.next(); // the route event: the turn is running
            HttpResponse<String> busy = postMessage(session, "application/json", JSON.writeValueAsString(Map.of("message", "hi")));
            assertError(busy, 409, "turn_in_progress");
            assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");
            List<SseClient.Event> rest = first.all();
            assertThat(rest.get(rest.size() - 1).type()).isEqualTo("done");
        }
    }

    // --- authentication ---

    @Test
    void missingToken() throws Exception {
        assertError(client.send("POST", "/api/v1/sessions", null, null, null), 401, "unauthorized");
    }

    @Test
    void notABearerToken() throws Exception {
        assertError(client.send("POST", "/api/v1/sessions", "Basic dXNlcjpwYXNz", null, null), 401, "unauthorized");
    }

    @Test
    void garbageToken() throws Exception {
        assertError(client.send("POST", "/api/v1/sessions", "not.a.jwt", null, null), 401, "unauthorized");
    }

    @Test
    void tokenSignedWithAnotherSecret() throws Exception {
        String forged = new io.chatgw.auth.JwtVerifier("another-secret-another-secret-another-secret", Duration.ZERO)
                .issue("u-alice", "org-acme", List.of("admin"), Duration.ofMinutes(5), Map.of());
        assertError(client.send("POST", "/api/v1/sessions", forged, null, null), 401, "unauthorized");
    }

    @Test
    void expiredToken() throws Exception {
        String expired = jwt.issue("u-alice", "org-acme", List.of(), Duration.ofMinutes(-10), Map.of());
        HttpResponse<String> r = client.send("POST", "/api/v1/sessions", expired, null, null);
        assertError(r, 401, "unauthorized");
        assertThat(errorOf(r).get("message").asText()).contains("expired");
    }

    @Test
    void tokenWhoseOrgContradictsTheUsersOrg() throws Exception {
        String wrongOrg = tokenFor("u-alice", "org-globex");
        assertError(client.send("POST", "/api/v1/sessions", wrongOrg, null, null), 403, "org_mismatch");
    }

    @Test
    void vmTokensAreNotUserTokens() throws Exception {
        String vmToken = jwt.issue("u-alice", "org-acme", List.of("vm"), Duration.ofMinutes(5), Map.of("vm_id", "vm-1"));
        String vmIdOnly = jwt.issue("u-alice", "org-acme", List.of(), Duration.ofMinutes(5), Map.of("vm_id", "vm-1"));
        String session = newSession(token);
        for (String t : List.of(vmToken, vmIdOnly)) {
            assertError(client.send("POST", "/api/v1/sessions", t, null, null), 401, "unauthorized");
            assertError(client.send("POST", "/api/v1/sessions/" + session + "/messages", t, "application/json",
                    "{\"message\": \"hi\"}".getBytes(StandardCharsets.UTF_8)), 401, "unauthorized");
            assertError(client.send("POST", "/api/v1/vm-tokens", t, null, null), 401, "unauthorized");
            HttpResponse<String> openai = new io.chatgw.support.OpenAiHttp(port).complete(t,
                    Map.of("messages", List.of(Map.of("role", "user", "content", "hi"))));
            assertThat(openai.statusCode()).isEqualTo(401);
            assertThat(errorOf(openai).get("type").asText()).isEqualTo("authentication_error");
        }
    }

    @Test
    void unknownUserWithoutAnOrgClaimCannotBeProvisioned() throws Exception {
        String noOrg = jwt.issue("u-orgless-" + System.nanoTime(), null, List.of(), Duration.ofMinutes(5), Map.of());
        assertError(client.send("POST", "/api/v1/sessions", noOrg, null, null), 401, "unauthorized");
    }

    // --- isolation ---

    @Test
    void anotherUsersSessionIsNotFoundForMessagesAndEvents() throws Exception {
        String alicesSession = newSession(token);
        String mallory = tokenFor("u-dave", "org-acme");

        HttpResponse<String> post = client.send("POST", "/api/v1/sessions/" + alicesSession + "/messages", mallory,
                "application/json", "{\"message\":\"hi\"}".getBytes(StandardCharsets.UTF_8));
        assertError(post, 404, "session_not_found");
        HttpResponse<String> get = client.send("GET", "/api/v1/sessions/" + alicesSession + "/events", mallory, null, null);
        assertError(get, 404, "session_not_found");
    }
}
