package io.chatgw.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz target for the upstream SSE parser ({@link SseEventParser}: every byte the LLM and the legacy runtime stream).
 * Any bytes, cut into chunks anywhere, give the same events as when fed whole; every event has a type and data
 * without line ends (but the data's own joining LFs), an id without NUL or line ends; the only refusal is a line over
 * the limit. {@code mvn verify} replays SseEventParserFuzzTestInputs/; {@code bench/fuzz} mutates it.
 */
class SseEventParserFuzzTest {

    private static final int MAX_LINE_BYTES = 512;

    @FuzzTest
    void anyStreamCutAnywhereGivesTheSameWellFormedEventsAsWhole(FuzzedDataProvider data) {
        int[] cuts = new int[data.consumeInt(0, 16)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = data.consumeInt(1, 64);
        }
        byte[] stream = data.consumeRemainingAsBytes();

        List<SseEvent> whole = new ArrayList<>();
        RuntimeException wholeFailure = feed(stream, new int[0], whole);
        List<SseEvent> chunked = new ArrayList<>();
        RuntimeException chunkedFailure = feed(stream, cuts, chunked);

        if (wholeFailure != null || chunkedFailure != null) {
            assertThat(wholeFailure).isInstanceOf(IllegalStateException.class).hasMessageContaining("longer than");
            assertThat(chunkedFailure).isInstanceOf(IllegalStateException.class).hasMessageContaining("longer than");
        }
        assertThat(chunked).isEqualTo(whole); // also up to a runaway line: the same line fails, wherever the cuts are
        for (SseEvent event : whole) {
            assertThat(event.event()).isNotEmpty().doesNotContain("\n").doesNotContain("\r");
            assertThat(event.data()).isNotNull().doesNotContain("\r");
            if (event.id() != null) {
                assertThat(event.id()).doesNotContain("\0").doesNotContain("\n").doesNotContain("\r");
            }
        }
    }

    /** Feeds {@code stream} in chunks of the sizes in {@code cuts} (repeated), or whole; returns the failure, if any. */
    private static RuntimeException feed(byte[] stream, int[] cuts, List<SseEvent> events) {
        SseEventParser parser = new SseEventParser(MAX_LINE_BYTES, events::add);
        try {
            if (cuts.length == 0) {
                parser.feed(stream);
            } else {
                for (int at = 0, c = 0; at < stream.length; c++) {
                    int size = Math.min(cuts[c % cuts.length], stream.length - at);
                    parser.feed(stream, at, size);
                    at += size;
                }
            }
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }
}
