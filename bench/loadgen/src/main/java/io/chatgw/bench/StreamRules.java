package io.chatgw.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an event means for each kind of target, decided without a JSON parser (cheap enough that the
 * client's own CPU stays low at tens of thousands of events per second).
 */
public final class StreamRules {

  /** The meaning of one event. */
  public enum EventKind {
    /** carries answer text: counted for time to first event, gaps and chunks/s */
    CONTENT,
    /** the gateway's {@code route} event */
    ROUTE,
    /** the stream's regular end ({@code [DONE]}, {@code done}) */
    END_OK,
    /** an in-band error */
    END_ERROR,
    /** anything else (role chunk, usage chunk, tool events...) */
    OTHER
  }

  private static final String CONTENT_KEY = "\"content\":\"";
  private static final String DELTA_KEY = "\"delta\":\"";
  private static final String EMPTY_DELTA = "\"delta\":\"\"";
  private static final Pattern PATH = Pattern.compile("\"path\"\\s*:\\s*\"([^\"]*)\"");
  private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"?([^\",}]*)");

  private StreamRules() {
  }

  public static EventKind classify(TargetSpec.Kind kind, SseEvent event) {
    return switch (kind) {
      case OPENAI -> classifyOpenAi(event);
      case RESPONSES -> classifyResponses(event);
      case GATEWAY -> classifyGateway(event);
    };
  }

  /**
   * OpenAI Responses events (by their {@code event:} type): a non-empty {@code response.output_text.delta} is
   * content, {@code response.completed} ends, {@code response.failed}, {@code response.incomplete} and
   * {@code error} fail.
   */
  public static EventKind classifyResponses(SseEvent event) {
    return switch (event.type()) {
      case "response.output_text.delta" -> event.data().contains(DELTA_KEY) && !event.data().contains(EMPTY_DELTA)
          ? EventKind.CONTENT : EventKind.OTHER;
      case "response.completed" -> EventKind.END_OK;
      case "response.failed", "response.incomplete", "error" -> EventKind.END_ERROR;
      default -> EventKind.OTHER;
    };
  }

  /** OpenAI chunks: non-empty {@code delta.content} is content, {@code [DONE]} ends, {@code error} fails. */
  public static EventKind classifyOpenAi(SseEvent event) {
    String data = event.data();
    if (data.equals("[DONE]")) {
      return EventKind.END_OK;
    }
    if (data.startsWith("{\"error\"") || event.type().equals("error")) {
      return EventKind.END_ERROR;
    }
    return hasContent(data) ? EventKind.CONTENT : EventKind.OTHER;
  }

  /** This gateway's chat events: {@code text} is content, {@code done} ends, {@code error} fails. */
  public static EventKind classifyGateway(SseEvent event) {
    return switch (event.type()) {
      case "text" -> EventKind.CONTENT;
      case "route" -> EventKind.ROUTE;
      case "done" -> EventKind.END_OK;
      case "error" -> EventKind.END_ERROR;
      default -> EventKind.OTHER;
    };
  }

  /** True when a chunk's JSON has a {@code "content":"..."} that is not empty. */
  static boolean hasContent(String data) {
    int from = 0;
    while (true) {
      int at = data.indexOf(CONTENT_KEY, from);
      if (at < 0) {
        return false;
      }
      int next = at + CONTENT_KEY.length();
      if (next < data.length() && data.charAt(next) != '"') {
        return true;
      }
      from = next;
    }
  }

  /** The {@code path} of a gateway {@code route} event, or null. */
  public static String routePath(String data) {
    Matcher m = PATH.matcher(data);
    return m.find() ? m.group(1) : null;
  }

  /** The {@code code} of an error event (gateway or OpenAI), or {@code "unknown"}. */
  public static String errorCode(String data) {
    Matcher m = CODE.matcher(data);
    return m.find() && !m.group(1).isBlank() ? m.group(1).trim() : "unknown";
  }
}
