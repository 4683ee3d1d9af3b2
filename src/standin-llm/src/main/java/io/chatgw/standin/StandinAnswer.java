package io.chatgw.standin;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The deterministic content of a stand-in answer: a pure function of the last user message, the chunk count
 * and the request's {@link StandinParameters}, identical for streamed and non-streamed responses.
 *
 * <p>With {@code chunks = N} and no parameters the answer has exactly N pieces:
 * <pre>
 * piece 0:        Stand-in reply to "&lt;excerpt&gt;":
 * piece i (1..N-1): " token-i"   (a space, then token-i)
 * </pre>
 * so the full content is {@code Stand-in reply to "<excerpt>": token-1 token-2 ... token-(N-1)}.
 * The excerpt is the last user message with its {@code [[standin ...]]} directives removed,
 * runs of whitespace collapsed to one space, trimmed, and cut to its first
 * {@value #EXCERPT_CODE_POINTS} code points. Nothing is escaped: the quotes are literal.
 * A {@code response_format} (or {@code echo_params}) answer is one piece of JSON; {@code stop} cuts the content
 * before the first stop string; {@code max_tokens} keeps at most that many pieces ({@code finish_reason: length}).
 * A continuation request (the messages end with an assistant message, no tool calls, whose content the answer starts
 * with: a prefill, or the partial answer of a turn a crash interrupted) gets the rest of the answer only, from the
 * piece where the prefix ends (the rest of a piece cut by it first).
 */
final class StandinAnswer {

  static final int EXCERPT_CODE_POINTS = 40;
  private static final Pattern ECHO = Pattern.compile("\\[\\[\\s*standin\\s+echo_(params|messages|headers)\\s*]]",
      Pattern.CASE_INSENSITIVE);
  /** The request headers {@code [[standin echo_headers]]} answers with, when present: trace context, shadow marker. */
  static final List<String> ECHOED_HEADERS = List.of("traceparent", "tracestate", "x-request-id", "x-gateway-shadow",
      "x-gateway-shadow-of");

  private final List<String> pieces;
  private final String finishReason;

  private StandinAnswer(List<String> pieces, String finishReason) {
    this.pieces = pieces;
    this.finishReason = finishReason;
  }

  static StandinAnswer of(String lastUserMessage, int chunks) {
    StandinKnobs.checkChunks(chunks);
    List<String> pieces = new ArrayList<>(chunks);
    pieces.add("Stand-in reply to \"" + excerpt(lastUserMessage) + "\":");
    for (int i = 1; i < chunks; i++) {
      pieces.add(" token-" + i);
    }
    return new StandinAnswer(pieces, "stop");
  }

  /** As {@link #of(String, int)}, shaped by the request's parameters. */
  static StandinAnswer of(String lastUserMessage, int chunks, StandinParameters parameters) {
    return of(lastUserMessage, chunks, parameters, List.of(), null, io.vertx.core.MultiMap.caseInsensitiveMultiMap());
  }

  private static io.vertx.core.json.JsonObject echoed(io.vertx.core.MultiMap headers) {
    io.vertx.core.json.JsonObject echoed = new io.vertx.core.json.JsonObject();
    for (String name : ECHOED_HEADERS) {
      if (headers.get(name) != null) {
        echoed.put(name, headers.get(name));
      }
    }
    return echoed;
  }

  /**
   * The answer to a whole request: as {@link #of(String, int, StandinParameters)}; after {@code tool} results the
   * first piece quotes them ({@code Stand-in reply to "<excerpt>" with tool results "<r1>", "<r2>":});
   * {@code [[standin echo_messages]]} answers with the messages received (a JSON array, never cut),
   * {@code [[standin echo_headers]]} with the request's {@link #ECHOED_HEADERS} (a JSON object of those present).
   */
  static StandinAnswer of(ChatCompletionRequest chat, int chunks, io.vertx.core.MultiMap headers) {
    return of(chat.lastUserMessage(), chunks, chat.parameters(), chat.toolResults(), chat.messages(), headers);
  }

  static StandinAnswer of(ChatCompletionRequest chat, int chunks) {
    return of(chat, chunks, io.vertx.core.MultiMap.caseInsensitiveMultiMap());
  }

  private static StandinAnswer of(String lastUserMessage, int chunks, StandinParameters parameters,
      List<String> toolResults, io.vertx.core.json.JsonArray messages, io.vertx.core.MultiMap headers) {
    StandinAnswer usual = of(lastUserMessage, chunks);
    List<String> pieces = usual.pieces;
    Matcher echo = ECHO.matcher(lastUserMessage);
    if (echo.find()) { // exactly what was received, never cut
      String what = echo.group(1).toLowerCase(java.util.Locale.ROOT);
      String received = what.equals("messages") && messages != null ? messages.encode()
          : what.equals("headers") ? echoed(headers).encode() : parameters.received().encode();
      return new StandinAnswer(List.of(received), "stop");
    }
    if (!toolResults.isEmpty()) {
      List<String> quoted = new ArrayList<>(pieces);
      StringBuilder first = new StringBuilder("Stand-in reply to \"" + excerpt(lastUserMessage) + "\" with tool results");
      for (int i = 0; i < toolResults.size(); i++) {
        first.append(i == 0 ? " \"" : ", \"").append(excerpt(toolResults.get(i))).append('"');
      }
      quoted.set(0, first.append(':').toString());
      pieces = quoted;
    }
    String formatted = parameters.formattedContent(usual.content());
    if (formatted != null) {
      pieces = List.of(formatted);
    }
    pieces = cutAtStop(pieces, parameters.stop());
    pieces = afterPrefix(pieces, messages);
    String finishReason = "stop";
    if (parameters.maxTokens() != null && pieces.size() > parameters.maxTokens()) {
      pieces = pieces.subList(0, parameters.maxTokens());
      finishReason = "length";
    }
    return new StandinAnswer(List.copyOf(pieces), finishReason);
  }

  /**
   * This answer as every second call with the same message gets it under {@code [[standin alternate=...]]}:
   * {@code CASE} the same pieces in upper case (equal once normalized), {@code WORDS} other words
   * ({@code Alternate answer on "<excerpt>": word-1 ...}), as many pieces.
   */
  StandinAnswer alternated(StandinKnobs.Alternate how, String lastUserMessage) {
    List<String> varied = new ArrayList<>(pieces.size());
    for (int i = 0; i < pieces.size(); i++) {
      if (how == StandinKnobs.Alternate.CASE) {
        varied.add(pieces.get(i).toUpperCase(java.util.Locale.ROOT));
      } else {
        varied.add(i == 0 ? "Alternate answer on \"" + excerpt(lastUserMessage) + "\":" : " word-" + i);
      }
    }
    return new StandinAnswer(List.copyOf(varied), finishReason);
  }

  /** Whether the message holds {@code [[standin echo_params]]}, {@code echo_messages} or {@code echo_headers}. */
  static boolean echoes(String message) {
    return ECHO.matcher(message).find();
  }

  /** The message without {@code [[standin echo_params]]} / {@code echo_messages} / {@code echo_headers}. */
  static String withoutEcho(String message) {
    return ECHO.matcher(message).replaceAll("");
  }

  /** The pieces after the content of a last assistant message (no tool calls) the answer starts with; else all. */
  private static List<String> afterPrefix(List<String> pieces, io.vertx.core.json.JsonArray messages) {
    if (messages == null || messages.isEmpty()
        || !(messages.getValue(messages.size() - 1) instanceof io.vertx.core.json.JsonObject last)
        || !"assistant".equals(last.getValue("role")) || last.getValue("tool_calls") != null
        || !(last.getValue("content") instanceof String prefix) || prefix.isEmpty()
        || !String.join("", pieces).startsWith(prefix)) {
      return pieces;
    }
    List<String> rest = new ArrayList<>();
    int covered = 0;
    for (String piece : pieces) {
      if (covered >= prefix.length()) {
        rest.add(piece);
      } else if (covered + piece.length() > prefix.length()) {
        rest.add(piece.substring(prefix.length() - covered));
      }
      covered += piece.length();
    }
    if (rest.isEmpty()) {
      rest.add(""); // nothing left to say: one empty piece, still a finish reason
    }
    return rest;
  }

  private static List<String> cutAtStop(List<String> pieces, List<String> stops) {
    if (stops.isEmpty()) {
      return pieces;
    }
    String content = String.join("", pieces);
    int cut = -1;
    for (String stop : stops) {
      int at = stop.isEmpty() ? -1 : content.indexOf(stop);
      if (at >= 0 && (cut < 0 || at < cut)) {
        cut = at;
      }
    }
    if (cut < 0) {
      return pieces;
    }
    List<String> kept = new ArrayList<>();
    int length = 0;
    for (String piece : pieces) {
      if (length + piece.length() <= cut) {
        kept.add(piece);
        length += piece.length();
      } else {
        if (cut > length) {
          kept.add(piece.substring(0, cut - length));
        }
        break;
      }
    }
    if (kept.isEmpty()) {
      kept.add("");
    }
    return kept;
  }

  /** The message as quoted in the answer. */
  static String excerpt(String message) {
    String collapsed = StandinKnobs.stripDirectives(message).replaceAll("\\s+", " ").strip();
    int codePoints = collapsed.codePointCount(0, collapsed.length());
    if (codePoints <= EXCERPT_CODE_POINTS) {
      return collapsed;
    }
    return collapsed.substring(0, collapsed.offsetByCodePoints(0, EXCERPT_CODE_POINTS));
  }

  int pieceCount() {
    return pieces.size();
  }

  /** Piece {@code index}, 0-based. */
  String piece(int index) {
    if (index < 0 || index >= pieces.size()) {
      throw new IndexOutOfBoundsException("piece " + index + " of " + pieces.size());
    }
    return pieces.get(index);
  }

  /** {@code stop}, or {@code length} when {@code max_tokens} cut the answer. */
  String finishReason() {
    return finishReason;
  }

  /** All pieces joined: what a client gets by concatenating the streamed deltas. */
  String content() {
    return String.join("", pieces);
  }
}
