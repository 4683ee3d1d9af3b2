package io.chatgw.turn;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.auth.Caller;
import io.chatgw.config.GatewayProperties;
import io.chatgw.conversation.Conversations;
import io.chatgw.core.ExecutionMode;
import io.chatgw.core.GatewayException;
import io.chatgw.metrics.MetricTags;
import io.chatgw.monitor.PathExecution;
import io.chatgw.monitor.RuntimeMonitor;
import io.chatgw.relay.RelayEvent;
import io.chatgw.relay.SessionRelay;
import io.chatgw.relay.SessionStream;
import io.chatgw.routing.ModeDecision;
import io.chatgw.session.ChatSession;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Opens and ends turns: the {@code route} event first, exactly one {@code done} or {@code error} last,
 * and the request's metrics and log lines around them.
 */
@Component
public class Turns {

    private static final Logger log = LoggerFactory.getLogger(Turns.class);

    private final SessionRelay relay;
    private final ObjectMapper json;
    private final MeterRegistry meters;
    private final Duration busyRetryAfter;
    private final RuntimeMonitor monitor;
    private final Conversations conversations;
    private final MetricTags tags;
    private final io.chatgw.tracing.TurnTraces traces;

    public Turns(SessionRelay relay, ObjectMapper json, MeterRegistry meters, GatewayProperties properties,
                 RuntimeMonitor monitor, Conversations conversations, MetricTags tags, io.chatgw.tracing.TurnTraces traces) {
        this.tags = tags;
        this.traces = traces;
        this.monitor = monitor;
        this.conversations = conversations;
        this.relay = relay;
        this.json = json;
        this.meters = meters;
        this.busyRetryAfter = properties.chat().busyRetryAfter();
    }

    /** Claims the session (409 if a turn is already running there) and announces the chosen path. */
    public Turn open(Caller caller, ChatSession session, ModeDecision decision, String message) {
        return open(caller, session, decision, message, List.of());
    }

    /**
     * Like {@link #open(Caller, ChatSession, ModeDecision, String)}, with the conversation before the message
     * ({role, content} maps, oldest first) for the path to send along.
     */
    public Turn open(Caller caller, ChatSession session, ModeDecision decision, String message,
                     List<Map<String, Object>> history) {
        return open(caller, session, decision, message, history, UUID.randomUUID());
    }

    /** As above, with the turn's request id (the HTTP request's x-request-id). */
    public Turn open(Caller caller, ChatSession session, ModeDecision decision, String message,
                     List<Map<String, Object>> history, UUID requestId) {
        SessionStream stream = relay.stream(session.id());
        if (!stream.beginTurn(requestId.toString())) {
            throw new TurnInProgress(busyRetryAfter);
        }
        Turn turn = new Turn(requestId, caller, session, decision, message, history, stream, json);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("path", decision.mode().wire());
        data.put("reason", decision.reason());
        if (decision.autoFallback() != null) {
            data.put("fallback_from", decision.autoFallback().from().wire());
            data.put("threshold", decision.autoFallback().threshold());
        }
        data.put("request_id", requestId.toString());
        RelayEvent route = turn.publish(ChatEventTypes.ROUTE, data);
        turn.routeEventId(route.id());
        Counter.builder("gateway.route.decisions").description("routing decisions by chosen path and reason")
                .tag("path", decision.mode().wire()).tag("reason", decision.reason())
                .register(meters).increment();
        log.info("chat turn request_id={} session={} user={} org={} path={} reason={}", requestId, session.id(),
                caller.userId(), caller.orgId(), decision.mode().wire(), decision.reason());
        return turn;
    }

    /**
     * A shadow of {@code primary} on {@code path} (docs/shadow.md): the same message, history and parameters, with
     * its own request id and a session id of its own (so no path, plane or store ever touches the user's session
     * for it). It takes no turn lock, publishes nothing to the session, and is ended by {@link #endShadow}.
     */
    public Turn openShadow(Turn primary, ExecutionMode path, UUID requestId, UUID sessionId) {
        ChatSession user = primary.session();
        ChatSession own = new ChatSession(sessionId, user.userId(), user.orgId(), user.agentId());
        return Turn.newShadow(primary, requestId, own, new ModeDecision(path, "shadow"), json);
    }

    /**
     * Ends a shadow turn: no event, no conversation, no metric of the chat turns (the shadow has its own). A run
     * still going is cancelled (the shadow's timeout).
     */
    public void endShadow(Turn shadow, String errorCode, String message) {
        if (!shadow.isShadow()) {
            throw new IllegalArgumentException("turn " + shadow.requestId() + " is not a shadow");
        }
        TurnOutcome outcome = errorCode == null ? TurnOutcome.completed() : TurnOutcome.failed(errorCode, message);
        if (!shadow.markEnded(outcome)) {
            return;
        }
        PathRun run = shadow.currentRun();
        if (run != null && !run.end().isDone()) {
            run.cancel(new GatewayException(504, errorCode, message));
        }
    }

    /**
     * The turn's path failed before its first event and {@code to} answers instead: the client is told with a
     * {@code fallback} event on the same stream (ids continue), then gets {@code to}'s answer.
     */
    public void fallBack(Turn turn, ExecutionMode from, ExecutionMode to, String reason) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("from", from.wire());
        data.put("to", to.wire());
        data.put("reason", reason);
        turn.fellBackFrom(from);
        turn.publish(ChatEventTypes.FALLBACK, data);
        traces.fellBack(turn, from, to, reason);
        Counter.builder("gateway.fallbacks").description("turns answered by another path after theirs failed before its first event")
                .tag("from", from.wire()).tag("to", to.wire()).tag("reason", reason).register(meters).increment();
        log.info("chat turn request_id={} fallback from={} to={} reason={}", turn.requestId(), from, to, reason);
    }

    /** Ends the turn with {@code done}. */
    public void complete(Turn turn) {
        if (!turn.markEnded(TurnOutcome.completed())) {
            return;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("path", turn.path());
        if (turn.fallbackFrom() != null) {
            data.put("fallback_from", turn.fallbackFrom().wire());
        }
        data.put("request_id", turn.requestId().toString());
        data.put("model", turn.model());
        if (turn.finishReason() != null) {
            data.put("finish_reason", turn.finishReason());
        }
        data.put("usage", turn.usage().toJson());
        conversations.remember(turn); // before `done`: the client's next message is sent with this turn
        turn.publishEnd(ChatEventTypes.DONE, data);
        record(turn);
    }

    /** Ends the turn with an in-band {@code error} event (partial usage included); a run still going is cancelled. */
    public void fail(Turn turn, String code, String message) {
        fail(turn, code, message, null);
    }

    /** As {@link #fail(Turn, String, String)}; {@code retryAfterSeconds} (a rate limit) goes in as {@code retry_after}. */
    public void fail(Turn turn, String code, String message, Integer retryAfterSeconds) {
        if (!turn.markEnded(TurnOutcome.failed(code, message))) {
            return;
        }
        PathRun run = turn.currentRun();
        if (run != null && !run.end().isDone()) {
            run.cancel(new GatewayException(502, code, message));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("code", code);
        data.put("message", message);
        if (retryAfterSeconds != null) {
            data.put("retry_after", retryAfterSeconds);
        }
        data.put("path", turn.path());
        if (turn.fallbackFrom() != null) {
            data.put("fallback_from", turn.fallbackFrom().wire());
        }
        data.put("request_id", turn.requestId().toString());
        data.put("usage", turn.usage().toJson());
        conversations.remember(turn); // the user's message stays in the conversation, marked failed
        turn.publishEnd(ChatEventTypes.ERROR, data);
        if (run != null && run.reachedClient()) {
            Counter.builder("gateway.midstream.failures")
                    .description("turns that failed after their path's first event reached the client (no fallback then)")
                    .tag("path", turn.path()).register(meters).increment();
        }
        record(turn);
    }

    private void record(Turn turn) {
        long now = System.nanoTime();
        recordRuns(turn, now);
        String path = turn.path();
        TurnOutcome outcome = turn.outcome();
        Counter.builder("gateway.requests").description("chat turns by answering path and outcome")
                .tag("path", path).tag("outcome", outcome.status()).register(meters).increment();
        if (outcome.errorCode() != null) {
            Counter.builder("gateway.turn.errors").description("failed turns by answering path and error code (bounded: other)")
                    .tag("path", path).tag("code", tags.errorCode(outcome.errorCode())).register(meters).increment();
        }
        Timer.builder("gateway.turn.duration").description("from routing decision to done/error")
                .tag("path", path).publishPercentileHistogram().register(meters)
                .record(Duration.ofNanos(now - turn.startedNanos()));
        if (turn.firstEventNanos() != 0) {
            Timer.builder("gateway.time.to.first.event").description("from routing decision to the answering path's first event")
                    .tag("path", path).publishPercentileHistogram().register(meters)
                    .record(Duration.ofNanos(turn.firstEventNanos() - turn.startedNanos()));
        }
        TurnLog.ended(turn, now);
        traces.ended(turn);
    }

    /**
     * Each path run's outcome goes to the runtime monitor on its own path: a run that failed before a fallback
     * answered counts against the path that failed, the answering run against its own.
     */
    private void recordRuns(Turn turn, long now) {
        for (PathRun run : turn.runs()) {
            monitor.classify(turn.errorCodeOf(run)).ifPresent(result -> monitor.record(PathExecution.of(turn.caller().orgId(),
                    run.path(), result, run.startedNanos(), run.firstEventNanos(), now)));
        }
    }
}
