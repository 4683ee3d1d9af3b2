package io.chatgw.standin;

/**
 * The deterministic content of a stand-in answer: a pure function of the last user message and
 * the chunk count, identical for streamed and non-streamed responses.
 *
 * <p>With {@code chunks = N} the answer has exactly N pieces:
 * <pre>
 * piece 0:        Stand-in reply to "&lt;excerpt&gt;":
 * piece i (1..N-1): " token-i"   (a space, then token-i)
 * </pre>
 * so the full content is {@code Stand-in reply to "<excerpt>": token-1 token-2 ... token-(N-1)}.
 * The excerpt is the last user message with its {@code [[standin ...]]} directives removed,
 * runs of whitespace collapsed to one space, trimmed, and cut to its first
 * {@value #EXCERPT_CODE_POINTS} code points. Nothing is escaped: the quotes are literal.
 */
final class StandinAnswer {

  static final int EXCERPT_CODE_POINTS = 40;

  private final String head;
  private final int pieceCount;

  private StandinAnswer(String head, int pieceCount) {
    this.head = head;
    this.pieceCount = pieceCount;
  }

  static StandinAnswer of(String lastUserMessage, int chunks) {
    StandinKnobs.checkChunks(chunks);
    return new StandinAnswer("Stand-in reply to \"" + excerpt(lastUserMessage) + "\":", chunks);
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
    return pieceCount;
  }

  /** Piece {@code index}, 0-based. */
  String piece(int index) {
    if (index < 0 || index >= pieceCount) {
      throw new IndexOutOfBoundsException("piece " + index + " of " + pieceCount);
    }
    return index == 0 ? head : " token-" + index;
  }

  /** All pieces joined: what a client gets by concatenating the streamed deltas. */
  String content() {
    StringBuilder content = new StringBuilder(head.length() + pieceCount * 10);
    for (int i = 0; i < pieceCount; i++) {
      content.append(piece(i));
    }
    return content.toString();
  }
}
