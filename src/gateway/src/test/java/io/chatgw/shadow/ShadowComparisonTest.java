package io.chatgw.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.turn.EventTrace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a pair diverges in, kind by kind. */
class ShadowComparisonTest {

    private static EventTrace.Traced e(String type, Map<String, ?> data) {
        return new EventTrace.Traced(type, data, 0);
    }

    private static List<EventTrace.Traced> answer(String... deltas) {
        List<EventTrace.Traced> events = new ArrayList<>();
        for (String d : deltas) {
            events.add(e("text", Map.of("delta", d)));
        }
        return events;
    }

    private static RunSummary completed(List<EventTrace.Traced> events) {
        return RunSummary.of("legacy", "completed", null, 10, 100, events, 200, 4000);
    }

    private static ShadowComparison compare(List<EventTrace.Traced> primary, List<EventTrace.Traced> shadow) {
        return ShadowComparison.of(completed(primary), completed(shadow), 0.8);
    }

    @Test
    void theSameAnswerChunkedDifferentlyDoesNotDiverge() {
        ShadowComparison c = compare(answer("Hello", " world"), answer("Hel", "lo w", "orld"));
        assertThat(c.divergences()).isEmpty();
        assertThat(c.textSimilarity()).isEqualTo(1.0);
    }

    @Test
    void aDifferenceOfCaseAndPunctuationOnlyIsAnExactTextDivergenceButNotANormalizedOne() {
        ShadowComparison c = compare(answer("Hello, world token-1"), answer("HELLO WORLD TOKEN-1"));
        assertThat(c.divergences()).containsExactly(ShadowComparison.TEXT_EXACT);
        assertThat(c.textSimilarity()).isEqualTo(1.0);
    }

    @Test
    void otherWordsDivergeInBothTextKinds() {
        ShadowComparison c = compare(answer("Stand-in reply to \"hi\": token-1 token-2 token-3"),
                answer("Alternate answer on \"hi\": word-1 word-2 word-3"));
        assertThat(c.divergences()).containsExactly(ShadowComparison.TEXT_EXACT, ShadowComparison.TEXT_NORMALIZED);
        assertThat(c.textSimilarity()).isLessThan(0.8);
    }

    @Test
    void toolCallsAreComparedByKindNameAndArgumentsInOrderButNotByCallIdOrNumberType() {
        List<EventTrace.Traced> primary = new ArrayList<>(List.of(
                e("mcp_call", Map.of("call_id", "a", "name", "weather.lookup", "arguments", Map.of("city", "Berlin", "days", 1))),
                e("mcp_result", Map.of("call_id", "a", "name", "weather.lookup", "output", Map.of()))));
        List<EventTrace.Traced> sameOtherIds = List.of(
                e("mcp_call", Map.of("call_id", "z", "name", "weather.lookup", "arguments", Map.of("days", 1L, "city", "Berlin"))),
                e("mcp_result", Map.of("call_id", "z", "name", "weather.lookup", "output", Map.of("x", 1))));
        List<EventTrace.Traced> otherCity = List.of(
                e("mcp_call", Map.of("call_id", "a", "name", "weather.lookup", "arguments", Map.of("city", "Paris", "days", 1))),
                e("mcp_result", Map.of("call_id", "a", "name", "weather.lookup", "output", Map.of())));

        assertThat(compare(primary, sameOtherIds).divergences()).isEmpty();
        ShadowComparison c = compare(primary, otherCity);
        assertThat(c.divergences()).containsExactly(ShadowComparison.TOOL_CALLS);
        assertThat(c.details().get(ShadowComparison.TOOL_CALLS).get("shadow").toString()).contains("Paris");
    }

    @Test
    void aCallWithoutItsResultIsAPairingDivergence() {
        List<EventTrace.Traced> paired = List.of(e("skill_call", Map.of("call_id", "1", "name", "s", "arguments", Map.of())),
                e("skill_result", Map.of("call_id", "1", "name", "s", "output", Map.of())));
        List<EventTrace.Traced> unpaired = List.of(e("skill_call", Map.of("call_id", "1", "name", "s", "arguments", Map.of())));
        ShadowComparison c = compare(paired, unpaired);
        assertThat(c.divergences()).contains(ShadowComparison.TOOL_PAIRING, ShadowComparison.EVENT_SEQUENCE);
        assertThat(c.divergences()).doesNotContain(ShadowComparison.TOOL_CALLS);
    }

    @Test
    void planStepsAndTheEventSequenceAreComparedInOrder() {
        List<EventTrace.Traced> primary = List.of(e("plan_step", Map.of("step", 1, "title", "Look")), e("text", Map.of("delta", "x")));
        List<EventTrace.Traced> shadow = List.of(e("plan_step", Map.of("step", 1, "title", "Load")), e("text", Map.of("delta", "x")));
        List<EventTrace.Traced> noPlan = List.of(e("text", Map.of("delta", "x")));
        assertThat(compare(primary, shadow).divergences()).containsExactly(ShadowComparison.PLAN_STEPS);
        assertThat(compare(primary, noPlan).divergences())
                .containsExactly(ShadowComparison.EVENT_SEQUENCE, ShadowComparison.PLAN_STEPS);
    }

    @Test
    void statusEventsAreNoDifference() {
        List<EventTrace.Traced> withStatus = new ArrayList<>(answer("a"));
        withStatus.add(e("status", Map.of("state", "reconnecting")));
        withStatus.addAll(answer("b"));
        assertThat(compare(answer("a", "b"), withStatus).divergences()).isEmpty();
    }

    @Test
    void aFailedSideDivergesInOutcomeOnlyAndTheSameFailureOnBothSidesIsNoDivergence() {
        RunSummary ok = completed(answer("hi"));
        RunSummary failed = RunSummary.of("legacy", "failed", "upstream_error", null, 5, List.of(), 200, 4000);
        ShadowComparison c = ShadowComparison.of(ok, failed, 0.8);
        assertThat(c.divergences()).containsExactly(ShadowComparison.OUTCOME);
        assertThat(c.bothCompleted()).isFalse();
        assertThat(c.textSimilarity()).isNull();
        assertThat(ShadowComparison.of(failed, failed, 0.8).divergences()).isEmpty();
        RunSummary otherCode = RunSummary.of("new", "failed", "vm_unavailable", null, 5, List.of(), 200, 4000);
        assertThat(ShadowComparison.of(failed, otherCode, 0.8).divergences()).containsExactly(ShadowComparison.OUTCOME);
    }

    @Test
    void storedEventsAreBoundedAndTextDeltasJoinedButAllAreCompared() {
        List<EventTrace.Traced> many = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            many.add(e("plan_step", Map.of("step", i, "title", "t")));
            many.add(e("text", Map.of("delta", "a")));
            many.add(e("text", Map.of("delta", "b")));
        }
        RunSummary s = RunSummary.of("new", "completed", null, 1, 2, many, 4, 4000);
        assertThat(s.events()).hasSize(4);
        assertThat(s.events().get(1)).containsEntry("type", "text").containsEntry("text", "ab");
        assertThat(s.eventCount()).isEqualTo(30);
        assertThat(s.planSteps()).hasSize(10);
        assertThat(s.eventTypes()).hasSize(20);
    }

    @Test
    void similarityIsZeroWhenNothingIsSharedAndOneForEqualNormalizedTexts() {
        assertThat(ShadowComparison.similarity("alpha beta gamma", "delta epsilon zeta")).isZero();
        assertThat(ShadowComparison.similarity("Ünïcode  text!", "ünïcode text")).isEqualTo(1.0);
        assertThat(ShadowComparison.similarity("", "")).isEqualTo(1.0);
        assertThat(ShadowComparison.similarity("one", "")).isZero();
    }
}
