package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.support.OpenAiHttp;
import io.chatgw.support.OpenAiHttp.Streamed;
import io.chatgw.support.SseClient.Event;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * An upstream 429 reaches clients as they expect it (no fallback answered it), and every response of both APIs
 * carries x-request-id: the turn's request_id, the client's own if it sent a valid one.
 */
class RateLimitsAndRequestIdsIT extends OpenAiTestBase {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aRateLimitedLlmIsAnInBandRateLimitedErrorWithRetryAfterOnTheChatApi() throws Exception {
        List<Event> events = chat(carol, newSession(carol), "[[standin fail=http_429]] hi");

        Event last = events.get(events.size() - 1);
        assertThat(last.type()).isEqualTo("error");
        assertThat(last.json().get("code").asText()).isEqualTo("rate_limited");
        assertThat(last.json().get("retry_after").asInt()).isEqualTo(1); // the stand-in's Retry-After
        assertThat(last.json().get("message").asText()).doesNotContain("{"); // not the upstream's raw JSON
    }

    @Test
    void aFallbackThatIsRateLimitedEndsTheTurnRateLimitedAfterTheFallbackEvent() throws Exception {
        List<Event> events = chat(alice, newSession(alice), "[[runtime fail=http_503]] [[standin fail=http_429]] hi");

        assertThat(events).extracting(Event::type).contains("fallback");
        Event last = events.get(events.size() - 1);
        assertThat(last.json().get("code").asText()).isEqualTo("rate_limited");
        assertThat(last.json().get("path").asText()).isEqualTo("direct_llm");
    }

    @Test
    void aRateLimitedLlmIsA429WithRetryAfterOnTheOpenAiEndpointStreamedOrNot() throws Exception {
        HttpResponse<String> r = openai.complete(carol, request(false, msg("user", "[[standin fail=http_429]] hi")));
        assertOpenAiError(r, 429, "rate_limit_error", "rate_limit_exceeded");
        assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(r.headers().firstValue("x-request-id")).isPresent();

        Streamed s = openai.stream(carol, request(true, msg("user", "[[standin fail=http_429]] hi")), Map.of());
        assertThat(s.status()).isEqualTo(429);
        assertThat(s.header("Retry-After")).isEqualTo("1");
        assertThat(OpenAiHttp.json(s.errorBody()).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
    }

    @Test
    void aChatTurnsResponseCarriesItsRequestIdAndKeepsAValidOneTheClientSent() throws Exception {
        String session = newSession(carol);
        HttpResponse<String> minted = postMessage(carol, session, null);
        String id = minted.headers().firstValue("x-request-id").orElseThrow();
        assertThat(minted.body()).contains("\"request_id\":\"" + id + "\"");

        String mine = UUID.randomUUID().toString();
        HttpResponse<String> kept = postMessage(carol, session, mine.toUpperCase());
        assertThat(kept.headers().firstValue("x-request-id")).hasValue(mine);
        assertThat(awaitUsageRecord(mine).get("session_id")).isEqualTo(UUID.fromString(session));

        HttpResponse<String> reused = postMessage(carol, session, mine);
        assertThat(reused.headers().firstValue("x-request-id").orElseThrow()).as("a used id is not taken twice")
                .isNotEqualTo(mine);

        HttpResponse<String> invalid = postMessage(carol, session, "not an id\u00e9");
        assertThat(invalid.headers().firstValue("x-request-id").orElseThrow()).matches("[0-9a-f-]{36}");
    }

    @Test
    void everyResponseOfBothApisCarriesARequestId() throws Exception {
        String mine = UUID.randomUUID().toString();
        HttpResponse<String> unauthorized = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/v1/sessions")).header("x-request-id", mine).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unauthorized.statusCode()).isEqualTo(401);
        assertThat(unauthorized.headers().firstValue("x-request-id")).hasValue(mine);

        assertThat(client.send("GET", "/api/v1/nowhere", carol, null, null).headers().firstValue("x-request-id")).isPresent();
        assertThat(client.send("POST", "/api/v1/sessions", carol, null, null).headers().firstValue("x-request-id")).isPresent();
        assertThat(openai.get("/v1/models", carol).headers().firstValue("x-request-id")).isPresent();

        HttpResponse<String> completion = openai.complete(carol, request(false, msg("user", "hi")));
        assertThat(completion.headers().firstValue("x-request-id"))
                .isEqualTo(completion.headers().firstValue("x-gateway-request-id"));
        Streamed streamed = openai.stream(carol, request(true, msg("user", "hi")), Map.of("x-request-id", mine));
        assertThat(streamed.header("x-request-id")).isEqualTo(mine);
        assertThat(awaitUsageRecord(mine)).isNotNull();
    }

    private HttpResponse<String> postMessage(String token, String session, String requestId) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/sessions/"
                        + session + "/messages")).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"hi\"}"));
        if (requestId != null) {
            b.header("x-request-id", requestId);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
