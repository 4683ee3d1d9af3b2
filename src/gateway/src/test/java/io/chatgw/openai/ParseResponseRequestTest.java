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
        assertRefused("{\"input\":\"x\",\"tools\":[]}", "unsupported_parameter", "tools");
        assertRefused("{\"input\":\"x\",\"reasoning\":{\"effort\":\"low\"}}", "unsupported_parameter", "reasoning");
        assertRefused("{\"input\":\"x\",\"frobnicate\":1}", "unknown_parameter", "frobnicate");
        assertRefused("{\"input\":[{\"type\":\"function_call_output\",\"call_id\":\"c\",\"output\":\"o\"}]}",
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
}
