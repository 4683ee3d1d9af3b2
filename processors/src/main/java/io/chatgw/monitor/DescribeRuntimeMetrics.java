package io.chatgw.monitor;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * {@code GET /api/v1/runtime/metrics[/{orgId}]}: this instance's windows per path (counts, rates, latency
 * percentiles), of all orgs or of the org in the {@code orgId} header (404 if unknown).
 */
@Component("describeRuntimeMetrics")
public class DescribeRuntimeMetrics implements Processor {

    public static final String ORG_ID_HEADER = "orgId";

    private final MonitorReports reports;

    public DescribeRuntimeMetrics(MonitorReports reports) {
        this.reports = reports;
    }

    @Override
    public void process(Exchange exchange) {
        exchange.getMessage().setBody(reports.metrics(exchange.getIn().getHeader(ORG_ID_HEADER, String.class)));
    }
}
