package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.chatgw.support.OpenAiHttp;
import io.chatgw.support.OpenAiHttp.Streamed;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The OpenAI parameters reach the LLM on every path (the stand-in echoes what it received with
 * [[standin echo_params]]) and take effect (max_tokens -> finish_reason length, response_format json_schema).
 */
class OpenAiParametersIT extends OpenAiTestBase {

    private String tokenOn(String path) {
        return switch (path) {
            case "legacy" -> alice;
            case "direct_llm" -> carol;
            default -> tokenFor("u-bob", "org-acme"); // new: the reference plane
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct_llm", "legacy", "new"})
    void everyParameterReachesTheLlmOnEachPath(String path) throws Exception {
        Map<String, Object> body = request(false, msg("user", "[[standin echo_params]] what did you get"));
        body.put("max_tokens", 50);
        body.put("max_completion_tokens", 40);
        body.put("temperature", 0.25);
        body.put("top_p", 0.5);
        body.put("seed", 7);
        body.put("stop", List.of("zzz"));
        body.put("presence_penalty", 0.5);
        body.put("frequency_penalty", -0.5);
        body.put("logprobs", true);
        body.put("top_logprobs", 2);
        body.put("user", "end-user-params");
        body.put("response_format", Map.of("type", "json_object"));

        HttpResponse<String> r = openai.complete(tokenOn(path), body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-gateway-path")).hasValue(path);
        JsonNode received = OpenAiHttp.json(OpenAiHttp.json(r.body()).at("/choices/0/message/content").asText());
        assertThat(received.get("max_tokens").asInt()).isEqualTo(50);
        assertThat(received.get("max_completion_tokens").asInt()).isEqualTo(40);
        assertThat(received.get("temperature").asDouble()).isEqualTo(0.25);
        assertThat(received.get("top_p").asDouble()).isEqualTo(0.5);
        assertThat(received.get("seed").asInt()).isEqualTo(7);
        assertThat(received.get("stop").get(0).asText()).isEqualTo("zzz");
        assertThat(received.get("presence_penalty").asDouble()).isEqualTo(0.5);
        assertThat(received.get("frequency_penalty").asDouble()).isEqualTo(-0.5);
        assertThat(received.get("logprobs").asBoolean()).isTrue();
        assertThat(received.get("top_logprobs").asInt()).isEqualTo(2);
        assertThat(received.get("user").asText()).isEqualTo("end-user-params");
        assertThat(received.at("/response_format/type").asText()).isEqualTo("json_object");
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct_llm", "legacy", "new"})
    void maxTokensCutsTheAnswerAndSaysLengthOnEachPath(String path) throws Exception {
        Map<String, Object> body = request(false, msg("user", "[[standin chunks=10]] count"));
        body.put("max_tokens", 3);
        HttpResponse<String> r = openai.complete(tokenOn(path), body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode completion = OpenAiHttp.json(r.body());
        assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(completion.at("/usage/completion_tokens").asInt()).isEqualTo(3);

        Map<String, Object> streamed = request(true, msg("user", "[[standin chunks=10]] count"));
        streamed.put("max_completion_tokens", 2);
        Streamed s = openai.stream(tokenOn(path), streamed, Map.of());
        assertThat(s.status()).isEqualTo(200);
        assertThat(s.chunks().stream().map(c -> c.at("/choices/0/finish_reason").asText(""))
                .filter(f -> !f.isEmpty()).toList()).containsExactly("length");
    }

    @Test
    void aJsonSchemaResponseFormatGetsAnObjectWithTheSchemasRequiredFields() throws Exception {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", Map.of("city", Map.of("type", "string"), "population", Map.of("type", "integer")));
        schema.put("required", List.of("city", "population"));
        Map<String, Object> body = request(false, msg("user", "a city please"));
        body.put("response_format", Map.of("type", "json_schema",
                "json_schema", Map.of("name", "city", "strict", true, "schema", schema)));
        HttpResponse<String> r = openai.complete(carol, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode content = OpenAiHttp.json(OpenAiHttp.json(r.body()).at("/choices/0/message/content").asText());
        assertThat(content.get("city").isTextual()).isTrue();
        assertThat(content.get("population").isInt()).isTrue();
    }

    @Test
    void badParametersAreA400NamingThem() throws Exception {
        for (Map.Entry<String, Object> bad : Map.<String, Object>of("temperature", 3, "top_p", -0.1,
                "max_tokens", 0, "top_logprobs", 2, "response_format", Map.of("type", "yaml"),
                "stop", List.of("a", "b", "c", "d", "e")).entrySet()) {
            Map<String, Object> body = request(false, msg("user", "hi"));
            body.put(bad.getKey(), bad.getValue());
            HttpResponse<String> r = openai.complete(carol, body);
            assertThat(r.statusCode()).as(bad.getKey()).isEqualTo(400);
            assertThat(OpenAiHttp.json(r.body()).at("/error/param").asText()).isEqualTo(bad.getKey());
        }
    }

    @Test
    void theOfficialSdkSeesLengthAndARateLimitWithItsRequestId() {
        OpenAIClient sdk = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey(carol)
                .maxRetries(0).timeout(Duration.ofSeconds(30)).build();
        ChatCompletion cut = sdk.chat().completions().create(ChatCompletionCreateParams.builder().model("chat-gateway")
                .addUserMessage("[[standin chunks=10]] count").maxCompletionTokens(4).seed(1).temperature(0.0).build());
        assertThat(cut.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);

        assertThatThrownBy(() -> sdk.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("chat-gateway").addUserMessage("[[standin fail=http_429]] hi").build()))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(429);
                    assertThat(e.headers().values("retry-after")).containsExactly("1");
                    assertThat(e.headers().values("x-request-id")).hasSize(1);
                    assertThat(e.code()).hasValue("rate_limit_exceeded");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct_llm", "legacy", "new"})
    void logprobsComeBackInOpenAisShapeStreamedAndNotOnEachPath(String path) {
        OpenAIClient sdk = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey(tokenOn(path))
                .maxRetries(0).timeout(Duration.ofSeconds(30)).build();
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("chat-gateway")
                .addUserMessage("[[standin chunks=4]] count").logprobs(true).topLogprobs(2).build();

        ChatCompletion completion = sdk.chat().completions().create(params);
        completion.validate();
        var content = completion.choices().get(0).logprobs().orElseThrow().content().orElseThrow();
        assertThat(content).hasSize(4); // one entry per token (the stand-in's piece)
        assertThat(content.stream().map(t -> t.token()).reduce("", String::concat))
                .isEqualTo(completion.choices().get(0).message().content().orElseThrow());
        assertThat(content).allSatisfy(t -> {
            assertThat(t.logprob()).isEqualTo(0.0);
            assertThat(t.topLogprobs()).hasSize(2);
        });

        List<String> streamedTokens = new java.util.ArrayList<>();
        StringBuilder streamedText = new StringBuilder();
        try (var stream = sdk.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> {
                c.delta().content().ifPresent(streamedText::append);
                c.logprobs().flatMap(l -> l.content()).ifPresent(l -> l.forEach(t -> streamedTokens.add(t.token())));
            }));
        }
        assertThat(streamedTokens).hasSize(4);
        assertThat(String.join("", streamedTokens)).isEqualTo(streamedText.toString());

        ChatCompletion without = sdk.chat().completions().create(params.toBuilder().logprobs(false)
                .topLogprobs(java.util.Optional.empty()).build());
        assertThat(without.choices().get(0).logprobs()).isEmpty();
        sdk.close();
    }
}
