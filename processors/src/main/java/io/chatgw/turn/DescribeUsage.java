package io.chatgw.turn;

import io.chatgw.core.ExchangeKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Turns an ended turn into its usage records (maps named like the usage_records columns), one per path run:
 * the answering run carries the turn's outcome and {@code fallbackFrom}; a run that failed before another path
 * answered is recorded too, {@code fellBack} set, with whatever tokens it reported. Nothing is counted twice:
 * each run's tokens are its own. A run whose provider reported no usage but that streamed output (cut before the
 * usage chunk, or a provider that reports none) gets {@link TokenEstimate}'s numbers, flagged {@code estimated}.
 * The answering run of a turn whose client went mid-stream is {@code client_disconnected} (it completed).
 */
@Component("describeUsage")
public class DescribeUsage implements Processor {

    private final TokenEstimate estimate;

    public DescribeUsage(TokenEstimate estimate) {
        this.estimate = estimate;
    }

    @Override
    public void process(Exchange exchange) {
        Turn turn = exchange.getProperty(ExchangeKeys.TURN, Turn.class);
        TurnOutcome outcome = turn.outcome();
        List<PathRun> runs = turn.runs();
        List<Map<String, Object>> records = new ArrayList<>(Math.max(1, runs.size()));
        long now = System.nanoTime();
        if (runs.isEmpty()) { // the path never started (e.g. the dispatch pool refused the turn)
            records.add(record(turn, null, 1, turn.answeringPath().wire(), null, outcome.status(), outcome.errorCode(),
                    Usage.NONE, false, turn.model(), now - turn.startedNanos(), false));
        }
        for (PathRun run : runs) {
            boolean answering = turn.answered(run);
            String status = !answering ? TurnOutcome.FAILED
                    : outcome.isCompleted() && turn.clientDisconnectedMidStream() ? TurnOutcome.CLIENT_DISCONNECTED
                    : outcome.status();
            boolean estimated = !run.usageReported() && run.reachedClient();
            Usage usage = estimated ? new Usage(estimate.prompt(turn.history(), turn.message()), estimate.count(run.answer()))
                    : run.usage();
            records.add(record(turn, run, run.attempt(), run.path().wire(),
                    run.fallbackFrom() == null ? null : run.fallbackFrom().wire(), status, turn.errorCodeOf(run),
                    usage, estimated, run.model(), now - run.startedNanos(), !answering));
        }
        exchange.getMessage().setBody(records);
        exchange.getMessage().setHeader("kafka.KEY", turn.session().id().toString());
    }

    private static Map<String, Object> record(Turn turn, PathRun run, int attempt, String path, String fallbackFrom,
                                              String status, String errorCode, Usage usage, boolean estimated, String model,
                                              long elapsedNanos, boolean fellBack) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("requestId", turn.requestId());
        record.put("attempt", attempt);
        record.put("sessionId", turn.session().id());
        record.put("userId", turn.caller().userId());
        record.put("orgId", turn.caller().orgId());
        record.put("path", path);
        record.put("fallbackFrom", fallbackFrom);
        record.put("fellBack", fellBack);
        record.put("status", status);
        record.put("model", model);
        record.put("tokensIn", usage.promptTokens());
        record.put("tokensOut", usage.completionTokens());
        record.put("estimated", estimated);
        record.put("latencyMs", (int) (elapsedNanos / 1_000_000));
        long firstEvent = run == null ? 0 : run.firstEventNanos();
        record.put("ttftMs", firstEvent == 0 ? null : (int) ((firstEvent - run.startedNanos()) / 1_000_000));
        record.put("errorCode", errorCode);
        record.put("invalidReason", run == null ? null : run.invalidReason()); // a reported value was bad (replaced)
        return record;
    }
}
