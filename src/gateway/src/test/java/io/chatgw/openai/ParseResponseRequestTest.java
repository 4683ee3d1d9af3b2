package io.chatgw.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.openai.OpenAiProperties.RuntimeEvents;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Validation of a Responses API request: what it becomes for the turn, and the param each refusal names. */
class ParseResponseRequestTest {

    private final ParseResponseRequest parser = new ParseResponseRequest(new ObjectMapper(),
            new OpenAiProperties(true, List.of("chat-gateway"), false, Map.of(), 1 << 20, 4, "X-Session-Id", true,
                    RuntimeEvents.OMIT, Duration.ofSeconds(15), Duration.ofSeconds(10), Map.of(),
                    new OpenAiProperties.ApiKeys(Duration.ofSeconds(60)),
                    new OpenAiProperties.EphemeralSessions(Duration.ofHours(24), Duration.ofMinutes(10), 1000)));

    private ParseResponseRequest.Parsed parse(String body) {
        return parser.parse("application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    private void assertRefused(String body, String code, String param) {
        assertThatThrownBy(() -> parse(body)).isInstanceOfSatisfying(InvalidParameter.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.param()).isEqualTo(param);
        });
    }

    @Test
    void aStringInputIsTheTurnsMessageAndStoreDefaultsToTrue() {
        ParseResponseRequest.Parsed p = parse("{\"model\":\"chat-gateway\",\"input\":\"hello\",\"instructions\":\"be brief\"}");
        assertThat(p.completion().message()).isEqualTo("hello");
        assertThat(p.completion().history()).isEmpty();
        assertThat(p.response().store()).isTrue();
        assertThat(p.response().instructions()).isEqualTo("be brief");
        assertThat(p.completion().stream()).isFalse();
    }

    @Test
    void inputMessagesSplitAroundTheLastUserMessageWithTextPartsJoined() {
        ParseResponseRequest.Parsed p = parse("""
                {"input": [{"role": "developer", "content": "terse"},
                           {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "a"},
                                                                         {"type": "input_text", "text": "b"}]},
                           {"role": "assistant", "content": [{"type": "output_text", "text": "It is"}]}]}""");
        assertThat(p.completion().history()).containsExactly(Map.of("role", "system", "content", "terse"));
        assertThat(p.completion().message()).isEqualTo("a\nb");
        assertThat(p.completion().continuation()).containsExactly(Map.of("role", "assistant", "content", "It is"));
    }

    @Test
    void theResponsesParametersBecomeTheChatOnesThePathsPassOn() {
        ParseResponseRequest.Parsed p = parse("""
                {"input": "x", "max_output_tokens": 50, "temperature": 0.5, "top_p": 0.9, "user": "end-user",
                 "text": {"format": {"type": "json_schema", "name": "city", "schema": {"type": "object"}}}}""");
        Map<String, Object> parameters = p.completion().parameters();
        assertThat(parameters).containsEntry("max_tokens", 50).containsEntry("temperature", 0.5)
                .containsEntry("top_p", 0.9).containsEntry("user", "end-user");
        assertThat(parameters.get("response_format").toString()).contains("json_schema").contains("name=city");
        assertThat(p.response().echoed()).containsKeys("max_output_tokens", "temperature", "text", "metadata");
    }

    @Test
    void previousResponseIdIsTheTurnsRequestId() {
        UUID id = UUID.randomUUID();
        ParseResponseRequest.Parsed p = parse("{\"input\":\"x\",\"previous_response_id\":\"resp_"
                + id.toString().replace("-", "") + "\"}");
        assertThat(p.response().previous()).isEqualTo(id);
        assertRefused("{\"input\":\"x\",\"previous_response_id\":\"resp_xyz\"}", "invalid_value", "previous_response_id");
    }

    @Test
    void whatTheGatewayCannotHonourIsRefusedNamingIt() {
        assertRefused("{\"input\":\"x\",\"tools\":[{\"type\":\"web_search\"}]}", "unsupported_value", "tools[0].type");
        assertRefused("{\"input\":\"x\",\"reasoning\":{\"effort\":\"low\"}}", "unsupported_parameter", "reasoning");
        assertRefused("{\"input\":\"x\",\"frobnicate\":1}", "unknown_parameter", "frobnicate");
        assertRefused("{\"input\":[{\"type\":\"computer_call\",\"call_id\":\"c\"}]}",
                "unsupported_value", "input[0].type");
        assertRefused("{\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\",\"image_url\":\"u\"}]}]}",
                "unsupported_content", "input[0].content[0].type");
        assertRefused("{\"input\":\"x\",\"tool_choice\":\"required\"}", "unsupported_value", "tool_choice");
        assertRefused("{\"input\":\"x\",\"text\":{\"format\":{\"type\":\"yaml\"}}}", "invalid_value", "text.format.type");
    }

    @Test
    void badValuesAreRefusedNamingTheResponsesField() {
        assertRefused("{}", "missing_required_parameter", "input");
        assertRefused("{\"input\":[{\"role\":\"assistant\",\"content\":\"hi\"}]}", "invalid_value", "input[0].role");
        assertRefused("{\"input\":\"x\",\"max_output_tokens\":0}", "invalid_value", "max_output_tokens");
        assertRefused("{\"input\":\"x\",\"temperature\":3}", "invalid_value", "temperature");
        assertRefused("{\"input\":\"x\",\"store\":\"yes\"}", "invalid_type", "store");
        assertRefused("{\"input\":\"x\",\"stream_options\":{}}", "invalid_value", "stream_options");
        assertRefused("{\"input\":\"x\",\"metadata\":{\"k\":1}}", "invalid_value", "metadata");
        assertRefused("{\"input\":[1,2,3,4,5]}", "too_many_messages", "input");
    }

    @Test
    void functionToolsAndAChosenToolBecomeTheChatOnesWithErrorsNamingTheResponsesFields() {
        ParseResponseRequest.Parsed p = parse("""
                {"input": "x", "tools": [{"type": "function", "name": "get_weather", "strict": true,
                                          "parameters": {"type": "object"}}],
                 "tool_choice": {"type": "function", "name": "get_weather"}, "parallel_tool_calls": false}""");
        assertThat(p.completion().parameters().get("tools").toString())
                .isEqualTo("[{type=function, function={name=get_weather, strict=true, parameters={type=object}}}]");
        assertThat(p.completion().parameters().get("tool_choice").toString())
                .isEqualTo("{type=function, function={name=get_weather}}");
        assertThat(p.completion().parameters()).containsEntry("parallel_tool_calls", false);
        assertThat(p.response().echoed()).containsKeys("tools", "tool_choice");
        assertRefused("{\"input\":\"x\",\"tools\":[{\"type\":\"function\",\"name\":\"a b\"}]}", "invalid_value",
                "tools[0].name");
        assertRefused("{\"input\":\"x\",\"tools\":[{\"type\":\"function\",\"name\":\"a\"}],"
                + "\"tool_choice\":{\"type\":\"function\",\"name\":\"b\"}}", "invalid_value", "tool_choice.name");
        assertRefused("{\"input\":\"x\",\"tools\":[{\"type\":\"function\",\"name\":\"a\"}],"
                + "\"tool_choice\":{\"type\":\"file_search\"}}", "unsupported_value", "tool_choice.type");
    }

    @Test
    void functionCallsJoinTheAssistantMessageBeforeThemAndTheirOutputsAreToolMessages() {
        ParseResponseRequest.Parsed p = parse("""
                {"input": [{"role": "user", "content": "weather?"},
                           {"role": "assistant", "content": "Let me look."},
                           {"type": "function_call", "call_id": "c1", "name": "get_weather", "arguments": "{}"},
                           {"type": "function_call_output", "call_id": "c1",
                            "output": [{"type": "input_text", "text": "rain"}, {"type": "input_text", "text": "cold"}]}]}""");
        assertThat(p.completion().message()).isEqualTo("weather?");
        List<Map<String, Object>> after = p.completion().continuation();
        assertThat(after).hasSize(2);
        assertThat(after.get(0).get("content")).isEqualTo("Let me look.");
        assertThat(after.get(0).get("tool_calls").toString())
                .isEqualTo("[{id=c1, type=function, function={name=get_weather, arguments={}}}]");
        assertThat(after.get(1)).isEqualTo(Map.of("role", "tool", "tool_call_id", "c1", "content", "rain\ncold"));
        // an output answering no call is named by its input index, though two calls were joined into one message
        assertRefused("""
                {"input": [{"role": "user", "content": "weather?"},
                           {"type": "function_call", "call_id": "c1", "name": "get_weather", "arguments": "{}"},
                           {"type": "function_call", "call_id": "c2", "name": "get_time", "arguments": "{}"},
                           {"type": "function_call_output", "call_id": "c9", "output": "rain"}]}""",
                "invalid_value", "input[3].tool_call_id");
        assertRefused("{\"input\":[{\"role\":\"user\",\"content\":\"x\"},{\"type\":\"function_call\",\"call_id\":\"c\"}]}",
                "missing_required_parameter", "input[1].name");
    }

    @Test
    void anItemReferenceIsReadAsTheStoredItemItNamesAndAnUnknownOneIsNotFound() {
        ResponseInput.Items items = id -> "msg_1".equals(id)
                ? new ObjectMapper().createObjectNode().put("type", "message").put("role", "assistant").put("content", "Hi!")
                : null;
        ParseResponseRequest.Parsed p = parser.parse("application/json", """
                {"input": [{"role": "user", "content": "hi"}, {"type": "item_reference", "id": "msg_1"},
                           {"id": "msg_1"}, {"role": "user", "content": "again"}]}""".getBytes(StandardCharsets.UTF_8),
                items);
        assertThat(p.completion().history()).containsExactly(Map.of("role", "user", "content", "hi"),
                Map.of("role", "assistant", "content", "Hi!"), Map.of("role", "assistant", "content", "Hi!"));
        assertThatThrownBy(() -> parser.parse("application/json",
                "{\"input\":[{\"type\":\"item_reference\",\"id\":\"msg_2\"}]}".getBytes(StandardCharsets.UTF_8), items))
                .isInstanceOfSatisfying(InvalidParameter.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.code()).isEqualTo("item_not_found");
                    assertThat(e.param()).isEqualTo("input[0].id");
                });
    }

    private static final List<Map<String, Object>> CHAIN = List.of(Map.of("role", "user", "content", "weather?"),
            new java.util.LinkedHashMap<>(Map.of("role", "assistant", "tool_calls", List.of(Map.of("id", "c1",
                    "type", "function", "function", Map.of("name", "get_weather", "arguments", "{}"))))));

    private static final String PREVIOUS = "\"previous_response_id\": \"resp_" + "0".repeat(31) + "1\"";

    @Test
    void continuingAResponseTheInputIsSplitAfterTheChainSoItMayHoldOnlyTheOutputsOfTheChainsCalls() {
        ParseResponseRequest.Parsed p = parse("{" + PREVIOUS + ", \"input\": [{\"type\": \"function_call_output\", "
                + "\"call_id\": \"c1\", \"output\": \"rain\"}]}");
        assertThat(p.completion().message()).isNull(); // split once the chain is known
        assertThat(p.response().input().messages()).containsExactly(Map.of("role", "tool", "tool_call_id", "c1",
                "content", "rain"));
        CompletionMessages.Split split = p.response().input().split(CHAIN);
        assertThat(split.message()).isEqualTo("weather?");
        assertThat(split.history()).isEmpty();
        assertThat(split.continuation()).extracting(m -> m.get("role")).containsExactly("assistant", "tool");
        assertThat(split.continuation().get(0).get("tool_calls")).isEqualTo(CHAIN.get(1).get("tool_calls"));

        CompletionMessages.Split next = parse("{" + PREVIOUS + ", \"input\": [{\"type\": \"function_call_output\", "
                + "\"call_id\": \"c1\", \"output\": \"rain\"}, {\"role\": \"user\", \"content\": \"thanks\"}]}")
                .response().input().split(CHAIN);
        assertThat(next.message()).isEqualTo("thanks");
        assertThat(next.history()).extracting(m -> m.get("role")).containsExactly("user", "assistant", "tool");
    }

    @Test
    void continuingAResponseWhoseCallsAreNotAnsweredIsRefusedAndErrorsNameTheInputItem() {
        ResponseInput unanswered = parse("{" + PREVIOUS + ", \"input\": \"never mind\"}").response().input();
        assertThatThrownBy(() -> unanswered.split(CHAIN)).isInstanceOfSatisfying(InvalidParameter.class, e -> {
            assertThat(e.code()).isEqualTo("invalid_value");
            assertThat(e.param()).isEqualTo("input");
            assertThat(e.getMessage()).contains("No tool output found for function call c1");
        });
        ResponseInput wrongCall = parse("{" + PREVIOUS + ", \"input\": [{\"type\": \"function_call_output\", "
                + "\"call_id\": \"c1\", \"output\": \"rain\"}, {\"type\": \"function_call_output\", "
                + "\"call_id\": \"c7\", \"output\": \"sun\"}]}").response().input();
        assertThatThrownBy(() -> wrongCall.split(CHAIN)).isInstanceOfSatisfying(InvalidParameter.class,
                e -> assertThat(e.param()).isEqualTo("input[1].tool_call_id"));
        ResponseInput noUser = parse("{" + PREVIOUS + ", \"input\": [{\"type\": \"function_call_output\", "
                + "\"call_id\": \"c1\", \"output\": \"rain\"}]}").response().input();
        assertThatThrownBy(() -> noUser.split(List.of())).isInstanceOfSatisfying(InvalidParameter.class,
                e -> assertThat(e.param()).isEqualTo("input[0].tool_call_id"));
    }

    @Test
    void theSettingsAStoredResponseKeepsAreTheEchoedFieldsAndTheInstructionsAsSent() {
        ParseResponseRequest.Parsed p = parse("""
                {"input": "hi", "instructions": "be brief", "temperature": 0.3, "top_p": 0.9, "max_output_tokens": 50,
                 "metadata": {"k": "v"}, "text": {"format": {"type": "json_object"}}, "truncation": "auto",
                 "user": "end-user-1"}""");
        Map<String, Object> settings = p.response().settings();
        assertThat(settings).containsEntry("instructions", "be brief").containsEntry("temperature", 0.3)
                .containsEntry("top_p", 0.9).containsEntry("max_output_tokens", 50)
                .containsEntry("metadata", Map.of("k", "v")).containsEntry("truncation", "auto")
                .containsEntry("user", "end-user-1")
                .containsEntry("text", Map.of("format", Map.of("type", "json_object")));
        ResponseRequest read = ResponseRequest.stored(UUID.fromString("00000000-0000-0000-0000-000000000001"), settings);
        assertThat(read.instructions()).isEqualTo("be brief");
        assertThat(read.echoed()).doesNotContainKey("instructions").containsEntry("temperature", 0.3);
        assertThat(read.previousId()).isEqualTo("resp_" + "0".repeat(31) + "1");
        assertThat(ResponseRequest.stored(null, null).echoed()).isEqualTo(Map.of("metadata", Map.of()));
    }
}
