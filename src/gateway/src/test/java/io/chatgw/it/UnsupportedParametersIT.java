package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.support.OpenAiHttp;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * A legacy runtime that cannot continue a prefill ({@code gateway.openai.unsupported-parameters.legacy: [prefill]}):
 * a request that ends with an assistant message is a 400 naming {@code prefill} and the path when legacy is decided,
 * on both OpenAI endpoints, and nothing reaches the runtime; the same request on another path is answered. A direct
 * LLM that cannot give logprobs ({@code direct_llm: [logprobs]}) is never the fallback of a turn that asks for them.
 */
@TestPropertySource(properties = {"gateway.openai.unsupported-parameters.legacy=prefill,seed",
        "gateway.openai.unsupported-parameters[direct_llm]=logprobs"})
class UnsupportedParametersIT extends OpenAiTestBase {

    @Test
    void aPrefillOnTheLegacyPathIsRefusedNamingItAndThePath() throws Exception {
        Map<String, Object> body = request(false, msg("user", "weather?"), msg("assistant", "It is"));
        HttpResponse<String> refused = openai.complete(alice, body);
        assertOpenAiError(refused, 400, "invalid_request_error", "unsupported_parameter");
        assertThat(OpenAiHttp.json(refused.body()).at("/error/param").asText()).isEqualTo("prefill");
        assertThat(OpenAiHttp.json(refused.body()).at("/error/message").asText()).contains("legacy path");

        HttpResponse<String> answered = openai.complete(carol, body);
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        assertThat(answered.headers().firstValue("x-gateway-path")).hasValue("direct_llm");
    }

    @Test
    void aRefusedParameterAndAResponsesPrefillOnTheLegacyPathAreRefusedToo() throws Exception {
        Map<String, Object> seeded = request(false, msg("user", "hi"));
        seeded.put("seed", 7);
        HttpResponse<String> refused = openai.complete(alice, seeded);
        assertOpenAiError(refused, 400, "invalid_request_error", "unsupported_parameter");
        assertThat(OpenAiHttp.json(refused.body()).at("/error/param").asText()).isEqualTo("seed");

        HttpResponse<String> response = openai.send("POST", "/v1/responses", alice, OpenAiHttp.body(Map.of("input",
                java.util.List.of(msg("user", "weather?"), msg("assistant", "It is")))));
        assertOpenAiError(response, 400, "invalid_request_error", "unsupported_parameter");
        assertThat(OpenAiHttp.json(response.body()).at("/error/param").asText()).isEqualTo("prefill");
        HttpResponse<String> plain = openai.send("POST", "/v1/responses", alice,
                OpenAiHttp.body(Map.of("input", "weather?")));
        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
    }

    @Test
    void aFallbackNeverGoesToAPathThatRefusesOneOfTheTurnsParameters() throws Exception {
        Map<String, Object> body = request(false, msg("user", "[[runtime fail=http_503]] hi"));
        body.put("logprobs", true);
        HttpResponse<String> failed = openai.complete(alice, body);   // legacy fails before its first event
        assertThat(failed.statusCode()).as(failed.body()).isGreaterThanOrEqualTo(500);
        assertThat(OpenAiHttp.json(failed.body()).at("/error/code").asText()).isNotBlank();
        assertThat(failed.headers().firstValue("x-gateway-path")).hasValue("legacy");
        assertThat(failed.headers().firstValue("x-gateway-fallback-from")).isEmpty();
        String requestId = failed.headers().firstValue("x-gateway-request-id").orElseThrow();
        awaitUsageRecord(requestId);
        assertThat(jdbc.queryForList("SELECT path, status, fell_back FROM usage_records WHERE request_id = ?",
                java.util.UUID.fromString(requestId))).singleElement().satisfies(row -> {
                    assertThat(row.get("path")).isEqualTo("legacy");
                    assertThat(row.get("status")).isEqualTo("failed");
                    assertThat(row.get("fell_back")).isEqualTo(false);
                });

        body.remove("logprobs");   // the same failure without the parameter falls back to the direct LLM
        HttpResponse<String> answered = openai.complete(alice, body);
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        assertThat(answered.headers().firstValue("x-gateway-path")).hasValue("direct_llm");
        assertThat(answered.headers().firstValue("x-gateway-fallback-from")).hasValue("legacy");

        HttpResponse<String> streamed = openai.send("POST", "/v1/responses", alice, OpenAiHttp.body(Map.of(
                "input", "[[runtime fail=http_503]] hi", "stream", true, "temperature", 0.5)));
        assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(200);   // no refused parameter: falls back
        assertThat(streamed.headers().firstValue("x-gateway-fallback-from")).hasValue("legacy");
    }
}
