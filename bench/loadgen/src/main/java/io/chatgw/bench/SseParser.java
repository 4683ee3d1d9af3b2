package io.chatgw.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An incremental parser of {@code text/event-stream} bodies, following the WHATWG "event stream
 * interpretation" rules: lines end with CRLF, LF or CR (a CRLF split across two chunks counts once),
 * a leading UTF-8 BOM is skipped, {@code :} starts a comment, one space after the field's colon is
 * dropped, {@code data} lines are joined with LF, a blank line dispatches the event unless it has no
 * data, {@code id} persists across events (and is ignored when it contains NUL), {@code retry} takes
 * ASCII digits only, unknown fields are ignored, and an unterminated event at the end is discarded.
 *
 * <p>Works on bytes, so chunks may split anywhere, including inside a multi-byte character: each line
 * is decoded once it is complete. Not thread-safe; one instance per stream.
 */
public final class SseParser {

  /** What the parser found. All methods default to doing nothing. */
  public interface Listener {
    default void onEvent(SseEvent event) {
    }

    /** A comment line, without the leading colon. */
    default void onComment(String comment) {
    }

    /** A valid {@code retry:} field. */
    default void onRetry(long millis) {
    }
  }

  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private final Listener listener;
  private byte[] line = new byte[256];
  private int lineLength;
  private boolean lastWasCr;
  /** Bytes of the stream's beginning checked against the BOM so far; -1 once decided. */
  private int bomPosition;

  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private String eventType = "";
  private String lastEventId = "";

  private long events;
  private long comments;

  public SseParser(Listener listener) {
    this.listener = listener;
  }

  /** Feeds the next chunk of the body. */
  public void feed(byte[] bytes) {
    feed(bytes, 0, bytes.length);
  }

  /** Feeds {@code length} bytes of {@code bytes} from {@code offset}. */
  public void feed(byte[] bytes, int offset, int length) {
    int end = offset + length;
    int i = offset;
    while (bomPosition >= 0 && i < end) {
      if (bytes[i] == BOM[bomPosition]) {
        bomPosition++;
        i++;
        if (bomPosition == BOM.length) {
          bomPosition = -1;
        }
      } else {
        // not a BOM after all: whatever prefix we swallowed belongs to the first line
        for (int k = 0; k < bomPosition; k++) {
          append(BOM[k]);
        }
        bomPosition = -1;
      }
    }
    for (; i < end; i++) {
      byte b = bytes[i];
      if (b == LF) {
        if (lastWasCr) {
          lastWasCr = false; // second half of a CRLF
          continue;
        }
        endOfLine();
      } else if (b == CR) {
        lastWasCr = true;
        endOfLine();
      } else {
        lastWasCr = false;
        append(b);
      }
    }
  }

  /** Events dispatched so far. */
  public long events() {
    return events;
  }

  /** Comment lines seen so far. */
  public long comments() {
    return comments;
  }

  /** True when bytes of an unfinished line or event are pending (a stream ending now would lose them). */
  public boolean hasPartialEvent() {
    return lineLength > 0 || hasData;
  }

  private void append(byte b) {
    if (lineLength == line.length) {
      line = Arrays.copyOf(line, line.length * 2);
    }
    line[lineLength++] = b;
  }

  private void endOfLine() {
    int length = lineLength;
    lineLength = 0;
    if (length == 0) {
      dispatch();
      return;
    }
    if (line[0] == ':') {
      comments++;
      listener.onComment(new String(line, 1, length - 1, StandardCharsets.UTF_8));
      return;
    }
    int colon = -1;
    for (int k = 0; k < length; k++) {
      if (line[k] == ':') {
        colon = k;
        break;
      }
    }
    String field;
    String value;
    if (colon < 0) {
      field = new String(line, 0, length, StandardCharsets.UTF_8);
      value = "";
    } else {
      field = new String(line, 0, colon, StandardCharsets.UTF_8);
      int valueStart = colon + 1;
      if (valueStart < length && line[valueStart] == ' ') {
        valueStart++;
      }
      value = new String(line, valueStart, length - valueStart, StandardCharsets.UTF_8);
    }
    switch (field) {
      case "data" -> {
        if (hasData) {
          data.append('\n');
        }
        data.append(value);
        hasData = true;
      }
      case "event" -> eventType = value;
      case "id" -> {
        if (value.indexOf('\0') < 0) {
          lastEventId = value;
        }
      }
      case "retry" -> {
        if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
          try {
            listener.onRetry(Long.parseLong(value));
          } catch (NumberFormatException tooLong) {
            // digits only but out of range: ignored, like an invalid value
          }
        }
      }
      default -> {
        // unknown field: ignored
      }
    }
  }

  private void dispatch() {
    if (!hasData) {
      eventType = "";
      return;
    }
    SseEvent event = new SseEvent(lastEventId, eventType.isEmpty() ? "message" : eventType, data.toString());
    data.setLength(0);
    hasData = false;
    eventType = "";
    events++;
    listener.onEvent(event);
  }
}
