package io.chatgw.routing;

import static io.chatgw.core.ExecutionMode.DIRECT_LLM;
import static io.chatgw.core.ExecutionMode.LEGACY;
import static io.chatgw.core.ExecutionMode.NEW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatgw.core.ExecutionMode;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModeResolutionTest {

    private static Optional<ExecutionMode> set(ExecutionMode m) {
        return Optional.of(m);
    }

    private static final Optional<ExecutionMode> UNSET = Optional.empty();

    @Test
    void orgOverrideBeatsEverything() {
        assertThat(ModeResolution.resolve(set(NEW), set(LEGACY), set(DIRECT_LLM), set(LEGACY), LEGACY))
                .isEqualTo(new ModeDecision(NEW, "org_override"));
    }

    @Test
    void userModeBeatsAgentAndGlobal() {
        assertThat(ModeResolution.resolve(UNSET, set(DIRECT_LLM), set(NEW), set(NEW), LEGACY))
                .isEqualTo(new ModeDecision(DIRECT_LLM, "user_mode"));
    }

    @Test
    void agentDefaultBeatsGlobal() {
        assertThat(ModeResolution.resolve(UNSET, UNSET, set(NEW), set(DIRECT_LLM), LEGACY))
                .isEqualTo(new ModeDecision(NEW, "agent_default"));
    }

    @Test
    void globalPolicyBeatsConfiguredDefault() {
        assertThat(ModeResolution.resolve(UNSET, UNSET, UNSET, set(NEW), LEGACY))
                .isEqualTo(new ModeDecision(NEW, "global_policy"));
    }

    @Test
    void nothingSetMeansTheConfiguredDefault() {
        assertThat(ModeResolution.resolve(UNSET, UNSET, UNSET, UNSET, LEGACY))
                .isEqualTo(new ModeDecision(LEGACY, "global_default"));
    }

    @Test
    void modeNamesParseStrictly() {
        assertThat(ExecutionMode.parse("direct_llm")).contains(DIRECT_LLM);
        assertThat(ExecutionMode.parse(null)).isEmpty();
        assertThat(ExecutionMode.parse(" ")).isEmpty();
        assertThatThrownBy(() -> ExecutionMode.parse("LEGACY")).isInstanceOf(IllegalArgumentException.class);
    }
}
