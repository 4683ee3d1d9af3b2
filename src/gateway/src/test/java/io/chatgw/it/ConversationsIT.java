package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.conversation.ConversationTurn;
import io.chatgw.conversation.Conversations;
import io.chatgw.conversation.HistoryWindow;
import io.chatgw.conversation.ConversationStore;
import io.chatgw.support.OpenAiHttp;
import io.chatgw.support.SseClient.Event;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Each session's conversation: stored per turn, sent with the next message on every path (the stand-in LLM
 * counts the words of every message it gets as prompt tokens, so the second turn's prompt grows by exactly the
 * first exchange), listed, paged and deleted.
 */
class ConversationsIT extends OpenAiTestBase {

    private static final Logger log = LoggerFactory.getLogger(ConversationsIT.class);

    @Autowired
    Conversations conversations;
    @Autowired
    ConversationStore store;

    @Test
    void theLegacyRuntimeGetsTheEarlierTurnAsHistory() throws Exception {
        assertSecondTurnCarriesTheFirst(fresh("legacy"), "legacy");
    }

    @Test
    void theDirectLlmGetsTheEarlierTurnAsMessages() throws Exception {
        assertSecondTurnCarriesTheFirst(fresh("direct_llm"), "direct_llm");
    }

    @Test
    void theExecutionPlaneGetsTheEarlierTurnInUserMessageHistory() throws Exception {
        assertSecondTurnCarriesTheFirst(tokenFor("u-bob", "org-acme"), "new");
    }

    private void assertSecondTurnCarriesTheFirst(String token, String path) throws Exception {
        String session = newSession(token);
        String message = "what is the capital of France";
        List<Event> first = chat(token, session, message);
        Event done1 = last(first);
        assertThat(done1.type()).as(first.toString()).isEqualTo("done");
        assertThat(done1.json().get("path").asText()).isEqualTo(path);
        String answer = first.stream().filter(e -> e.type().equals("text"))
                .map(e -> e.json().get("delta").asText()).collect(Collectors.joining());

        List<Event> second = chat(token, session, message);
        Event done2 = last(second);
        assertThat(done2.type()).isEqualTo("done");

        int grew = done2.json().at("/usage/prompt_tokens").asInt() - done1.json().at("/usage/prompt_tokens").asInt();
        assertThat(grew).as("prompt growth = the first message and its answer").isEqualTo(words(message) + words(answer));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(messages(token, session, "").get("data")).hasSize(4));
        JsonNode data = messages(token, session, "").get("data");
        assertThat(data.get(0).get("role").asText()).isEqualTo("user");
        assertThat(data.get(0).get("content").asText()).isEqualTo(message);
        assertThat(data.get(1).get("role").asText()).isEqualTo("assistant");
        assertThat(data.get(1).get("content").asText()).isEqualTo(answer);
        assertThat(data.get(1).get("path").asText()).isEqualTo(path);
        assertThat(data.get(1).get("request_id").asText()).isEqualTo(done1.json().get("request_id").asText());
    }

    @Test
    void toolCallsAndResultsAreKeptWithTheAnswer() throws Exception {
        String token = fresh("legacy");
        String session = newSession(token);
        chat(token, session, "please use a tool for this");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(messages(token, session, "").get("data")).hasSize(2));
        JsonNode tools = messages(token, session, "").at("/data/1/tool_events");
        List<String> types = java.util.stream.StreamSupport.stream(tools.spliterator(), false)
                .map(t -> t.get("type").asText()).distinct().toList();
        assertThat(types).contains("skill_call", "skill_result", "mcp_call", "mcp_result");
        assertThat(tools.get(0).at("/data/name").asText()).isNotBlank();
    }

    @Test
    void aFailedTurnKeepsTheUsersMessageMarkedFailedAndIsNotSentAgain() throws Exception {
        String token = fresh("direct_llm");
        String session = newSession(token);
        List<Event> failed = chat(token, session, "[[standin fail=http_500]] this one fails");
        assertThat(last(failed).type()).isEqualTo("error");

        List<Event> next = chat(token, session, "hello");
        Event done = last(next);
        assertThat(done.type()).isEqualTo("done");
        List<Event> alone = chat(token, newSession(token), "hello");
        assertThat(done.json().at("/usage/prompt_tokens").asInt()).as("the failed turn is not history")
                .isEqualTo(last(alone).json().at("/usage/prompt_tokens").asInt());

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(messages(token, session, "").get("data")).hasSize(3));
        JsonNode first = messages(token, session, "").at("/data/0");
        assertThat(first.get("content").asText()).isEqualTo("[[standin fail=http_500]] this one fails");
        assertThat(first.get("status").asText()).isEqualTo("failed");
        assertThat(first.get("error_code").asText()).isNotBlank();
    }

    @Test
    void sessionsAreListedNewestFirstInPagesOfTheCallersOwn() throws Exception {
        String token = fresh("direct_llm");
        String a = newSession(token);
        String b = newSession(token);
        String c = newSession(token);
        newSession(tokenFor("u-dave", "org-acme")); // someone else's

        JsonNode page1 = get(token, "/api/v1/sessions?limit=2", 200);
        assertThat(ids(page1)).containsExactly(c, b);
        String cursor = page1.get("next_cursor").asText();
        JsonNode page2 = get(token, "/api/v1/sessions?limit=2&cursor=" + cursor, 200);
        assertThat(ids(page2)).hasSize(2).startsWith(a); // then the session fresh() provisioned the user with
        assertThat(page2.get("next_cursor").isNull()).isTrue();

        assertThat(get(token, "/api/v1/sessions?limit=0", 400).at("/error/code").asText()).isEqualTo("invalid_limit");
        assertThat(get(token, "/api/v1/sessions?limit=many", 400).at("/error/code").asText()).isEqualTo("invalid_limit");
        assertThat(get(token, "/api/v1/sessions?cursor=bogus", 400).at("/error/code").asText()).isEqualTo("invalid_cursor");
        assertThat(client.send("GET", "/api/v1/sessions", null, null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void messagesArePagedOldestFirstAndSomeoneElsesSessionIsNotFound() throws Exception {
        String token = fresh("direct_llm");
        String session = newSession(token);
        for (String m : List.of("one", "two", "three")) {
            assertThat(last(chat(token, session, m)).type()).isEqualTo("done");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(messages(token, session, "").get("data")).hasSize(6));

        JsonNode page1 = messages(token, session, "?limit=2");
        assertThat(contents(page1)).containsExactly("one", answerText(page1, 1), "two", answerText(page1, 3));
        JsonNode page2 = messages(token, session, "?limit=2&cursor=" + page1.get("next_cursor").asText());
        assertThat(contents(page2).get(0)).isEqualTo("three");
        assertThat(page2.get("next_cursor").isNull()).isTrue();

        HttpResponse<String> foreign = client.send("GET", "/api/v1/sessions/" + session + "/messages",
                tokenFor("u-dave", "org-acme"), null, null);
        assertThat(foreign.statusCode()).isEqualTo(404);
    }

    @Test
    void deletingASessionRemovesItsConversationButKeepsItsUsageRecords() throws Exception {
        String token = fresh("direct_llm");
        String session = newSession(token);
        String requestId = last(chat(token, session, "remember me")).json().get("request_id").asText();
        awaitUsageRecord(requestId);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(messages(token, session, "").get("data")).hasSize(2));

        assertThat(client.send("DELETE", "/api/v1/sessions/" + session, tokenFor("u-dave", "org-acme"), null, null)
                .statusCode()).as("someone else's").isEqualTo(404);
        assertThat(client.send("DELETE", "/api/v1/sessions/" + session, token, null, null).statusCode()).isEqualTo(204);

        assertThat(client.send("GET", "/api/v1/sessions/" + session + "/messages", token, null, null).statusCode())
                .isEqualTo(404);
        assertThat(client.send("DELETE", "/api/v1/sessions/" + session, token, null, null).statusCode()).isEqualTo(404);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM conversation_turns WHERE session_id = ?::uuid",
                Integer.class, session)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM usage_records WHERE request_id = ?::uuid",
                Integer.class, requestId)).isEqualTo(1);
        await("the deletion's audit row, written through the events way out").atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM audit_log WHERE action = 'session.deleted' AND target = ?",
                        Integer.class, session)).isEqualTo(1));
    }

    @Test
    void aSessionTheOpenAiEndpointNamesIsStoredAndAPerRequestOneIsNot() throws Exception {
        String token = fresh("direct_llm");
        String session = newSession(token);
        HttpResponse<String> named = openai.complete(token, OpenAiHttp.body(request(false, msg("user", "hi there"))),
                Map.of("X-Session-Id", session));
        assertThat(named.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(messages(token, session, "").get("data")).hasSize(2));

        HttpResponse<String> own = openai.complete(token, request(false, msg("user", "nobody keeps this")));
        String requestId = own.headers().firstValue("x-gateway-request-id").orElseThrow();
        awaitUsageRecord(requestId);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM conversation_turns WHERE request_id = ?::uuid",
                Integer.class, requestId)).isZero();
    }

    /** Not a speed assertion: what loading the history costs, for the report (max-turns of a 50-turn session). */
    @Test
    void loadingTheHistoryOfAFiftyTurnSessionIsTimedForTheRecord() throws Exception {
        String token = fresh("direct_llm");
        UUID session = UUID.fromString(newSession(token));
        UUID empty = UUID.fromString(newSession(token));
        Instant start = Instant.now().truncatedTo(ChronoUnit.MICROS);
        for (int i = 0; i < 50; i++) {
            conversations.write(new ConversationTurn(UUID.randomUUID(), session, start.plusMillis(i), "question number " + i
                    + " about the weather in a city somewhere", "Stand-in reply with a few more words " + i,
                    ConversationTurn.COMPLETED, "direct_llm", null, List.of()));
        }
        HistoryWindow.Bounded bounded = conversations.history(session);
        assertThat(bounded.turnsKept()).isEqualTo(20);
        assertThat(bounded.turnsDropped()).as("more than max-turns were there").isPositive();
        assertThat(bounded.messages().get(39).get("content")).isEqualTo("Stand-in reply with a few more words 49");
        log.info("history load: empty session {} us, 50-turn session {} us (median of 200)",
                medianMicros(() -> conversations.history(empty)), medianMicros(() -> conversations.history(session)));
    }

    private static long medianMicros(Runnable load) {
        for (int i = 0; i < 50; i++) {
            load.run();
        }
        long[] samples = new long[200];
        for (int i = 0; i < samples.length; i++) {
            long t = System.nanoTime();
            load.run();
            samples[i] = (System.nanoTime() - t) / 1_000;
        }
        java.util.Arrays.sort(samples);
        return samples[samples.length / 2];
    }

    private String fresh(String mode) throws Exception {
        String user = "u-conv-" + UUID.randomUUID().toString().substring(0, 8);
        String token = tokenFor(user, "org-acme");
        newSession(token); // provisions the user
        jdbc.update("UPDATE users SET execution_mode = ? WHERE id = ?", mode, user);
        return token;
    }

    private JsonNode messages(String token, String session, String query) throws Exception {
        return get(token, "/api/v1/sessions/" + session + "/messages" + query, 200);
    }

    private JsonNode get(String token, String path, int status) throws Exception {
        HttpResponse<String> r = client.send("GET", path, token, null, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    private static List<String> ids(JsonNode page) {
        return java.util.stream.StreamSupport.stream(page.get("data").spliterator(), false)
                .map(s -> s.get("session_id").asText()).toList();
    }

    private static List<String> contents(JsonNode page) {
        return java.util.stream.StreamSupport.stream(page.get("data").spliterator(), false)
                .map(s -> s.get("content").asText()).toList();
    }

    private static String answerText(JsonNode page, int index) {
        return page.at("/data/" + index + "/content").asText();
    }

    private static String answerOf(List<Event> events) {
        return events.stream().filter(e -> e.type().equals("text"))
                .map(e -> e.json().get("delta").asText()).collect(Collectors.joining());
    }

    private static Event last(List<Event> events) {
        return events.get(events.size() - 1);
    }

    private static int words(String text) {
        String trimmed = text.strip();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }
}
