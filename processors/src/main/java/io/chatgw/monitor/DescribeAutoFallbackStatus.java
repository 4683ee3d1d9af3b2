package io.chatgw.monitor;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** {@code GET /api/v1/runtime/fallback/status}: the automatic fallbacks in force, global and per org. */
@Component("describeAutoFallbackStatus")
public class DescribeAutoFallbackStatus implements Processor {

    private final MonitorReports reports;

    public DescribeAutoFallbackStatus(MonitorReports reports) {
        this.reports = reports;
    }

    @Override
    public void process(Exchange exchange) {
        exchange.getMessage().setBody(reports.status());
    }
}
