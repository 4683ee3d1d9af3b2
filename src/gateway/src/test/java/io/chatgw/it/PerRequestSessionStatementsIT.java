package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.OpenAiHttp;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What a request on the OpenAI endpoint the way the SDKs send it (an API key, no session header: a session of its
 * own) costs PostgreSQL on its way to the first event, counted by the database itself (pg_stat_statements, loaded
 * by the embedded PostgreSQL): the key with its user's org (one SELECT) and the session (one INSERT, its relay
 * stream opened at the epoch the row was born with). The usage
 * record and the audit events are written later, in batches, by the events' drain (docs/events.md).
 */
class PerRequestSessionStatementsIT extends OpenAiTestBase {

    private static final int REQUESTS = 20;

    @Test
    void aRequestWithAnApiKeyAndNoSessionRunsOneSelectAndOneInsertAndStillGetsItsSessionUsageAndLastUse()
            throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String user = "u-stmt-" + run;
        String org = "org-stmt-" + run;
        newSession(tokenFor(user, org)); // provisions the user
        jdbc.update("UPDATE users SET execution_mode = 'direct_llm' WHERE id = ?", user);
        String key = createKey(user);
        // the key's first use writes last_used_at; the next ones within the interval (60 s) do not
        assertThat(ask(key).status()).isEqualTo(200);
        assertThat(jdbc.queryForObject("SELECT last_used_at IS NOT NULL FROM api_keys WHERE user_id = ?", Boolean.class,
                user)).isTrue();

        jdbc.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        jdbc.execute("SELECT pg_stat_statements_reset()");
        List<String> requestIds = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            OpenAiHttp.Streamed s = ask(key);
            assertThat(s.status()).isEqualTo(200);
            assertThat(s.content()).isNotBlank();
            requestIds.add(s.header("x-gateway-request-id"));
        }
        Map<String, Long> calls = statements();

        assertThat(callsOf(calls, "FROM api_keys k JOIN users u")).isEqualTo(REQUESTS);
        assertThat(callsOf(calls, "INSERT INTO sessions")).isEqualTo(REQUESTS);
        assertThat(callsOf(calls, "UPDATE api_keys SET last_used_at")).isZero();
        assertThat(callsOf(calls, "SELECT org_id FROM users WHERE id")).isZero();
        assertThat(callsOf(calls, "FROM sessions WHERE id")).isZero();
        assertThat(callsOf(calls, "UPDATE sessions SET relay_epoch")).isZero(); // its stream opens at the row's epoch

        // unchanged: every request has its own ephemeral session of the key's user, and its usage record in it
        List<Object> sessions = new ArrayList<>();
        for (String requestId : requestIds) {
            Map<String, Object> usage = awaitUsageRecord(requestId);
            assertThat(usage.get("user_id")).isEqualTo(user);
            assertThat(usage.get("org_id")).isEqualTo(org);
            sessions.add(usage.get("session_id"));
        }
        assertThat(sessions).doesNotHaveDuplicates();
        for (Object session : sessions) {
            assertThat(jdbc.queryForMap("SELECT user_id, org_id, ephemeral, agent_id, relay_epoch FROM sessions WHERE id = ?",
                    session)).containsEntry("user_id", user).containsEntry("org_id", org).containsEntry("ephemeral", true)
                    .containsEntry("agent_id", null).containsEntry("relay_epoch", 1L);
        }
    }

    @Test
    void aKeyWhoseUserMovedToAnotherOrgIsRefusedWithOrgMismatch() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String user = "u-moved-" + run;
        newSession(tokenFor(user, "org-a-" + run));
        String key = createKey(user);
        assertThat(ask(key).status()).isEqualTo(200);
        jdbc.update("INSERT INTO organizations (id) VALUES (?)", "org-b-" + run);
        jdbc.update("UPDATE users SET org_id = ? WHERE id = ?", "org-b-" + run, user);
        HttpResponse<String> refused = openai.complete(key, request(false, msg("user", "hi")));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
        assertThat(refused.body()).contains("org_mismatch");
    }

    private String createKey(String user) throws Exception {
        HttpResponse<String> r = openai.send("POST", "/api/v1/admin/api-keys", tokenFor("u-admin", "org-acme", "admin"),
                OpenAiHttp.body(Map.of("user_id", user, "name", "statements")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode created = OpenAiHttp.json(r.body());
        return created.get("key").asText();
    }

    private OpenAiHttp.Streamed ask(String key) throws Exception {
        Map<String, Object> body = request(true, msg("user", "[[standin chunks=3 delay_ms=1]] hi"));
        body.put("stream_options", Map.of("include_usage", true));
        return openai.stream(key, body, Map.of());
    }

    /** Normalized statement -> calls since the reset, in this database; printed with their mean execution time. */
    private Map<String, Long> statements() {
        Map<String, Long> calls = new LinkedHashMap<>();
        StringBuilder table = new StringBuilder("statements since the reset (" + REQUESTS + " requests):\n");
        jdbc.queryForList("""
                SELECT query, calls, mean_exec_time FROM pg_stat_statements
                WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY calls DESC""")
                .forEach(row -> {
                    String query = String.valueOf(row.get("query")).replaceAll("\\s+", " ");
                    calls.merge(query, ((Number) row.get("calls")).longValue(), Long::sum);
                    table.append(String.format(java.util.Locale.ROOT, "  %5d calls %8.1f us  %s%n",
                            ((Number) row.get("calls")).longValue(), ((Number) row.get("mean_exec_time")).doubleValue() * 1000,
                            query.length() > 160 ? query.substring(0, 160) : query));
                });
        System.out.println(table);
        return calls;
    }

    private static long callsOf(Map<String, Long> calls, String fragment) {
        return calls.entrySet().stream().filter(e -> e.getKey().contains(fragment)).mapToLong(Map.Entry::getValue).sum();
    }
}
