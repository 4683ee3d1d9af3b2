package io.chatgw.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.upstream.SseEvent;
import io.chatgw.upstream.SseEventParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseBodyTest {

    @Test
    void anEventIsIdTypeDataAndABlankLine() {
        assertThat(SseBody.event("42", "text", "{\"delta\":\"hi\"}")).isEqualTo("id:42\nevent:text\ndata:{\"delta\":\"hi\"}\n\n");
        assertThat(SseBody.event(null, "resync", "{}")).isEqualTo("event:resync\ndata:{}\n\n");
    }

    @Test
    void multiLineDataBecomesOneDataLineEachAndReadsBackTheSame() {
        String frame = SseBody.event("7", "text", "one\ntwo\r\n\nthree");
        assertThat(frame).isEqualTo("id:7\nevent:text\ndata:one\ndata:two\ndata:\ndata:three\n\n");

        List<SseEvent> read = new ArrayList<>();
        new SseEventParser(1024, read::add).feed((frame + SseBody.comment("keep-alive")).getBytes(StandardCharsets.UTF_8));
        assertThat(read).containsExactly(new SseEvent("7", "text", "one\ntwo\n\nthree"));
    }

    @Test
    void emptyDataIsOneEmptyDataLine() {
        assertThat(SseBody.event("1", "done", "")).isEqualTo("id:1\nevent:done\ndata:\n\n");
    }
}
