package io.chatgw.shadow;

import io.chatgw.core.ExchangeKeys;
import io.chatgw.turn.PathRun;
import io.chatgw.turn.Turn;
import io.chatgw.turn.Usage;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * The ended shadow's usage record (the map describeUsage makes for a turn, named like the usage_records columns):
 * status {@code shadow}, so billing (usage_daily, the token metric) leaves it out; its own request id, the user's
 * session id; the tokens it reported count against the per-minute cost cap.
 */
@Component("describeShadowUsage")
public class DescribeShadowUsage implements Processor {

    public static final String STATUS = "shadow";

    private final ShadowAdmission admission;

    public DescribeShadowUsage(ShadowAdmission admission) {
        this.admission = admission;
    }

    @Override
    public void process(Exchange exchange) {
        Turn shadow = exchange.getProperty(ExchangeKeys.TURN, Turn.class);
        PathRun run = shadow.currentRun();
        Usage usage = run == null ? Usage.NONE : run.usage();
        admission.spend(usage.totalTokens());
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("requestId", shadow.requestId());
        record.put("attempt", 1);
        record.put("sessionId", shadow.shadowOf().session().id());
        record.put("userId", shadow.caller().userId());
        record.put("orgId", shadow.caller().orgId());
        record.put("path", shadow.path());
        record.put("fallbackFrom", null);
        record.put("fellBack", false);
        record.put("status", STATUS);
        record.put("model", shadow.model());
        record.put("tokensIn", usage.promptTokens());
        record.put("tokensOut", usage.completionTokens());
        record.put("latencyMs", (int) ((shadow.endedNanos() - shadow.startedNanos()) / 1_000_000));
        record.put("errorCode", shadow.outcome().errorCode());
        exchange.getMessage().setBody(record);
        exchange.getMessage().setHeader("kafka.KEY", shadow.shadowOf().session().id().toString());
    }
}
