package io.chatgw.runtime;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * Settings of a {@link LegacyRuntimeServer}.
 *
 * <p>Fluent, mutable and not thread-safe: fill it, then hand it to
 * {@link LegacyRuntimeServer#start(io.vertx.core.Vertx, RuntimeOptions)}, which takes a copy.
 */
public final class RuntimeOptions {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final String DEFAULT_MODEL = "standin-1";

  private String host = DEFAULT_HOST;
  private int port;
  private String llmBaseUrl;
  private String llmApiKey;
  private String model = DEFAULT_MODEL;

  public RuntimeOptions() {
  }

  /** Copy constructor. */
  public RuntimeOptions(RuntimeOptions other) {
    this.host = other.host;
    this.port = other.port;
    this.llmBaseUrl = other.llmBaseUrl;
    this.llmApiKey = other.llmApiKey;
    this.model = other.model;
  }

  public String getHost() {
    return host;
  }

  /** Interface to listen on; default {@value #DEFAULT_HOST}. */
  public RuntimeOptions setHost(String host) {
    this.host = requireText(host, "host");
    return this;
  }

  public int getPort() {
    return port;
  }

  /** TCP port to listen on; 0 (the default) picks a free port. */
  public RuntimeOptions setPort(int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
    }
    this.port = port;
    return this;
  }

  public String getLlmBaseUrl() {
    return llmBaseUrl;
  }

  /**
   * Base URL of the OpenAI-compatible LLM, e.g. {@code http://127.0.0.1:1234}; the runtime calls
   * {@code <llmBaseUrl>/v1/chat/completions}. Required. A trailing slash is ignored.
   */
  public RuntimeOptions setLlmBaseUrl(String llmBaseUrl) {
    String url = requireText(llmBaseUrl, "llmBaseUrl").strip();
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("llmBaseUrl is not a URL: " + llmBaseUrl, e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw new IllegalArgumentException("llmBaseUrl must be an http(s) URL with a host: " + llmBaseUrl);
    }
    this.llmBaseUrl = url;
    return this;
  }

  public String getLlmApiKey() {
    return llmApiKey;
  }

  /** Sent to the LLM as {@code Authorization: Bearer <key>}; {@code null} (default) sends none. */
  public RuntimeOptions setLlmApiKey(String llmApiKey) {
    this.llmApiKey = llmApiKey == null || llmApiKey.isEmpty() ? null : llmApiKey;
    return this;
  }

  public String getModel() {
    return model;
  }

  /** Model requested from the LLM; default {@value #DEFAULT_MODEL}. */
  public RuntimeOptions setModel(String model) {
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
    return "RuntimeOptions{host=" + host + ", port=" + port + ", llmBaseUrl=" + llmBaseUrl
        + ", llmApiKey=" + (llmApiKey == null ? "none" : "***") + ", model=" + model + '}';
  }
}
