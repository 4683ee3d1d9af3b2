package io.chatgw.plane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.SseClient.Event;
import io.chatgw.support.TestPlane;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Values a plane reports in its {@code done} / {@code error} reach usage_records checked (real PostgreSQL): a bad one
 * is replaced (cut, clamped, defaulted), the record is written anyway with {@code invalid_reason}, no count wraps, and
 * the plane gets an {@code error} frame {@code invalid_value} after its {@code ack}. The client's turn ends as the plane
 * said.
 */
class PlaneReportedValuesIT extends PlaneProtocolSupport {

    /** Ends a turn with the plane's {@code event} {@code data}; returns the client's last event and the usage record. */
    private record Ended(Event last, Map<String, Object> record, JsonNode errorFrame) {
    }

    private Ended end(NewUser u, TestPlane plane, String event, Map<String, ?> data, boolean expectInvalid) throws Exception {
        RunningTurn turn = startTurn(u, plane, "hi");
        plane.event(turn.session(), turn.requestId(), 1, "text", text("answer"));
        plane.event(turn.session(), turn.requestId(), 2, event, data);
        assertThat(plane.next("ack", 5).get("seq").asLong()).isEqualTo(1);
        JsonNode ack = plane.next(f -> f.path("type").asText().equals("ack") && f.path("seq").asLong() == 2, 5);
        assertThat(ack).isNotNull();
        JsonNode error = null;
        if (expectInvalid) {
            error = plane.next("error", 5);
            assertThat(error.get("code").asText()).isEqualTo("invalid_value");
            assertThat(error.at("/ref/type").asText()).isEqualTo("sse_event");
        } else {
            assertThatNoErrorFrame(plane);
        }
        List<Event> events = turn.client().get(15, TimeUnit.SECONDS);
        Map<String, Object> record = await().atMost(Duration.ofSeconds(15)).until(() -> jdbc.queryForList(
                "SELECT * FROM usage_records WHERE request_id = ?::uuid", turn.requestId()), rows -> rows.size() == 1).get(0);
        return new Ended(events.get(events.size() - 1), record, error);
    }

    @Test
    void aValidDoneIsRecordedAsReportedAndNotMarkedInvalid() throws Exception {
        NewUser u = newModeUser();
        try (TestPlane plane = connectAndGreet(u)) {
            Ended ok = end(u, plane, "done", Map.of("model", "plane-model", "usage",
                    Map.of("prompt_tokens", 12, "completion_tokens", 34)), false);
            assertThat(ok.last().type()).isEqualTo("done");
            assertThat(ok.record()).containsEntry("model", "plane-model").containsEntry("tokens_in", 12)
                    .containsEntry("tokens_out", 34).containsEntry("invalid_reason", null);
        }
    }

    @Test
    void badReportedValuesAreReplacedAndTheRecordIsKeptMarkedInvalid() throws Exception {
        NewUser u = newModeUser();
        try (TestPlane plane = connectAndGreet(u)) {
            Ended longModel = end(u, plane, "done", Map.of("model", "m".repeat(101), "usage",
                    Map.of("prompt_tokens", 5, "completion_tokens", 3)), true);
            assertThat(longModel.last().type()).isEqualTo("done");
            assertThat(longModel.record()).containsEntry("model", "m".repeat(100)).containsEntry("tokens_in", 5);
            assertThat(longModel.record().get("invalid_reason").toString()).contains("model is longer than 100");
            assertThat(longModel.errorFrame().get("message").asText()).contains("model");

            Ended negative = end(u, plane, "done", Map.of("model", "m", "usage",
                    Map.of("prompt_tokens", -4, "completion_tokens", 2)), true);
            assertThat(negative.record()).containsEntry("tokens_in", 0).containsEntry("tokens_out", 2);
            assertThat(negative.record().get("invalid_reason").toString()).contains("prompt_tokens is negative");

            Ended huge = end(u, plane, "done", Map.of("model", "m", "usage",
                    Map.of("prompt_tokens", BigInteger.TWO.pow(32).add(BigInteger.valueOf(5)), "completion_tokens", 1)), true);
            assertThat(huge.record()).containsEntry("tokens_in", Integer.MAX_VALUE); // clamped, never wrapped to 5
            assertThat(huge.record().get("invalid_reason").toString()).contains("prompt_tokens is over 2147483647");

            Ended longCode = end(u, plane, "error", Map.of("code", "c".repeat(80), "message", "boom"), true);
            assertThat(longCode.last().type()).isEqualTo("error");
            assertThat(longCode.last().json().get("code").asText()).isEqualTo("plane_error");
            assertThat(longCode.record()).containsEntry("status", "failed").containsEntry("error_code", "plane_error");
            assertThat(longCode.record().get("invalid_reason").toString()).contains("error code");

            // a code that would forge a log line is never used as one: not in the record, the client's event, a log
            Ended forged = end(u, plane, "error", Map.of("code", "x\n2026-12-01 ERROR forged line", "message", "m"), true);
            assertThat(forged.last().json().get("code").asText()).isEqualTo("plane_error");
            assertThat(forged.record()).containsEntry("error_code", "plane_error");
            assertThat(plane.isOpen()).isTrue();
        }
    }
}
