package io.chatgw.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.openai.OpenAiProperties;
import io.chatgw.relay.SessionRelay;
import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.OpenAiHttp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.FluxExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * When a streamed answer starts: the real routes, relay and paths, with the OpenAI handler built on a short
 * {@code first-chunk-wait} and keep-alive interval (the test profile: legacy first-event timeout 3 s).
 */
class OpenAiStreamStartIT extends GatewayTestBase {

    @Autowired
    ProducerTemplate routes;
    @Autowired
    SessionRelay relay;
    @Autowired
    OpenAiProperties configured;
    @Autowired
    ObjectMapper json;

    private WebTestClient web;

    @BeforeEach
    void handlerWithShortWaits() {
        OpenAiProperties quick = new OpenAiProperties(true, configured.models(), configured.acceptAnyModel(),
                configured.modelAliases(), configured.maxBodyBytes(),
                configured.maxMessages(), configured.sessionHeader(), configured.sessionsFromUserField(),
                configured.runtimeEvents(), Duration.ofMillis(200), Duration.ofMillis(400), configured.unsupportedParameters(), configured.apiKeys(),
                configured.ephemeralSessions());
        web = WebTestClient.bindToRouterFunction(new OpenAiApi(routes, relay, quick, json).openAiRoutes())
                .configureClient().responseTimeout(Duration.ofSeconds(20)).build();
    }

    /** As u-alice (legacy, which falls back to direct_llm before its first event). */
    private FluxExchangeResult<DataBuffer> post(String message) {
        return post("u-alice", message);
    }

    private FluxExchangeResult<DataBuffer> post(String user, String message) {
        return web.post().uri("/v1/chat/completions")
                .header("Authorization", "Bearer " + tokenFor(user, "org-acme"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(OpenAiHttp.body(Map.of("model", "chat-gateway", "stream", true,
                        "messages", List.of(Map.of("role", "user", "content", message)))))
                .exchange()
                .returnResult(DataBuffer.class);
    }

    private static List<String> lines(FluxExchangeResult<DataBuffer> result) {
        String text = DataBufferUtils.join(result.getResponseBody())
                .map(b -> {
                    String s = b.toString(StandardCharsets.UTF_8);
                    DataBufferUtils.release(b);
                    return s;
                })
                .block(Duration.ofSeconds(20));
        return Arrays.stream(text.split("\n")).filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void aSlowPathStartsTheStreamAfterTheWaitWithKeepAlives() {
        FluxExchangeResult<DataBuffer> result = post("[[runtime first_event_delay_ms=1000]] hi");
        assertThat(result.getStatus().value()).isEqualTo(200);
        List<String> lines = lines(result);

        assertThat(lines.get(0)).startsWith("data: ").contains("\"role\":\"assistant\"");
        assertThat(lines).contains(": keep-alive");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("data: [DONE]");
        assertThat(lines).filteredOn(l -> l.contains("\"content\":\"") && !l.contains("\"content\":\"\"")).isNotEmpty();
    }

    @Test
    void aPathFailingAfterTheWaitFailsInBand() {
        // direct_llm has no fallback; its first-event timeout (2 s) passes after the wait started the stream
        FluxExchangeResult<DataBuffer> result = post("u-carol", "[[standin first_byte_delay_ms=10000]] hi");
        assertThat(result.getStatus().value()).isEqualTo(200);
        List<String> lines = lines(result);

        assertThat(lines.get(0)).contains("\"role\":\"assistant\"");
        String last = lines.get(lines.size() - 1);
        assertThat(last).startsWith("data: {\"error\":").contains("\"code\":\"upstream_timeout\"");
        assertThat(lines).doesNotContain("data: [DONE]");
    }

    @Test
    void aFallbackAfterTheWaitStillStreamsOneAnswer() {
        FluxExchangeResult<DataBuffer> result = post("[[runtime first_event_delay_ms=10000]] hi");
        assertThat(result.getStatus().value()).isEqualTo(200);
        List<String> lines = lines(result);

        assertThat(lines.get(0)).contains("\"role\":\"assistant\"");
        assertThat(lines).filteredOn(l -> l.contains("\"role\"")).hasSize(1);
        assertThat(lines).noneMatch(l -> l.contains("\"error\""));
        assertThat(lines.get(lines.size() - 1)).isEqualTo("data: [DONE]");
        assertThat(lines).filteredOn(l -> l.contains("\"content\":\"") && !l.contains("\"content\":\"\"")).isNotEmpty();
    }

    @Test
    void aPathFailingWithinTheWaitIsAnHttpError() {
        FluxExchangeResult<DataBuffer> result = post("u-carol", "[[standin fail=http_500]] hi");
        assertThat(result.getStatus().value()).isEqualTo(502);
        assertThat(result.getResponseHeaders().getFirst("x-gateway-path")).isEqualTo("direct_llm");
        assertThat(String.join("", lines(result))).contains("\"type\":\"server_error\"");
    }
}
