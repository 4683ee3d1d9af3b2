package io.chatgw.plane.methods;

import io.chatgw.plane.socket.PlaneConnection;
import io.chatgw.plane.link.PlaneLink;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** memory_search {query, limit}: validated into headers for the SQL query, scoped to the plane's own user. */
@Component("prepareMemorySearch")
public class PrepareMemorySearch implements Processor {

    @Override
    public void process(Exchange exchange) {
        PlaneLink link = exchange.getProperty(PlaneConnection.LINK, PlaneLink.class);
        JsonNode params = exchange.getProperty(ReadPlaneRequest.PARAMS, JsonNode.class);
        JsonNode query = params.get("query");
        if (query == null || !query.isTextual() || query.asText().isBlank()) {
            throw new PlaneMethodException("invalid_params", "'query' must be a non-empty string");
        }
        if (query.asText().length() > 1000) {
            throw new PlaneMethodException("invalid_params", "'query' is longer than 1000 characters");
        }
        int limit = params.path("limit").asInt(5);
        if (params.has("limit") && (!params.get("limit").isInt() || limit < 1 || limit > 50)) {
            throw new PlaneMethodException("invalid_params", "'limit' must be an integer from 1 to 50");
        }
        exchange.getIn().setHeader("userId", link.userId());
        exchange.getIn().setHeader("query", query.asText());
        exchange.getIn().setHeader("limit", limit);
    }
}
