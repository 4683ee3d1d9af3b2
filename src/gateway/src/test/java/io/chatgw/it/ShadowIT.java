package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.SseClient;
import io.chatgw.support.SseClient.Event;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Shadow traffic end to end (docs/shadow.md): a sampled request's shadow runs on another path (or the primary path
 * again: the noise floor) in the background, against the real reference runtime, stand-in LLM, launched planes and
 * PostgreSQL; the primary's events and usage are what they would be without it; the pair is compared and stored.
 */
class ShadowIT extends GatewayTestBase {

    private static String fresh(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return client.send(method, path, tokenFor("u-admin", "org-acme", "admin"), body == null ? null : "application/json",
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode ok(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** A user on {@code mode} in an org of its own whose shadow setting is {@code percent} to {@code target}. */
    private String userWithShadow(String mode, int percent, String target) throws Exception {
        String org = fresh("org-shd");
        ok(admin("PUT", "/api/v1/admin/orgs/" + org + "/policy",
                "{\"shadow_percent\": " + percent + ", \"shadow_path\": \"" + target + "\"}"));
        String user = org + "-u";
        jdbc.update("INSERT INTO users (id, org_id, execution_mode) VALUES (?, ?, ?)", user, org, mode);
        awaitPoliciesCurrent();
        return user;
    }

    private String tokenOf(String user) {
        return tokenFor(user, jdbc.queryForObject("SELECT org_id FROM users WHERE id = ?", String.class, user));
    }

    private Map<String, Object> comparisonOf(String requestId) {
        await("the shadow pair of " + requestId).atMost(Duration.ofSeconds(40)).until(() -> !jdbc.queryForList(
                "SELECT 1 FROM shadow_comparisons WHERE primary_request_id = ?::uuid", requestId).isEmpty());
        return jdbc.queryForMap("SELECT *, divergences::text AS kinds, shadow_events::text AS shadow_trace "
                + "FROM shadow_comparisons WHERE primary_request_id = ?::uuid", requestId);
    }

    /** The primary's request id; the primary must have answered (a pair of two failures says nothing here). */
    private static String requestIdOf(List<Event> events) {
        assertThat(events.get(events.size() - 1).type()).as("the primary's answer: %s", events).isEqualTo("done");
        return events.get(0).json().get("request_id").asText();
    }

    private static List<String> types(List<Event> events) {
        return events.stream().map(Event::type).distinct().toList();
    }

    @Test
    void identicalAnswersAreAPairWithoutDivergenceAndTheShadowIsInNoBillingNoReplayAndNoHistory() throws Exception {
        String user = userWithShadow("direct_llm", 100, "legacy");
        String token = tokenOf(user);
        String session = newSession(token);
        List<Event> events = chat(token, session, fresh("hello") + " there");
        String requestId = requestIdOf(events);

        assertThat(types(events)).containsExactly("route", "text", "done");
        assertThat(events.get(events.size() - 1).json().get("path").asText()).isEqualTo("direct_llm");
        Map<String, Object> pair = comparisonOf(requestId);
        assertThat(pair).containsEntry("kind", "shadow").containsEntry("primary_path", "direct_llm")
                .containsEntry("shadow_path", "legacy").containsEntry("shadow_status", "completed")
                .containsEntry("both_completed", true).containsEntry("diverged", false);
        assertThat((String) pair.get("kinds")).isEqualTo("[]");
        assertThat(((Number) pair.get("text_similarity")).doubleValue()).isEqualTo(1.0);

        String shadowRequest = pair.get("shadow_request_id").toString();
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForList(
                "SELECT 1 FROM usage_records WHERE request_id IN (?::uuid, ?::uuid)", requestId, shadowRequest).size() == 2);
        assertThat(jdbc.queryForMap("SELECT status, path FROM usage_records WHERE request_id = ?::uuid", requestId))
                .containsEntry("status", "completed").containsEntry("path", "direct_llm");
        Map<String, Object> shadowUsage = jdbc.queryForMap("SELECT * FROM usage_records WHERE request_id = ?::uuid", shadowRequest);
        assertThat(shadowUsage).containsEntry("status", "shadow").containsEntry("path", "legacy");
        assertThat((Integer) shadowUsage.get("tokens_out")).isPositive();
        jdbc.execute("REFRESH MATERIALIZED VIEW usage_daily");
        assertThat(jdbc.queryForMap("SELECT sum(calls) AS calls, string_agg(DISTINCT path, ',') AS paths FROM usage_daily "
                + "WHERE user_id = ?", user)).containsEntry("paths", "direct_llm").satisfies(
                row -> assertThat(((Number) row.get("calls")).intValue()).as("the shadow is not billed").isEqualTo(1));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(JSON.readTree(client.send("GET",
                "/api/v1/sessions/" + session + "/messages", token, null, null).body()).get("data")).hasSize(2));
        try (SseClient.Stream replay = client.get("/api/v1/sessions/" + session + "/events", token,
                Long.toString(events.get(0).id() - 1))) {
            assertThat(replay.until(e -> e.type().equals("done"))).as("the replay buffer holds the primary only")
                    .isEqualTo(events);
        }
    }

    @Test
    void aSlowShadowLeavesThePrimaryStreamAsItIsAndHoldsNoTurnLock() throws Exception {
        String token = tokenOf(userWithShadow("direct_llm", 100, "legacy"));
        String session = newSession(token);
        String message = "[[runtime first_event_delay_ms=2500]] " + fresh("slow");
        List<Event> events = chat(token, session, message);

        assertThat(types(events)).containsExactly("route", "text", "done");
        List<Event> next = chat(token, session, fresh("next"));
        assertThat(next.get(next.size() - 1).type()).as("the session's turn lock is the primary's only").isEqualTo("done");
        Map<String, Object> pair = comparisonOf(requestIdOf(events));
        assertThat((Integer) pair.get("shadow_ttfe_ms")).isGreaterThanOrEqualTo(2500);
        assertThat((Integer) pair.get("primary_ttfe_ms")).isLessThan(2500);
    }

    @Test
    void aFailingShadowIsAPairWithAFailedSideWhileThePrimaryAnswersAndIsBilledAsAlways() throws Exception {
        String token = tokenOf(userWithShadow("direct_llm", 100, "legacy"));
        List<Event> events = chat(token, newSession(token), "[[runtime fail=http_503]] " + fresh("fails"));
        String requestId = requestIdOf(events);

        assertThat(types(events)).containsExactly("route", "text", "done");
        Map<String, Object> pair = comparisonOf(requestId);
        assertThat(pair).containsEntry("primary_status", "completed").containsEntry("shadow_status", "failed")
                .containsEntry("shadow_error_code", "upstream_error").containsEntry("both_completed", false);
        assertThat((String) pair.get("kinds")).isEqualTo("[\"outcome\"]");
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForList(
                "SELECT 1 FROM usage_records WHERE request_id = ?::uuid", pair.get("shadow_request_id")).size() == 1);
        assertThat(jdbc.queryForMap("SELECT status, error_code FROM usage_records WHERE request_id = ?::uuid",
                pair.get("shadow_request_id"))).containsEntry("status", "shadow").containsEntry("error_code", "upstream_error");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(jdbc.queryForList(
                "SELECT status, tokens_out FROM usage_records WHERE request_id = ?::uuid", requestId))
                .singleElement().satisfies(row -> assertThat(row).containsEntry("status", "completed")));
        assertThat(client.send("GET", "/actuator/prometheus", null, null, null).body())
                .containsPattern("gateway_shadow_runs_total\\{kind=\"shadow\",outcome=\"failed\",target=\"legacy\"} [1-9]");
    }

    @Test
    void anAnswerThatDiffersInCaseIsAnExactTextDivergenceOnlyAndOtherWordsAreANormalizedOneToo() throws Exception {
        String token = tokenOf(userWithShadow("direct_llm", 100, "legacy"));
        String caseOnly = requestIdOf(chat(token, newSession(token), fresh("case") + " [[standin alternate=case]] hi"));
        String words = requestIdOf(chat(token, newSession(token), fresh("words") + " [[standin alternate=words]] hi"));

        assertThat((String) comparisonOf(caseOnly).get("kinds")).isEqualTo("[\"text_exact\"]");
        assertThat((String) comparisonOf(words).get("kinds")).isEqualTo("[\"text_exact\", \"text_normalized\"]");
        assertThat(client.send("GET", "/actuator/prometheus", null, null, null).body()).containsPattern(
                "gateway_shadow_divergences_total\\{divergence=\"text_normalized\",kind=\"shadow\",primary=\"direct_llm\",target=\"legacy\"} [1-9]");
    }

    @Test
    void toolCallsOnlyThePrimaryMakesAreAToolCallDivergenceAndTheTextStillAgrees() throws Exception {
        String token = tokenOf(userWithShadow("legacy", 100, "direct_llm"));
        Map<String, Object> pair = comparisonOf(requestIdOf(chat(token, newSession(token), "use a tool " + fresh("t"))));

        assertThat((String) pair.get("kinds")).contains("\"tool_calls\"", "\"plan_steps\"", "\"event_sequence\"")
                .doesNotContain("text_exact");
    }

    @Test
    void aLegacyShadowGetsTheShadowHeaderAndMakesNoMcpCallWhileItsToolCallsStillMatch() throws Exception {
        String token = tokenOf(userWithShadow("legacy", 100, "legacy"));
        List<Event> events = chat(token, newSession(token), "use a tool " + fresh("noise"));
        Map<String, Object> pair = comparisonOf(requestIdOf(events));

        assertThat(pair).containsEntry("kind", "noise").containsEntry("diverged", false);
        assertThat((String) pair.get("shadow_trace")).contains("shadow: no side effects");
        assertThat(events).filteredOn(e -> e.type().equals("mcp_result")).singleElement()
                .satisfies(e -> assertThat(e.data()).contains("sunny").doesNotContain("no side effects"));
    }

    @Test
    void aDirectLlmShadowIsMarkedAsAShadowToTheLlmAndThePrimarysCallIsNot() throws Exception {
        String token = tokenOf(userWithShadow("legacy", 100, "direct_llm"));
        String requestId = requestIdOf(chat(token, newSession(token), "[[standin echo_headers]] " + fresh("marked")));
        Map<String, Object> pair = comparisonOf(requestId);

        // [[standin echo_headers]]: the stand-in LLM answers with the trace and shadow headers it received
        JsonNode shadowSaw = JSON.readTree(textOf(pair.get("shadow_request_id").toString(), "shadow_events"));
        assertThat(shadowSaw.path("x-gateway-shadow").asText()).isEqualTo("true");
        assertThat(shadowSaw.path("x-gateway-shadow-of").asText()).isEqualTo(requestId);
        assertThat(shadowSaw.path("x-request-id").asText()).isEqualTo(pair.get("shadow_request_id").toString());
        JsonNode primarySaw = JSON.readTree(textOf(pair.get("shadow_request_id").toString(), "primary_events"));
        assertThat(primarySaw.has("x-gateway-shadow")).as("the primary's LLM call (through the legacy runtime): %s", primarySaw)
                .isFalse();
    }

    @Test
    void aShadowsUsageRecordLeavesTheSessionsLastActiveTimeAsThePrimaryLeftIt() throws Exception {
        String token = tokenOf(userWithShadow("direct_llm", 100, "legacy"));
        String session = newSession(token);
        String requestId = requestIdOf(chat(token, session, "[[runtime first_event_delay_ms=2000]] " + fresh("active")));
        await().atMost(Duration.ofSeconds(10)).until(() -> !jdbc.queryForList(
                "SELECT 1 FROM usage_records WHERE request_id = ?::uuid", requestId).isEmpty());
        jdbc.update("UPDATE sessions SET last_active_at = now() - interval '3 days' WHERE id = ?::uuid", session);

        Map<String, Object> pair = comparisonOf(requestId); // the shadow ends seconds after the primary
        await().atMost(Duration.ofSeconds(10)).until(() -> !jdbc.queryForList(
                "SELECT 1 FROM usage_records WHERE request_id = ?::uuid AND status = 'shadow'", pair.get("shadow_request_id")).isEmpty());
        assertThat(jdbc.queryForObject("SELECT last_active_at < now() - interval '2 days' FROM sessions WHERE id = ?::uuid",
                Boolean.class, session)).as("the shadow is not the user's activity").isTrue();
    }

    /** The text a side of a stored pair answered (its text events joined). */
    private String textOf(String shadowRequestId, String side) {
        return jdbc.queryForObject("SELECT string_agg(e->>'text', '') FROM shadow_comparisons, jsonb_array_elements("
                + side + "->'events') e WHERE shadow_request_id = ?::uuid AND e->>'type' = 'text'", String.class, shadowRequestId);
    }

    @Test
    void aPlaneGetsTheShadowMessageFlaggedAndAppliesNoSideEffects() throws Exception {
        String token = tokenOf(userWithShadow("direct_llm", 100, "new"));
        String session = newSession(token);
        List<Event> events = chat(token, session, "use a tool " + fresh("plane"));
        Map<String, Object> pair = comparisonOf(requestIdOf(events));

        assertThat(pair).containsEntry("shadow_path", "new").containsEntry("shadow_status", "completed");
        assertThat((String) pair.get("shadow_trace")).contains("mcp_call", "shadow: no side effects", "skill_result");
        String shadowRequest = pair.get("shadow_request_id").toString();
        Thread.sleep(1000); // a usage report or snapshot the plane would send follows its done at once
        assertThat(jdbc.queryForList("SELECT 1 FROM plane_usage_reports WHERE request_id = ?", shadowRequest)).isEmpty();
        assertThat(jdbc.queryForList("SELECT 1 FROM session_snapshots WHERE session_id = ?::uuid", session)).isEmpty();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(jdbc.queryForList(
                "SELECT 1 FROM conversation_turns WHERE session_id = ?::uuid", session)).as("the primary's turn only").hasSize(1));
    }

    @Test
    void theNoiseFloorComesFromDoublePrimaryRunsAndTheSummaryReportsDivergenceAboveIt() throws Exception {
        String org = fresh("org-noise");
        ok(admin("PUT", "/api/v1/admin/orgs/" + org + "/policy", "{\"shadow_percent\": 100, \"shadow_path\": \"direct_llm\"}"));
        String user = org + "-u";
        jdbc.update("INSERT INTO users (id, org_id, execution_mode) VALUES (?, ?, 'direct_llm')", user, org);
        awaitPoliciesCurrent();
        String token = tokenFor(user, org);
        String since = java.time.Instant.now().minusSeconds(5).toString();
        comparisonOf(requestIdOf(chat(token, newSession(token), fresh("n1") + " plain")));
        comparisonOf(requestIdOf(chat(token, newSession(token), fresh("n2") + " [[standin alternate=case]] x")));
        ok(admin("PUT", "/api/v1/admin/orgs/" + org + "/policy", "{\"shadow_path\": \"legacy\"}"));
        awaitPoliciesCurrent();
        comparisonOf(requestIdOf(chat(token, newSession(token), fresh("s1") + " plain")));
        comparisonOf(requestIdOf(chat(token, newSession(token), fresh("s2") + " [[standin alternate=case]] x")));
        comparisonOf(requestIdOf(chat(token, newSession(token), fresh("s3") + " [[standin alternate=case]] x")));
        comparisonOf(requestIdOf(chat(token, newSession(token), fresh("s4") + " plain")));

        JsonNode summary = ok(admin("GET", "/api/v1/admin/shadow/summary?org_id=" + org + "&since=" + since, null));
        JsonNode pair = summary.at("/pairs/0");
        assertThat(summary.get("pairs")).hasSize(1);
        assertThat(pair.get("primary_path").asText()).isEqualTo("direct_llm");
        assertThat(pair.get("shadow_path").asText()).isEqualTo("legacy");
        assertThat(pair.get("samples").asInt()).isEqualTo(4);
        assertThat(pair.get("noise_samples").asInt()).isEqualTo(2);
        assertThat(pair.at("/divergence/text_exact/rate").asDouble()).isEqualTo(0.5);
        assertThat(pair.at("/divergence/text_exact/noise_floor").asDouble()).isEqualTo(0.5);
        assertThat(pair.at("/divergence/text_exact/above_floor").asDouble()).isEqualTo(0.0);
        assertThat(pair.at("/divergence/outcome/rate").asDouble()).isEqualTo(0.0);
        assertThat(pair.at("/first_event_delta_ms/p50").isNumber()).isTrue();
        assertThat(pair.at("/skipped/cost_cap").asInt()).isZero();
        assertThat(summary.at("/noise/0/primary_path").asText()).isEqualTo("direct_llm");

        JsonNode diffs = ok(admin("GET", "/api/v1/admin/shadow/samples?kind=text_exact&org_id=" + org + "&limit=2", null));
        assertThat(diffs.get("data")).hasSize(2);
        assertThat(diffs.at("/data/0/primary/sequence").toString()).isEqualTo("[\"text\"]");
        assertThat(diffs.at("/data/0").toString()).as("one side got the upper-case answer").contains("STAND-IN REPLY");
        JsonNode rest = ok(admin("GET", "/api/v1/admin/shadow/samples?kind=text_exact&org_id=" + org + "&limit=2&cursor="
                + diffs.get("next_cursor").asText(), null));
        assertThat(rest.get("data")).hasSize(1);
        assertThat(rest.get("next_cursor").isNull()).isTrue();
        assertThat(ok(admin("GET", "/api/v1/admin/shadow/samples?sample=noise&org_id=" + org, null)).get("data")).hasSize(1);
    }

    @Test
    void anAgentsShadowSettingBeatsItsOrgsAndAPercentageNeedsATarget() throws Exception {
        String agent = fresh("agent-shd");
        jdbc.update("INSERT INTO agents (id, name) VALUES (?, 'shadowed')", agent);
        String user = userWithShadow("direct_llm", 0, "legacy");
        String token = tokenOf(user);
        HttpResponse<String> noTarget = admin("PUT", "/api/v1/admin/agents/" + agent + "/default", "{\"shadow_percent\": 100}");
        assertThat(noTarget.statusCode()).isEqualTo(400);
        assertThat(errorOf(noTarget).get("message").asText()).contains("shadow_path");
        JsonNode set = ok(admin("PUT", "/api/v1/admin/agents/" + agent + "/default",
                "{\"shadow_percent\": 100, \"shadow_path\": \"legacy\", \"reason\": \"compare\"}"));
        assertThat(set.at("/after/shadow_percent").asInt()).isEqualTo(100);
        awaitPoliciesCurrent();

        JsonNode why = ok(admin("GET", "/api/v1/admin/decisions/" + user + "?agent_id=" + agent, null));
        assertThat(why.at("/shadow/scope").asText()).isEqualTo("agent");
        assertThat(why.at("/shadow/target").asText()).isEqualTo("legacy");
        assertThat(ok(admin("GET", "/api/v1/admin/decisions/" + user, null)).at("/shadow/percent").asInt()).isZero();

        String withAgent = requestIdOf(chat(token, newSession(token, agent), fresh("agent")));
        String withoutAgent = requestIdOf(chat(token, newSession(token), fresh("plain")));
        assertThat(comparisonOf(withAgent)).containsEntry("shadow_path", "legacy");
        Thread.sleep(1500);
        assertThat(jdbc.queryForList("SELECT 1 FROM shadow_comparisons WHERE primary_request_id = ?::uuid", withoutAgent))
                .as("the org's 0% applies without the agent").isEmpty();
        ok(admin("PUT", "/api/v1/admin/agents/" + agent + "/default", "{\"shadow_percent\": null, \"shadow_path\": null}"));
    }

    @Test
    void theGlobalShadowSettingIsReadAndSetThroughThePolicyApi() throws Exception {
        JsonNode before = ok(admin("GET", "/api/v1/admin/policy/global", null));
        boolean hadRow = !jdbc.queryForList("SELECT 1 FROM route_policies WHERE scope = 'global'").isEmpty();
        try {
            JsonNode set = ok(admin("PUT", "/api/v1/admin/policy/global", "{\"shadow_percent\": 0, \"shadow_path\": \"new\"}"));
            assertThat(set.at("/after/shadow_percent").asInt()).isZero();
            assertThat(set.at("/after/shadow_path").asText()).isEqualTo("new");
            assertThat(admin("PUT", "/api/v1/admin/policy/global", "{\"shadow_percent\": 101}").statusCode()).isEqualTo(400);
            assertThat(admin("PUT", "/api/v1/admin/policy/global", "{\"shadow_path\": \"elsewhere\"}").statusCode()).isEqualTo(400);
        } finally { // the global policy is every test's: left as it was (no row if there was none)
            ok(admin("PUT", "/api/v1/admin/policy/global", "{\"shadow_percent\": " + before.get("shadow_percent")
                    + ", \"shadow_path\": " + before.get("shadow_path") + "}"));
            if (!hadRow) {
                jdbc.update("DELETE FROM route_policies WHERE scope = 'global'");
            }
            awaitPoliciesCurrent();
        }
    }

    @Test
    void theShadowEndpointsAreForAdminsOnlyAndCheckTheirParameters() throws Exception {
        for (String path : List.of("/api/v1/admin/shadow/summary", "/api/v1/admin/shadow/samples")) {
            assertThat(client.send("GET", path, null, null, null).statusCode()).isEqualTo(401);
            assertThat(client.send("GET", path, tokenFor("u-alice", "org-acme"), null, null).statusCode()).isEqualTo(403);
        }
        HttpResponse<String> badKind = admin("GET", "/api/v1/admin/shadow/samples?kind=vibes", null);
        assertThat(badKind.statusCode()).isEqualTo(400);
        assertThat(errorOf(badKind).get("message").asText()).contains("text_exact");
        assertThat(admin("GET", "/api/v1/admin/shadow/summary?since=yesterday", null).statusCode()).isEqualTo(400);
        assertThat(admin("GET", "/api/v1/admin/shadow/samples?cursor=abc", null).statusCode()).isEqualTo(400);
        assertThat(admin("GET", "/api/v1/admin/shadow/summary?color=red", null).statusCode()).isEqualTo(400);
    }
}
