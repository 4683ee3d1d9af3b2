package io.chatgw.paths;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.turn.Usage;
import io.chatgw.upstream.SseEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventMappingTest {

    private final ObjectMapper json = new ObjectMapper();
    private final LegacyEventMapping legacy = new LegacyEventMapping(json);
    private final LlmChunkMapping llm = new LlmChunkMapping(json);

    private List<PathOutcome> legacy(String event, String data) {
        return legacy.map(new SseEvent(null, event, data));
    }

    @Test
    void legacyTokenBecomesTextDelta() {
        assertThat(legacy("token", "{\"text\":\"hi\"}"))
                .containsExactly(new PathOutcome.Publish("text", Map.of("delta", "hi")));
    }

    @Test
    void legacyPlanBecomesPlanStep() {
        assertThat(legacy("plan", "{\"step\":2,\"title\":\"Ask\"}"))
                .containsExactly(new PathOutcome.Publish("plan_step", Map.of("step", 2, "title", "Ask")));
    }

    @Test
    void legacyToolEventsSplitIntoSkillAndMcpByKind() {
        PathOutcome.Publish skill = (PathOutcome.Publish) legacy("tool_call",
                "{\"call_id\":\"c1\",\"kind\":\"skill\",\"name\":\"search_docs\",\"arguments\":{\"q\":\"x\"}}").get(0);
        assertThat(skill.type()).isEqualTo("skill_call");
        assertThat(skill.data()).containsEntry("call_id", "c1").containsEntry("name", "search_docs")
                .containsEntry("arguments", Map.of("q", "x"));
        PathOutcome.Publish mcp = (PathOutcome.Publish) legacy("tool_output",
                "{\"call_id\":\"c2\",\"kind\":\"mcp\",\"name\":\"w\",\"output\":{\"t\":1}}").get(0);
        assertThat(mcp.type()).isEqualTo("mcp_result");
        assertThat(mcp.data()).containsEntry("output", Map.of("t", 1));
        assertThat(legacy("tool_call", "{\"kind\":\"shell\"}").get(0)).isInstanceOf(PathOutcome.Ignored.class);
    }

    @Test
    void legacyRunFinishedReportsUsageAndFinishes() {
        assertThat(legacy("run_finished", "{\"model\":\"m\",\"usage\":{\"input_tokens\":3,\"output_tokens\":9}}"))
                .containsExactly(new PathOutcome.Report(new Usage(3, 9), "m"), new PathOutcome.Finished());
    }

    @Test
    void legacyRunFailedIsARuntimeError() {
        PathOutcome.Failed failed = (PathOutcome.Failed) legacy("run_failed", "{\"code\":\"llm_error\",\"message\":\"boom\"}").get(0);
        assertThat(failed.code()).isEqualTo("runtime_error");
        assertThat(failed.message()).contains("llm_error").contains("boom");
    }

    @Test
    void legacyUnknownEventIsIgnoredAndNonJsonIsAnError() {
        assertThat(legacy("heartbeat", "{}")).containsExactly(new PathOutcome.Ignored("heartbeat"));
        assertThat(legacy("token", "not json").get(0)).isInstanceOf(PathOutcome.Failed.class);
    }

    @Test
    void llmDeltaBecomesTextAndRoleOnlyChunkIsNothing() {
        assertThat(llm.map(new SseEvent(null, "message", "{\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}")))
                .containsExactly(new PathOutcome.Publish("text", Map.of("delta", "Hel")));
        assertThat(llm.map(new SseEvent(null, "message", "{\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}")))
                .isEmpty();
    }

    @Test
    void llmUsageIsReadFromWhicheverChunkCarriesIt() {
        assertThat(llm.map(new SseEvent(null, "message",
                "{\"model\":\"gpt\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7}}")))
                .containsExactly(new PathOutcome.Report(new Usage(5, 7), "gpt"));
        assertThat(llm.map(new SseEvent(null, "message",
                "{\"choices\":[{\"delta\":{\"content\":\"x\"}}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}")))
                .hasSize(2);
    }

    @Test
    void llmDoneFinishesAndErrorObjectFails() {
        assertThat(llm.map(new SseEvent(null, "message", "[DONE]"))).containsExactly(new PathOutcome.Finished());
        PathOutcome.Failed f = (PathOutcome.Failed) llm.map(new SseEvent(null, "message",
                "{\"error\":{\"message\":\"overloaded\"}}")).get(0);
        assertThat(f.code()).isEqualTo("llm_error");
        assertThat(f.message()).contains("overloaded");
    }

    private List<PathOutcome> chunk(LlmChunkMapping mapping, String data) {
        return mapping.map(new SseEvent(null, "message", data));
    }

    @Test
    void theLlmsToolCallFragmentsBecomeOneToolCallEventEachWhenItSaysWhyItStopped() {
        LlmChunkMapping mapping = new LlmChunkMapping(json);
        assertThat(chunk(mapping, "{\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":"
                + "[{\"index\":0,\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}}]}"))
                .isEmpty();
        assertThat(chunk(mapping, "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"ci\"}}]}}]}"))
                .isEmpty();
        chunk(mapping, "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"c2\",\"function\":{\"name\":\"get_time\","
                + "\"arguments\":\"{}\"}}]}}]}");
        chunk(mapping, "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"ty\\\":1}\"}}]}}]}");
        assertThat(chunk(mapping, "{\"choices\":[{\"delta\":{},\"finish_reason\":\"tool_calls\"}]}")).containsExactly(
                new PathOutcome.Publish("tool_call", Map.of("index", 0, "id", "c1", "name", "get_weather",
                        "arguments", "{\"city\":1}")),
                new PathOutcome.Publish("tool_call", Map.of("index", 1, "id", "c2", "name", "get_time", "arguments", "{}")),
                new PathOutcome.Report(null, null, "tool_calls"));
        assertThat(chunk(mapping, "[DONE]")).containsExactly(new PathOutcome.Finished()); // sent once
    }

    @Test
    void theLlmsLogprobsTravelWithTheirText() {
        assertThat(chunk(new LlmChunkMapping(json), "{\"choices\":[{\"delta\":{\"content\":\"Hi\"},\"logprobs\":{\"content\":"
                + "[{\"token\":\"Hi\",\"logprob\":-0.5,\"bytes\":[72,105],\"top_logprobs\":[]}]}}]}")).containsExactly(
                new PathOutcome.Publish("text", Map.of("delta", "Hi", "logprobs", List.of(Map.of("token", "Hi",
                        "logprob", -0.5, "bytes", List.of(72, 105), "top_logprobs", List.of())))));
    }

    @Test
    void legacyLlmToolCallBecomesAToolCallAndTokenLogprobsAreKept() {
        assertThat(legacy("llm_tool_call", "{\"index\":0,\"id\":\"c1\",\"name\":\"f\",\"arguments\":\"{}\"}"))
                .containsExactly(new PathOutcome.Publish("tool_call", Map.of("index", 0, "id", "c1", "name", "f",
                        "arguments", "{}")));
        assertThat(legacy("token", "{\"text\":\"a\",\"logprobs\":[{\"token\":\"a\",\"logprob\":0.0}]}"))
                .containsExactly(new PathOutcome.Publish("text", Map.of("delta", "a",
                        "logprobs", List.of(Map.of("token", "a", "logprob", 0.0)))));
    }
}
