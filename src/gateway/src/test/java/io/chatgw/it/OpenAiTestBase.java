package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.OpenAiHttp;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the OpenAI-compatible endpoint's tests share: a client, the official SDK, callers per path, request bodies,
 * error and usage checks.
 */
abstract class OpenAiTestBase extends GatewayTestBase {

    protected OpenAiHttp openai;
    protected String carol;   // direct_llm
    protected String alice;   // legacy

    private final List<OpenAIClient> sdkClients = new ArrayList<>();

    @BeforeEach
    void setUp() {
        openai = new OpenAiHttp(port);
        carol = tokenFor("u-carol", "org-acme");
        alice = tokenFor("u-alice", "org-acme");
    }

    @AfterEach
    void closeSdkClients() {
        sdkClients.forEach(OpenAIClient::close);
        sdkClients.clear();
    }

    /** A caller whose turns take this path: u-carol direct_llm, u-alice legacy, u-bob new (the reference plane). */
    protected String callerOn(String path) {
        return switch (path) {
            case "legacy" -> alice;
            case "direct_llm" -> carol;
            case "new" -> tokenFor("u-bob", "org-acme");
            default -> throw new IllegalArgumentException(path);
        };
    }

    /** The official Java SDK on this gateway (no retries), closed after the test. */
    protected OpenAIClient sdkClient(String token) {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey(token)
                .maxRetries(0).timeout(Duration.ofSeconds(60)).build();
        sdkClients.add(client);
        return client;
    }

    static Map<String, Object> request(boolean stream, Object... messages) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", "chat-gateway");
        body.put("messages", List.of(messages));
        if (stream) {
            body.put("stream", true);
        }
        return body;
    }

    static Map<String, String> msg(String role, String content) {
        return Map.of("role", role, "content", content);
    }

    protected void assertOpenAiError(HttpResponse<String> r, int status, String type, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode error = OpenAiHttp.json(r.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo(type);
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(error.has("param")).isTrue();
    }

    protected Object sessionOf(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return awaitUsageRecord(r.headers().firstValue("x-gateway-request-id").orElseThrow()).get("session_id");
    }

    /** The usage record is written right after the client got its last event: wait for it briefly. */
    protected Map<String, Object> awaitUsageRecord(String requestId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            List<Map<String, Object>> rows = jdbc.queryForList("SELECT * FROM usage_records WHERE request_id = ?",
                    UUID.fromString(requestId));
            if (!rows.isEmpty()) {
                return rows.get(0);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no usage record for " + requestId);
    }
}
