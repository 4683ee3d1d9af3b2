package io.chatgw.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.relay.RelayEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Relay events -> the typed events of a streamed response, and -> one response object. */
class ResponseStreamTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TURN = "6f1c2a4e-0000-4000-8000-000000000001";
    private static final ResponseRequest REQUEST = new ResponseRequest(true, null, null, "be brief", Map.of("metadata", Map.of()));
    private long nextId = 1;

    private RelayEvent event(String type, Map<String, ?> data) {
        try {
            return new RelayEvent(nextId++, type, JSON.writeValueAsString(data), TURN);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private ResponseStream stream() {
        return new ResponseStream(JSON, new ResponseObjects(JSON, TURN, REQUEST, 1_700_000_000L), TURN, () -> "standin-1");
    }

    private static List<String> types(List<ResponseStream.Frame> frames) {
        return frames.stream().map(ResponseStream.Frame::type).toList();
    }

    private static JsonNode data(ResponseStream.Frame frame) throws Exception {
        return JSON.readTree(frame.data());
    }

    @Test
    void eachTextGoesOutTheMomentItArrivesAfterTheOpeningEvents() throws Exception {
        ResponseStream s = stream();
        assertThat(s.accept(event("route", Map.of("path", "legacy")))).isEmpty();
        List<ResponseStream.Frame> first = s.accept(event("text", Map.of("delta", "Hel")));
        assertThat(types(first)).containsExactly("response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta");
        assertThat(data(first.get(0)).at("/response/id").asText()).isEqualTo("resp_6f1c2a4e000040008000000000000001");
        assertThat(data(first.get(0)).at("/response/status").asText()).isEqualTo("in_progress");
        assertThat(data(first.get(4)).get("delta").asText()).isEqualTo("Hel");
        List<ResponseStream.Frame> second = s.accept(event("text", Map.of("delta", "lo")));
        assertThat(types(second)).containsExactly("response.output_text.delta");
        assertThat(data(second.get(0)).get("sequence_number").asInt()).isEqualTo(5);
        assertThat(s.path()).isEqualTo("legacy");
        assertThat(s.started()).isTrue();
    }

    @Test
    void doneClosesTheTextPartAndItemThenCompletesWithTheResponsesUsage() throws Exception {
        ResponseStream s = stream();
        s.accept(event("text", Map.of("delta", "Hello")));
        List<ResponseStream.Frame> end = s.accept(event("done", Map.of("model", "m-1",
                "usage", Map.of("prompt_tokens", 7, "completion_tokens", 2, "total_tokens", 9))));
        assertThat(types(end)).containsExactly("response.output_text.done", "response.content_part.done",
                "response.output_item.done", "response.completed");
        JsonNode response = data(end.get(3)).get("response");
        assertThat(response.get("status").asText()).isEqualTo("completed");
        assertThat(response.at("/output/0/content/0/text").asText()).isEqualTo("Hello");
        assertThat(response.at("/usage/input_tokens").asInt()).isEqualTo(7);
        assertThat(response.at("/usage/output_tokens").asInt()).isEqualTo(2);
        assertThat(response.get("instructions").asText()).isEqualTo("be brief");
        assertThat(s.finished()).isTrue();
        assertThat(s.accept(event("text", Map.of("delta", "late")))).isEmpty();
    }

    @Test
    void anAnswerCutAtMaxTokensIsIncomplete() throws Exception {
        ResponseStream s = stream();
        s.accept(event("text", Map.of("delta", "a b c")));
        List<ResponseStream.Frame> end = s.accept(event("done", Map.of("finish_reason", "length")));
        ResponseStream.Frame last = end.get(end.size() - 1);
        assertThat(last.type()).isEqualTo("response.incomplete");
        assertThat(data(last).at("/response/incomplete_details/reason").asText()).isEqualTo("max_output_tokens");
    }

    @Test
    void anErrorBeforeAnythingWasSentIsTheHttpErrorAndAfterItAFailedResponse() throws Exception {
        ResponseStream before = stream();
        assertThat(before.accept(event("error", Map.of("code", "upstream_timeout", "message", "slow")))).isEmpty();
        assertThat(before.started()).isFalse();
        assertThat(before.failure().status()).isEqualTo(504);

        ResponseStream after = stream();
        after.accept(event("text", Map.of("delta", "par")));
        List<ResponseStream.Frame> failed = after.accept(event("error", Map.of("code", "upstream_disconnected",
                "message", "gone")));
        assertThat(types(failed)).containsExactly("response.failed");
        assertThat(data(failed.get(0)).at("/response/error/code").asText()).isEqualTo("upstream_disconnected");
        assertThat(data(failed.get(0)).at("/response/status").asText()).isEqualTo("failed");
        assertThat(after.finished()).isTrue();
    }

    @Test
    void runtimeEventsAndOtherTurnsEventsAddNothing() {
        ResponseStream s = stream();
        assertThat(s.accept(event("plan_step", Map.of("step", 1)))).isEmpty();
        assertThat(s.accept(new RelayEvent(99, "text", "{\"delta\":\"x\"}", "another-turn"))).isEmpty();
        assertThat(s.started()).isFalse();
    }

    @Test
    void theCollectorJoinsTheTextIntoOneCompletedMessage() {
        ResponseCollector c = new ResponseCollector(JSON, new ResponseObjects(JSON, TURN, REQUEST, 1L), TURN, () -> "m");
        List<RelayEvent> events = new ArrayList<>(List.of(event("route", Map.of("path", "new")),
                event("text", Map.of("delta", "a ")), event("text", Map.of("delta", "b"))));
        events.forEach(c::accept);
        assertThat(c.accept(event("done", Map.of("usage", Map.of("prompt_tokens", 1, "completion_tokens", 2))))).isTrue();
        @SuppressWarnings("unchecked")
        Map<String, Object> message = ((List<Map<String, Object>>) c.response().get("output")).get(0);
        assertThat(message.get("id")).isEqualTo("msg_6f1c2a4e000040008000000000000001");
        assertThat(c.response().get("status")).isEqualTo("completed");
        assertThat(c.response().toString()).contains("text=a b");
        assertThat(c.path()).isEqualTo("new");
    }
}
