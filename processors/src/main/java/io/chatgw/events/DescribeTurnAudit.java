package io.chatgw.events;

import io.chatgw.core.ExchangeKeys;
import io.chatgw.routing.ModeDecision;
import io.chatgw.turn.Turn;
import io.chatgw.turn.TurnOutcome;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The audit event of a turn (routes/events.yaml): {@code request.accepted} when it is dispatched (who, session,
 * the routing decision and its reason), and when it ended {@code request.fallback} (another path answered) or
 * {@code request.failed} (the error code); a turn that simply completed leaves no second record (its usage record
 * says so). Body: the event, or null when there is nothing to record.
 */
public final class DescribeTurnAudit implements Processor {

    private final boolean ended;

    public DescribeTurnAudit(boolean ended) {
        this.ended = ended;
    }

    @Override
    public void process(Exchange exchange) {
        Turn turn = exchange.getProperty(ExchangeKeys.TURN, Turn.class);
        if (turn == null) {
            exchange.getMessage().setBody(null);
            return;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        String action;
        if (!ended) {
            ModeDecision decision = turn.decision();
            action = "request.accepted";
            details.put("mode", decision == null ? null : decision.mode().wire());
            details.put("reason", decision == null ? null : decision.reason());
            details.put("path", turn.path());
        } else if (turn.hasFallenBack()) {
            action = "request.fallback";
            details.put("fallback_from", turn.fallbackFrom() == null ? null : turn.fallbackFrom().wire());
            details.put("answered_by", turn.answeringPath().wire());
            details.put("status", turn.outcome().status());
            details.put("error_code", turn.outcome().errorCode());
        } else if (!TurnOutcome.COMPLETED.equals(turn.outcome().status())) {
            action = "request.failed";
            details.put("path", turn.answeringPath().wire());
            details.put("error_code", turn.outcome().errorCode());
        } else {
            exchange.getMessage().setBody(null);
            return;
        }
        exchange.getMessage().setBody(Audit.of(turn.caller().userId(), turn.caller().orgId(), action,
                turn.session().id().toString(), turn.requestId(), turn.session().id(), details));
    }
}
