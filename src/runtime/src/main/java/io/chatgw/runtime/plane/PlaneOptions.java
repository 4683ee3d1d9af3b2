package io.chatgw.runtime.plane;

import io.chatgw.runtime.RuntimeOptions;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * Settings of an {@link ExecutionPlane}.
 *
 * <p>Fluent, mutable and not thread-safe: fill it, then hand it to
 * {@link ExecutionPlane#start(io.vertx.core.Vertx, PlaneOptions)}, which takes a copy.
 * Required: {@code gatewayUrl}, {@code token}, {@code vmId}, {@code dataDir}, {@code llmBaseUrl}.
 */
public final class PlaneOptions {

  public static final String DEFAULT_MODEL = RuntimeOptions.DEFAULT_MODEL;
  public static final long DEFAULT_BACKOFF_BASE_MS = 1_000;
  public static final long DEFAULT_BACKOFF_CAP_MS = 30_000;
  public static final long DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
  public static final int DEFAULT_MAX_UNACKED_PER_SESSION = 1_000;
  /** Concurrent turns streaming from the LLM at once; a turn beyond it waits for a connection. */
  public static final int DEFAULT_LLM_MAX_CONNECTIONS = 256;

  private String gatewayUrl;
  private String token;
  private boolean tokenInQuery;
  private String vmId;
  private String dataDir;
  private String llmBaseUrl;
  private String llmApiKey;
  private String model = DEFAULT_MODEL;
  private long backoffBaseMs = DEFAULT_BACKOFF_BASE_MS;
  private long backoffCapMs = DEFAULT_BACKOFF_CAP_MS;
  private long requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS;
  private int maxUnackedPerSession = DEFAULT_MAX_UNACKED_PER_SESSION;
  private int llmMaxConnections = DEFAULT_LLM_MAX_CONNECTIONS;
  private boolean exitProcessOnExitAfter;
  /** Warm pool: the file whose arrival claims this plane (PlaneClaim); null for a plane with its identity. */
  private String claimFile;

  public PlaneOptions() {
  }

  /** Copy constructor. */
  public PlaneOptions(PlaneOptions other) {
    this.gatewayUrl = other.gatewayUrl;
    this.token = other.token;
    this.tokenInQuery = other.tokenInQuery;
    this.vmId = other.vmId;
    this.dataDir = other.dataDir;
    this.llmBaseUrl = other.llmBaseUrl;
    this.llmApiKey = other.llmApiKey;
    this.model = other.model;
    this.backoffBaseMs = other.backoffBaseMs;
    this.backoffCapMs = other.backoffCapMs;
    this.requestTimeoutMs = other.requestTimeoutMs;
    this.maxUnackedPerSession = other.maxUnackedPerSession;
    this.llmMaxConnections = other.llmMaxConnections;
    this.exitProcessOnExitAfter = other.exitProcessOnExitAfter;
    this.claimFile = other.claimFile;
  }

  public String getGatewayUrl() {
    return gatewayUrl;
  }

  /** The gateway's plane endpoint, {@code ws://host:8081/ws/vm} (or {@code wss://}). Required. */
  public PlaneOptions setGatewayUrl(String gatewayUrl) {
    String url = requireText(gatewayUrl, "gatewayUrl").strip();
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("gatewayUrl is not a URL: " + gatewayUrl, e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("ws") && !scheme.equals("wss") || uri.getHost() == null) {
      throw new IllegalArgumentException("gatewayUrl must be a ws:// or wss:// URL with a host: " + gatewayUrl);
    }
    this.gatewayUrl = url;
    return this;
  }

  public String getToken() {
    return token;
  }

  /** The VM token (a JWT with role {@code vm}); required. */
  public PlaneOptions setToken(String token) {
    this.token = requireText(token, "token").strip();
    return this;
  }

  public boolean isTokenInQuery() {
    return tokenInQuery;
  }

  /**
   * Send the token as {@code ?token=} instead of {@code Authorization: Bearer} (default
   * {@code false}: header only).
   */
  public PlaneOptions setTokenInQuery(boolean tokenInQuery) {
    this.tokenInQuery = tokenInQuery;
    return this;
  }

  public String getVmId() {
    return vmId;
  }

  /** This plane's id, as in the token's {@code vm_id} claim; required. */
  public PlaneOptions setVmId(String vmId) {
    this.vmId = requireText(vmId, "vmId").strip();
    return this;
  }

  public String getDataDir() {
    return dataDir;
  }

  /** Directory of the plane's state file; created if missing. Required. */
  public PlaneOptions setDataDir(String dataDir) {
    this.dataDir = requireText(dataDir, "dataDir");
    return this;
  }

  public String getLlmBaseUrl() {
    return llmBaseUrl;
  }

  /** OpenAI-compatible LLM, e.g. {@code http://127.0.0.1:1234}; required. A trailing slash is ignored. */
  public PlaneOptions setLlmBaseUrl(String llmBaseUrl) {
    this.llmBaseUrl = new RuntimeOptions().setLlmBaseUrl(llmBaseUrl).getLlmBaseUrl();
    return this;
  }

  public String getLlmApiKey() {
    return llmApiKey;
  }

  /** Sent to the LLM as {@code Authorization: Bearer <key>}; {@code null} (default) sends none. */
  public PlaneOptions setLlmApiKey(String llmApiKey) {
    this.llmApiKey = llmApiKey == null || llmApiKey.isEmpty() ? null : llmApiKey;
    return this;
  }

  public String getModel() {
    return model;
  }

  /** Model requested from the LLM; default {@value #DEFAULT_MODEL}. */
  public PlaneOptions setModel(String model) {
    this.model = requireText(model, "model");
    return this;
  }

  public long getBackoffBaseMs() {
    return backoffBaseMs;
  }

  /** Reconnect delay base: delay = random(0, min(cap, base * 2^attempt)); default 1 s. */
  public PlaneOptions setBackoffBaseMs(long backoffBaseMs) {
    this.backoffBaseMs = requirePositive(backoffBaseMs, "backoffBaseMs");
    return this;
  }

  public long getBackoffCapMs() {
    return backoffCapMs;
  }

  /** Longest reconnect delay; default 30 s. */
  public PlaneOptions setBackoffCapMs(long backoffCapMs) {
    this.backoffCapMs = requirePositive(backoffCapMs, "backoffCapMs");
    return this;
  }

  public long getRequestTimeoutMs() {
    return requestTimeoutMs;
  }

  /** How long a {@code request} waits for its {@code response} before failing locally; default 30 s. */
  public PlaneOptions setRequestTimeoutMs(long requestTimeoutMs) {
    this.requestTimeoutMs = requirePositive(requestTimeoutMs, "requestTimeoutMs");
    return this;
  }

  public int getMaxUnackedPerSession() {
    return maxUnackedPerSession;
  }

  /** Most unacknowledged events kept (in memory and on disk) per session; the oldest go first. */
  public PlaneOptions setMaxUnackedPerSession(int maxUnackedPerSession) {
    this.maxUnackedPerSession = (int) requirePositive(maxUnackedPerSession, "maxUnackedPerSession");
    return this;
  }

  public int getLlmMaxConnections() {
    return llmMaxConnections;
  }

  /** Most connections to the LLM at once, so most turns streaming at once; a turn beyond it waits for one. */
  public PlaneOptions setLlmMaxConnections(int llmMaxConnections) {
    this.llmMaxConnections = (int) requirePositive(llmMaxConnections, "llmMaxConnections");
    return this;
  }

  public boolean isExitProcessOnExitAfter() {
    return exitProcessOnExitAfter;
  }

  /**
   * What {@code [[plane exit_after=N]]} does: {@code true} (set by {@code RuntimeMain}) ends the
   * process with {@code System.exit(3)}; {@code false} (default, in-process) acts like
   * {@link ExecutionPlane#crash()}.
   */
  public PlaneOptions setExitProcessOnExitAfter(boolean exitProcessOnExitAfter) {
    this.exitProcessOnExitAfter = exitProcessOnExitAfter;
    return this;
  }

  public String getClaimFile() {
    return claimFile;
  }

  public PlaneOptions setClaimFile(String claimFile) {
    this.claimFile = claimFile == null || claimFile.isBlank() ? null : claimFile;
    return this;
  }

  /**
   * @throws IllegalArgumentException naming the first missing required setting
   */
  void validate() {
    requireSet(gatewayUrl, "gatewayUrl");
    requireSet(token, "token");
    requireSet(vmId, "vmId");
    requireSet(dataDir, "dataDir");
    requireSet(llmBaseUrl, "llmBaseUrl");
    if (backoffCapMs < backoffBaseMs) {
      throw new IllegalArgumentException("backoffCapMs must not be below backoffBaseMs");
    }
  }

  private static void requireSet(String value, String name) {
    if (value == null) {
      throw new IllegalArgumentException("PlaneOptions." + name + " is required");
    }
  }

  private static String requireText(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }

  private static long requirePositive(long value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
    return value;
  }

  @Override
  public String toString() {
    return "PlaneOptions{gatewayUrl=" + gatewayUrl + ", token=" + (token == null ? "none" : "***")
        + ", tokenInQuery=" + tokenInQuery + ", vmId=" + vmId + ", dataDir=" + dataDir
        + ", llmBaseUrl=" + llmBaseUrl + ", llmApiKey=" + (llmApiKey == null ? "none" : "***")
        + ", model=" + model + ", backoffBaseMs=" + backoffBaseMs + ", backoffCapMs=" + backoffCapMs
        + ", requestTimeoutMs=" + requestTimeoutMs + ", maxUnackedPerSession=" + maxUnackedPerSession
        + ", llmMaxConnections=" + llmMaxConnections + '}';
  }
}
