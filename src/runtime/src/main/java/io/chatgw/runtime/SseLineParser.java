package io.chatgw.runtime;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Incremental parser of a {@code text/event-stream} body, following the WHATWG server-sent events
 * rules: feed it the body chunk by chunk (chunks may split lines, and even UTF-8 characters,
 * anywhere) and it hands every complete event to its handler.
 *
 * <ul>
 *   <li>lines end with {@code \n}, {@code \r\n} or {@code \r};</li>
 *   <li>a blank line dispatches the event; an event without data is dropped;</li>
 *   <li>{@code data:} lines accumulate, joined with {@code \n};</li>
 *   <li>{@code event:} names the event, {@code id:} sets the last event id (ignored if it
 *       contains NUL), {@code retry:} and unknown fields are ignored;</li>
 *   <li>one space after the colon is removed; a line without a colon is a field with an empty
 *       value; lines starting with {@code :} are comments;</li>
 *   <li>a leading byte-order mark is skipped; an unterminated event at the end is discarded.</li>
 * </ul>
 *
 * <p>Not thread-safe: use it from one thread (an event loop) at a time.
 */
public final class SseLineParser {

  /** Default limit of one line and of one event's data, in bytes. */
  public static final int DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private final Consumer<SseEvent> handler;
  private final int maxEventBytes;

  private byte[] line = new byte[256];
  private int lineLength;
  private boolean skipNextLineFeed;
  private boolean firstLine = true;

  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private String eventName;
  private String lastEventId;

  public SseLineParser(Consumer<SseEvent> handler) {
    this(handler, DEFAULT_MAX_EVENT_BYTES);
  }

  /**
   * @param maxEventBytes longest accepted line, and most data accepted in one event
   */
  public SseLineParser(Consumer<SseEvent> handler, int maxEventBytes) {
    this.handler = Objects.requireNonNull(handler, "handler");
    if (maxEventBytes < 1) {
      throw new IllegalArgumentException("maxEventBytes must be positive");
    }
    this.maxEventBytes = maxEventBytes;
  }

  /**
   * Parses the next chunk of the stream, dispatching each event it completes.
   *
   * @throws SseParseException when a line or an event exceeds the size limit
   */
  public void feed(Buffer chunk) {
    feed(chunk.getBytes());
  }

  /** Same as {@link #feed(Buffer)}. */
  public void feed(byte[] chunk) {
    for (byte b : chunk) {
      if (skipNextLineFeed) {
        skipNextLineFeed = false;
        if (b == '\n') {
          continue;
        }
      }
      if (b == '\r') {
        completeLine();
        skipNextLineFeed = true;
      } else if (b == '\n') {
        completeLine();
      } else {
        appendToLine(b);
      }
    }
  }

  /**
   * Signals the end of the stream: a partial line and an event not followed by a blank line are
   * discarded, as the specification requires.
   */
  public void end() {
    lineLength = 0;
    resetEvent();
  }

  private void appendToLine(byte b) {
    if (lineLength == line.length) {
      if (lineLength >= maxEventBytes) {
        throw new SseParseException("SSE line longer than " + maxEventBytes + " bytes");
      }
      line = Arrays.copyOf(line, Math.min(maxEventBytes, lineLength * 2));
    }
    line[lineLength++] = b;
  }

  private void completeLine() {
    int start = 0;
    if (firstLine) {
      firstLine = false;
      if (lineLength >= BOM.length && line[0] == BOM[0] && line[1] == BOM[1] && line[2] == BOM[2]) {
        start = BOM.length;
      }
    }
    String text = new String(line, start, lineLength - start, StandardCharsets.UTF_8);
    lineLength = 0;
    processLine(text);
  }

  private void processLine(String text) {
    if (text.isEmpty()) {
      dispatch();
      return;
    }
    if (text.charAt(0) == ':') {
      return; // comment
    }
    int colon = text.indexOf(':');
    String field = colon < 0 ? text : text.substring(0, colon);
    String value = "";
    if (colon >= 0) {
      int valueStart = colon + 1;
      if (valueStart < text.length() && text.charAt(valueStart) == ' ') {
        valueStart++;
      }
      value = text.substring(valueStart);
    }
    switch (field) {
      case "data":
        if (hasData) {
          data.append('\n');
        }
        data.append(value);
        hasData = true;
        if (data.length() > maxEventBytes) {
          throw new SseParseException("SSE event data longer than " + maxEventBytes + " characters");
        }
        break;
      case "event":
        eventName = value;
        break;
      case "id":
        if (value.indexOf('\0') < 0) {
          lastEventId = value;
        }
        break;
      default:
        break; // retry and unknown fields are ignored
    }
  }

  private void dispatch() {
    if (hasData) {
      SseEvent event = new SseEvent(lastEventId,
          eventName == null || eventName.isEmpty() ? "message" : eventName, data.toString());
      resetEvent();
      handler.accept(event);
    } else {
      resetEvent();
    }
  }

  private void resetEvent() {
    data.setLength(0);
    hasData = false;
    eventName = null;
  }

  /** The stream is not acceptable server-sent events (for now: it exceeds the size limits). */
  public static final class SseParseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SseParseException(String message) {
      super(message);
    }
  }
}
