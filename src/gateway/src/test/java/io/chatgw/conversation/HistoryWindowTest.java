package io.chatgw.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class HistoryWindowTest {

    private static final UUID SESSION = UUID.randomUUID();

    private static ConversationTurn turn(int i, String status) {
        return new ConversationTurn(UUID.randomUUID(), SESSION, Instant.EPOCH.plusSeconds(i), "question " + i,
                "answer " + i, status, "legacy", null, List.of());
    }

    /** Newest first, as the store returns them. */
    private static List<ConversationTurn> turns(int n) {
        List<ConversationTurn> turns = new ArrayList<>();
        for (int i = n - 1; i >= 0; i--) {
            turns.add(turn(i, ConversationTurn.COMPLETED));
        }
        return turns;
    }

    @Test
    void theLastTurnsAreSentOldestFirstAsUserAndAssistantMessages() {
        HistoryWindow.Bounded b = new HistoryWindow(2, 10_000, "cl100k_base").bound(turns(5));
        assertThat(b.messages()).containsExactly(
                Map.of("role", "user", "content", "question 3"), Map.of("role", "assistant", "content", "answer 3"),
                Map.of("role", "user", "content", "question 4"), Map.of("role", "assistant", "content", "answer 4"));
        assertThat(b.turnsKept()).isEqualTo(2);
        assertThat(b.turnsDropped()).isEqualTo(3);
        assertThat(b.describe()).startsWith("history_turns=2 history_dropped=3 history_tokens=");
    }

    @Test
    void theTokenBudgetDropsTheOldestTurnsFirstAndKeepsTheHistoryContiguous() {
        HistoryWindow window = new HistoryWindow(100, 10_000, "cl100k_base");
        int perTurn = window.tokens("question 1") + window.tokens("answer 1");
        HistoryWindow.Bounded b = new HistoryWindow(100, perTurn * 2 + 1, "cl100k_base").bound(turns(5));
        assertThat(b.turnsKept()).isEqualTo(2);
        assertThat(b.messages().get(0).get("content")).isEqualTo("question 3");
        assertThat(b.tokens()).isEqualTo(perTurn * 2);
    }

    @Test
    void failedTurnsAreNotSent() {
        List<ConversationTurn> turns = new ArrayList<>(turns(2));
        turns.add(0, turn(2, ConversationTurn.FAILED));
        HistoryWindow.Bounded b = new HistoryWindow(10, 10_000, "cl100k_base").bound(turns);
        assertThat(b.turnsKept()).isEqualTo(2);
        assertThat(b.turnsDropped()).isZero();
        assertThat(b.messages()).extracting(m -> m.get("content")).doesNotContain("question 2");
    }

    private static ConversationTurn response(int i, List<Map<String, Object>> input, String answer,
                                             List<Map<String, Object>> tools) {
        return new ConversationTurn(UUID.randomUUID(), SESSION, Instant.EPOCH.plusSeconds(i), "", answer,
                ConversationTurn.COMPLETED, "direct_llm", null, tools, null, null, input, null, null);
    }

    private static final Map<String, Object> CALL = Map.of("type", "tool_call", "data",
            Map.of("index", 0, "id", "call_1", "name", "get_weather", "arguments", "{\"city\":\"Oslo\"}"));

    @Test
    void aResponsesTurnIsSentAsItsWholeInputThenItsAnswerWithItsToolCalls() {
        ConversationTurn called = response(1, List.of(Map.of("role", "system", "content", "be brief"),
                Map.of("role", "user", "content", "weather?")), "", List.of(CALL));
        ConversationTurn answered = response(2, List.of(Map.of("role", "tool", "tool_call_id", "call_1",
                "content", "12 degrees")), "It is 12 degrees", List.of());
        HistoryWindow window = new HistoryWindow(10, 10_000, "cl100k_base");
        HistoryWindow.Bounded b = window.bound(List.of(answered, called));
        assertThat(b.messages()).extracting(m -> m.get("role"))
                .containsExactly("system", "user", "assistant", "tool", "assistant");
        Map<String, Object> calls = b.messages().get(2);
        assertThat(calls).containsEntry("content", null);
        assertThat(calls.get("tool_calls")).isEqualTo(List.of(Map.of("id", "call_1", "type", "function",
                "function", Map.of("name", "get_weather", "arguments", "{\"city\":\"Oslo\"}"))));
        assertThat(b.messages().get(3)).containsEntry("tool_call_id", "call_1");
        assertThat(b.messages().get(4)).containsEntry("content", "It is 12 degrees").doesNotContainKey("tool_calls");
        assertThat(window.count(called)).isEqualTo(window.tokens("be brief") + window.tokens("weather?")
                + window.tokens("{\"city\":\"Oslo\"}"));
    }

    @Test
    void aTurnAnsweringToolCallsOfATurnThatWasCutGoesToo() {
        ConversationTurn called = response(1, List.of(Map.of("role", "user", "content", "weather?")), "",
                List.of(CALL));
        ConversationTurn answered = response(2, List.of(Map.of("role", "tool", "tool_call_id", "call_1",
                "content", "12 degrees")), "It is 12 degrees", List.of());
        ConversationTurn next = response(3, List.of(Map.of("role", "user", "content", "and tomorrow?")), "Sun",
                List.of());
        HistoryWindow.Bounded b = new HistoryWindow(2, 10_000, "cl100k_base").bound(List.of(next, answered, called));
        assertThat(b.messages()).extracting(m -> m.get("content")).containsExactly("and tomorrow?", "Sun");
        assertThat(b.turnsKept()).isEqualTo(1);
        assertThat(b.turnsDropped()).isEqualTo(2);
        assertThat(b.tokens()).isEqualTo(new HistoryWindow(1, 1, "cl100k_base").count(next));
    }

    @Test
    void aNativeTurnIsSentAsItsTextEvenWhenItsLlmCalledTools() {
        ConversationTurn turn = new ConversationTurn(UUID.randomUUID(), SESSION, Instant.EPOCH, "weather?", "",
                ConversationTurn.COMPLETED, "legacy", null, List.of(CALL));
        assertThat(new HistoryWindow(10, 10_000, "cl100k_base").bound(List.of(turn)).messages()).containsExactly(
                Map.of("role", "user", "content", "weather?"), Map.of("role", "assistant", "content", ""));
    }

    @Test
    void anUnknownEncodingIsAConfigurationError() {
        assertThatThrownBy(() -> new HistoryWindow(1, 1, "nope")).hasMessageContaining("gateway.conversations.encoding");
    }
}
