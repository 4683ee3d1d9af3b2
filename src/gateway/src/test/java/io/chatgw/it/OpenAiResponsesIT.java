package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import io.chatgw.support.OpenAiHttp;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code POST /v1/responses} with the official OpenAI Java SDK, unmodified (only the base URL and the key differ
 * from talking to OpenAI): one completed message, streamed as the SDK's typed events and not, chains continued
 * with {@code previous_response_id} on every path, and errors as the SDK's exceptions.
 */
class OpenAiResponsesIT extends OpenAiTestBase {

    private static final String EXPECTED = "Stand-in reply to \"count\": token-1 token-2 token-3 token-4";

    private OpenAIClient sdk;   // u-carol with an API key: direct_llm

    @BeforeEach
    void issueKey() throws Exception {
        String admin = tokenFor("u-admin", "org-acme", "admin");
        var created = openai.send("POST", "/api/v1/admin/api-keys", admin,
                OpenAiHttp.body(Map.of("user_id", "u-carol", "name", "responses test")));
        assertThat(created.statusCode()).isEqualTo(201);
        sdk = client(OpenAiHttp.json(created.body()).get("key").asText());
    }

    @AfterEach
    void closeSdk() {
        sdk.close();
    }

    private OpenAIClient client(String key) {
        return OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey(key)
                .maxRetries(0).timeout(Duration.ofSeconds(30)).build();
    }

    private static ResponseCreateParams.Builder params(String input) {
        return ResponseCreateParams.builder().model("chat-gateway").input(input);
    }

    private static String text(Response response) {
        return response.output().get(0).asMessage().content().get(0).asOutputText().text();
    }

    @Test
    void aNonStreamedResponseIsOneCompletedMessageWithUsageAndTheTurnsRequestId() throws Exception {
        HttpResponseFor<Response> raw = sdk.responses().withRawResponse().create(params("[[standin chunks=5]] count")
                .instructions("be brief").build());

        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.headers().values("x-gateway-path")).containsExactly("direct_llm");
        Response response = raw.parse();
        response.validate();   // every field the SDK's model requires is there, with the right type
        String requestId = raw.headers().values("x-request-id").get(0);
        assertThat(response.id()).isEqualTo("resp_" + requestId.replace("-", ""));
        assertThat(response.status()).hasValue(ResponseStatus.COMPLETED);
        assertThat(response.instructions()).isPresent();
        assertThat(response.model().asString()).isEqualTo("standin-1");
        assertThat(text(response)).isEqualTo(EXPECTED);
        assertThat(response.usage()).hasValueSatisfying(u -> {
            assertThat(u.outputTokens()).isEqualTo(5);
            assertThat(u.totalTokens()).isEqualTo(u.inputTokens() + 5);
        });
        Map<String, Object> usage = awaitUsageRecord(requestId);
        assertThat(((Number) usage.get("tokens_out")).intValue()).isEqualTo(5);
        assertThat(usage.get("path")).isEqualTo("direct_llm");
    }

    @Test
    void aStreamedResponseSendsTheTypedEventsInOrderAndTheSdkAccumulatesThem() {
        List<String> types = new ArrayList<>();
        List<Long> sequence = new ArrayList<>();
        StringBuilder deltas = new StringBuilder();
        ResponseAccumulator accumulator = ResponseAccumulator.create();
        try (StreamResponse<ResponseStreamEvent> stream = sdk.responses().createStreaming(
                params("[[standin chunks=5 delay_ms=1]] count").build())) {
            stream.stream().forEach(event -> {
                event.validate();
                accumulator.accumulate(event);
                JsonNode json = JsonValue.from(event).convert(JsonNode.class);
                types.add(json.get("type").asText());
                sequence.add(json.get("sequence_number").asLong());
                event.outputTextDelta().ifPresent(d -> deltas.append(d.delta()));
            });
        }

        assertThat(types).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.output_text.delta", "response.output_text.delta",
                "response.output_text.delta", "response.output_text.delta", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.completed");
        assertThat(sequence).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
        assertThat(deltas.toString()).isEqualTo(EXPECTED);
        Response assembled = accumulator.response();
        assertThat(assembled.status()).hasValue(ResponseStatus.COMPLETED);
        assertThat(text(assembled)).isEqualTo(EXPECTED);
        assertThat(assembled.usage()).hasValueSatisfying(u -> assertThat(u.outputTokens()).isEqualTo(5));
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct_llm", "legacy", "new"})
    void previousResponseIdSendsTheWholeChainButNotTheEarlierInstructionsOnEachPath(String path) throws Exception {
        String token = switch (path) {
            case "legacy" -> alice;
            case "direct_llm" -> carol;
            default -> tokenFor("u-bob", "org-acme");
        };
        OpenAIClient user = client(token);
        // the first input has a developer message before the user's: the chain keeps it with that turn
        Map<String, Object> body = Map.of("model", "chat-gateway", "instructions", "only for the first",
                "input", List.of(Map.of("role", "developer", "content", "answer in English"),
                        Map.of("role", "user", "content", List.of(Map.of("type", "input_text",
                                "text", "what is the capital of France")))));
        HttpResponse<String> first = openai.send("POST", "/v1/responses", token, OpenAiHttp.body(body));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonNode r1 = OpenAiHttp.json(first.body());
        String answer1 = r1.at("/output/0/content/0/text").asText();
        assertThat(r1.get("store").asBoolean()).isTrue();

        // continued at once: the first turn may not be written yet
        Response second = user.responses().create(params("and of Spain").previousResponseId(r1.get("id").asText())
                .build());
        assertThat(second.previousResponseId()).hasValue(r1.get("id").asText());
        Response third = user.responses().create(params("[[standin echo_messages]] and of Italy")
                .previousResponseId(second.id()).build());
        JsonNode received = OpenAiHttp.json(text(third));
        assertThat(roles(received)).containsExactly("system", "user", "assistant", "user", "assistant", "user");
        assertThat(received.get(0).get("content").asText()).isEqualTo("answer in English");
        assertThat(received.get(1).get("content").asText()).isEqualTo("what is the capital of France");
        assertThat(received.get(2).get("content").asText()).isEqualTo(answer1);
        assertThat(received.get(3).get("content").asText()).isEqualTo("and of Spain");
        assertThat(received.get(4).get("content").asText()).isEqualTo(text(second));
        assertThat(received.get(5).get("content").asText()).isEqualTo("[[standin echo_messages]] and of Italy");

        // a fork of the first response, once it is in PostgreSQL: its own chain only
        UUID firstTurn = UUID.fromString(first.headers().firstValue("x-request-id").orElseThrow());
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM conversation_turns WHERE request_id = ?", Integer.class, firstTurn) == 1);
        Response fork = user.responses().create(params("[[standin echo_messages]] and of Peru")
                .previousResponseId(r1.get("id").asText()).build());
        assertThat(roles(OpenAiHttp.json(text(fork)))).containsExactly("system", "user", "assistant", "user");
        user.close();
    }

    @Test
    void aResponseThatWasNotStoredOrIsSomeoneElsesCannotBeContinued() {
        Response unstored = sdk.responses().create(params("hello").store(false).build());
        assertThatThrownBy(() -> sdk.responses().create(params("again").previousResponseId(unstored.id()).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.code()).hasValue("previous_response_not_found");
                    assertThat(e.param()).hasValue("previous_response_id");
                });
        Response carols = sdk.responses().create(params("mine").build());
        OpenAIClient bob = client(tokenFor("u-bob", "org-acme"));
        assertThatThrownBy(() -> bob.responses().create(params("hers?").previousResponseId(carols.id()).build()))
                .isInstanceOfSatisfying(BadRequestException.class,
                        e -> assertThat(e.code()).hasValue("previous_response_not_found"));
        assertThatThrownBy(() -> sdk.responses().create(params("x").previousResponseId("resp_nothex").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.code()).hasValue("invalid_value"));
        bob.close();
    }

    @Test
    void maxOutputTokensReachesTheLlmAndAnAnswerCutThereIsIncomplete() {
        Response cut = sdk.responses().create(params("[[standin chunks=20]] count").maxOutputTokens(3L).build());
        assertThat(cut.status()).hasValue(ResponseStatus.INCOMPLETE);
        assertThat(cut.incompleteDetails()).hasValueSatisfying(d ->
                assertThat(d.reason().orElseThrow().asString()).isEqualTo("max_output_tokens"));
        assertThat(cut.usage().orElseThrow().outputTokens()).isEqualTo(3);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            Response stored = sdk.responses().retrieve(cut.id()); // as the create call said, once it is stored
            assertThat(stored.status()).hasValue(ResponseStatus.INCOMPLETE);
            assertThat(stored.incompleteDetails()).hasValueSatisfying(d ->
                    assertThat(d.reason().orElseThrow().asString()).isEqualTo("max_output_tokens"));
        });

        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = sdk.responses().createStreaming(
                params("[[standin chunks=20]] count").maxOutputTokens(3L).build())) {
            stream.stream().forEach(events::add);
        }
        assertThat(events.get(events.size() - 1).isIncomplete()).isTrue();

        Response echoed = sdk.responses().create(params("[[standin echo_params]] what did you get")
                .temperature(0.25).topP(0.5).maxOutputTokens(400L).user("end-user-resp").build());
        JsonNode received = OpenAiHttp.json(text(echoed));
        assertThat(received.get("max_tokens").asInt()).isEqualTo(400);
        assertThat(received.get("temperature").asDouble()).isEqualTo(0.25);
        assertThat(received.get("top_p").asDouble()).isEqualTo(0.5);
        assertThat(received.get("user").asText()).isEqualTo("end-user-resp");
        assertThat(echoed.temperature()).hasValue(0.25);
    }

    @Test
    void aJsonSchemaTextFormatGivesJsonWithTheSchemasRequiredFields() throws Exception {
        Map<String, Object> schema = Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string"),
                "population", Map.of("type", "integer")), "required", List.of("city", "population"));
        HttpResponse<String> r = openai.send("POST", "/v1/responses", carol, OpenAiHttp.body(Map.of("model",
                "chat-gateway", "input", "a city please", "text", Map.of("format", Map.of("type", "json_schema",
                        "name", "city", "strict", true, "schema", schema)))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode content = OpenAiHttp.json(OpenAiHttp.json(r.body()).at("/output/0/content/0/text").asText());
        assertThat(content.get("city").isTextual()).isTrue();
        assertThat(content.get("population").isInt()).isTrue();
        assertThat(OpenAiHttp.json(r.body()).at("/text/format/type").asText()).isEqualTo("json_schema");
    }

    @Test
    void errorsBeforeTheAnswerAreTheSdksExceptionsAndAfterItAFailedResponse() {
        assertThatThrownBy(() -> client("sk-gw-" + "C".repeat(43)).responses().create(params("hi").build()))
                .isInstanceOfSatisfying(UnauthorizedException.class, e -> assertThat(e.code()).hasValue("invalid_api_key"));
        assertThatThrownBy(() -> sdk.responses().create(params("hi")
                .putAdditionalBodyProperty("frobnicate", JsonValue.from(1)).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.code()).hasValue("unknown_parameter");
                    assertThat(e.param()).hasValue("frobnicate");
                });
        assertThatThrownBy(() -> sdk.responses().create(params("hi").putAdditionalBodyProperty("tools",
                JsonValue.from(List.of(Map.of("type", "web_search")))).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.code()).hasValue("unsupported_value");
                    assertThat(e.param()).hasValue("tools[0].type");
                });
        assertThatThrownBy(() -> sdk.responses().create(params("hi").model("no-such-model").build()))
                .isInstanceOfSatisfying(com.openai.errors.NotFoundException.class,
                        e -> assertThat(e.code()).hasValue("model_not_found"));
        assertThatThrownBy(() -> sdk.responses().create(params("[[standin fail=http_500]] hi").build()))
                .isInstanceOfSatisfying(InternalServerException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(502);
                    assertThat(e.code()).hasValue("upstream_error");
                });
        assertThatThrownBy(() -> {
            try (StreamResponse<ResponseStreamEvent> s = sdk.responses().createStreaming(
                    params("[[standin fail=http_429]] hi").build())) {
                s.stream().forEach(e -> { });
            }
        }).isInstanceOfSatisfying(RateLimitException.class, e -> {
            assertThat(e.code()).hasValue("rate_limit_exceeded");
            assertThat(e.headers().values("retry-after")).isNotEmpty();
        });

        // after the first delta: the stream ends with response.failed carrying the turn's error
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> s = sdk.responses().createStreaming(
                params("[[standin chunks=10 fail=mid_stream_after_3]] hi").build())) {
            s.stream().forEach(events::add);
        }
        ResponseStreamEvent last = events.get(events.size() - 1);
        assertThat(last.isFailed()).as(events.toString()).isTrue();
        Response failed = last.asFailed().response();
        assertThat(failed.status()).hasValue(ResponseStatus.FAILED);
        assertThat(failed.error().orElseThrow().code().asString()).isEqualTo("upstream_disconnected");
        assertThat(events.stream().filter(ResponseStreamEvent::isOutputTextDelta).count()).isEqualTo(3);
    }

    private static List<String> roles(JsonNode messages) {
        List<String> roles = new ArrayList<>();
        messages.forEach(m -> roles.add(m.get("role").asText()));
        return roles;
    }
}
