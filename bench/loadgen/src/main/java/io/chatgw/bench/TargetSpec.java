package io.chatgw.bench;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Something the benchmark sends chat requests to.
 *
 * @param name       short id used in JSON (e.g. {@code direct}, {@code gateway-legacy})
 * @param label      column title (e.g. {@code (a) direct})
 * @param role       what it is to the goals: {@code baseline} (the limit every ratio is taken against),
 *                   {@code nginx}, {@code portkey}, {@code gateway}, or anything else (reported only)
 * @param kind       the protocol spoken
 * @param url        {@link Kind#OPENAI}: the chat completions URL
 * @param baseUrl    {@link Kind#GATEWAY}: the gateway's base URL
 * @param headers    extra request headers
 * @param user       {@link Kind#GATEWAY}: the user id to ask {@code /dev/token} for
 * @param org        {@link Kind#GATEWAY}: org claim for users the gateway does not know yet (may be null)
 * @param expectPath {@link Kind#GATEWAY}: the path the {@code route} event must name (null: any)
 * @param processes  names of the processes (see the config's {@code processes}) whose CPU this target costs
 * @param isolate    run this target's cells after all the others (it may leave work behind, e.g. turns that
 *                   keep running after their clients were cut off, which would disturb the next cells)
 * @param messagePrefix {@link Kind#GATEWAY}: put before every message (e.g. a runtime fault directive), or ""
 * @param compareWith role {@code fallback}: the target whose own answers the fallback's are held against
 * @param apiKeyUser {@link Kind#OPENAI} / {@link Kind#RESPONSES} on this gateway: the user an API key is issued for
 *                   at set-up (through {@code baseUrl}'s admin API), sent as {@code Authorization: Bearer sk-gw-...}
 *                   on every request with no session header: each request gets a per-request session, as the
 *                   SDKs' users get one; {@code expectPath} is then checked against {@code x-gateway-path}
 */
public record TargetSpec(String name, String label, String role, Kind kind, String url, String baseUrl,
    Map<String, String> headers, String user, String org, String expectPath, java.util.List<String> processes,
    boolean isolate, String messagePrefix, String compareWith, String apiKeyUser) {

  /** The protocol of a target. */
  public enum Kind {
    /** An OpenAI-compatible {@code POST /v1/chat/completions} with {@code stream: true}. */
    OPENAI,
    /** This gateway's chat API: a session per client, {@code POST .../messages} streams the turn. */
    GATEWAY,
    /** An OpenAI Responses API {@code POST /v1/responses} with {@code stream: true} (typed events). */
    RESPONSES
  }

  public TargetSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    label = label == null ? name : label;
    role = role == null ? "" : role;
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    processes = processes == null ? java.util.List.of() : java.util.List.copyOf(processes);
    messagePrefix = messagePrefix == null ? "" : messagePrefix;
    if ((kind == Kind.OPENAI || kind == Kind.RESPONSES) && url == null) {
      throw new IllegalArgumentException("target " + name + ": url is required");
    }
    if (kind == Kind.GATEWAY && (baseUrl == null || user == null)) {
      throw new IllegalArgumentException("target " + name + ": baseUrl and user are required");
    }
    if (apiKeyUser != null && baseUrl == null) {
      throw new IllegalArgumentException("target " + name + ": apiKeyUser needs the gateway's baseUrl");
    }
  }

  public TargetSpec(String name, String label, String role, Kind kind, String url, String baseUrl,
      Map<String, String> headers, String user, String org, String expectPath, java.util.List<String> processes,
      boolean isolate, String messagePrefix, String compareWith) {
    this(name, label, role, kind, url, baseUrl, headers, user, org, expectPath, processes, isolate, messagePrefix,
        compareWith, null);
  }

  public TargetSpec(String name, String label, String role, Kind kind, String url, String baseUrl,
      Map<String, String> headers, String user, String org, String expectPath, java.util.List<String> processes,
      boolean isolate) {
    this(name, label, role, kind, url, baseUrl, headers, user, org, expectPath, processes, isolate, "", null, null);
  }

  public boolean isBaseline() {
    return role.equals("baseline");
  }

  static TargetSpec fromJson(JsonObject json) {
    Map<String, String> headers = new LinkedHashMap<>();
    JsonObject h = json.getJsonObject("headers", new JsonObject());
    h.forEach(e -> headers.put(e.getKey(), String.valueOf(e.getValue())));
    java.util.List<String> processes = new java.util.ArrayList<>();
    json.getJsonArray("processes", new io.vertx.core.json.JsonArray()).forEach(p -> processes.add(String.valueOf(p)));
    return new TargetSpec(json.getString("name"), json.getString("label"), json.getString("role"),
        Kind.valueOf(json.getString("kind", "openai").toUpperCase(java.util.Locale.ROOT)),
        json.getString("url"), stripSlash(json.getString("baseUrl")), headers, json.getString("user"),
        json.getString("org"), json.getString("expectPath"), processes, json.getBoolean("isolate", false),
        json.getString("messagePrefix", ""), json.getString("compareWith"), json.getString("apiKeyUser"));
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject().put("name", name).put("label", label).put("role", role)
        .put("kind", kind.name().toLowerCase(java.util.Locale.ROOT));
    if (url != null) {
      json.put("url", url);
    }
    if (baseUrl != null) {
      json.put("baseUrl", baseUrl);
    }
    if (user != null) {
      json.put("user", user);
    }
    if (expectPath != null) {
      json.put("expectPath", expectPath);
    }
    if (apiKeyUser != null) {
      json.put("apiKeyUser", apiKeyUser);
    }
    return json;
  }

  static String stripSlash(String url) {
    return url != null && url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
