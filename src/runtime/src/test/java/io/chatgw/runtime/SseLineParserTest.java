package io.chatgw.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseLineParserTest {

  private final List<SseEvent> events = new ArrayList<>();
  private final SseLineParser parser = new SseLineParser(events::add);

  @Test
  void parsesNamedEvents() {
    feed("event: token\ndata: {\"text\":\"hi\"}\n\nevent: run_finished\ndata: {}\n\n");
    assertEquals(List.of(new SseEvent(null, "token", "{\"text\":\"hi\"}"), new SseEvent(null, "run_finished", "{}")),
        events);
  }

  @Test
  void defaultsTheEventNameToMessage() {
    feed("data: [DONE]\n\n");
    assertEquals(List.of(new SseEvent(null, "message", "[DONE]")), events);
  }

  @Test
  void handlesChunkBoundariesAnywhere() {
    String stream = "event: token\r\ndata: {\"text\":\"h\u00e9llo \u20ac\"}\r\n\r\nid: 7\ndata: second\n\n";
    byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
    for (int split = 1; split < bytes.length; split++) {
      events.clear();
      SseLineParser fresh = new SseLineParser(events::add);
      fresh.feed(Arrays.copyOfRange(bytes, 0, split));
      fresh.feed(Arrays.copyOfRange(bytes, split, bytes.length));
      assertEquals(List.of(new SseEvent(null, "token", "{\"text\":\"h\u00e9llo \u20ac\"}"),
          new SseEvent("7", "message", "second")), events, "split at byte " + split);
    }
  }

  @Test
  void acceptsOneByteAtATime() {
    for (byte b : "data: a\r\n\r\ndata: b\r\r".getBytes(StandardCharsets.UTF_8)) {
      parser.feed(new byte[] {b});
    }
    assertEquals(List.of(new SseEvent(null, "message", "a"), new SseEvent(null, "message", "b")), events);
  }

  @Test
  void treatsCarriageReturnAloneAsLineEnd() {
    feed("event: x\rdata: 1\r\r");
    assertEquals(List.of(new SseEvent(null, "x", "1")), events);
  }

  @Test
  void joinsMultiLineData() {
    feed("data: first\ndata:second\ndata:  third\ndata\n\n");
    assertEquals(List.of(new SseEvent(null, "message", "first\nsecond\n third\n")), events);
  }

  @Test
  void ignoresCommentsAndUnknownFields() {
    feed(": keep-alive\n\n:another comment\nretry: 1000\nfoo: bar\ndata: x\n: inside\n\n");
    assertEquals(List.of(new SseEvent(null, "message", "x")), events);
  }

  @Test
  void dropsEventsWithoutData() {
    feed("event: ping\n\nid: 3\n\ndata: after\n\n");
    assertEquals(List.of(new SseEvent("3", "message", "after")), events);
  }

  @Test
  void skipsLeadingByteOrderMark() {
    feed("\uFEFFdata: bom\n\n");
    assertEquals(List.of(new SseEvent(null, "message", "bom")), events);
  }

  @Test
  void discardsAnUnterminatedEventAtTheEnd() {
    feed("data: complete\n\ndata: partial\n");
    parser.end();
    feed("\n");
    assertEquals(List.of(new SseEvent(null, "message", "complete")), events);
  }

  @Test
  void rejectsOverlongLines() {
    SseLineParser small = new SseLineParser(events::add, 16);
    assertThrows(SseLineParser.SseParseException.class,
        () -> small.feed("data: this line is far too long\n\n".getBytes(StandardCharsets.UTF_8)));
  }

  private void feed(String text) {
    parser.feed(text.getBytes(StandardCharsets.UTF_8));
  }
}
