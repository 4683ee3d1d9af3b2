package io.chatgw.it;

import static io.chatgw.support.RawHttp.head;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.RawHttp;
import io.chatgw.support.SseClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Input is read strictly: NUL in any text (400 nul_character), trailing garbage, two JSON documents and overlong
 * UTF-8 (400), an unknown Transfer-Encoding (501), tokens issued in the future or with a numeric subject (401),
 * the dev token endpoint's huge ttl (400), a bad Last-Event-ID only after authentication, and no VM token for an
 * API key. Every refusal is a JSON error and leaves nothing behind.
 */
class StrictInputIT extends GatewayTestBase {

    private String alice;

    @org.junit.jupiter.api.BeforeEach
    void alice() {
        alice = tokenFor("u-alice", "org-acme");
    }

    private HttpResponse<String> post(String path, String token, byte[] body) throws Exception {
        return client.send("POST", path, token, "application/json", body);
    }

    private HttpResponse<String> post(String path, String token, String body) throws Exception {
        return post(path, token, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void refused(HttpResponse<String> r, int status, String code) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(errorOf(r).get("code").asText()).isEqualTo(code);
    }

    @Test
    void anEscapedNulInASessionsAgentIdIsA400AndNoSessionIsCreated() throws Exception {
        String user = "u-nul-" + UUID.randomUUID();
        refused(post("/api/v1/sessions", tokenFor(user, "org-acme"), "{\"agent_id\": \"\\u0000\"}"), 400, "nul_character");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM sessions WHERE user_id = ?", Integer.class, user)).isZero();
    }

    @Test
    void anEscapedNulInAnApiKeyNameIsA400() throws Exception {
        refused(post("/api/v1/admin/api-keys", tokenFor("u-admin", "org-acme", "admin"),
                "{\"user_id\": \"u-alice\", \"name\": \"key\\u0000\"}"), 400, "nul_character");
    }

    @Test
    void anEscapedNulInAMessageIsA400() throws Exception {
        refused(post("/api/v1/sessions/" + newSession(alice) + "/messages", alice, "{\"message\": \"hi\\u0000\"}"),
                400, "nul_character");
    }

    @Test
    void anEscapedNulInTheOpenAiUserFieldIsA400NamingTheParam() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", alice,
                "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"user\": \"a\\u0000\"}");
        refused(r, 400, "nul_character");
        assertThat(errorOf(r).get("param").asText()).isEqualTo("user");
        HttpResponse<String> content = post("/v1/chat/completions", alice,
                "{\"messages\": [{\"role\": \"user\", \"content\": \"\\u0000\"}]}");
        assertThat(errorOf(content).get("param").asText()).isEqualTo("messages[0].content");
    }

    @Test
    void aNulInAPathVariableIsA400() throws Exception {
        refused(client.send("GET", "/api/v1/admin/users/u%00x/mode", tokenFor("u-admin", "org-acme", "admin"), null, null),
                400, "nul_character");
    }

    @Test
    void trailingGarbageAndASecondJsonDocumentAreRefused() throws Exception {
        String session = newSession(alice);
        refused(post("/api/v1/sessions/" + session + "/messages", alice, "{\"message\": \"hi\"} garbage"), 400, "malformed_json");
        refused(post("/api/v1/sessions/" + session + "/messages", alice, "{\"message\": \"a\"}{\"message\": \"b\"}"), 400,
                "malformed_json");
        refused(post("/v1/chat/completions", alice, "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]} []"), 400,
                "malformed_json");
        refused(post("/api/v1/sessions/" + session + "/messages", alice, "{\"message\": \"a\", \"message\": \"b\"}"), 400,
                "malformed_json");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM usage_records WHERE session_id = ?::uuid", Integer.class, session))
                .isZero();
    }

    @Test
    void overlongUtf8IsRefused() throws Exception {
        byte[] overlongNul = {'{', '"', 'm', 'e', 's', 's', 'a', 'g', 'e', '"', ':', '"', (byte) 0xC0, (byte) 0x80, '"', '}'};
        refused(post("/api/v1/sessions/" + newSession(alice) + "/messages", alice, overlongNul), 400, "invalid_utf8");
        byte[] overlongSlash = "{\"messages\": [{\"role\": \"user\", \"content\": \"..\"}]}".getBytes(StandardCharsets.UTF_8);
        overlongSlash[overlongSlash.length - 5] = (byte) 0xC0;
        overlongSlash[overlongSlash.length - 4] = (byte) 0xAF;
        refused(post("/v1/chat/completions", alice, overlongSlash), 400, "invalid_utf8");
    }

    @Test
    void anUnknownTransferEncodingIsA501AndTheConnectionIsClosed() throws Exception {
        String user = "u-te-" + UUID.randomUUID();
        try (RawHttp http = RawHttp.connect(port)) {
            http.send(head("POST", "/api/v1/sessions", "Authorization: Bearer " + tokenFor(user, "org-acme"),
                    "Content-Type: application/json", "Transfer-Encoding: gzip") + "{}");
            RawHttp.Response response = http.read();
            assertThat(response.status()).isEqualTo(501);
            assertThat(JSON.readTree(response.body()).at("/error/code").asText()).isEqualTo("unsupported_transfer_encoding");
            assertThat(http.closedByServer()).isTrue();
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM sessions WHERE user_id = ?", Integer.class, user)).isZero();
    }

    @Test
    void aTokenIssuedADayInTheFutureIsRefused() throws Exception {
        String future = jwt.issue("u-alice", "org-acme", List.of(), Duration.ofDays(2),
                Map.of("iat", new java.util.Date(System.currentTimeMillis() + 86_400_000L)));
        HttpResponse<String> r = client.send("GET", "/api/v1/sessions", future, null, null);
        refused(r, 401, "unauthorized");
        assertThat(errorOf(r).get("message").asText()).contains("future");
        String skewed = jwt.issue("u-alice", "org-acme", List.of(), Duration.ofMinutes(5),
                Map.of("iat", new java.util.Date(System.currentTimeMillis() + 5_000)));
        assertThat(client.send("GET", "/api/v1/sessions", skewed, null, null).statusCode()).isEqualTo(200); // within the skew
    }

    @Test
    void aNumericSubjectIsRefusedAndNoUserIsProvisioned() throws Exception {
        long sub = 900_000_000L + (System.nanoTime() % 1_000_000);
        String numeric = jwt.issue("placeholder", "org-acme", List.of(), Duration.ofMinutes(5), Map.of("sub", sub));
        refused(client.send("GET", "/api/v1/sessions", numeric, null, null), 401, "unauthorized");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM users WHERE id = ?", Integer.class, Long.toString(sub))).isZero();
    }

    @Test
    void theDevTokenEndpointAnswersAHugeTtlWith400() throws Exception {
        refused(client.send("GET", "/dev/token?sub=u-alice&ttl=9223372036854775807", null, null, null), 400, "invalid_ttl");
        refused(client.send("GET", "/dev/token?sub=u-alice&ttl=0", null, null, null), 400, "invalid_ttl");
        assertThat(client.send("GET", "/dev/token?sub=u-alice&ttl=60", null, null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void aBadLastEventIdIsAnswered401BeforeAuthenticationAnd400After() throws Exception {
        String session = newSession(alice);
        try (SseClient.Stream anonymous = client.get("/api/v1/sessions/" + session + "/events", null, "not-a-number")) {
            assertThat(anonymous.status()).isEqualTo(401);
        }
        try (SseClient.Stream authenticated = client.get("/api/v1/sessions/" + session + "/events", alice, "not-a-number")) {
            assertThat(authenticated.status()).isEqualTo(400);
        }
    }

    @Test
    void anApiKeyCannotMintAVmToken() throws Exception {
        HttpResponse<String> created = post("/api/v1/admin/api-keys", tokenFor("u-admin", "org-acme", "admin"),
                "{\"user_id\": \"u-alice\", \"name\": \"no-planes\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String key = JSON.readTree(created.body()).get("key").asText();
        refused(client.send("POST", "/api/v1/vm-tokens", key, null, null), 403, "api_key_not_allowed");
        HttpResponse<String> own = client.send("POST", "/api/v1/vm-tokens", alice, null, null); // the user's own token may
        assertThat(own.statusCode()).as(own.body()).isEqualTo(201);
    }

    @Test
    void anonymousCallersGetTheBareHealthStatusAndAdminsTheDetails() throws Exception {
        for (String path : List.of("/actuator/health", "/actuator/health/readiness", "/actuator/health/liveness")) {
            HttpResponse<String> bare = client.send("GET", path, null, null, null);
            assertThat(bare.statusCode()).isEqualTo(200);
            JsonNode body = JSON.readTree(bare.body());
            assertThat(body.get("status").asText()).isEqualTo("UP");
            assertThat(body.size()).as(bare.body()).isEqualTo(1);
            assertThat(bare.body()).doesNotContain("clusterId", "components", "details");
        }
        HttpResponse<String> userOnly = client.send("GET", "/actuator/health", alice, null, null); // not an admin
        assertThat(JSON.readTree(userOnly.body()).size()).isEqualTo(1);
        HttpResponse<String> admin = client.send("GET", "/actuator/health", tokenFor("u-ops", "org-ops", "admin"), null, null);
        assertThat(JSON.readTree(admin.body()).at("/components/db/status").asText()).isEqualTo("UP");
    }
}
