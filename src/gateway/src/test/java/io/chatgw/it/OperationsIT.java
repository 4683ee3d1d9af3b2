package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.GatewayTestBase;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** What ops watch: health with database and Kafka, Prometheus metrics, the dev token endpoint. */
class OperationsIT extends GatewayTestBase {

    @Test
    void healthIsUpWithDatabaseAndKafka() throws Exception {
        HttpResponse<String> health = client.send("GET", "/actuator/health", tokenFor("u-ops", "org-ops", "admin"), null, null);
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(health.body());
        assertThat(body.get("status").asText()).isEqualTo("UP");
        assertThat(body.at("/components/db/status").asText()).isEqualTo("UP");
        assertThat(body.at("/components/kafka/status").asText()).isEqualTo("UP");

        HttpResponse<String> readiness = client.send("GET", "/actuator/health/readiness", tokenFor("u-ops", "org-ops", "admin"), null, null);
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(readiness.body()).at("/components/kafka/status").asText()).isEqualTo("UP");
        assertThat(client.send("GET", "/actuator/health/liveness", tokenFor("u-ops", "org-ops", "admin"), null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void prometheusShowsRequestsByPathAndOutcomeTimingsAndOpenStreams() throws Exception {
        String token = tokenFor("u-alice", "org-acme");
        chat(token, newSession(token), "hi");

        String metrics = client.send("GET", "/actuator/prometheus", null, null, null).body();
        assertThat(metrics).contains("gateway_requests_total{outcome=\"completed\",path=\"legacy\"}");
        assertThat(metrics).contains("gateway_route_decisions_total{path=\"legacy\",reason=\"user_mode\"}");
        assertThat(metrics).contains("gateway_time_to_first_event_seconds_bucket{path=\"legacy\"");
        assertThat(metrics).contains("gateway_turn_duration_seconds_bucket{path=\"legacy\"");
        assertThat(metrics).contains("gateway_sse_streams_open");
        assertThat(metrics).contains("camel_exchanges_total");
    }

    @Test
    void devTokenEndpointIssuesAWorkingTokenForASeedUser() throws Exception {
        HttpResponse<String> r = client.send("GET", "/dev/token?sub=u-alice", null, null, null);
        assertThat(r.statusCode()).isEqualTo(200);
        String token = r.body().trim();
        assertThat(jwt.verify(token).org()).isEqualTo("org-acme");
        assertThat(newSession(token)).isNotBlank();
    }
}
