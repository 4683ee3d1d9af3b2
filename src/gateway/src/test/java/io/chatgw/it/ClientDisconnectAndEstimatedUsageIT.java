package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.OpenAiHttp;
import io.chatgw.support.SseClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A client that goes mid-stream, and a stream cut before the provider's usage, on both APIs: the usage record says
 * {@code client_disconnected} with the provider's tokens (the answer completed), or {@code estimated} with
 * tokens counted by the gateway (docs/events.md).
 */
class ClientDisconnectAndEstimatedUsageIT extends GatewayTestBase {

    private static final Encoding CL100K = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

    @Test
    void aChatClientThatClosesMidStreamLeavesAClientDisconnectedRecordWithAllTheTokensOfTheCompletedAnswer()
            throws Exception {
        String token = tokenFor("u-carol", "org-acme");
        String session = newSession(token);
        String requestId;
        try (SseClient.Stream stream = sendMessage(token, session, "[[standin chunks=20 delay_ms=50]] hi")) {
            assertThat(stream.status()).isEqualTo(200);
            requestId = stream.next().json().get("request_id").asText(); // the route event
            assertThat(stream.until(e -> "text".equals(e.type())).get(0).type()).isNotNull();
        } // closed after the first text: the client is gone, the answer goes on

        Map<String, Object> row = awaitUsage(requestId);
        assertThat(row.get("status")).isEqualTo("client_disconnected");
        assertThat(row.get("tokens_out")).isEqualTo(20); // the provider's count of the whole answer
        assertThat(row.get("estimated")).isEqualTo(false);
        assertThat(row.get("error_code")).isNull();
    }

    @Test
    void anOpenAiStreamTheClientClosesMidStreamIsRecordedClientDisconnected() throws Exception {
        String token = tokenFor("u-carol", "org-acme");
        OpenAiHttp.Streamed seen = new OpenAiHttp(port).streamThenClose(token, Map.of("stream", true,
                "messages", List.of(Map.of("role", "user", "content", "[[standin chunks=20 delay_ms=50]] hi"))), 2);
        assertThat(seen.data()).hasSize(2);
        String requestId = seen.header("x-request-id");

        Map<String, Object> row = awaitUsage(requestId);
        assertThat(row.get("status")).isEqualTo("client_disconnected");
        assertThat(row.get("tokens_out")).isEqualTo(20);
        assertThat(row.get("estimated")).isEqualTo(false);
    }

    @Test
    void openAiAnswersReadToTheEndStreamedOrNotAreRecordedCompletedNotDisconnected() throws Exception {
        String token = tokenFor("u-carol", "org-acme");
        OpenAiHttp openai = new OpenAiHttp(port);
        OpenAiHttp.Streamed streamed = openai.stream(token, Map.of("stream", true, "stream_options",
                Map.of("include_usage", true), "messages", List.of(Map.of("role", "user",
                        "content", "[[standin chunks=5 delay_ms=20]] hi"))), Map.of());
        assertThat(streamed.status()).isEqualTo(200);
        java.net.http.HttpResponse<String> whole = openai.complete(token, Map.of("messages",
                List.of(Map.of("role", "user", "content", "[[standin chunks=5 delay_ms=20]] hi"))));
        assertThat(whole.statusCode()).isEqualTo(200);
        for (String requestId : List.of(streamed.header("x-request-id"), whole.headers().firstValue("x-request-id").orElseThrow())) {
            Map<String, Object> row = awaitUsage(requestId);
            assertThat(row.get("status")).isEqualTo("completed");
            assertThat(row.get("tokens_out")).isEqualTo(5);
            assertThat(row.get("estimated")).isEqualTo(false);
        }
    }

    @Test
    void aStreamCutBeforeTheProvidersUsageIsRecordedWithEstimatedTokensOfWhatItProduced() throws Exception {
        String token = tokenFor("u-carol", "org-acme");
        String session = newSession(token);
        String message = "[[standin chunks=6 delay_ms=1 fail=mid_stream_after_3]] tell me " + UUID.randomUUID();
        List<SseClient.Event> events = chat(token, session, message);
        assertThat(events.get(events.size() - 1).type()).isEqualTo("error");
        String answer = events.stream().filter(e -> "text".equals(e.type()))
                .map(e -> e.json().get("delta").asText()).collect(Collectors.joining());
        assertThat(answer).isNotEmpty();

        Map<String, Object> row = awaitUsage(events.get(0).json().get("request_id").asText());
        assertThat(row.get("status")).isEqualTo("failed");
        assertThat(row.get("estimated")).isEqualTo(true);
        assertThat(row.get("tokens_in")).isEqualTo(CL100K.countTokensOrdinary(message));
        assertThat(row.get("tokens_out")).isEqualTo(CL100K.countTokensOrdinary(answer));
    }

    @Test
    void anOpenAiStreamCutBeforeTheUsageChunkIsEstimatedToo() throws Exception {
        String token = tokenFor("u-carol", "org-acme");
        String content = "[[standin chunks=6 delay_ms=1 fail=mid_stream_after_3]] estimate " + UUID.randomUUID();
        OpenAiHttp.Streamed streamed = new OpenAiHttp(port).stream(token, Map.of("stream", true,
                "stream_options", Map.of("include_usage", true),
                "messages", List.of(Map.of("role", "user", "content", content))), Map.of());
        String requestId = streamed.header("x-request-id");
        StringBuilder answer = new StringBuilder();
        for (JsonNode chunk : streamed.chunks()) {
            JsonNode delta = chunk.at("/choices/0/delta/content");
            if (delta.isTextual()) {
                answer.append(delta.asText());
            }
        }
        Map<String, Object> row = awaitUsage(requestId);
        assertThat(row.get("estimated")).isEqualTo(true);
        assertThat(row.get("tokens_in")).isEqualTo(CL100K.countTokensOrdinary(content));
        assertThat(row.get("tokens_out")).isEqualTo(CL100K.countTokensOrdinary(answer.toString()));
    }

    private Map<String, Object> awaitUsage(String requestId) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForList(
                        "SELECT * FROM usage_records WHERE request_id = ?::uuid AND attempt = 1", requestId),
                rows -> !rows.isEmpty()).get(0);
    }
}
