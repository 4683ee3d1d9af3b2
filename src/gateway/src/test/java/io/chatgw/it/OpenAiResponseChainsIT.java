package io.chatgw.it;

import static io.chatgw.it.ResponsesItems.ARGUMENTS;
import static io.chatgw.it.ResponsesItems.output;
import static io.chatgw.it.ResponsesItems.text;
import static io.chatgw.it.ResponsesItems.tool;
import static io.chatgw.it.ResponsesItems.withTools;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponseTextConfig;
import com.openai.models.responses.ToolChoiceFunction;
import io.chatgw.support.OpenAiHttp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A {@code previous_response_id} chain carries items, as OpenAI's does, with the official Java SDK on every path: an
 * agent's tool loop (call a tool, send only its output with previous_response_id, the LLM sees the call and its
 * output), the stand-in LLM's {@code [[standin echo_messages]]} showing what it received; and
 * {@code GET /v1/responses/{id}} returns the request's settings as they were sent.
 */
class OpenAiResponseChainsIT extends OpenAiTestBase {

    private static final String ASK = "[[standin tool_call=get_weather]] [[standin echo_messages]] weather in Oslo?";

    private static UUID requestId(Response response) {
        return UUID.fromString(response.id().substring("resp_".length())
                .replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5"));
    }

    /** Each response's turn and usage record are written (in PostgreSQL, no longer only in memory). */
    private void awaitStored(Response... responses) throws InterruptedException {
        for (Response response : responses) {
            await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                    "SELECT count(*) FROM conversation_turns WHERE request_id = ?", Integer.class,
                    requestId(response)) == 1);
            awaitUsageRecord(requestId(response).toString());
        }
    }

    private static List<String> roles(JsonNode messages) {
        return java.util.stream.StreamSupport.stream(messages.spliterator(), false).map(m -> m.get("role").asText())
                .toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct_llm", "legacy", "new"})
    void aToolLoopOverPreviousResponseIdSendsTheCallAndItsOutputToTheLlmOnEachPath(String path) throws Exception {
        OpenAIClient sdk = sdkClient(callerOn(path));
        var raw = sdk.responses().withRawResponse().create(withTools().instructions("first only").input(ASK).build());
        assertThat(raw.headers().values("x-gateway-path")).containsExactly(path);
        Response called = raw.parse();
        ResponseFunctionToolCall call = called.output().get(0).functionCall().orElseThrow();
        assertThat(call.name()).isEqualTo("get_weather");

        // step 2 at once (the first turn may not be written yet): only the tool's output, as an agent loop sends it
        Response answered = sdk.responses().create(withTools().previousResponseId(called.id())
                .instructions("be brief").inputOfResponse(List.of(output(call.callId(), "12 degrees, rain"))).build());
        answered.validate();
        assertThat(answered.status()).hasValue(ResponseStatus.COMPLETED);
        assertThat(answered.previousResponseId()).hasValue(called.id());
        assertThat(answered.output()).noneMatch(o -> o.isFunctionCall());
        JsonNode received = OpenAiHttp.json(text(answered));
        assertThat(roles(received)).containsExactly("system", "user", "assistant", "tool");
        assertThat(received.get(0).get("content").asText()).isEqualTo("be brief"); // the first's instructions are not
        assertThat(received.get(1).get("content").asText()).isEqualTo(ASK);
        JsonNode calls = received.get(2).get("tool_calls");
        assertThat(received.get(2).path("content").isNull() || received.get(2).path("content").isMissingNode()).isTrue();
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).get("id").asText()).isEqualTo(call.callId());
        assertThat(calls.get(0).at("/function/name").asText()).isEqualTo("get_weather");
        assertThat(calls.get(0).at("/function/arguments").asText()).isEqualTo(ARGUMENTS);
        assertThat(received.get(3).get("tool_call_id").asText()).isEqualTo(call.callId());
        assertThat(received.get(3).get("content").asText()).isEqualTo("12 degrees, rain");

        // step 3 once both are in PostgreSQL: the whole chain, read from the store
        awaitStored(called, answered);
        Response next = sdk.responses().create(withTools().previousResponseId(answered.id())
                .input("[[standin echo_messages]] and tomorrow?").build());
        JsonNode chain = OpenAiHttp.json(text(next));
        assertThat(roles(chain)).containsExactly("user", "assistant", "tool", "assistant", "user");
        assertThat(chain.get(2).get("content").asText()).isEqualTo("12 degrees, rain");
        assertThat(chain.get(3).get("content").asText()).isEqualTo(text(answered));
        assertThat(chain.get(1).get("tool_calls").get(0).get("id").asText()).isEqualTo(call.callId());

        // the store keeps each response's own input: the second's had no user message of its own
        Map<String, Object> row = jdbc.queryForMap("SELECT user_message, input::text AS input FROM conversation_turns "
                + "WHERE request_id = ?", requestId(answered));
        assertThat(row.get("user_message")).isEqualTo("");
        assertThat(roles(OpenAiHttp.json((String) row.get("input")))).containsExactly("tool");
    }

    @Test
    void theSecondStepOfAToolLoopStreamsItsAnswerAndTheSdkAccumulatesIt() {
        OpenAIClient sdk = sdkClient(carol);
        Response called = sdk.responses().create(withTools()
                .input("[[standin tool_call=get_weather]] weather in Oslo?").build());
        String callId = called.output().get(0).functionCall().orElseThrow().callId();
        ResponseAccumulator accumulator = ResponseAccumulator.create();
        try (StreamResponse<ResponseStreamEvent> stream = sdk.responses().createStreaming(withTools()
                .previousResponseId(called.id()).inputOfResponse(List.of(output(callId, "12 degrees"))).build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        Response answer = accumulator.response();
        assertThat(answer.status()).hasValue(ResponseStatus.COMPLETED);
        assertThat(text(answer)).startsWith("Stand-in reply to \"weather in Oslo?\" with tool results \"12 degrees\":");
    }

    @Test
    void continuingAResponseWithoutTheOutputsOfItsFunctionCallsIsRefused() {
        OpenAIClient sdk = sdkClient(carol);
        Response called = sdk.responses().create(withTools()
                .input("[[standin tool_call=get_weather,get_time]] weather and time?").build());
        String first = called.output().get(0).functionCall().orElseThrow().callId();
        String second = called.output().get(1).functionCall().orElseThrow().callId();
        assertThatThrownBy(() -> sdk.responses().create(withTools().previousResponseId(called.id())
                .input("never mind").build())).isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.code()).hasValue("invalid_value");
                    assertThat(e.param()).hasValue("input");
                    assertThat(e.getMessage()).contains(first);
                });
        assertThatThrownBy(() -> sdk.responses().create(withTools().previousResponseId(called.id())
                .inputOfResponse(List.of(output(first, "rain"))).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage()).contains(second));
        // both answered: the loop goes on
        Response answer = sdk.responses().create(withTools().previousResponseId(called.id())
                .inputOfResponse(List.of(output(first, "rain"), output(second, "noon"))).build());
        assertThat(text(answer)).contains("with tool results \"rain\", \"noon\"");
    }

    @Test
    void aStoredResponseIsRetrievedWithTheSettingsItWasCreatedWith() throws Exception {
        OpenAIClient sdk = sdkClient(carol);
        Response first = sdk.responses().create(ResponseCreateParams.builder().model("chat-gateway").input("hi").build());
        Response created = sdk.responses().create(ResponseCreateParams.builder().model("chat-gateway")
                .addTool(tool("get_weather")).addTool(tool("get_time"))
                .toolChoice(ToolChoiceFunction.builder().name("get_time").build()).parallelToolCalls(false)
                .instructions("answer in French").temperature(0.3).topP(0.9).maxOutputTokens(64L)
                .text(ResponseTextConfig.builder().format(ResponseFormatJsonObject.builder().build()).build())
                .metadata(ResponseCreateParams.Metadata.builder().putAdditionalProperty("ticket", JsonValue.from("T-7"))
                        .build())
                .truncation(ResponseCreateParams.Truncation.AUTO).user("end-user-7")
                .previousResponseId(first.id()).input("what time is it?").build());
        awaitStored(created);
        Response got = sdk.responses().retrieve(created.id());
        got.validate();
        assertThat(got.instructions().orElseThrow().asString()).isEqualTo("answer in French");
        assertThat(got.temperature()).hasValue(0.3);
        assertThat(got.topP()).hasValue(0.9);
        assertThat(got.maxOutputTokens()).hasValue(64L);
        assertThat(got.parallelToolCalls()).isFalse();
        assertThat(got.toolChoice().asFunction().name()).isEqualTo("get_time");
        assertThat(got.tools()).extracting(t -> t.asFunction().name()).containsExactly("get_weather", "get_time");
        assertThat(got.tools().get(0).asFunction().parameters()).isEqualTo(created.tools().get(0).asFunction()
                .parameters());
        assertThat(got.tools().get(0).asFunction().description()).hasValue("a test tool");
        assertThat(got.text().orElseThrow().format().orElseThrow().isJsonObject()).isTrue();
        assertThat(got.metadata().orElseThrow()._additionalProperties()).containsEntry("ticket", JsonValue.from("T-7"));
        assertThat(got.truncation()).hasValue(Response.Truncation.AUTO);
        assertThat(got.user()).hasValue("end-user-7");
        assertThat(got.previousResponseId()).hasValue(first.id());
        // and every one as the create call answered it
        JsonNode sent = JsonValue.from(created).convert(JsonNode.class);
        JsonNode read = JsonValue.from(got).convert(JsonNode.class);
        for (String field : List.of("instructions", "temperature", "top_p", "max_output_tokens", "parallel_tool_calls",
                "tool_choice", "tools", "text", "metadata", "truncation", "user", "previous_response_id", "store",
                "output", "status", "model")) {
            assertThat(read.get(field)).as(field).isEqualTo(sent.get(field));
        }

        // a response without settings shows OpenAI's defaults
        Response plain = sdk.responses().retrieve(first.id());
        assertThat(plain.instructions()).isEmpty();
        assertThat(plain.temperature()).hasValue(1.0);
        assertThat(plain.tools()).isEmpty();
        assertThat(plain.toolChoice().asOptions().asString()).isEqualTo("auto");
        assertThat(plain.parallelToolCalls()).isTrue();
    }
}
