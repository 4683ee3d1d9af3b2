package io.chatgw.shadow;

import io.chatgw.core.ExchangeKeys;
import io.chatgw.turn.EventTrace;
import io.chatgw.turn.Turn;
import io.chatgw.turn.TurnOutcome;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Compares the ended primary with its ended shadow ({@link RunSummary}, {@link ShadowComparison}), counts the pair
 * in the metrics, and puts the row for shadow_comparisons in the body (a map named like its columns).
 */
@Component("compareShadow")
public class CompareShadow implements Processor {

    private final ShadowProperties config;
    private final ShadowMeters meters;

    public CompareShadow(ShadowProperties config, ShadowMeters meters) {
        this.config = config;
        this.meters = meters;
    }

    @Override
    public void process(Exchange exchange) {
        ShadowPlan plan = exchange.getProperty(SampleShadow.PLAN, ShadowPlan.class);
        Turn primary = exchange.getProperty(OpenShadowTurn.PRIMARY, Turn.class);
        Turn shadow = exchange.getProperty(ExchangeKeys.TURN, Turn.class);
        RunSummary p = summary(primary);
        RunSummary s = summary(shadow);
        ShadowComparison c = ShadowComparison.of(p, s, config.textSimilarityThreshold());
        meters.compared(plan.kind(), p.path(), s.path(), c.divergences(), c.diverged());
        if (p.ttfeMs() != null && s.ttfeMs() != null) {
            meters.latencyDelta("first_event", s.ttfeMs() - p.ttfeMs());
        }
        meters.latencyDelta("duration", s.durationMs() - p.durationMs());

        Map<String, Object> row = new LinkedHashMap<>();
        row.put("primaryRequestId", primary.requestId());
        row.put("shadowRequestId", shadow.requestId());
        row.put("kind", plan.kind());
        row.put("orgId", primary.caller().orgId());
        row.put("userId", primary.caller().userId());
        row.put("sessionId", primary.session().id());
        row.put("primary", p);
        row.put("shadow", s);
        row.put("comparison", c);
        exchange.getMessage().setBody(row);
    }

    private RunSummary summary(Turn turn) {
        TurnOutcome outcome = turn.outcome();
        EventTrace trace = turn.trace();
        Integer ttfe = turn.firstEventNanos() == 0 ? null : millis(turn.firstEventNanos() - turn.startedNanos());
        return RunSummary.of(turn.path(), outcome.status(), outcome.errorCode(), ttfe,
                millis(turn.endedNanos() - turn.startedNanos()), trace == null ? List.of() : trace.events(),
                config.storedEvents(), config.storedTextChars());
    }

    private static int millis(long nanos) {
        return (int) Math.max(0, nanos / 1_000_000);
    }
}
