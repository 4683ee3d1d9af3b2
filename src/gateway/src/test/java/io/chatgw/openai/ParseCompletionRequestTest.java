package io.chatgw.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.core.GatewayException;
import io.chatgw.openai.OpenAiProperties.RuntimeEvents;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Validation of the chat completion request: what is accepted, and the param named by each refusal. */
class ParseCompletionRequestTest {

    private final ParseCompletionRequest parser = new ParseCompletionRequest(new ObjectMapper(),
            new OpenAiProperties(true, List.of("chat-gateway"), false, Map.of(), 1 << 20, 4, "X-Session-Id", true, RuntimeEvents.OMIT,
                    Duration.ofSeconds(15), Duration.ofSeconds(10), Map.of(), new OpenAiProperties.ApiKeys(Duration.ofSeconds(60)),
                    new OpenAiProperties.EphemeralSessions(Duration.ofHours(24), Duration.ofMinutes(10), 1000)));

    private CompletionRequest parse(String body) {
        return parser.parse("application/json", body.getBytes(StandardCharsets.UTF_8), null);
    }

    private void rejects(String body, String code, String param) {
        assertThatThrownBy(() -> parse(body))
                .isInstanceOfSatisfying(InvalidParameter.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.param()).isEqualTo(param);
                });
    }

    @Test
    void lastUserMessageIsTheMessageAndTheRestIsHistory() {
        CompletionRequest r = parse("""
                {"model": "gpt-4o", "stream": true, "stream_options": {"include_usage": true}, "user": "end-user-7",
                 "temperature": 0.2, "max_tokens": 50,
                 "messages": [{"role": "developer", "content": "be brief"},
                              {"role": "user", "content": [{"type": "text", "text": "one"}, {"type": "text", "text": "two"}]},
                              {"role": "assistant", "content": null},
                              {"role": "user", "content": "now"}]}""");
        assertThat(r.model()).isEqualTo("gpt-4o");
        assertThat(r.stream()).isTrue();
        assertThat(r.includeUsage()).isTrue();
        assertThat(r.user()).isEqualTo("end-user-7");
        assertThat(r.message()).isEqualTo("now");
        assertThat(r.history()).containsExactly(
                Map.of("role", "system", "content", "be brief"),
                Map.of("role", "user", "content", "one\ntwo"),
                Map.of("role", "assistant", "content", ""));
        assertThat(r.runtimeEvents()).isEqualTo(RuntimeEvents.OMIT);
    }

    @Test
    void defaults() {
        CompletionRequest r = parse("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
        assertThat(r.stream()).isFalse();
        assertThat(r.includeUsage()).isFalse();
        assertThat(r.user()).isNull();
        assertThat(r.model()).isNull();
        assertThat(r.history()).isEmpty();
    }

    @Test
    void runtimeEventsHeaderOverridesTheConfiguredDefault() {
        CompletionRequest r = parser.parse(null, "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"
                .getBytes(StandardCharsets.UTF_8), "extension");
        assertThat(r.runtimeEvents()).isEqualTo(RuntimeEvents.EXTENSION);
    }

    @Test
    void streamOptionsWithoutStreamingAreRefusedAsOpenAiDoes() {
        String messages = "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]";
        rejects("{" + messages + ", \"stream_options\": {\"include_usage\": true}}", "invalid_value", "stream_options");
        rejects("{" + messages + ", \"stream\": false, \"stream_options\": {}}", "invalid_value", "stream_options");
        assertThat(parse("{" + messages + ", \"stream\": false, \"stream_options\": null}").includeUsage()).isFalse();
    }

    @Test
    void refusals() {
        rejects("{\"model\": \"m\"}", "missing_required_parameter", "messages");
        rejects("{\"messages\": \"hi\"}", "invalid_type", "messages");
        rejects("{\"messages\": []}", "empty_array", "messages");
        rejects("{\"messages\": [\"hi\"]}", "invalid_type", "messages[0]");
        rejects("{\"messages\": [{\"content\": \"hi\"}]}", "missing_required_parameter", "messages[0].role");
        rejects("{\"messages\": [{\"role\": \"wizard\", \"content\": \"hi\"}]}", "invalid_role", "messages[0].role");
        rejects("{\"messages\": [{\"role\": 7, \"content\": \"hi\"}]}", "invalid_type", "messages[0].role");
        rejects("{\"messages\": [{\"role\": \"function\", \"content\": \"42\", \"name\": \"f\"}, "
                + "{\"role\": \"user\", \"content\": \"hi\"}]}", "invalid_role", "messages[0].role");
        rejects("{\"messages\": [{\"role\": \"user\", \"content\": 42}]}", "invalid_type", "messages[0].content");
        rejects("{\"messages\": [{\"role\": \"user\"}]}", "missing_required_parameter", "messages[0].content");
        rejects("{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\", \"image_url\": {}}]}]}",
                "unsupported_content", "messages[0].content[0].type");
        rejects("{\"messages\": [{\"role\": \"system\", \"content\": \"hi\"}]}", "invalid_value", "messages[0].role");
        rejects("{\"messages\": [{\"role\": \"user\", \"content\": \"  \"}]}", "empty_message", "messages[0].content");
        rejects("{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"user\", \"content\": \"b\"}, "
                + "{\"role\": \"user\", \"content\": \"c\"}, {\"role\": \"user\", \"content\": \"d\"}, "
                + "{\"role\": \"user\", \"content\": \"e\"}]}", "too_many_messages", "messages");
        String ok = "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]";
        rejects("{" + ok + ", \"stream\": \"yes\"}", "invalid_type", "stream");
        rejects("{" + ok + ", \"stream_options\": true}", "invalid_type", "stream_options");
        rejects("{" + ok + ", \"stream_options\": {\"include_usage\": 1}}", "invalid_type", "stream_options.include_usage");
        rejects("{" + ok + ", \"model\": 4}", "invalid_type", "model");
        rejects("{" + ok + ", \"user\": {}}", "invalid_type", "user");
        rejects("{" + ok + ", \"temperature\": \"hot\"}", "invalid_type", "temperature");
        rejects("{" + ok + ", \"max_tokens\": 1.5}", "invalid_type", "max_tokens");
        rejects("{" + ok + ", \"n\": 2}", "unsupported_value", "n");
        rejects("{" + ok + ", \"functions\": [{\"name\": \"f\"}]}", "unsupported_parameter", "functions");
        rejects("{" + ok + ", \"messages\": ", "malformed_json", null);
        rejects("[1]", "malformed_json", null);
    }

    @Test
    void contentTypeMustBeJsonWhenGiven() {
        assertThatThrownBy(() -> parser.parse("text/plain", "{}".getBytes(StandardCharsets.UTF_8), null))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.status()).isEqualTo(415));
        assertThatThrownBy(() -> parser.parse("application/json", new byte[0], null))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo("missing_body"));
    }

    @Test
    void errorShapeNamesTypeByStatus() {
        assertThat(OpenAiError.of(new InvalidParameter("invalid_type", "m", "stream")).body())
                .isEqualTo(Map.of("error", Map.of(
                        "message", "m", "type", "invalid_request_error", "param", "stream", "code", "invalid_type")));
        assertThat(OpenAiError.of(GatewayException.unauthorized("x")).type()).isEqualTo("authentication_error");
        assertThat(OpenAiError.of(new GatewayException(403, "forbidden", "x")).type()).isEqualTo("permission_error");
        assertThat(OpenAiError.of(new GatewayException(429, "rate_limited", "x")).type()).isEqualTo("rate_limit_error");
        assertThat(OpenAiError.ofTurn("upstream_error", "x").status()).isEqualTo(502);
        assertThat(OpenAiError.ofTurn("path_unavailable", "x").status()).isEqualTo(503);
        assertThat(OpenAiError.ofTurn("upstream_timeout", "x").type()).isEqualTo("server_error");
    }

    private static final String CALL = "{\"role\": \"assistant\", \"content\": null, \"tool_calls\": [{\"id\": \"c1\", "
            + "\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"arguments\": \"{}\"}}]}";

    @Test
    void toolCallsTheirResultsAndAPrefillAfterTheUserMessageAreItsContinuation() {
        CompletionRequest r = parse("{\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"get_weather\"}}],"
                + " \"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": \"get_weather\"}},"
                + " \"parallel_tool_calls\": false, \"messages\": [{\"role\": \"user\", \"content\": \"weather?\"}, "
                + CALL + ", {\"role\": \"tool\", \"tool_call_id\": \"c1\", \"content\": \"12 degrees\"},"
                + " {\"role\": \"assistant\", \"content\": \"It is\"}]}");
        assertThat(r.message()).isEqualTo("weather?");
        assertThat(r.history()).isEmpty();
        assertThat(r.continuation()).extracting(m -> m.get("role")).containsExactly("assistant", "tool", "assistant");
        assertThat(r.continuation().get(0).get("content")).isNull();
        assertThat(r.continuation().get(0).get("tool_calls")).isEqualTo(List.of(Map.of("id", "c1", "type", "function",
                "function", Map.of("name", "get_weather", "arguments", "{}"))));
        assertThat(r.continuation().get(1)).isEqualTo(Map.of("role", "tool", "content", "12 degrees", "tool_call_id", "c1"));
        assertThat(r.parameters()).containsKeys("tools", "tool_choice", "parallel_tool_calls");
    }

    @Test
    void badToolsAndToolMessagesAreRefusedNamingTheField() {
        String ok = "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]";
        String weather = "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"get_weather\"}}]";
        rejects("{" + ok + ", \"tools\": {}}", "invalid_type", "tools");
        rejects("{" + ok + ", \"tools\": []}", "empty_array", "tools");
        rejects("{" + ok + ", \"tools\": [{\"type\": \"custom\"}]}", "invalid_value", "tools[0].type");
        rejects("{" + ok + ", \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"a b\"}}]}",
                "invalid_value", "tools[0].function.name");
        rejects("{" + ok + ", \"tool_choice\": \"auto\"}", "invalid_value", "tool_choice");
        rejects("{" + ok + ", " + weather + ", \"tool_choice\": \"sometimes\"}", "invalid_value", "tool_choice");
        rejects("{" + ok + ", " + weather + ", \"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": \"x\"}}}",
                "invalid_value", "tool_choice.function.name");
        rejects("{" + ok + ", " + weather + ", \"parallel_tool_calls\": 1}", "invalid_type", "parallel_tool_calls");
        rejects("{" + ok + ", \"parallel_tool_calls\": true}", "invalid_value", "parallel_tool_calls");
        rejects("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"tool\", \"content\": \"1\"}]}",
                "missing_required_parameter", "messages[1].tool_call_id");
        rejects("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"tool\", "
                + "\"tool_call_id\": \"nope\", \"content\": \"1\"}]}", "invalid_value", "messages[1].tool_call_id");
        rejects("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, " + CALL + "]}", "invalid_value", "messages[1]");
        rejects("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \"content\": \"a\"}, "
                + "{\"role\": \"assistant\", \"content\": \"b\"}]}", "invalid_value", "messages[1]");
        rejects("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \"tool_calls\": "
                + "[{\"type\": \"function\", \"function\": {\"name\": \"f\", \"arguments\": \"{}\"}}]}, "
                + "{\"role\": \"user\", \"content\": \"x\"}]}", "missing_required_parameter", "messages[1].tool_calls[0].id");
    }
}
