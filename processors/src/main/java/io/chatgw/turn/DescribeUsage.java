package io.chatgw.turn;

import io.chatgw.core.ExchangeKeys;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** Turns an ended turn into the usage record (a map named like the usage_records columns). */
@Component("describeUsage")
public class DescribeUsage implements Processor {

    @Override
    public void process(Exchange exchange) {
        Turn turn = exchange.getProperty(ExchangeKeys.TURN, Turn.class);
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("requestId", turn.requestId());
        record.put("sessionId", turn.session().id());
        record.put("userId", turn.caller().userId());
        record.put("orgId", turn.caller().orgId());
        record.put("path", turn.path());
        record.put("status", failure == null ? "completed" : "failed");
        record.put("model", turn.model());
        record.put("tokensIn", turn.usage().promptTokens());
        record.put("tokensOut", turn.usage().completionTokens());
        record.put("latencyMs", (int) ((System.nanoTime() - turn.startedNanos()) / 1_000_000));
        record.put("errorCode", failure instanceof io.chatgw.core.GatewayException g ? g.code()
                : failure == null ? null : "internal_error");
        exchange.getMessage().setBody(record);
        exchange.getMessage().setHeader("kafka.KEY", turn.session().id().toString());
    }
}
