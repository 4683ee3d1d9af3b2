package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.routing.CanaryBuckets;
import io.chatgw.support.Endpoints;
import io.chatgw.support.GatewayTestBase;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/** The admin API for the routing inputs: read and set each one, explain a decision, list by mode, page the audit. */
class AdminPolicyIT extends GatewayTestBase {

    @Autowired
    ApplicationContext context;

    private HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return client.send(method, path, tokenFor("u-admin", "org-acme", "admin"), body == null ? null : "application/json",
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode ok(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private String reasonFor(String user) throws Exception {
        return ok(admin("GET", "/api/v1/admin/decisions/" + user, null)).at("/decision/reason").asText();
    }

    @Test
    void anOrgIsAllowlistedWithACanaryAndTheDecisionIsExplainedInputByInput() throws Exception {
        String org = "org-adm-" + System.nanoTime();
        String user = org + "-u";
        JsonNode set = ok(admin("PUT", "/api/v1/admin/orgs/" + org + "/policy",
                "{\"new_allowed\": true, \"canary_percent\": 100, \"reason\": \"stage 4\"}"));
        assertThat(set.at("/before").isNull()).as("the org was created by the call").isTrue();
        assertThat(set.at("/after/new_allowed").asBoolean()).isTrue();
        assertThat(set.at("/after/canary_percent").asInt()).isEqualTo(100);
        jdbc.update("INSERT INTO users (id, org_id) VALUES (?, ?)", user, org);

        JsonNode why = ok(admin("GET", "/api/v1/admin/decisions/" + user, null));
        assertThat(why.at("/decision/mode").asText()).isEqualTo("new");
        assertThat(why.at("/decision/reason").asText()).isEqualTo("canary");
        assertThat(why.at("/inputs/org_allowlisted").asBoolean()).isTrue();
        assertThat(why.at("/inputs/canary_bucket").asInt()).isEqualTo(CanaryBuckets.hashBucket(policies.rolloutKey(), user));
        assertThat(why.at("/inputs/user_mode").isNull()).isTrue();

        ok(admin("PUT", "/api/v1/admin/users/" + user + "/mode", "{\"execution_mode\": \"direct_llm\"}"));
        assertThat(reasonFor(user)).isEqualTo("user_mode");
        ok(admin("PUT", "/api/v1/admin/orgs/" + org + "/policy", "{\"execution_mode\": \"legacy\"}"));
        assertThat(reasonFor(user)).isEqualTo("org_override");
        JsonNode cleared = ok(admin("PUT", "/api/v1/admin/orgs/" + org + "/policy", "{\"execution_mode\": null}"));
        assertThat(cleared.at("/after/execution_mode").isNull()).isTrue();
        assertThat(cleared.at("/after/canary_percent").asInt()).as("keys not named are kept").isEqualTo(100);
        ok(admin("PUT", "/api/v1/admin/users/" + user + "/mode", "{\"execution_mode\": null}"));
        assertThat(reasonFor(user)).isEqualTo("canary");

        assertThat(ok(admin("GET", "/api/v1/admin/users?org_id=" + org + "&mode=new", null)).at("/data/0/user_id").asText())
                .isEqualTo(user);
        assertThat(ok(admin("GET", "/api/v1/admin/users?org_id=" + org + "&mode=legacy", null)).get("data")).isEmpty();
        JsonNode entry = JSON.createObjectNode();
        for (JsonNode o : ok(admin("GET", "/api/v1/admin/orgs?mode=direct_llm&limit=500", null)).get("data")) {
            if (o.get("org_id").asText().equals("org-globex")) {
                entry = o;
            }
        }
        assertThat(entry.path("reason").asText()).isEqualTo("org_override");
    }

    @Test
    void theGlobalPolicyAndAnAgentsDefaultAreSetAndCleared() throws Exception {
        String org = "org-adm-g-" + System.nanoTime();
        String user = org + "-u";
        String agent = "agent-adm-" + System.nanoTime();
        jdbc.update("INSERT INTO organizations (id) VALUES (?)", org);
        jdbc.update("INSERT INTO users (id, org_id) VALUES (?, ?)", user, org);
        jdbc.update("INSERT INTO agents (id, name) VALUES (?, 'test agent')", agent);
        try {
            ok(admin("PUT", "/api/v1/admin/policy/global", "{\"execution_mode\": \"direct_llm\"}"));
            assertThat(ok(admin("GET", "/api/v1/admin/policy/global", null)).get("execution_mode").asText()).isEqualTo("direct_llm");
            assertThat(reasonFor(user)).isEqualTo("global_policy");
            ok(admin("PUT", "/api/v1/admin/agents/" + agent + "/default", "{\"execution_mode\": \"new\"}"));
            JsonNode withAgent = ok(admin("GET", "/api/v1/admin/decisions/" + user + "?agent_id=" + agent, null));
            assertThat(withAgent.at("/decision/reason").asText()).isEqualTo("agent_default");
            assertThat(withAgent.at("/decision/mode").asText()).isEqualTo("new");
            ok(admin("PUT", "/api/v1/admin/policy/global", "{\"execution_mode\": null}"));
            assertThat(reasonFor(user)).isEqualTo("global_default");
            assertThat(admin("GET", "/api/v1/admin/agents/no-such-agent/default", null).statusCode()).isEqualTo(404);
        } finally {
            jdbc.update("DELETE FROM route_policies WHERE scope = 'global'");
        }
    }

    @Test
    void badInputsAreRefusedNamingTheKeysAndValues() throws Exception {
        String path = "/api/v1/admin/orgs/org-acme/policy";
        HttpResponse<String> unknown = admin("PUT", path, "{\"canary\": 5, \"execution_mode\": \"new\", \"allow\": true}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(errorOf(unknown).get("code").asText()).isEqualTo("unknown_keys");
        assertThat(errorOf(unknown).get("message").asText()).contains("'allow', 'canary'").contains("canary_percent");

        HttpResponse<String> range = admin("PUT", path, "{\"canary_percent\": 150}");
        assertThat(range.statusCode()).isEqualTo(400);
        assertThat(errorOf(range).get("message").asText()).contains("'canary_percent'", "150");
        assertThat(admin("PUT", path, "{\"canary_percent\": -1}").statusCode()).isEqualTo(400);
        assertThat(errorOf(admin("PUT", path, "{\"execution_mode\": \"LEGACY\"}")).get("message").asText())
                .contains("'execution_mode'", "LEGACY");
        assertThat(errorOf(admin("PUT", path, "{\"new_allowed\": \"yes\"}")).get("message").asText()).contains("'new_allowed'");
        assertThat(errorOf(admin("PUT", path, "{}")).get("code").asText()).isEqualTo("missing_body");
        assertThat(errorOf(admin("PUT", path, "[1]")).get("code").asText()).isEqualTo("malformed_json");
        assertThat(errorOf(admin("GET", "/api/v1/admin/audit?since=yesterday", null)).get("message").asText()).contains("'since'");
        assertThat(errorOf(admin("GET", "/api/v1/admin/users?colour=red", null)).get("message").asText()).contains("colour");
        assertThat(admin("GET", "/api/v1/admin/decisions/nobody-" + System.nanoTime(), null).statusCode()).isEqualTo(404);
        String longValue = "x".repeat(5000);
        HttpResponse<String> echoed = admin("PUT", path, "{\"execution_mode\": \"" + longValue + "\"}");
        assertThat(errorOf(echoed).get("message").asText()).as("a bad value is quoted, not echoed whole").hasSizeLessThan(200);
        // nothing was changed by any of them
        assertThat(ok(admin("GET", path, null)).get("new_allowed").asBoolean()).isFalse();
    }

    @Test
    void theAuditIsPagedWithACursorAndFilteredBySinceActorAndAction() throws Exception {
        String org = "org-adm-a-" + System.nanoTime();
        String start = jdbc.queryForObject("SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')", String.class);
        for (int p = 1; p <= 5; p++) {
            ok(admin("PUT", "/api/v1/admin/orgs/" + org + "/policy", "{\"canary_percent\": " + p + "}"));
        }
        String query = "/api/v1/admin/audit?actor=u-admin&action=policy.org_updated&since=" + start + "&limit=2";
        JsonNode first = ok(admin("GET", query, null));
        assertThat(first.get("data")).hasSize(2);
        assertThat(first.at("/data/0/details/after/canary_percent").asInt()).as("newest first").isEqualTo(5);
        assertThat(first.at("/data/0/details/before/canary_percent").asInt()).isEqualTo(4);
        JsonNode second = ok(admin("GET", query + "&cursor=" + first.get("next_cursor").asText(), null));
        JsonNode third = ok(admin("GET", query + "&cursor=" + second.get("next_cursor").asText(), null));
        assertThat(third.get("data")).hasSize(1);
        assertThat(third.get("next_cursor").isNull()).isTrue();
        assertThat(third.at("/data/0/details/after/canary_percent").asInt()).isEqualTo(1);
        assertThat(ok(admin("GET", "/api/v1/admin/audit?action=policy.org_updated&actor=u-nobody", null)).get("data")).isEmpty();
    }

    @Test
    void everyAdminEndpointRefusesACallerWithoutTheAdminRole() throws Exception {
        List<Endpoints.Endpoint> adminEndpoints = Endpoints.of(context).stream()
                .filter(e -> e.path().startsWith("/api/v1/admin")).toList();
        assertThat(adminEndpoints).hasSizeGreaterThan(15);
        String user = tokenFor("u-alice", "org-acme");
        for (Endpoints.Endpoint e : adminEndpoints) {
            String path = e.path().replaceAll("\\{[^}]+}", "org-acme");
            HttpResponse<String> r = client.send(e.method(), path, user, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
            assertThat(r.statusCode()).as(e + " -> " + r.body()).isEqualTo(403);
            assertThat(errorOf(r).get("code").asText()).isEqualTo("forbidden");
            HttpResponse<String> anonymous = client.send(e.method(), path, null, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
            assertThat(anonymous.statusCode()).as(e + " without a token").isEqualTo(401);
        }
        assertThat(Set.copyOf(adminEndpoints.stream().map(Endpoints.Endpoint::toString).toList()))
                .contains("POST /api/v1/admin/rollback", "GET /api/v1/admin/audit", "GET /api/v1/admin/decisions/{userId}");
    }
}
