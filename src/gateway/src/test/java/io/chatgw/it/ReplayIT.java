package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.SseClient;
import io.chatgw.support.SseClient.Event;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GET /events: replay after Last-Event-ID from the ring buffer, resync when it is too old, then live. */
class ReplayIT extends GatewayTestBase {

    private String token;
    private String llmToken;

    @BeforeEach
    void tokens() {
        token = tokenFor("u-alice", "org-acme");
        llmToken = tokenFor("u-carol", "org-acme");
    }

    @Test
    void reconnectingClientGetsExactlyTheEventsItMissed() throws Exception {
        String session = newSession(token);
        List<Event> all = chat(token, session, "hello");
        long cut = all.get(2).id();

        try (SseClient.Stream replay = client.get("/api/v1/sessions/" + session + "/events", token, Long.toString(cut))) {
            assertThat(replay.status()).isEqualTo(200);
            List<Event> missed = replay.until(e -> e.type().equals("done"));
            assertThat(missed).isEqualTo(all.subList(3, all.size()));
        }
    }

    @Test
    void queryParameterWorksLikeTheHeader() throws Exception {
        String session = newSession(token);
        List<Event> all = chat(token, session, "hello");

        try (SseClient.Stream replay = client.get("/api/v1/sessions/" + session + "/events?last_event_id="
                + all.get(0).id(), token, null)) {
            assertThat(replay.until(e -> e.type().equals("done"))).isEqualTo(all.subList(1, all.size()));
        }
    }

    @Test
    void idOlderThanTheBufferGetsResyncThenWhatTheBufferHolds() throws Exception {
        String session = newSession(llmToken);
        // 600 text events: more than the 512 the buffer keeps (1 ms apart: a reader that falls 256 events behind is
        // dropped as slow, which a busy CI machine can make of a 0 ms flood; not what this test is about)
        List<Event> all = chat(llmToken, session, "[[standin chunks=600 delay_ms=1]] long answer");
        long first = all.get(0).id();

        try (SseClient.Stream replay = client.get("/api/v1/sessions/" + session + "/events", llmToken, Long.toString(first))) {
            List<Event> events = replay.until(e -> e.type().equals("done"));
            assertThat(events.get(0).type()).isEqualTo("resync");
            assertThat(events.get(0).id()).as("resync carries no id, so the client's Last-Event-ID stays").isNull();
            assertThat(events.get(0).json().get("reason").asText()).isEqualTo("events_expired");
            List<Event> replayed = events.subList(1, events.size());
            assertThat(replayed).hasSize(512);
            assertThat(replayed).isEqualTo(all.subList(all.size() - 512, all.size()));
        }
    }

    @Test
    void followerSeesTheNextTurnLiveAfterTheReplay() throws Exception {
        String session = newSession(token);
        List<Event> first = chat(token, session, "first");
        long last = first.get(first.size() - 1).id();

        try (SseClient.Stream follower = client.get("/api/v1/sessions/" + session + "/events", token, Long.toString(last))) {
            List<Event> second = chat(token, session, "second");
            List<Event> seen = follower.until(e -> e.type().equals("done"));
            assertThat(seen).isEqualTo(second);
            assertThat(seen.get(0).id()).isGreaterThan(last);
        }
    }

    @Test
    void idleStreamGetsCommentLines() throws Exception {
        String session = newSession(token);
        try (SseClient.Stream follower = client.get("/api/v1/sessions/" + session + "/events", token, null)) {
            // keepalive is 1 s in the test profile; a message after 2.5 s arrives behind at least one comment
            Thread.sleep(2_500);
            chat(token, session, "wake up");
            follower.until(e -> e.type().equals("done"));
            assertThat(follower.comments).contains(":keep-alive");
        }
    }
}
