package io.chatgw.turn;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.core.ExchangeKeys;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A usage record a sink did not get (its retries exhausted, or its pool's queue full): logged at ERROR with the
 * whole record as JSON, so it can be replayed by hand, and counted in {@code gateway_usage_records_failed_total{sink}}.
 */
@Component("reportFailedUsageRecord")
public class ReportFailedUsageRecord implements Processor {

    private static final List<String> SINKS = List.of("postgresql", "kafka");
    private static final Logger log = LoggerFactory.getLogger(ReportFailedUsageRecord.class);

    private final ObjectMapper json;
    private final MeterRegistry meters;

    public ReportFailedUsageRecord(ObjectMapper json, MeterRegistry meters) {
        this.json = json;
        this.meters = meters;
        SINKS.forEach(sink -> counter(sink)); // visible at 0 before the first failure
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String sink = exchange.getProperty(ExchangeKeys.USAGE_SINK, String.class);
        Object record = exchange.getProperty(ExchangeKeys.USAGE_RECORD);
        if (record == null) {
            record = exchange.getMessage().getBody();
        }
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        counter(sink).increment();
        // no stack trace: during an outage every record fails the same way
        log.error("usage record not written to {}: {} record={}", sink, cause, json.writeValueAsString(record));
    }

    private Counter counter(String sink) {
        return Counter.builder("gateway.usage.records.failed")
                .description("usage records a sink did not get (after retries); the record is in the ERROR log line")
                .tag("sink", sink).register(meters);
    }
}
