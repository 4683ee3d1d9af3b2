package io.chatgw.turn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConversationLinkTest {

    @Test
    void aNativeTurnKeepsItsMessageAndAResponseTheLastUserMessageOfItsOwnInput() {
        assertThat(ConversationLink.KEPT.ownMessage("hello")).isEqualTo("hello");
        ConversationLink asked = new ConversationLink(true, null, List.of(Map.of("role", "user", "content", "first"),
                Map.of("role", "assistant", "content", "ok"), Map.of("role", "user", "content", "second")), null);
        assertThat(asked.ownMessage("second")).isEqualTo("second");
    }

    @Test
    void aResponseWhoseInputIsOnlyToolOutputsHasNoMessageOfItsOwn() {
        ConversationLink outputs = new ConversationLink(true, null, List.of(Map.of("role", "tool", "tool_call_id",
                "call_1", "content", "12 degrees")), Map.of("temperature", 0.2));
        // the turn's message is the chain's last user message: the conversation does not keep it a second time
        assertThat(outputs.ownMessage("weather in Oslo?")).isEmpty();
        assertThat(outputs.settings()).containsEntry("temperature", 0.2);
    }
}
