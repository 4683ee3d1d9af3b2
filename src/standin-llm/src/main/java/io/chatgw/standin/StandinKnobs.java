package io.chatgw.standin;

import io.vertx.core.MultiMap;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Per-request behaviour of the stand-in LLM.
 *
 * <p>Resolved from, in increasing priority: the server's {@link StandinLlmOptions}, the request
 * headers {@code x-standin-chunks}, {@code x-standin-delay-ms},
 * {@code x-standin-first-byte-delay-ms} and {@code x-standin-fail}, and finally directives
 * {@code [[standin key=value ...]]} anywhere in the last user message, with the keys
 * {@code chunks}, {@code delay_ms}, {@code first_byte_delay_ms}, {@code fail}, {@code alternate} and {@code tool_call}
 * (comma-separated names of offered tools to call, see {@link StandinToolCalls}; directive only)
 * (callers that sit behind other programs cannot set headers, but their text gets through).
 * {@code alternate=case|words} makes every second call with the same message answer differently (its words in
 * upper case, or other words): two runs of one message (a shadow and its primary) then always disagree.
 * With several directives, later ones win.
 *
 * @param chunks           number of content pieces in the answer (1..{@value #MAX_CHUNKS})
 * @param chunkDelayMs     pause before each streamed content piece
 * @param firstByteDelayMs pause before the response headers are sent
 * @param failure          failure to inject, {@link InjectedFailure#NONE} for a normal answer
 * @param alternate        how every second answer to the same message differs
 * @param toolCalls        names of the tools the message asks to call (empty: none)
 */
record StandinKnobs(int chunks, long chunkDelayMs, long firstByteDelayMs, InjectedFailure failure, Alternate alternate,
    java.util.List<String> toolCalls) {

  StandinKnobs(int chunks, long chunkDelayMs, long firstByteDelayMs, InjectedFailure failure) {
    this(chunks, chunkDelayMs, firstByteDelayMs, failure, Alternate.NONE, java.util.List.of());
  }

  /** How every second answer to the same message differs ({@code [[standin alternate=...]]}). */
  enum Alternate {
    NONE, CASE, WORDS;

    static Alternate parse(String value) {
      switch (value.toLowerCase(Locale.ROOT)) {
        case "case":
          return CASE;
        case "words":
          return WORDS;
        case "none":
          return NONE;
        default:
          throw new IllegalArgumentException("alternate must be case, words or none: '" + value + "'");
      }
    }
  }

  static final int MAX_CHUNKS = 100_000;
  static final long MAX_DELAY_MS = 600_000;

  static final String HEADER_CHUNKS = "x-standin-chunks";
  static final String HEADER_DELAY_MS = "x-standin-delay-ms";
  static final String HEADER_FIRST_BYTE_DELAY_MS = "x-standin-first-byte-delay-ms";
  static final String HEADER_FAIL = "x-standin-fail";

  /** {@code [[standin ...]]}; group 1 holds the {@code key=value} pairs. */
  private static final Pattern DIRECTIVE =
      Pattern.compile("\\[\\[\\s*standin(?:\\s+([^\\]]*?))?\\s*]]", Pattern.CASE_INSENSITIVE);

  /**
   * Resolves the knobs of one request.
   *
   * @throws IllegalArgumentException when a header or directive holds an unknown key or a bad value
   */
  static StandinKnobs resolve(StandinLlmOptions defaults, MultiMap headers, String lastUserMessage) {
    Builder builder = new Builder(defaults);
    builder.applyHeader(HEADER_CHUNKS, "chunks", headers);
    builder.applyHeader(HEADER_DELAY_MS, "delay_ms", headers);
    builder.applyHeader(HEADER_FIRST_BYTE_DELAY_MS, "first_byte_delay_ms", headers);
    builder.applyHeader(HEADER_FAIL, "fail", headers);
    Matcher matcher = DIRECTIVE.matcher(lastUserMessage);
    while (matcher.find()) {
      String pairs = matcher.group(1);
      if (pairs == null) {
        continue;
      }
      for (String pair : pairs.trim().split("\\s+")) {
        int equals = pair.indexOf('=');
        if (equals <= 0) {
          throw new IllegalArgumentException("[[standin ...]] expects key=value pairs, got '" + pair + "'");
        }
        builder.apply(pair.substring(0, equals), pair.substring(equals + 1));
      }
    }
    return builder.build();
  }

  /** The text with every {@code [[standin ...]]} directive removed (nothing else changes). */
  static String stripDirectives(String text) {
    return DIRECTIVE.matcher(text).replaceAll("");
  }

  static int checkChunks(long chunks) {
    if (chunks < 1 || chunks > MAX_CHUNKS) {
      throw new IllegalArgumentException("chunks must be between 1 and " + MAX_CHUNKS + ": " + chunks);
    }
    return (int) chunks;
  }

  static long checkDelay(long delayMs, String name) {
    if (delayMs < 0 || delayMs > MAX_DELAY_MS) {
      throw new IllegalArgumentException(name + " must be between 0 and " + MAX_DELAY_MS + ": " + delayMs);
    }
    return delayMs;
  }

  private static final class Builder {
    private int chunks;
    private long chunkDelayMs;
    private long firstByteDelayMs;
    private InjectedFailure failure = InjectedFailure.NONE;
    private Alternate alternate = Alternate.NONE;
    private java.util.List<String> toolCalls = java.util.List.of();

    Builder(StandinLlmOptions defaults) {
      this.chunks = defaults.getChunks();
      this.chunkDelayMs = defaults.getChunkDelayMs();
    }

    void applyHeader(String header, String key, MultiMap headers) {
      String value = headers.get(header);
      if (value != null && !value.isBlank()) {
        apply(key, value);
      }
    }

    void apply(String key, String value) {
      switch (key.toLowerCase(Locale.ROOT)) {
        case "chunks":
          chunks = checkChunks(parseNumber(key, value));
          break;
        case "delay_ms":
          chunkDelayMs = checkDelay(parseNumber(key, value), key);
          break;
        case "first_byte_delay_ms":
          firstByteDelayMs = checkDelay(parseNumber(key, value), key);
          break;
        case "fail":
          failure = InjectedFailure.parse(value);
          break;
        case "alternate":
          alternate = Alternate.parse(value);
          break;
        case "tool_call":
          toolCalls = java.util.List.of(value.trim().split(","));
          break;
        default:
          throw new IllegalArgumentException("unknown stand-in knob '" + key
              + "' (expected chunks, delay_ms, first_byte_delay_ms, fail, alternate or tool_call)");
      }
    }

    private static long parseNumber(String key, String value) {
      try {
        return Long.parseLong(value.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + " must be a whole number: '" + value + "'");
      }
    }

    StandinKnobs build() {
      return new StandinKnobs(chunks, chunkDelayMs, firstByteDelayMs, failure, alternate, toolCalls);
    }
  }
}
