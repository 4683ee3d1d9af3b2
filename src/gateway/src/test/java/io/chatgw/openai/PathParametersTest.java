package io.chatgw.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatgw.core.ExecutionMode;
import io.chatgw.openai.OpenAiProperties.RuntimeEvents;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** gateway.openai.unsupported-parameters: which request a path refuses, and which settings start at all. */
class PathParametersTest {

    private static PathParameters configured(Map<String, List<String>> unsupported) {
        return new PathParameters(new OpenAiProperties(true, List.of("chat-gateway"), false, Map.of(), 1 << 20, 4,
                "X-Session-Id", true, RuntimeEvents.OMIT, Duration.ofSeconds(15), Duration.ofSeconds(10), unsupported,
                new OpenAiProperties.ApiKeys(Duration.ofSeconds(60)),
                new OpenAiProperties.EphemeralSessions(Duration.ofHours(24), Duration.ofMinutes(10), 1000)));
    }

    private static final List<Map<String, Object>> PREFILL = List.of(Map.of("role", "assistant", "content", "It is"));
    private static final List<Map<String, Object>> TOOL_EXCHANGE = List.of(
            Map.of("role", "assistant", "content", "", "tool_calls", List.of()),
            Map.of("role", "tool", "tool_call_id", "c", "content", "12"));

    @Test
    void aPrefillIsRefusedOnlyOnThePathConfiguredToRefuseIt() {
        PathParameters p = configured(Map.of("legacy", List.of("prefill")));
        assertThat(p.refusedOn(ExecutionMode.LEGACY, Map.of(), PREFILL)).hasValue("prefill");
        assertThat(p.refusedOn(ExecutionMode.DIRECT_LLM, Map.of(), PREFILL)).isEmpty();
        assertThat(p.refusedOn(ExecutionMode.LEGACY, Map.of(), TOOL_EXCHANGE)).as("tool results are no prefill").isEmpty();
        assertThat(p.refusedOn(ExecutionMode.LEGACY, Map.of(), List.of())).isEmpty();
    }

    @Test
    void aParameterIsRefusedOnlyWhenTheRequestCarriesIt() {
        PathParameters p = configured(Map.of("new", List.of("logprobs", "seed")));
        assertThat(p.refusedOn(ExecutionMode.NEW, Map.of("seed", 7), List.of())).hasValue("seed");
        assertThat(p.refusedOn(ExecutionMode.NEW, Map.of("temperature", 0.2), List.of())).isEmpty();
        assertThat(configured(Map.of()).refusedOn(ExecutionMode.NEW, Map.of("seed", 7), PREFILL)).isEmpty();
    }

    @Test
    void anUnknownPathOrParameterNameIsAStartupError() {
        assertThatThrownBy(() -> configured(Map.of("legacy", List.of("prefil"))))
                .hasMessageContaining("unknown parameter 'prefil'");
        assertThatThrownBy(() -> configured(Map.of("old", List.of("prefill"))))
                .hasMessageContaining("unsupported-parameters");
    }
}
