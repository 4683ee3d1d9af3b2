package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.GatewayTestBase;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The two admin roles (docs/operations.md "Admin roles"): a platform admin ({@code admin}) may use every admin endpoint;
 * an org admin ({@code org_admin}) only acts on its own org. Every admin endpoint is tried across orgs by an org admin:
 * 403 {@code out_of_scope}, and nothing was read or changed; its own org's work still succeeds.
 */
class AdminScopesIT extends GatewayTestBase {

    private String orgA;
    private String orgB;
    private String userA;
    private String userB;
    private String orgAdminA;
    private String platformAdmin;
    private String keyOfB;

    private record Call(String method, String path, String body) {
        @Override
        public String toString() {
            return method + " " + path + (body == null ? "" : " " + body);
        }
    }

    @BeforeEach
    void twoOrgs() throws Exception {
        String n = UUID.randomUUID().toString().substring(0, 8);
        orgA = "org-scope-a-" + n;
        orgB = "org-scope-b-" + n;
        userA = "u-scope-a-" + n;
        userB = "u-scope-b-" + n;
        newSession(tokenFor(userA, orgA)); // provisions both users and orgs
        newSession(tokenFor(userB, orgB));
        orgAdminA = tokenFor("u-orgadmin-" + n, orgA, "org_admin");
        platformAdmin = tokenFor("u-platform-" + n, "org-acme", "admin");
        HttpResponse<String> key = call(platformAdmin, new Call("POST", "/api/v1/admin/api-keys",
                "{\"user_id\": \"" + userB + "\", \"name\": \"b's key\"}"));
        assertThat(key.statusCode()).as(key.body()).isEqualTo(201);
        keyOfB = JSON.readTree(key.body()).get("id").asText();
    }

    private HttpResponse<String> call(String token, Call c) throws Exception {
        return client.send(c.method(), c.path(), token, c.body() == null ? null : "application/json",
                c.body() == null ? null : c.body().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anOrgAdminIsRefusedOnEveryEndpointForAnotherOrgAndNothingChanges() throws Exception {
        List<Call> crossOrg = List.of(
                new Call("POST", "/api/v1/admin/rollback", "{\"scope\": \"org\", \"org_id\": \"" + orgB + "\"}"),
                new Call("POST", "/api/v1/admin/rollback/undo", "{\"scope\": \"org\", \"org_id\": \"" + orgB + "\"}"),
                new Call("GET", "/api/v1/admin/orgs/" + orgB + "/policy", null),
                new Call("PUT", "/api/v1/admin/orgs/" + orgB + "/policy", "{\"execution_mode\": \"direct_llm\"}"),
                new Call("GET", "/api/v1/admin/users/" + userB + "/mode", null),
                new Call("PUT", "/api/v1/admin/users/" + userB + "/mode", "{\"execution_mode\": \"direct_llm\"}"),
                new Call("GET", "/api/v1/admin/users/u-nobody-" + UUID.randomUUID() + "/mode", null), // unknown: alike
                new Call("GET", "/api/v1/admin/decisions/" + userB, null),
                new Call("GET", "/api/v1/admin/users?org_id=" + orgB, null),
                new Call("GET", "/api/v1/admin/audit?org_id=" + orgB, null),
                new Call("POST", "/api/v1/admin/api-keys", "{\"user_id\": \"" + userB + "\", \"name\": \"stolen\"}"),
                new Call("GET", "/api/v1/admin/api-keys?user_id=" + userB, null),
                new Call("DELETE", "/api/v1/admin/api-keys/" + keyOfB, null),
                new Call("GET", "/api/v1/admin/shadow/summary?org_id=" + orgB, null),
                new Call("GET", "/api/v1/admin/shadow/samples?org_id=" + orgB, null),
                new Call("GET", "/api/v1/runtime/metrics/" + orgB, null),
                new Call("POST", "/api/v1/runtime/fallback/reset", "{\"org_id\": \"" + orgB + "\"}"));
        List<Call> platformOnly = List.of(
                new Call("GET", "/api/v1/admin/policy/global", null),
                new Call("PUT", "/api/v1/admin/policy/global", "{\"canary_percent\": 50}"),
                new Call("POST", "/api/v1/admin/rollback", "{\"scope\": \"global\"}"),
                new Call("POST", "/api/v1/admin/rollback/undo", "{}"),
                new Call("GET", "/api/v1/admin/agents/agent-x/default", null),
                new Call("PUT", "/api/v1/admin/agents/agent-x/default", "{\"execution_mode\": \"legacy\"}"),
                new Call("DELETE", "/api/v1/admin/canary/rollout-1/assignments", null),
                new Call("GET", "/api/v1/admin/orgs", null),
                new Call("GET", "/api/v1/admin/routes", null),
                new Call("POST", "/api/v1/admin/routes/chat-message/stop", null),
                new Call("GET", "/api/v1/admin/breakers", null),
                new Call("GET", "/api/v1/admin/breakers/new", null),
                new Call("POST", "/api/v1/admin/breakers/new", "{\"action\": \"force_open\"}"),
                new Call("GET", "/api/v1/runtime/metrics", null),
                new Call("GET", "/api/v1/runtime/fallback/status", null),
                new Call("POST", "/api/v1/runtime/fallback/reset", "{}"));
        List<Call> all = new ArrayList<>(crossOrg);
        all.addAll(platformOnly);
        for (Call c : all) {
            HttpResponse<String> r = call(orgAdminA, c);
            assertThat(r.statusCode()).as(c + " -> " + r.body()).isEqualTo(403);
            assertThat(errorOf(r).get("code").asText()).as(c.toString()).isEqualTo("out_of_scope");
        }
        // nothing happened: B's key still works, B's org and user have no override, no rollback, no global change
        assertThat(jdbc.queryForObject("SELECT revoked_at IS NULL FROM api_keys WHERE id = ?::uuid", Boolean.class, keyOfB)).isTrue();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM api_keys WHERE user_id = ?", Integer.class, userB)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT execution_mode FROM organizations WHERE id = ?", String.class, orgB)).isNull();
        assertThat(jdbc.queryForObject("SELECT execution_mode FROM users WHERE id = ?", String.class, userB)).isNull();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM policy_rollbacks WHERE scope_id = ?", Integer.class, orgB)).isZero();
        // the platform admin may do every one of them (a read is enough to show it)
        assertThat(call(platformAdmin, new Call("GET", "/api/v1/admin/orgs/" + orgB + "/policy", null)).statusCode()).isEqualTo(200);
        assertThat(call(platformAdmin, new Call("GET", "/api/v1/admin/policy/global", null)).statusCode()).isEqualTo(200);
        // and someone with no admin role gets 403 forbidden, as before
        HttpResponse<String> user = call(tokenFor(userA, orgA), new Call("GET", "/api/v1/admin/orgs/" + orgA + "/policy", null));
        assertThat(user.statusCode()).isEqualTo(403);
        assertThat(errorOf(user).get("code").asText()).isEqualTo("forbidden");
    }

    @Test
    void anOrgAdminManagesItsOwnOrgAndSeesOnlyItsOwnOrg() throws Exception {
        assertThat(call(orgAdminA, new Call("GET", "/api/v1/admin/orgs/" + orgA + "/policy", null)).statusCode()).isEqualTo(200);
        HttpResponse<String> mode = call(orgAdminA, new Call("PUT", "/api/v1/admin/users/" + userA + "/mode",
                "{\"execution_mode\": \"direct_llm\"}"));
        assertThat(mode.statusCode()).as(mode.body()).isEqualTo(200);
        assertThat(call(orgAdminA, new Call("GET", "/api/v1/admin/decisions/" + userA, null)).statusCode()).isEqualTo(200);

        HttpResponse<String> created = call(orgAdminA, new Call("POST", "/api/v1/admin/api-keys",
                "{\"user_id\": \"" + userA + "\", \"name\": \"a's key\"}"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String keyOfA = JSON.readTree(created.body()).get("id").asText();
        JsonNode keys = JSON.readTree(call(orgAdminA, new Call("GET", "/api/v1/admin/api-keys", null)).body()).get("data");
        assertThat(keys).extracting(k -> k.get("id").asText()).contains(keyOfA).doesNotContain(keyOfB);
        assertThat(keys).allSatisfy(k -> assertThat(k.get("org_id").asText()).isEqualTo(orgA));

        JsonNode users = JSON.readTree(call(orgAdminA, new Call("GET", "/api/v1/admin/users", null)).body()).get("data");
        assertThat(users).extracting(u -> u.get("org_id").asText()).containsOnly(orgA);
        JsonNode audit = JSON.readTree(call(orgAdminA, new Call("GET", "/api/v1/admin/audit", null)).body()).get("data");
        assertThat(audit).isNotEmpty().allSatisfy(row -> assertThat(row.get("org_id").asText()).isEqualTo(orgA));

        assertThat(call(orgAdminA, new Call("DELETE", "/api/v1/admin/api-keys/" + keyOfA, null)).statusCode()).isEqualTo(200);
        HttpResponse<String> rollback = call(orgAdminA, new Call("POST", "/api/v1/admin/rollback",
                "{\"scope\": \"org\", \"org_id\": \"" + orgA + "\"}"));
        assertThat(rollback.statusCode()).as(rollback.body()).isEqualTo(200);
        assertThat(call(orgAdminA, new Call("POST", "/api/v1/admin/rollback/undo",
                "{\"scope\": \"org\", \"org_id\": \"" + orgA + "\"}")).statusCode()).isEqualTo(200);
    }
}
