package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.GatewayTestBase;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Ops list the Camel routes and start, stop, suspend and resume one; the admin API's own routes cannot be stopped. */
class RouteControlIT extends GatewayTestBase {

    private HttpResponse<String> admin(String method, String path) throws Exception {
        return client.send(method, path, tokenFor("u-admin", "org-acme", "admin"), "application/json",
                method.equals("POST") ? "{\"reason\":\"test\"}".getBytes(StandardCharsets.UTF_8) : null);
    }

    private JsonNode route(String id) throws Exception {
        HttpResponse<String> r = admin("GET", "/api/v1/admin/routes");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        for (JsonNode n : JSON.readTree(r.body()).get("data")) {
            if (n.get("id").asText().equals(id)) {
                return n;
            }
        }
        throw new AssertionError("route " + id + " not listed: " + r.body());
    }

    @Test
    void routesAreListedWithStatusUptimeInflightAndFailedExchanges() throws Exception {
        JsonNode chat = route("chat-message");
        assertThat(chat.get("status").asText()).isEqualTo("Started");
        assertThat(chat.get("uptime_ms").asLong()).isPositive();
        assertThat(chat.get("inflight").asInt()).isGreaterThanOrEqualTo(0);
        assertThat(chat.get("protected").asBoolean()).isFalse();
        assertThat(route("admin-rollback").get("protected").asBoolean()).isTrue();

        long failedBefore = route("admin-list-audit").get("exchanges_failed").asLong();
        assertThat(admin("GET", "/api/v1/admin/audit?since=nope").statusCode()).isEqualTo(400);
        assertThat(route("admin-list-audit").get("exchanges_failed").asLong()).isEqualTo(failedBefore + 1);
    }

    @Test
    void aRouteIsStoppedStartedSuspendedAndResumedAndEachActionIsAudited() throws Exception {
        String id = "expire-ephemeral-sessions";
        long since = jdbc.queryForObject("SELECT coalesce(max(id), 0) FROM audit_log", Long.class);
        HttpResponse<String> stop = admin("POST", "/api/v1/admin/routes/" + id + "/stop");
        assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);
        assertThat(JSON.readTree(stop.body()).at("/after/status").asText()).isEqualTo("Stopped");
        assertThat(route(id).get("status").asText()).isEqualTo("Stopped");
        assertThat(admin("POST", "/api/v1/admin/routes/" + id + "/start").statusCode()).isEqualTo(200);
        assertThat(route(id).get("status").asText()).isEqualTo("Started");
        assertThat(admin("POST", "/api/v1/admin/routes/" + id + "/suspend").statusCode()).isEqualTo(200);
        assertThat(route(id).get("status").asText()).isEqualTo("Suspended");
        assertThat(admin("POST", "/api/v1/admin/routes/" + id + "/resume").statusCode()).isEqualTo(200);
        assertThat(route(id).get("status").asText()).isEqualTo("Started");
        assertThat(jdbc.queryForList("SELECT action FROM audit_log WHERE id > ? AND target = ? ORDER BY id",
                String.class, since, "route:" + id)).containsExactly("route.stop", "route.start", "route.suspend", "route.resume");
    }

    @Test
    void theAdminApisOwnRoutesRefuseToStopSayingWhy() throws Exception {
        for (String action : new String[]{"stop", "suspend"}) {
            HttpResponse<String> r = admin("POST", "/api/v1/admin/routes/admin-control-route/" + action);
            assertThat(r.statusCode()).isEqualTo(409);
            assertThat(errorOf(r).get("code").asText()).isEqualTo("protected_route");
            assertThat(errorOf(r).get("message").asText()).contains("admin API", "start it again");
        }
        assertThat(route("admin-control-route").get("status").asText()).isEqualTo("Started");
        HttpResponse<String> unknown = admin("POST", "/api/v1/admin/routes/no-such-route/stop");
        assertThat(unknown.statusCode()).isEqualTo(404);
        HttpResponse<String> badAction = admin("POST", "/api/v1/admin/routes/chat-message/restart");
        assertThat(badAction.statusCode()).isEqualTo(400);
        assertThat(errorOf(badAction).get("message").asText()).contains("'action'", "restart");
    }
}
