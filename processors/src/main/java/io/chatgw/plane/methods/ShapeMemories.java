package io.chatgw.plane.methods;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** The rows of the memory search as the response's {@code {"memories": [...]}}. */
@Component("shapeMemories")
public class ShapeMemories implements Processor {

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) {
        List<Map<String, Object>> rows = exchange.getMessage().getBody(List.class);
        List<Map<String, Object>> memories = new ArrayList<>();
        for (Map<String, Object> row : rows == null ? List.<Map<String, Object>>of() : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", String.valueOf(row.get("id")));
            m.put("content", row.get("content"));
            m.put("rank", row.get("rank") instanceof Number n ? n.doubleValue() : 0.0);
            memories.add(m);
        }
        exchange.getMessage().setBody(Map.of("memories", memories));
    }
}
