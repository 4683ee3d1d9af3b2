package io.chatgw.turn;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The one log line per ended turn ({@code chat turn ended ...}): in the text format its fields are in the message;
 * with structured logging (profile {@code json-logs}) each is also a JSON field of its own: request_id, trace_id,
 * session, user, org, path, reason, outcome, error, fallback_from, first_event_ms, duration_ms, tokens_in, tokens_out.
 * The values are the gateway's own (ids it issued or validated, its path and reason names, error codes).
 */
final class TurnLog {

    private static final Logger log = LoggerFactory.getLogger(TurnLog.class);

    private TurnLog() {
    }

    static void ended(Turn turn, long endNanos) {
        if (!log.isInfoEnabled()) {
            return;
        }
        TurnOutcome outcome = turn.outcome();
        long durationMs = (endNanos - turn.startedNanos()) / 1_000_000;
        long firstEventMs = turn.firstEventNanos() == 0 ? -1 : (turn.firstEventNanos() - turn.startedNanos()) / 1_000_000;
        String fallbackFrom = turn.fallbackFrom() == null ? null : turn.fallbackFrom().wire();
        StringBuilder text = new StringBuilder("chat turn ended request_id=").append(turn.requestId())
                .append(" path=").append(turn.path());
        if (fallbackFrom != null) {
            text.append(" fallback_from=").append(fallbackFrom);
        }
        text.append(" outcome=").append(outcome.status());
        if (outcome.errorCode() != null) {
            text.append(" error=").append(outcome.errorCode());
        }
        text.append(" duration_ms=").append(durationMs).append(" first_event_ms=").append(firstEventMs)
                .append(" tokens_in=").append(turn.usage().promptTokens())
                .append(" tokens_out=").append(turn.usage().completionTokens());
        if (!turn.historyNote().isEmpty()) {
            text.append(' ').append(turn.historyNote());
        }
        LoggingEventBuilder line = log.atInfo().setMessage(text.toString())
                .addKeyValue("request_id", turn.requestId().toString())
                .addKeyValue("session", turn.session().id().toString())
                .addKeyValue("user", turn.caller().userId())
                .addKeyValue("org", turn.caller().orgId())
                .addKeyValue("path", turn.path())
                .addKeyValue("reason", turn.decision().reason())
                .addKeyValue("outcome", outcome.status())
                .addKeyValue("first_event_ms", firstEventMs)
                .addKeyValue("duration_ms", durationMs)
                .addKeyValue("tokens_in", turn.usage().promptTokens())
                .addKeyValue("tokens_out", turn.usage().completionTokens());
        String traceId = io.chatgw.tracing.TurnTraces.traceIdOf(turn);
        if (traceId != null) {
            line = line.addKeyValue("trace_id", traceId);
        }
        if (outcome.errorCode() != null) {
            line = line.addKeyValue("error", outcome.errorCode());
        }
        if (fallbackFrom != null) {
            line = line.addKeyValue("fallback_from", fallbackFrom);
        }
        line.log();
    }
}
