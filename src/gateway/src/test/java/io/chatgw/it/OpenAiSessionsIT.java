package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.relay.SessionRelay;
import io.chatgw.support.OpenAiHttp;
import io.chatgw.support.OpenAiHttp.Streamed;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Which gateway session a chat completion lands in: X-Session-Id, the `user` field, or a session of its own. */
class OpenAiSessionsIT extends OpenAiTestBase {

    @Autowired
    SessionRelay relay;

    @Test
    void sessionHeaderContinuesAnExistingSessionOfTheCaller() throws Exception {
        String session = newSession(carol);
        HttpResponse<String> r = openai.complete(carol, OpenAiHttp.body(request(false, msg("user", "hi"))),
                Map.of("X-Session-Id", session));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(awaitUsageRecord(r.headers().firstValue("x-gateway-request-id").orElseThrow()).get("session_id"))
                .isEqualTo(UUID.fromString(session));

        String someoneElses = newSession(alice);
        HttpResponse<String> foreign = openai.complete(carol, OpenAiHttp.body(request(false, msg("user", "hi"))),
                Map.of("X-Session-Id", someoneElses));
        assertOpenAiError(foreign, 404, "not_found_error", "session_not_found");
        assertThat(OpenAiHttp.json(foreign.body()).at("/error/param").asText()).isEqualTo("X-Session-Id");
    }

    @Test
    void userFieldMapsToOneSessionPerValueAndNoneMeansANewSession() throws Exception {
        String endUser = "end-user-" + System.nanoTime();
        Map<String, Object> named = request(false, msg("user", "hi"));
        named.put("user", endUser);
        Object s1 = sessionOf(openai.complete(carol, named));
        Object s2 = sessionOf(openai.complete(carol, named));
        named.put("user", endUser + "-other");
        Object s3 = sessionOf(openai.complete(carol, named));
        Object s4 = sessionOf(openai.complete(carol, request(false, msg("user", "hi"))));
        Object s5 = sessionOf(openai.complete(carol, request(false, msg("user", "hi"))));

        assertThat(s1).isEqualTo(s2);
        assertThat(Set.of(s1, s3, s4, s5)).hasSize(4);
        // the alias belongs to the caller: another user with the same value gets another session
        named.put("user", endUser);
        assertThat(sessionOf(openai.complete(tokenFor("u-dave", "org-acme"), named))).isNotEqualTo(s1);
    }

    @Test
    void parallelRequestsWithTheSameUserAreBothAnsweredTheSecondInAFreshSession() throws Exception {
        String endUser = "parallel-" + System.nanoTime();
        Map<String, Object> slow = request(true, msg("user", "[[standin chunks=15 delay_ms=100]] slow one"));
        slow.put("user", endUser);
        CompletableFuture<Streamed> first = CompletableFuture.supplyAsync(() -> {
            try {
                return openai.stream(carol, slow, Map.of());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        UUID aliasSession = awaitBusyAliasSession(endUser);

        Map<String, Object> quick = request(false, msg("user", "earlier question"), msg("assistant", "an answer"),
                msg("user", "hi"));
        quick.put("user", endUser);
        HttpResponse<String> second = openai.complete(carol, quick);

        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        Object secondSession = sessionOf(second);
        assertThat(secondSession).isNotEqualTo(aliasSession);
        assertThat(jdbc.queryForObject("SELECT ephemeral FROM sessions WHERE id = ?", Boolean.class, secondSession)).isTrue();
        Streamed firstAnswer = first.get(30, TimeUnit.SECONDS);
        assertThat(firstAnswer.status()).isEqualTo(200);
        assertThat(firstAnswer.data()).last().isEqualTo("[DONE]");
        assertThat(awaitUsageRecord(firstAnswer.header("x-gateway-request-id")).get("session_id")).isEqualTo(aliasSession);
    }

    @Test
    void aBusyExplicitSessionIs409WithRetryAfter() throws Exception {
        String session = newSession(carol);
        try (var first = sendMessage(carol, session, "[[standin chunks=15 delay_ms=100]] slow one")) {
            first.next(); // the route event: the turn is running
            HttpResponse<String> busy = openai.complete(carol, OpenAiHttp.body(request(false, msg("user", "hi"))),
                    Map.of("X-Session-Id", session));
            assertOpenAiError(busy, 409, "invalid_request_error", "turn_in_progress");
            assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");
        }
    }

    private UUID awaitBusyAliasSession(String alias) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            List<UUID> ids = jdbc.queryForList("SELECT session_id FROM session_aliases WHERE user_id = 'u-carol' AND alias = ?",
                    UUID.class, alias);
            if (!ids.isEmpty() && relay.stream(ids.get(0)).activeTurn() != null) {
                return ids.get(0);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the alias session never got busy");
    }
}
