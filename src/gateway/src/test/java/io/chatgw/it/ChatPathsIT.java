package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.SseClient.Event;
import io.chatgw.support.SseClient;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Each mode end to end, over real HTTP to the reference runtime and the stand-in LLM. */
class ChatPathsIT extends GatewayTestBase {

    @Test
    void legacyUserIsAnsweredByTheRuntimeThroughTheLegacyPath() throws Exception {
        String token = tokenFor("u-alice", "org-acme");
        String session = newSession(token);

        try (SseClient.Stream stream = sendMessage(token, session, "hello there")) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.header("Content-Type")).startsWith("text/event-stream");
            assertThat(stream.header("Cache-Control")).isEqualTo("no-cache, no-transform");
            assertThat(stream.header("X-Accel-Buffering")).isEqualTo("no");
            List<Event> events = stream.all();

            assertThat(events.get(0).type()).isEqualTo("route");
            assertThat(events.get(0).json().get("path").asText()).isEqualTo("legacy");
            assertThat(events.get(0).json().get("reason").asText()).isEqualTo("user_mode");
            assertThat(events).filteredOn(e -> e.type().equals("text")).isNotEmpty();
            Event done = events.get(events.size() - 1);
            assertThat(done.type()).isEqualTo("done");
            assertThat(done.json().get("path").asText()).isEqualTo("legacy");
            assertThat(done.json().at("/usage/completion_tokens").asInt()).isPositive();
            assertThat(done.json().at("/usage/prompt_tokens").asInt()).isPositive();
            assertStrictlyIncreasingIds(events);
        }
    }

    @Test
    void directLlmUserGetsTheLlmAnswerWithTheProvidersUsage() throws Exception {
        String token = tokenFor("u-carol", "org-acme");
        String session = newSession(token);

        List<Event> events = chat(token, session, "[[standin chunks=5 delay_ms=1]] count to five");

        assertThat(events.get(0).json().get("path").asText()).isEqualTo("direct_llm");
        List<Event> texts = events.stream().filter(e -> e.type().equals("text")).toList();
        assertThat(texts).hasSize(5);
        Event done = events.get(events.size() - 1);
        assertThat(done.type()).isEqualTo("done");
        // the stand-in reports one completion token per content chunk: the gateway passes that through, not an estimate
        assertThat(done.json().at("/usage/completion_tokens").asInt()).isEqualTo(5);
        assertThat(done.json().get("model").asText()).isEqualTo("standin-1");
    }

    @Test
    void toolMessagesOnTheLegacyPathProduceEveryToolEventType() throws Exception {
        String token = tokenFor("u-alice", "org-acme");
        String session = newSession(token);

        List<Event> events = chat(token, session, "please use a tool for this");

        List<String> types = events.stream().map(Event::type).distinct().collect(Collectors.toList());
        assertThat(types).contains("route", "plan_step", "skill_call", "skill_result", "mcp_call", "mcp_result", "text", "done");
        Event skillCall = events.stream().filter(e -> e.type().equals("skill_call")).findFirst().orElseThrow();
        assertThat(skillCall.json().get("name").asText()).isNotBlank();
        assertThat(skillCall.json().has("arguments")).isTrue();
    }

    @Test
    void orgOverrideBeatsTheUsersOwnMode() throws Exception {
        // u-erin is 'legacy' herself, but org-globex overrides to direct_llm
        String token = tokenFor("u-erin", "org-globex");
        String session = newSession(token);

        List<Event> events = chat(token, session, "hi");

        assertThat(events.get(0).json().get("path").asText()).isEqualTo("direct_llm");
        assertThat(events.get(0).json().get("reason").asText()).isEqualTo("org_override");
        assertThat(events.get(events.size() - 1).type()).isEqualTo("done");
    }

    @Test
    void agentDefaultAppliesWhenNeitherOrgNorUserSetsAMode() throws Exception {
        String token = tokenFor("u-dave", "org-acme");
        String session = newSession(token, "agent-fast");

        List<Event> events = chat(token, session, "hi");

        assertThat(events.get(0).json().get("path").asText()).isEqualTo("direct_llm");
        assertThat(events.get(0).json().get("reason").asText()).isEqualTo("agent_default");
    }

    @Test
    void unknownUserIsProvisionedOnFirstUseAndTakesTheGlobalDefault() throws Exception {
        String user = "u-new-" + System.nanoTime();
        String token = tokenFor(user, "org-fresh-" + System.nanoTime());
        String session = newSession(token);

        List<Event> events = chat(token, session, "hi");

        assertThat(events.get(0).json().get("path").asText()).isEqualTo("legacy");
        assertThat(events.get(0).json().get("reason").asText()).isEqualTo("global_default");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM users WHERE id = ? AND execution_mode IS NULL",
                Integer.class, user)).isEqualTo(1);
    }

    @Test
    void aFlipAppliesToTheNextMessageOnceThePolicyChangeArrived() throws Exception {
        String user = "u-flip-" + System.nanoTime();
        String token = tokenFor(user, "org-acme");
        String session = newSession(token);
        assertThat(chat(token, session, "one").get(0).json().get("path").asText()).isEqualTo("legacy");

        jdbc.update("UPDATE users SET execution_mode = 'direct_llm' WHERE id = ?", user);
        awaitPoliciesCurrent(); // a plain SQL change too: the users trigger NOTIFYs every instance

        assertThat(chat(token, session, "two").get(0).json().get("path").asText()).isEqualTo("direct_llm");
    }

    static void assertStrictlyIncreasingIds(List<Event> events) {
        long previous = Long.MIN_VALUE;
        for (Event e : events) {
            assertThat(e.id()).as("every event carries an id").isNotNull();
            assertThat(e.id()).isGreaterThan(previous);
            previous = e.id();
        }
    }
}
