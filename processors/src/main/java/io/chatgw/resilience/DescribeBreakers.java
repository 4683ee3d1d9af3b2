package io.chatgw.resilience;

import io.chatgw.core.ExecutionMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * {@code GET /api/v1/admin/breakers} (every path's breaker) and {@code GET /api/v1/admin/breakers/{path}} (one;
 * an unknown path is 404): state, the window's calls and rates, the settings.
 */
@Component("describeBreakers")
public class DescribeBreakers implements Processor {

    public static final String PATH_HEADER = "path";

    private final PathBreakers breakers;

    public DescribeBreakers(PathBreakers breakers) {
        this.breakers = breakers;
    }

    @Override
    public void process(Exchange exchange) {
        String one = exchange.getIn().getHeader(PATH_HEADER, String.class);
        if (one != null) {
            ExecutionMode path = BreakerViews.pathOf(one);
            exchange.getMessage().setBody(BreakerViews.of(path, breakers.of(path)));
            return;
        }
        List<Map<String, Object>> all = new ArrayList<>();
        for (ExecutionMode path : ExecutionMode.values()) {
            all.add(BreakerViews.of(path, breakers.of(path)));
        }
        exchange.getMessage().setBody(Map.of("breakers", all));
    }
}
