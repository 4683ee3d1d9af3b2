package io.chatgw.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Set-up calls to this gateway before a timed part: dev tokens, sessions, actuator figures. */
final class GatewayClient implements AutoCloseable {

  private final Vertx vertx;
  private final String baseUrl;
  private final HttpClient http;

  GatewayClient(Vertx vertx, String baseUrl) {
    this.vertx = vertx;
    this.baseUrl = TargetSpec.stripSlash(baseUrl);
    this.http = CellRunner.newClient(vertx, 64);
  }

  /** A dev token ({@code /dev/token}, dev profile only). */
  String token(String user, String org) throws Exception {
    String uri = baseUrl + "/dev/token?sub=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
        + (org == null ? "" : "&org=" + URLEncoder.encode(org, StandardCharsets.UTF_8));
    return call(HttpMethod.GET, uri, null, null, 200).trim();
  }

  /**
   * An API key for {@code user} (an SDK user's credentials), issued through the admin API with a dev token of an
   * admin ({@code /dev/token?roles=admin}, dev profile only).
   */
  String apiKey(String user, String name) throws Exception {
    String admin = call(HttpMethod.GET, baseUrl + "/dev/token?sub=bench-admin&org=org-acme&roles=admin", null, null,
        200).trim();
    String body = new JsonObject().put("user_id", user).put("name", name).encode();
    return new JsonObject(call(HttpMethod.POST, baseUrl + "/api/v1/admin/api-keys", admin, body, 201)).getString("key");
  }

  /** Creates {@code count} sessions for the token's user, {@code parallel} at a time. */
  List<String> createSessions(String token, int count, int parallel) throws Exception {
    List<String> ids = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger left = new AtomicInteger(count);
    List<java.util.concurrent.CompletableFuture<Void>> chains = new ArrayList<>();
    for (int p = 0; p < Math.min(parallel, count); p++) {
      java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
      chains.add(done);
      vertx.runOnContext(v -> createNext(token, left, ids, done));
    }
    for (java.util.concurrent.CompletableFuture<Void> chain : chains) {
      chain.get(300, TimeUnit.SECONDS);
    }
    return new ArrayList<>(ids);
  }

  private void createNext(String token, AtomicInteger left, List<String> ids,
      java.util.concurrent.CompletableFuture<Void> done) {
    if (left.getAndDecrement() <= 0) {
      done.complete(null);
      return;
    }
    callAsync(HttpMethod.POST, baseUrl + "/api/v1/sessions", token, null, 201)
        .onSuccess(body -> {
          ids.add(new JsonObject(body).getString("session_id"));
          createNext(token, left, ids, done);
        })
        .onFailure(done::completeExceptionally);
  }

  /** A metric's first measurement from {@code /actuator/metrics/NAME?tag=...}, or NaN. */
  double metric(String name, String tag) {
    try {
      String body = call(HttpMethod.GET, baseUrl + "/actuator/metrics/" + name + (tag == null ? "" : "?tag=" + tag),
          null, null, 200);
      return new JsonObject(body).getJsonArray("measurements").getJsonObject(0).getDouble("value");
    } catch (Exception e) {
      return Double.NaN;
    }
  }

  String call(HttpMethod method, String uri, String token, String body, int expectStatus) throws Exception {
    return callAsync(method, uri, token, body, expectStatus).toCompletionStage().toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
  }

  private Future<String> callAsync(HttpMethod method, String uri, String token, String body, int expectStatus) {
    RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(uri).setIdleTimeout(30_000);
    if (token != null) {
      options.putHeader("Authorization", "Bearer " + token);
    }
    if (body != null) {
      options.putHeader("Content-Type", "application/json");
    }
    return http.request(options)
        .compose(req -> body == null ? req.send() : req.send(Buffer.buffer(body)))
        .compose(resp -> resp.body().compose(b -> resp.statusCode() == expectStatus
            ? Future.succeededFuture(b.toString())
            : Future.failedFuture(method + " " + uri + " -> " + resp.statusCode() + " " + b)));
  }

  @Override
  public void close() {
    http.close();
  }
}
