package io.chatgw.upstream;

import io.chatgw.config.GatewayProperties;
import io.chatgw.core.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.ConnectException;
import java.util.Map;

/**
 * One streamed HTTP POST to an upstream whose answer is text/event-stream, without parking a thread:
 * events are handed to a {@link Listener} on the event loop as they arrive. Enforces the upstream's
 * connect, time-to-first-event and idle timeouts; every failure ends the call with a
 * {@link GatewayException} whose code says which ({@code upstream_unreachable}, {@code upstream_timeout},
 * {@code upstream_error}, {@code upstream_disconnected}, or the listener's own).
 */
public final class UpstreamSseCall {

    /** Receives the upstream's events. Returns true when the event was the last one it needs. */
    @FunctionalInterface
    public interface Listener {
        boolean onEvent(SseEvent event);
    }

    private static final int MAX_LINE_BYTES = 1 << 20;
    private static final int MAX_ERROR_BODY_CHARS = 300;

    private final Vertx vertx;
    private final HttpClient client;
    private final GatewayProperties.Upstream config;
    private final String name;
    private final Promise<Void> result = Promise.promise();
    private HttpClientRequest request;
    private long timerId = -1;
    private boolean settled;

    private UpstreamSseCall(Vertx vertx, HttpClient client, GatewayProperties.Upstream config, String name) {
        this.vertx = vertx;
        this.client = client;
        this.config = config;
        this.name = name;
    }

    /**
     * Posts {@code body} to {@code url} and streams the answer into {@code listener}. The future succeeds
     * when the listener reports the last event, and fails otherwise.
     */
    public static Future<Void> post(Vertx vertx, HttpClient client, GatewayProperties.Upstream config, String name,
                                    String url, Map<String, String> headers, Buffer body, Listener listener) {
        UpstreamSseCall call = new UpstreamSseCall(vertx, client, config, name);
        vertx.runOnContext(v -> call.start(url, headers, body, listener));
        return call.result.future();
    }

    private void start(String url, Map<String, String> headers, Buffer body, Listener listener) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(url)
                .setConnectTimeout(config.connectTimeout().toMillis())
                .putHeader("Content-Type", "application/json")
                .putHeader("Accept", "text/event-stream");
        headers.forEach(options::putHeader);
        armTimer(config.firstEventTimeout().toMillis(), "no first event from " + name + " within "
                + config.firstEventTimeout().toMillis() + " ms");
        client.request(options)
                .compose(req -> {
                    request = req;
                    if (settled) {
                        req.reset();
                    }
                    return req.send(body);
                })
                .onSuccess(response -> onResponse(response, listener))
                .onFailure(this::onRequestFailure);
    }

    private void onResponse(HttpClientResponse response, Listener listener) {
        if (settled) {
            return;
        }
        if (response.statusCode() != 200) {
            response.body().onComplete(ar -> {
                String text = ar.succeeded() ? ar.result().toString() : "";
                fail(GatewayException.upstream("upstream_error", name + " answered HTTP " + response.statusCode()
                        + (text.isBlank() ? "" : ": " + abbreviate(text))));
            });
            return;
        }
        String contentType = response.getHeader("Content-Type");
        if (contentType == null || !contentType.toLowerCase().startsWith("text/event-stream")) {
            fail(GatewayException.upstream("upstream_error", name + " answered with Content-Type " + contentType
                    + " instead of text/event-stream"));
            return;
        }
        SseEventParser parser = new SseEventParser(MAX_LINE_BYTES, event -> {
            if (settled) {
                return;
            }
            armTimer(config.idleTimeout().toMillis(), name + " sent no event for " + config.idleTimeout().toMillis() + " ms");
            if (listener.onEvent(event)) {
                succeed();
            }
        });
        response.handler(buffer -> {
            try {
                parser.feed(buffer.getBytes());
            } catch (GatewayException e) {
                fail(e);
            } catch (RuntimeException e) {
                fail(GatewayException.upstream("upstream_error", name + " sent an unreadable stream: " + e.getMessage()));
            }
        });
        response.exceptionHandler(e -> fail(GatewayException.upstream("upstream_disconnected",
                name + " connection broke mid-stream: " + e.getMessage())));
        response.endHandler(v -> fail(GatewayException.upstream("upstream_disconnected",
                name + " ended the stream before its final event")));
    }

    private void onRequestFailure(Throwable e) {
        if (settled) {
            return;
        }
        if (e instanceof ConnectException || e.getClass().getSimpleName().contains("Connect")) {
            fail(GatewayException.upstream("upstream_unreachable", name + " is unreachable: " + e.getMessage()));
        } else {
            fail(GatewayException.upstream("upstream_disconnected", name + " request failed: " + e.getMessage()));
        }
    }

    private void armTimer(long delayMs, String message) {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
        timerId = vertx.setTimer(Math.max(1, delayMs), id -> {
            if (id == timerId) {
                fail(GatewayException.upstream("upstream_timeout", message));
            }
        });
    }

    private void succeed() {
        if (settle()) {
            result.complete();
        }
    }

    private void fail(GatewayException e) {
        if (settle()) {
            if (request != null) {
                request.reset();
            }
            result.fail(e);
        }
    }

    private boolean settle() {
        if (settled) {
            return false;
        }
        settled = true;
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
        }
        return true;
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= MAX_ERROR_BODY_CHARS ? oneLine : oneLine.substring(0, MAX_ERROR_BODY_CHARS) + "...";
    }

}
