package io.chatgw.it;

import static io.chatgw.it.ResponsesItems.ARGUMENTS;
import static io.chatgw.it.ResponsesItems.output;
import static io.chatgw.it.ResponsesItems.reference;
import static io.chatgw.it.ResponsesItems.text;
import static io.chatgw.it.ResponsesItems.user;
import static io.chatgw.it.ResponsesItems.withTools;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import io.chatgw.support.OpenAiHttp;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Function tools on {@code POST /v1/responses} with the official OpenAI Java SDK, on every path: the tools reach the
 * LLM (the stand-in calls one when the message says [[standin tool_call=...]], its arguments made from the tool's
 * parameters schema), its calls come back as
 * {@code function_call} items (streamed as their own items), the client's {@code function_call_output} goes back in
 * for the final answer, {@code item_reference} names a stored response's items, and
 * {@code GET /v1/responses/{id}} returns a stored response to its owner only.
 */
class OpenAiResponsesToolsIT extends OpenAiTestBase {

    @ParameterizedTest
    @ValueSource(strings = {"direct_llm", "legacy", "new"})
    void aFunctionCallIsTheResponsesOnlyOutputItemAndItsOutputGoesBackForTheAnswerOnEachPath(String path) {
        OpenAIClient sdk = sdkClient(callerOn(path));
        var raw = sdk.responses().withRawResponse().create(withTools()
                .input("[[standin tool_call=get_weather]] weather in Oslo?").build());
        assertThat(raw.headers().values("x-gateway-path")).containsExactly(path);
        Response first = raw.parse();
        first.validate();
        assertThat(first.status()).hasValue(ResponseStatus.COMPLETED);
        assertThat(first.output()).hasSize(1);
        ResponseFunctionToolCall call = first.output().get(0).functionCall().orElseThrow();
        assertThat(call.callId()).isEqualTo("call_standin_1");
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.arguments()).isEqualTo(ARGUMENTS);
        assertThat(call.id()).hasValue(first.id().replace("resp_", "fc_") + "_0");
        assertThat(first.tools()).hasSize(2);

        Response answer = sdk.responses().create(withTools().inputOfResponse(List.of(
                user("weather in Oslo?"), ResponseInputItem.ofFunctionCall(call),
                output(call.callId(), "12 degrees, rain"))).build());
        assertThat(answer.status()).hasValue(ResponseStatus.COMPLETED);
        assertThat(text(answer)).startsWith("Stand-in reply to \"weather in Oslo?\" with tool results "
                + "\"12 degrees, rain\":");
    }

    @Test
    void streamedFunctionCallsAreTheirOwnItemsAndTheSdkAccumulatesThem() {
        List<String> types = new ArrayList<>();
        List<Long> sequence = new ArrayList<>();
        ResponseAccumulator accumulator = ResponseAccumulator.create();
        OpenAIClient sdk = sdkClient(carol);
        try (StreamResponse<ResponseStreamEvent> stream = sdk.responses().createStreaming(
                withTools().input("[[standin tool_call=get_weather,get_time]] weather and time?").build())) {
            stream.stream().forEach(event -> {
                event.validate();
                accumulator.accumulate(event);
                JsonNode json = JsonValue.from(event).convert(JsonNode.class);
                types.add(json.get("type").asText());
                sequence.add(json.get("sequence_number").asLong());
            });
        }
        List<String> oneCall = List.of("response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done");
        List<String> expected = new ArrayList<>(List.of("response.created", "response.in_progress"));
        expected.addAll(oneCall);
        expected.addAll(oneCall);
        expected.add("response.completed");
        assertThat(types).containsExactlyElementsOf(expected);
        assertThat(sequence).hasSize(expected.size()).isSorted().doesNotHaveDuplicates();
        Response response = accumulator.response();
        assertThat(response.output()).extracting(o -> o.functionCall().orElseThrow().name())
                .containsExactly("get_weather", "get_time");
        assertThat(response.output()).extracting(o -> o.functionCall().orElseThrow().arguments())
                .containsOnly(ARGUMENTS);
    }

    @Test
    void itemReferencesNameAStoredResponsesMessageAndFunctionCall() throws Exception {
        OpenAIClient sdk = sdkClient(carol);
        Response hello = sdk.responses().create(ResponseCreateParams.builder().model("chat-gateway").input("hi").build());
        Response called = sdk.responses().create(withTools()
                .input("[[standin tool_call=get_weather]] weather in Oslo?").build());
        String callId = called.output().get(0).functionCall().orElseThrow().callId();

        // the AI SDK's default (store: true) sends earlier assistant output as references
        Response echoed = sdk.responses().create(ResponseCreateParams.builder().model("chat-gateway")
                .inputOfResponse(List.of(user("hi"), reference(hello.output().get(0).asMessage().id()),
                        user("[[standin echo_messages]] again"))).build());
        JsonNode received = OpenAiHttp.json(text(echoed));
        assertThat(received.get(received.size() - 2).get("role").asText()).isEqualTo("assistant");
        assertThat(received.get(received.size() - 2).get("content").asText()).isEqualTo(text(hello));

        Response answer = sdk.responses().create(withTools().inputOfResponse(List.of(user("weather in Oslo?"),
                reference(called.output().get(0).functionCall().orElseThrow().id().orElseThrow()),
                output(callId, "12 degrees"))).build());
        assertThat(text(answer)).startsWith("Stand-in reply to \"weather in Oslo?\" with tool results \"12 degrees\":");

        String id = sdk.responses().create(ResponseCreateParams.builder().model("chat-gateway").input("hi")
                .build()).output().get(0).asMessage().id();
        // someone else's item is not found
        OpenAIClient other = sdkClient(alice);
        assertThatThrownBy(() -> other.responses().create(ResponseCreateParams.builder().model("chat-gateway")
                .inputOfResponse(List.of(user("hi"), reference(id), user("again"))).build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.code()).hasValue("item_not_found");
                    assertThat(e.param()).hasValue("input[1].id");
                });
    }

    @Test
    void aStoredResponseIsRetrievedByItsOwnerOnlyAndOneNotStoredIsNotFound() throws Exception {
        OpenAIClient sdk = sdkClient(carol);
        OpenAIClient other = sdkClient(alice);
        Response created = sdk.responses().create(withTools()
                .input("[[standin tool_call=get_weather]] weather in Oslo?").build());
        String hex = created.id().substring("resp_".length());
        awaitUsageRecord(hex.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5"));
        Response retrieved = sdk.responses().retrieve(created.id());
        retrieved.validate();
        assertThat(retrieved.id()).isEqualTo(created.id());
        assertThat(retrieved.status()).hasValue(ResponseStatus.COMPLETED);
        assertThat(retrieved.model().asString()).isEqualTo(created.model().asString());
        assertThat(retrieved.output()).hasSize(1);
        assertThat(retrieved.output().get(0).functionCall().orElseThrow().callId()).isEqualTo("call_standin_1");
        assertThat(retrieved.usage()).hasValueSatisfying(u -> assertThat(u.outputTokens())
                .isEqualTo(created.usage().orElseThrow().outputTokens()));

        Response text = sdk.responses().create(ResponseCreateParams.builder().model("chat-gateway").input("hi").build());
        assertThat(text(sdk.responses().retrieve(text.id()))).isEqualTo(text(text));

        Response unstored = sdk.responses().create(ResponseCreateParams.builder().model("chat-gateway").input("hi")
                .store(false).build());
        for (var attempt : List.<Runnable>of(() -> other.responses().retrieve(created.id()),
                () -> sdk.responses().retrieve(unstored.id()),
                () -> sdk.responses().retrieve("resp_" + "0".repeat(32)),
                () -> sdk.responses().retrieve("not-an-id"))) {
            assertThatThrownBy(attempt::run).isInstanceOfSatisfying(NotFoundException.class,
                    e -> assertThat(e.code()).hasValue("response_not_found"));
        }
        HttpResponse<String> raw = openai.get("/v1/responses/resp_" + "0".repeat(32), carol);
        assertOpenAiError(raw, 404, "invalid_request_error", "response_not_found");
        assertThat(raw.headers().firstValue("x-request-id")).isPresent();
    }
}
