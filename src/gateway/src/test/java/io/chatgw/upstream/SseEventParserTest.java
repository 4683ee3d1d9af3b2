package io.chatgw.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseEventParserTest {

    private final List<SseEvent> events = new ArrayList<>();
    private final SseEventParser parser = new SseEventParser(1024, events::add);

    private void feed(String text) {
        parser.feed(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parsesEventsWithTypeIdAndData() {
        feed("id: 7\nevent: token\ndata: {\"text\":\"a\"}\n\ndata: plain\n\n");
        assertThat(events).containsExactly(new SseEvent("7", "token", "{\"text\":\"a\"}"), new SseEvent("7", "message", "plain"));
    }

    @Test
    void toleratesChunkBoundariesAnywhereIncludingInsideMultibyteCharacters() {
        byte[] bytes = "event: token\r\ndata: héllo ✓\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            parser.feed(new byte[] {b});
        }
        assertThat(events).containsExactly(new SseEvent(null, "token", "héllo ✓"));
    }

    @Test
    void joinsMultiLineDataAndSkipsComments() {
        feed(": keep-alive\ndata: one\ndata: two\n\n");
        assertThat(events).containsExactly(new SseEvent(null, "message", "one\ntwo"));
    }

    @Test
    void handlesBareCarriageReturnLineEnds() {
        feed("data: a\r\rdata: b\r\r");
        assertThat(events).extracting(SseEvent::data).containsExactly("a", "b");
    }

    @Test
    void eventWithoutDataIsNotDispatchedAndIncompleteEventWaits() {
        feed("event: ping\n\ndata: partial");
        assertThat(events).isEmpty();
        feed("\n\n");
        assertThat(events).extracting(SseEvent::data).containsExactly("partial");
    }

    @Test
    void runawayLineIsRejected() {
        assertThatThrownBy(() -> feed("data: " + "x".repeat(2000))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void everySplitOfACrlfStreamGivesTheSameEvents() {
        byte[] bytes = "id: 1\r\nevent: token\r\ndata: a\r\ndata: b\r\n\r\n: note\r\ndata: c\r\r\n".getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= bytes.length; cut++) {
            List<SseEvent> seen = new ArrayList<>();
            SseEventParser split = new SseEventParser(1024, seen::add);
            split.feed(bytes, 0, cut);
            split.feed(bytes, cut, bytes.length - cut);
            assertThat(seen).as("cut at %d", cut)
                    .containsExactly(new SseEvent("1", "token", "a\nb"), new SseEvent("1", "message", "c"));
        }
    }

    @Test
    void aLineOfExactlyTheLimitIsAccepted() {
        SseEventParser limited = new SseEventParser(10, events::add);
        limited.feed("data: 1234\n\n".getBytes(StandardCharsets.UTF_8));
        assertThat(events).extracting(SseEvent::data).containsExactly("1234");
        assertThatThrownBy(() -> limited.feed("data: 12345".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalStateException.class);
    }
}
