package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.Endpoints;
import io.chatgw.support.GatewayTestBase;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/**
 * The OpenAPI 3 description at /api/v1/openapi.json is generated (springdoc, from the RouterFunction beans) and lists
 * every endpoint the gateway serves: the set is discovered from the same beans, so an endpoint added anywhere (chat,
 * OpenAI-compatible, admin, runtime) is checked without editing this test.
 */
class OpenApiIT extends GatewayTestBase {

    @Autowired
    ApplicationContext context;

    @Test
    void theOpenApiDescriptionListsEveryEndpointTheGatewayServes() throws Exception {
        HttpResponse<String> r = client.send("GET", "/api/v1/openapi.json", null, null, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode doc = JSON.readTree(r.body());
        assertThat(doc.get("openapi").asText()).startsWith("3.");

        Set<String> described = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(m -> described.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey()));
        }
        Set<String> served = new TreeSet<>();
        Endpoints.of(context).forEach(e -> served.add(e.toString()));

        assertThat(served).as("endpoints found in the RouterFunction beans")
                .contains("POST /api/v1/sessions/{sessionId}/messages", "POST /v1/chat/completions",
                        "POST /api/v1/admin/rollback", "GET /api/v1/admin/routes", "POST /api/v1/admin/api-keys");
        assertThat(described).as("the OpenAPI description").containsAll(served);
        assertThat(described).as("and nothing that is not served").isSubsetOf(served);
        JsonNode rollback = doc.at("/paths/~1api~1v1~1admin~1rollback/post");
        assertThat(rollback.get("summary").asText()).contains("rollback");
        assertThat(doc.at("/paths/~1api~1v1~1admin~1decisions~1{userId}/get/parameters/0/name").asText()).isEqualTo("userId");
    }
}
