package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import io.chatgw.support.OpenAiHttp;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tool calls through the official OpenAI Java SDK on every path: the client's tools reach the LLM (the stand-in
 * calls one when the message says [[standin tool_call=...]]), its tool calls come back streamed as indexed deltas
 * and non-streamed as message.tool_calls with finish_reason tool_calls, and the client's tool results go back in
 * for the final answer.
 */
class OpenAiToolCallsIT extends OpenAiTestBase {

    private static final String ARGUMENTS = "{\"city\":\"stand-in\"}";

    private String tokenOn(String path) {
        return switch (path) {
            case "legacy" -> alice;
            case "direct_llm" -> carol;
            default -> tokenFor("u-bob", "org-acme"); // new: the reference plane
        };
    }

    private OpenAIClient sdk(String path) {
        return OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey(tokenOn(path))
                .maxRetries(0).timeout(Duration.ofSeconds(60)).build();
    }

    private static FunctionDefinition tool(String name) {
        return FunctionDefinition.builder().name(name).description("a test tool")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .build();
    }

    private static ChatCompletionCreateParams.Builder withTools(String message) {
        return ChatCompletionCreateParams.builder().model("chat-gateway")
                .addFunctionTool(tool("get_weather")).addFunctionTool(tool("get_time"))
                .addUserMessage(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct_llm", "legacy", "new"})
    void aToolCallComesBackAsMessageToolCallsOnEachPath(String path) {
        OpenAIClient sdk = sdk(path);
        var raw = sdk.chat().completions().withRawResponse()
                .create(withTools("[[standin tool_call=get_weather]] weather in Oslo?").build());
        assertThat(raw.headers().values("x-gateway-path")).containsExactly(path);
        ChatCompletion completion = raw.parse();
        completion.validate();
        ChatCompletion.Choice choice = completion.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(choice.message().content()).isEmpty();
        List<ChatCompletionMessageFunctionToolCall> calls = choice.message().toolCalls().orElseThrow().stream()
                .map(c -> c.asFunction()).toList();
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).id()).isEqualTo("call_standin_1");
        assertThat(calls.get(0).function().name()).isEqualTo("get_weather");
        assertThat(calls.get(0).function().arguments()).isEqualTo(ARGUMENTS);
        sdk.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct_llm", "legacy", "new"})
    void parallelToolCallsAreStreamedAsIndexedDeltasOnEachPath(String path) {
        OpenAIClient sdk = sdk(path);
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        List<Long> indexes = new ArrayList<>();
        List<String> finishReasons = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(
                withTools("[[standin tool_call=get_weather,get_time]] weather and time in Oslo?").build())) {
            stream.stream().forEach(chunk -> {
                chunk.validate();
                accumulator.accumulate(chunk);
                chunk.choices().forEach(c -> {
                    c.delta().toolCalls().ifPresent(calls -> calls.forEach(call -> indexes.add(call.index())));
                    c.finishReason().ifPresent(f -> finishReasons.add(f.asString()));
                });
            });
        }
        assertThat(indexes).containsExactly(0L, 1L);
        assertThat(finishReasons).containsExactly("tool_calls");
        ChatCompletion assembled = accumulator.chatCompletion();
        List<ChatCompletionMessageFunctionToolCall> calls = assembled.choices().get(0).message().toolCalls()
                .orElseThrow().stream().map(c -> c.asFunction()).toList();
        assertThat(calls).extracting(c -> c.function().name()).containsExactly("get_weather", "get_time");
        assertThat(calls).extracting(ChatCompletionMessageFunctionToolCall::id)
                .containsExactly("call_standin_1", "call_standin_2");
        assertThat(calls).allSatisfy(c -> assertThat(c.function().arguments()).isEqualTo(ARGUMENTS));
        sdk.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct_llm", "legacy", "new"})
    void theClientsToolResultGoesBackForTheFinalAnswerOnEachPath(String path) {
        OpenAIClient sdk = sdk(path);
        ChatCompletionCreateParams first = withTools("[[standin tool_call=get_weather]] weather in Oslo?")
                .parallelToolCalls(false).build();
        ChatCompletion call = sdk.chat().completions().create(first);
        var message = call.choices().get(0).message();
        String id = message.toolCalls().orElseThrow().get(0).asFunction().id();

        ChatCompletion answer = sdk.chat().completions().create(first.toBuilder()
                .addMessage(message)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(id).content("12 degrees, rain").build())
                .build());
        assertThat(answer.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(answer.choices().get(0).message().toolCalls().orElse(List.of())).isEmpty();
        assertThat(answer.choices().get(0).message().content()).hasValueSatisfying(text -> assertThat(text)
                .startsWith("Stand-in reply to \"weather in Oslo?\" with tool results \"12 degrees, rain\":"));
        sdk.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct_llm", "legacy", "new"})
    void toolExchangesAndAPrefillReachTheLlmInOrderOnEachPath(String path) throws Exception {
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("id", "call_1");
        call.put("type", "function");
        call.put("function", Map.of("name", "get_weather", "arguments", ARGUMENTS));
        Map<String, Object> assistant = new LinkedHashMap<>();
        assistant.put("role", "assistant");
        assistant.put("content", null);
        assistant.put("tool_calls", List.of(call));
        Map<String, Object> body = request(false, msg("system", "be brief"),
                msg("user", "[[standin echo_messages]] weather?"), assistant,
                Map.of("role", "tool", "tool_call_id", "call_1", "content", "12 degrees"),
                msg("assistant", "It is"));
        body.put("tools", List.of(Map.of("type", "function", "function", Map.of("name", "get_weather"))));
        HttpResponse<String> r = openai.complete(tokenOn(path), body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode received = OpenAiHttp.json(OpenAiHttp.json(r.body()).at("/choices/0/message/content").asText());
        List<String> roles = new ArrayList<>();
        received.forEach(m -> roles.add(m.get("role").asText()));
        assertThat(roles).endsWith("system", "user", "assistant", "tool", "assistant");
        JsonNode sentCall = received.get(received.size() - 3).at("/tool_calls/0");
        assertThat(sentCall.get("id").asText()).isEqualTo("call_1");
        assertThat(sentCall.at("/function/arguments").asText()).isEqualTo(ARGUMENTS);
        assertThat(received.get(received.size() - 2).get("tool_call_id").asText()).isEqualTo("call_1");
        assertThat(received.get(received.size() - 2).get("content").asText()).isEqualTo("12 degrees");
        assertThat(received.get(received.size() - 1).get("content").asText()).isEqualTo("It is");
    }

    @org.junit.jupiter.api.Test
    void theLlmsToolCallsAreKeptInTheNamedSessionsConversation() throws Exception {
        Map<String, Object> body = request(false, msg("user", "[[standin tool_call=get_weather]] weather in Oslo?"));
        body.put("tools", List.of(Map.of("type", "function", "function", Map.of("name", "get_weather"))));
        body.put("user", "tool-user-" + System.nanoTime());
        HttpResponse<String> r = openai.complete(carol, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Object session = sessionOf(r);
        JsonNode stored = null;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) { // written off the client's path, milliseconds after the answer
            stored = OpenAiHttp.json(openai.get("/api/v1/sessions/" + session + "/messages", carol).body());
            if (stored.path("data").size() >= 2) {
                break;
            }
            Thread.sleep(50);
        }
        JsonNode event = stored.at("/data/1/tool_events/0");
        assertThat(event.get("type").asText()).isEqualTo("tool_call");
        assertThat(event.at("/data/id").asText()).isEqualTo("call_standin_1");
        assertThat(event.at("/data/name").asText()).isEqualTo("get_weather");
    }
}
