package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.GatewayTestBase;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ops read, force and reset each path's breaker; only admins may, bad input is a 400 that says why, changes are audited. */
class BreakerAdminIT extends GatewayTestBase {

    private HttpResponse<String> post(String token, String path, String body) throws Exception {
        return client.send("POST", "/api/v1/admin/breakers/" + path, token, "application/json",
                body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anAdminSeesEveryPathsBreakerWithItsStateFiguresAndSettings() throws Exception {
        HttpResponse<String> r = client.send("GET", "/api/v1/admin/breakers", tokenFor("u-admin", "org-acme", "admin"), null, null);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode breakers = JSON.readTree(r.body()).get("breakers");
        assertThat(breakers).extracting(b -> b.get("path").asText()).containsExactlyInAnyOrder("legacy", "direct_llm", "new");
        assertThat(breakers).allSatisfy(b -> {
            assertThat(b.get("state").asText()).isEqualTo("closed");
            assertThat(b.at("/config/minimum_calls").asInt()).isEqualTo(4);
            assertThat(b.at("/calls/failed").asInt()).isZero();
        });
        // 80% of the test profile's first-event timeouts (legacy 3 s)
        assertThat(breakers).filteredOn(b -> b.get("path").asText().equals("legacy"))
                .singleElement().satisfies(b -> assertThat(b.at("/config/slow_call_duration_ms").asLong()).isEqualTo(2400));
    }

    @Test
    void aForcedOpenBreakerSendsTheNextMessageStraightToTheFallbackAndResetRestoresIt() throws Exception {
        String admin = tokenFor("u-admin", "org-acme", "admin");
        HttpResponse<String> forced = post(admin, "legacy", "{\"action\": \"force_open\", \"reason\": \"runtime deploy\"}");
        assertThat(forced.statusCode()).as(forced.body()).isEqualTo(200);
        assertThat(JSON.readTree(forced.body()).get("state").asText()).isEqualTo("forced_open");

        String alice = tokenFor("u-alice", "org-acme");
        FallbackIT.assertFellBack(chat(alice, newSession(alice), "hi"), "legacy", "direct_llm", "breaker_open");

        HttpResponse<String> reset = post(admin, "legacy", "{\"action\": \"reset\"}");
        assertThat(JSON.readTree(reset.body()).get("state").asText()).isEqualTo("closed");
        assertThat(chat(alice, newSession(alice), "hi").get(1).type()).isNotEqualTo("fallback");
        // audit events reach audit_log through the spool (routes/events.yaml): wait for them
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                jdbc.queryForList("SELECT action || ':' || (details->>'before') || '>' || (details->>'after') "
                + "|| ':' || coalesce(details->>'reason', '-') FROM audit_log WHERE target = 'legacy' AND actor = 'u-admin' "
                + "ORDER BY id DESC LIMIT 2", String.class))
                .containsExactly("breaker.reset:forced_open>closed:-", "breaker.force_open:closed>forced_open:runtime deploy"));
    }

    @Test
    void aForcedClosedBreakerLetsEveryCallThroughAndCountsNothing() throws Exception {
        HttpResponse<String> r = post(tokenFor("u-admin", "org-acme", "admin"), "direct_llm", "{\"action\": \"force_closed\"}");

        assertThat(JSON.readTree(r.body()).get("state").asText()).isEqualTo("forced_closed");
        String carol = tokenFor("u-carol", "org-acme");
        String session = newSession(carol);
        for (int i = 0; i < 5; i++) {
            chat(carol, session, "[[standin fail=http_500]] hi");
        }
        HttpResponse<String> after = client.send("GET", "/api/v1/admin/breakers/direct_llm",
                tokenFor("u-admin", "org-acme", "admin"), null, null);
        assertThat(JSON.readTree(after.body()).get("state").asText()).isEqualTo("forced_closed");
    }

    @Test
    void withoutATokenItIs401AndForANonAdmin403() throws Exception {
        assertThat(client.send("GET", "/api/v1/admin/breakers", null, null, null).statusCode()).isEqualTo(401);
        HttpResponse<String> r = post(tokenFor("u-alice", "org-acme"), "legacy", "{\"action\": \"force_open\"}");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(errorOf(r).get("code").asText()).isEqualTo("forbidden");
    }

    @Test
    void anUnknownPathIs404AndABadBodyIs400NamingWhatIsWrong() throws Exception {
        String admin = tokenFor("u-admin", "org-acme", "admin");
        HttpResponse<String> unknown = client.send("GET", "/api/v1/admin/breakers/quantum", admin, null, null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(errorOf(unknown).get("code").asText()).isEqualTo("unknown_path");

        HttpResponse<String> extra = post(admin, "legacy", "{\"action\": \"reset\", \"force\": true}");
        assertThat(extra.statusCode()).isEqualTo(400);
        assertThat(errorOf(extra).get("message").asText()).contains("force");
        HttpResponse<String> badAction = post(admin, "legacy", "{\"action\": \"explode\"}");
        assertThat(badAction.statusCode()).isEqualTo(400);
        assertThat(errorOf(badAction).get("message").asText()).contains("action");
        assertThat(post(admin, "legacy", "not json").statusCode()).isEqualTo(400);
    }

}
