package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.http.OpenAiApi;
import io.chatgw.support.OpenAiHttp;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The OpenAI-compatible endpoint falls back like the chat API: the client sees one answer, the path that answered
 * in x-gateway-path and the one that failed in x-gateway-fallback-from.
 */
class OpenAiFallbackIT extends OpenAiTestBase {

    @Test
    void aStreamedCompletionOfALegacyUserWhoseRuntimeFailsIsAnsweredByTheDirectLlm() throws Exception {
        OpenAiHttp.Streamed answer = openai.stream(alice, request(true, msg("user", "[[runtime fail=http_503]] hi")), Map.of());

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header(OpenAiApi.PATH_HEADER)).isEqualTo("direct_llm");
        assertThat(answer.header(OpenAiApi.FALLBACK_FROM_HEADER)).isEqualTo("legacy");
        assertThat(answer.content()).isNotBlank();
        assertThat(answer.data().get(answer.data().size() - 1)).isEqualTo("[DONE]");
        assertThat(answer.chunks()).noneMatch(c -> c.has("error"));
        assertThat(answer.chunks()).filteredOn(c -> c.at("/choices/0/finish_reason").isTextual()).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[[runtime fail=http_503]]", "[[runtime fail=http_429]]", "[[runtime fail=not_sse]]",
            "[[runtime first_event_delay_ms=10000]]"})
    void everyFailureBeforeTheFirstEventIsOneStreamedAnswerFromTheFallback(String fault) throws Exception {
        OpenAiHttp.Streamed answer = openai.stream(alice, request(true, msg("user", fault + " hi")), Map.of());

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header(OpenAiApi.PATH_HEADER)).isEqualTo("direct_llm");
        assertThat(answer.header(OpenAiApi.FALLBACK_FROM_HEADER)).isEqualTo("legacy");
        assertThat(answer.chunks().get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(answer.content()).startsWith("Stand-in reply");
        assertThat(answer.data()).last().isEqualTo("[DONE]");
    }

    @Test
    void aCompletionOfALegacyUserWhoseRuntimeFailsIsAnsweredByTheDirectLlm() throws Exception {
        HttpResponse<String> r = openai.complete(alice, request(false, msg("user", "[[runtime fail=http_503]] hi")));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue(OpenAiApi.PATH_HEADER)).contains("direct_llm");
        assertThat(r.headers().firstValue(OpenAiApi.FALLBACK_FROM_HEADER)).contains("legacy");
        assertThat(OpenAiHttp.json(r.body()).at("/choices/0/message/content").asText()).isNotBlank();
    }

    @Test
    void aCompletionThatDidNotFallBackHasNoFallbackHeader() throws Exception {
        HttpResponse<String> r = openai.complete(alice, request(false, msg("user", "hi")));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue(OpenAiApi.PATH_HEADER)).contains("legacy");
        assertThat(r.headers().firstValue(OpenAiApi.FALLBACK_FROM_HEADER)).isEmpty();
    }
}
