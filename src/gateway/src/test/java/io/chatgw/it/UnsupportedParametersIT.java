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
 * on both OpenAI endpoints, and nothing reaches the runtime; the same request on another path is answered.
 */
@TestPropertySource(properties = "gateway.openai.unsupported-parameters.legacy=prefill,seed")
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
}
