package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.openai.ApiKeySecrets;
import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.OpenAiHttp;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** API keys for SDK users: issued, listed, used and revoked by an admin; stored hashed; audited. */
class ApiKeysIT extends GatewayTestBase {

    private OpenAiHttp http;
    private String admin;

    @BeforeEach
    void setUp() {
        http = new OpenAiHttp(port);
        admin = tokenFor("u-admin", "org-acme", "admin");
    }

    private JsonNode create(String userId, String name) throws Exception {
        HttpResponse<String> r = http.send("POST", "/api/v1/admin/api-keys", admin,
                OpenAiHttp.body(Map.of("user_id", userId, "name", name)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return OpenAiHttp.json(r.body());
    }

    private HttpResponse<String> ask(String key) throws Exception {
        return http.complete(key, OpenAiCompletionsIT.request(false, OpenAiCompletionsIT.msg("user", "hi")));
    }

    @Test
    void lifecycleCreateUseListRevoke() throws Exception {
        JsonNode created = create("u-carol", "laptop sdk");
        String key = created.get("key").asText();
        String id = created.get("id").asText();
        assertThat(key).startsWith("sk-gw-").hasSize(6 + 43);
        assertThat(created.get("user_id").asText()).isEqualTo("u-carol");
        assertThat(created.get("org_id").asText()).isEqualTo("org-acme");
        assertThat(created.get("prefix").asText()).isEqualTo(key.substring(0, 10));
        assertThat(created.get("active").asBoolean()).isTrue();

        // stored hashed: the database never holds the key itself
        assertThat(jdbc.queryForObject("SELECT key_hash FROM api_keys WHERE id = ?::uuid", String.class, id))
                .isEqualTo(ApiKeySecrets.hash(key));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM api_keys WHERE key_hash = ? OR key_prefix = ?",
                Integer.class, key, key)).isZero();

        // the key acts as its user: u-carol's mode (direct_llm) applies
        HttpResponse<String> answer = ask(key);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.headers().firstValue("x-gateway-path")).hasValue("direct_llm");
        assertThat(jdbc.queryForObject("SELECT last_used_at IS NOT NULL FROM api_keys WHERE id = ?::uuid",
                Boolean.class, id)).isTrue();
        // ... on the native chat API too
        assertThat(client.send("POST", "/api/v1/sessions", key, null, null).statusCode()).isEqualTo(201);

        // listed without secrets
        HttpResponse<String> listed = http.get("/api/v1/admin/api-keys?user_id=u-carol", admin);
        assertThat(listed.statusCode()).isEqualTo(200);
        JsonNode mine = find(OpenAiHttp.json(listed.body()).get("data"), id);
        assertThat(mine).isNotNull();
        assertThat(mine.has("key")).isFalse();
        assertThat(listed.body()).doesNotContain(key).doesNotContain(ApiKeySecrets.hash(key));
        assertThat(OpenAiHttp.json(listed.body()).get("data").findValuesAsText("user_id")).containsOnly("u-carol");
        assertThat(find(OpenAiHttp.json(http.get("/api/v1/admin/api-keys", admin).body()).get("data"), id)).isNotNull();

        // revoked: the very next request is refused
        HttpResponse<String> revoked = http.send("DELETE", "/api/v1/admin/api-keys/" + id, admin, null);
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertThat(OpenAiHttp.json(revoked.body()).get("active").asBoolean()).isFalse();
        assertThat(OpenAiHttp.json(revoked.body()).get("revoked_by").asText()).isEqualTo("u-admin");
        HttpResponse<String> refused = ask(key);
        assertThat(refused.statusCode()).isEqualTo(401);
        JsonNode error = OpenAiHttp.json(refused.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("authentication_error");
        assertThat(error.get("code").asText()).isEqualTo("invalid_api_key");
        assertThat(error.has("param")).isTrue();
        // revoking again changes nothing
        assertThat(http.send("DELETE", "/api/v1/admin/api-keys/" + id, admin, null).statusCode()).isEqualTo(200);

        // audit events go through the spool into PostgreSQL (routes/events.yaml): wait for them
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                jdbc.queryForList("SELECT action FROM audit_log WHERE target = ? ORDER BY occurred_at, id", String.class, id))
                .containsExactly("api_key.created", "api_key.revoked"));
        List<Map<String, Object>> audit = jdbc.queryForList(
                "SELECT actor, action, details::text AS details FROM audit_log WHERE target = ? ORDER BY occurred_at, id", id);
        assertThat(audit).extracting(a -> a.get("actor")).containsOnly("u-admin");
        assertThat(audit.get(0).get("details").toString()).contains("u-carol").doesNotContain(key);
    }

    @Test
    void onlyAdminsManageKeys() throws Exception {
        String user = tokenFor("u-alice", "org-acme");
        assertThat(http.send("POST", "/api/v1/admin/api-keys", user,
                OpenAiHttp.body(Map.of("user_id", "u-alice", "name", "mine"))).statusCode()).isEqualTo(403);
        assertThat(http.get("/api/v1/admin/api-keys", user).statusCode()).isEqualTo(403);
        HttpResponse<String> delete = http.send("DELETE", "/api/v1/admin/api-keys/" + java.util.UUID.randomUUID(), user, null);
        assertThat(delete.statusCode()).isEqualTo(403);
        assertThat(errorOf(delete).get("code").asText()).isEqualTo("forbidden");
        assertThat(http.get("/api/v1/admin/api-keys", null).statusCode()).isEqualTo(401);

        // an API key never carries the admin role, even one of an admin user
        String adminsKey = create("u-admin", "automation").get("key").asText();
        assertThat(http.get("/api/v1/admin/api-keys", adminsKey).statusCode()).isEqualTo(403);
    }

    @Test
    void badAdminRequests() throws Exception {
        HttpResponse<String> unknownUser = http.send("POST", "/api/v1/admin/api-keys", admin,
                OpenAiHttp.body(Map.of("user_id", "u-nobody", "name", "x")));
        assertThat(unknownUser.statusCode()).isEqualTo(400);
        assertThat(errorOf(unknownUser).get("code").asText()).isEqualTo("unknown_user");
        HttpResponse<String> noName = http.send("POST", "/api/v1/admin/api-keys", admin,
                OpenAiHttp.body(Map.of("user_id", "u-carol")));
        assertThat(errorOf(noName).get("code").asText()).isEqualTo("missing_name");
        HttpResponse<String> missing = http.send("DELETE", "/api/v1/admin/api-keys/" + java.util.UUID.randomUUID(), admin, null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(http.send("DELETE", "/api/v1/admin/api-keys/not-a-uuid", admin, null).statusCode()).isEqualTo(404);
    }

    @Test
    void malformedOrUnknownKeysAre401() throws Exception {
        for (String key : List.of("sk-gw-short", "sk-gw-" + "B".repeat(43), "sk-gw-" + "!".repeat(43))) {
            HttpResponse<String> r = ask(key);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(OpenAiHttp.json(r.body()).at("/error/code").asText()).isEqualTo("invalid_api_key");
        }
    }

    private static JsonNode find(JsonNode list, String id) {
        for (JsonNode k : list) {
            if (k.get("id").asText().equals(id)) {
                return k;
            }
        }
        return null;
    }
}
