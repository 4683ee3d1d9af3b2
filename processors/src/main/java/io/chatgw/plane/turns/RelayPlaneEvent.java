package io.chatgw.plane.turns;

import io.chatgw.plane.socket.PlaneConnection;
import io.chatgw.plane.socket.PlaneFrameException;
import io.chatgw.plane.link.PlaneLink;
import io.chatgw.plane.link.PlaneSender;
import io.chatgw.plane.socket.ReadPlaneFrame;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.core.GatewayException;
import io.chatgw.turn.ChatEventTypes;
import io.chatgw.turn.PathRun;
import io.chatgw.turn.ReportedValues;
import io.chatgw.turn.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * sse_event: an event of the plane's running turn goes into the session's relay (same ids and replay as
 * every path), exactly once: an event whose seq the gateway already has is dropped and acknowledged again.
 * {@code done} and {@code error} end the turn. Events for another user's session are never relayed.
 */
@Component("relayPlaneEvent")
public class RelayPlaneEvent implements Processor {

    private static final Set<String> RELAYED = Set.of(ChatEventTypes.TEXT, ChatEventTypes.PLAN_STEP,
            ChatEventTypes.SKILL_CALL, ChatEventTypes.SKILL_RESULT, ChatEventTypes.MCP_CALL, ChatEventTypes.MCP_RESULT,
            ChatEventTypes.STATUS, ChatEventTypes.TOOL_CALL);

    private final PlaneTurns turns;
    private final PlaneSender sender;
    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final Counter duplicates;

    public RelayPlaneEvent(PlaneTurns turns, PlaneSender sender, JdbcTemplate jdbc, ObjectMapper json, MeterRegistry meters) {
        this.turns = turns;
        this.sender = sender;
        this.jdbc = jdbc;
        this.json = json;
        this.duplicates = Counter.builder("gateway.plane.events.duplicate")
                .description("sse_events dropped because the gateway already had their seq").register(meters);
    }

    @Override
    public void process(Exchange exchange) {
        // the relay latency starts when the frame came off the socket, so it includes any backlog
        long received = exchange.getProperty(PlaneConnection.ARRIVED, System.nanoTime(), Long.class);
        PlaneLink link = exchange.getProperty(PlaneConnection.LINK, PlaneLink.class);
        JsonNode frame = exchange.getProperty(ReadPlaneFrame.FRAME, JsonNode.class);
        String sessionId = ReadPlaneFrame.text(frame, "session_id");
        String requestId = ReadPlaneFrame.text(frame, "request_id");
        String event = ReadPlaneFrame.text(frame, "event");
        JsonNode seqNode = frame.get("seq");
        if (seqNode == null || !seqNode.canConvertToLong() || seqNode.asLong() < 1) {
            throw new PlaneFrameException("invalid_frame", "'seq' must be a positive integer");
        }
        long seq = seqNode.asLong();
        JsonNode data = frame.get("data");
        if (data == null || !data.isObject()) {
            throw new PlaneFrameException("invalid_frame", "'data' must be an object");
        }
        boolean ends = ChatEventTypes.DONE.equals(event) || ChatEventTypes.ERROR.equals(event);
        if (!ends && !RELAYED.contains(event)) {
            throw new PlaneFrameException("unknown_event", "unknown event '" + event + "'");
        }
        PlaneTurn turn = turns.turnOf(link, sessionId);
        if (turn == null || !turn.requestId().equals(requestId)) {
            if (turns.recentlyEnded(link, requestId)) {
                // sent before the plane saw the gateway end this turn (cancel, timeout): dropped, not an error
                ack(link, sessionId, seq);
                return;
            }
            if (!ownsSession(link.userId(), sessionId)) {
                throw new PlaneFrameException("foreign_session", "session " + sessionId + " is not this plane's user's");
            }
            throw new PlaneFrameException("unknown_request", "request " + requestId + " is not running in session " + sessionId);
        }
        if (turn.run().traceparent() != null && turn.run().planeTraceparent() == null && frame.has("traceparent")) {
            turn.run().planeTraceparent(io.chatgw.tracing.TurnTraces.validTraceparent(frame.path("traceparent").asText(null)));
        }
        String invalid = null;
        synchronized (turn) {
            if (!turn.accept(seq)) {
                duplicates.increment();
                ack(link, sessionId, turn.lastSeq());
                return;
            }
            if (ends) {
                turns.finishTurn(link, turn);
                invalid = end(turn, event, data);
            } else {
                turn.run().publish(event, json.convertValue(data, Map.class), received);
            }
        }
        ack(link, sessionId, seq);
        if (invalid != null) { // accepted and recorded (marked invalid), and the plane is told: error frame invalid_value
            throw new PlaneFrameException("invalid_value", invalid);
        }
    }

    /**
     * Ends the turn as the plane's {@code done} / {@code error} says, with every reported value checked
     * ({@link ReportedValues}); returns what was wrong with them (the run's usage record is marked so), or null.
     */
    private static String end(PlaneTurn turn, String event, JsonNode data) {
        PathRun run = turn.run();
        if (ChatEventTypes.DONE.equals(event)) {
            ReportedValues.Checked<Usage> usage = ReportedValues.usage(data.get("usage"), "prompt_tokens", "completion_tokens");
            run.reportUsage(usage.value());
            run.reportInvalid(usage.problem());
            run.reportModel(data.path("model").isTextual() ? data.get("model").asText() : null);
            run.reportFinishReason(data.path("finish_reason").isTextual() ? data.get("finish_reason").asText() : null);
            turn.end(null);
        } else {
            ReportedValues.Checked<String> code = ReportedValues.errorCode(
                    data.path("code").isTextual() ? data.get("code").asText() : "plane_error", "plane_error");
            run.reportInvalid(code.problem());
            turn.end(GatewayException.upstream(code.value(),
                    "execution plane: " + ReportedValues.message(data.path("message").asText(""))));
        }
        return run.invalidReason();
    }

    private void ack(PlaneLink link, String sessionId, long seq) {
        sender.ack(link, sessionId, seq);
    }

    private boolean ownsSession(String userId, String sessionId) {
        try {
            List<String> owners = jdbc.queryForList("SELECT user_id FROM sessions WHERE id = ?", String.class,
                    UUID.fromString(sessionId));
            return owners.contains(userId);
        } catch (IllegalArgumentException notAUuid) {
            return false;
        }
    }
}
