package io.chatgw.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

  /** Collects everything the parser reports. */
  static final class Recorder implements SseParser.Listener {
    final List<SseEvent> events = new ArrayList<>();
    final List<String> comments = new ArrayList<>();
    final List<Long> retries = new ArrayList<>();

    @Override
    public void onEvent(SseEvent event) {
      events.add(event);
    }

    @Override
    public void onComment(String comment) {
      comments.add(comment);
    }

    @Override
    public void onRetry(long millis) {
      retries.add(millis);
    }
  }

  private static Recorder parse(String text) {
    Recorder r = new Recorder();
    new SseParser(r).feed(text.getBytes(StandardCharsets.UTF_8));
    return r;
  }

  @Test
  void parsesTheGatewaysStream() {
    Recorder r = parse("retry:2000\n:stream open\n\nid:1000000001\nevent:route\ndata:{\"path\":\"legacy\"}\n\n"
        + "id:1000000002\nevent:text\ndata:{\"delta\":\"hi\"}\n\n");
    assertEquals(List.of(2000L), r.retries);
    assertEquals(List.of("stream open"), r.comments);
    assertEquals(List.of(new SseEvent("1000000001", "route", "{\"path\":\"legacy\"}"),
        new SseEvent("1000000002", "text", "{\"delta\":\"hi\"}")), r.events);
  }

  @Test
  void defaultTypeIsMessageAndOneLeadingSpaceIsDropped() {
    Recorder r = parse("data: {\"a\":1}\n\ndata:  two spaces\n\n");
    assertEquals(new SseEvent("", "message", "{\"a\":1}"), r.events.get(0));
    assertEquals(" two spaces", r.events.get(1).data());
  }

  @Test
  void joinsDataLinesWithNewline() {
    Recorder r = parse("data: one\ndata:two\ndata\n\n");
    assertEquals("one\ntwo\n", r.events.get(0).data());
  }

  @Test
  void emptyDataFieldStillDispatches() {
    Recorder r = parse("data:\n\n");
    assertEquals(1, r.events.size());
    assertEquals("", r.events.get(0).data());
  }

  @Test
  void eventWithoutDataIsNotDispatchedAndItsTypeIsForgotten() {
    Recorder r = parse("event: ping\n\ndata: x\n\n");
    assertEquals(List.of(new SseEvent("", "message", "x")), r.events);
  }

  @Test
  void idPersistsAcrossEventsAndIdWithNulIsIgnored() {
    Recorder r = parse("id: 7\ndata: a\n\ndata: b\n\nid: 8\u0000\ndata: c\n\nid\ndata: d\n\n");
    assertEquals("7", r.events.get(0).id());
    assertEquals("7", r.events.get(1).id());
    assertEquals("7", r.events.get(2).id());
    assertEquals("", r.events.get(3).id());
  }

  @Test
  void acceptsCrLfAndLoneCr() {
    Recorder crlf = parse("event: text\r\ndata: a\r\n\r\n");
    Recorder cr = parse("event: text\rdata: a\r\r");
    assertEquals(List.of(new SseEvent("", "text", "a")), crlf.events);
    assertEquals(List.of(new SseEvent("", "text", "a")), cr.events);
  }

  @Test
  void crLfSplitAcrossChunksCountsAsOneLineEnd() {
    Recorder r = new Recorder();
    SseParser parser = new SseParser(r);
    parser.feed("data: a\r".getBytes(StandardCharsets.UTF_8));
    parser.feed("\n\r".getBytes(StandardCharsets.UTF_8));
    parser.feed("\ndata: b\r\n\r\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of(new SseEvent("", "message", "a"), new SseEvent("", "message", "b")), r.events);
  }

  @Test
  void everySplitPointGivesTheSameEvents() {
    String text = "\uFEFF: hello\nid: 1\nevent: text\ndata: {\"delta\":\"h\u00e9llo \u4e16\u754c \uD83D\uDE00\"}\r\n\r\n"
        + "data: [DONE]\n\n";
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    Recorder whole = new Recorder();
    new SseParser(whole).feed(bytes);
    assertEquals(2, whole.events.size());
    assertEquals("{\"delta\":\"h\u00e9llo \u4e16\u754c \uD83D\uDE00\"}", whole.events.get(0).data());
    for (int a = 0; a <= bytes.length; a++) {
      for (int b = a; b <= bytes.length; b++) {
        Recorder split = new Recorder();
        SseParser parser = new SseParser(split);
        parser.feed(bytes, 0, a);
        parser.feed(bytes, a, b - a);
        parser.feed(bytes, b, bytes.length - b);
        assertEquals(whole.events, split.events, "split at " + a + "," + b);
        assertEquals(whole.comments, split.comments, "split at " + a + "," + b);
      }
    }
  }

  @Test
  void byteAtATime() {
    String text = "event: text\ndata: a\n\n:c\ndata: b\n\n";
    Recorder r = new Recorder();
    SseParser parser = new SseParser(r);
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      parser.feed(new byte[] {b});
    }
    assertEquals(List.of(new SseEvent("", "text", "a"), new SseEvent("", "message", "b")), r.events);
    assertEquals(List.of("c"), r.comments);
    assertEquals(2, parser.events());
    assertEquals(1, parser.comments());
  }

  @Test
  void leadingBomIsSkippedOnlyAtTheStart() {
    Recorder r = parse("\uFEFFdata: a\n\n");
    assertEquals("a", r.events.get(0).data());
    Recorder notBom = new Recorder();
    SseParser parser = new SseParser(notBom);
    parser.feed(new byte[] {(byte) 0xEF, (byte) 0xBB});
    parser.feed("x: y\ndata: z\n\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of(new SseEvent("", "message", "z")), notBom.events);
  }

  @Test
  void retryNeedsDigitsAndUnknownFieldsAreIgnored() {
    Recorder r = parse("retry: 15s\nretry: 300\nfoo: bar\ndata: x\n\n");
    assertEquals(List.of(300L), r.retries);
    assertEquals(List.of(new SseEvent("", "message", "x")), r.events);
  }

  @Test
  void unfinishedEventIsNotDispatched() {
    Recorder r = new Recorder();
    SseParser parser = new SseParser(r);
    parser.feed("data: a\n\ndata: b\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(1, r.events.size());
    assertTrue(parser.hasPartialEvent());
    parser.feed("\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(2, r.events.size());
    assertFalse(parser.hasPartialEvent());
  }

  @Test
  void longLinesGrowTheBuffer() {
    String big = "x".repeat(10_000);
    Recorder r = parse("data: " + big + "\n\n");
    assertEquals(big, r.events.get(0).data());
  }
}
