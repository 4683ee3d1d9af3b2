package io.chatgw.standin;

import java.util.Objects;

/**
 * Settings of a {@link StandinLlmServer} (the stand-in OpenAI-compatible LLM, not a model).
 *
 * <p>Fluent, mutable and not thread-safe: fill it, then hand it to
 * {@link StandinLlmServer#start(io.vertx.core.Vertx, StandinLlmOptions)}, which takes a copy.
 */
public final class StandinLlmOptions {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_CHUNKS = 8;
  public static final long DEFAULT_CHUNK_DELAY_MS = 20;
  public static final String DEFAULT_MODEL = "standin-1";

  private String host = DEFAULT_HOST;
  private int port;
  private int chunks = DEFAULT_CHUNKS;
  private long chunkDelayMs = DEFAULT_CHUNK_DELAY_MS;
  private String apiKey;
  private String model = DEFAULT_MODEL;

  public StandinLlmOptions() {
  }

  /** Copy constructor. */
  public StandinLlmOptions(StandinLlmOptions other) {
    this.host = other.host;
    this.port = other.port;
    this.chunks = other.chunks;
    this.chunkDelayMs = other.chunkDelayMs;
    this.apiKey = other.apiKey;
    this.model = other.model;
  }

  public String getHost() {
    return host;
  }

  /** Interface to listen on; default {@value #DEFAULT_HOST}. */
  public StandinLlmOptions setHost(String host) {
    this.host = requireText(host, "host");
    return this;
  }

  public int getPort() {
    return port;
  }

  /** TCP port to listen on; 0 (the default) picks a free port, see {@link StandinLlmServer#port()}. */
  public StandinLlmOptions setPort(int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
    }
    this.port = port;
    return this;
  }

  public int getChunks() {
    return chunks;
  }

  /** Default number of content pieces per answer; default {@value #DEFAULT_CHUNKS}. */
  public StandinLlmOptions setChunks(int chunks) {
    this.chunks = StandinKnobs.checkChunks(chunks);
    return this;
  }

  public long getChunkDelayMs() {
    return chunkDelayMs;
  }

  /** Default pause before each streamed content piece; default {@value #DEFAULT_CHUNK_DELAY_MS} ms. */
  public StandinLlmOptions setChunkDelayMs(long chunkDelayMs) {
    this.chunkDelayMs = StandinKnobs.checkDelay(chunkDelayMs, "chunkDelayMs");
    return this;
  }

  public String getApiKey() {
    return apiKey;
  }

  /**
   * API key every {@code /v1/*} request must present as {@code Authorization: Bearer <key>};
   * {@code null} (the default) accepts requests with any or no key.
   */
  public StandinLlmOptions setApiKey(String apiKey) {
    this.apiKey = apiKey == null || apiKey.isEmpty() ? null : apiKey;
    return this;
  }

  public String getModel() {
    return model;
  }

  /** Model id listed by {@code GET /v1/models} and reported when a request names none. */
  public StandinLlmOptions setModel(String model) {
    this.model = requireText(model, "model");
    return this;
  }

  private static String requireText(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }

  @Override
  public String toString() {
    return "StandinLlmOptions{host=" + host + ", port=" + port + ", chunks=" + chunks
        + ", chunkDelayMs=" + chunkDelayMs + ", apiKey=" + (apiKey == null ? "none" : "***")
        + ", model=" + model + '}';
  }
}
