package io.chatgw.upstream;

import io.chatgw.config.GatewayProperties;
import io.chatgw.core.GatewayException;
import io.chatgw.core.PathUnavailable;
import io.chatgw.core.RateLimited;
import io.vertx.core.Context;
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
import java.util.function.Supplier;

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
    /** The one event loop the call runs on: its start, its stream, its timers and a cancel from another thread. */
    private final Context context;
    private final HttpClient client;
    private final GatewayProperties.Upstream config;
    private final String name;
    private final Promise<Void> result = Promise.promise();
    private HttpClientRequest request;
    private long timerId = -1;
    private boolean settled;
    private boolean sawEvent;
    /** When the latest event arrived ({@link System#nanoTime()}): the idle deadline counts from it. */
    private long lastEventNanos;

    private UpstreamSseCall(Vertx vertx, HttpClient client, GatewayProperties.Upstream config, String name) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.client = client;
        this.config = config;
        this.name = name;
    }

    /**
     * Posts {@code body} to {@code url} and streams the answer into {@code listener}. The call's
     * {@link #future()} succeeds when the listener reports the last event, and fails otherwise.
     */
    public static UpstreamSseCall post(Vertx vertx, HttpClient client, GatewayProperties.Upstream config, String name,
                                       String url, Map<String, String> headers, Buffer body, Listener listener) {
        UpstreamSseCall call = new UpstreamSseCall(vertx, client, config, name);
        call.context.runOnContext(v -> call.start(url, headers, body, listener));
        return call;
    }

    public Future<Void> future() {
        return result.future();
    }

    /** Gives up on the call (the gateway ended the answer): the request is reset, the future fails with {@code why}. */
    public void cancel(GatewayException why) {
        context.runOnContext(v -> fail(why)); // vertx.runOnContext off a Vert.x thread could pick another loop
    }

    private void start(String url, Map<String, String> headers, Buffer body, Listener listener) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(url)
                .setConnectTimeout(config.connectTimeout().toMillis())
                .putHeader("Content-Type", "application/json")
                .putHeader("Accept", "text/event-stream");
        headers.forEach(options::putHeader);
        armTimer(config.firstEventTimeout().toMillis(), () -> new PathUnavailable("upstream_timeout",
                PathUnavailable.FIRST_EVENT_TIMEOUT, "no first event from " + name + " within "
                + config.firstEventTimeout().toMillis() + " ms"));
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
        int status = response.statusCode();
        if (status == 429) {
            // the upstream's body is not passed on (it may name the upstream's account): only when to retry
            int retryAfter = RateLimited.parseRetryAfter(response.getHeader("Retry-After"));
            response.body().onComplete(ar -> fail(new RateLimited(name, retryAfter)));
            return;
        }
        if (status != 200) {
            response.body().onComplete(ar -> {
                String text = ar.succeeded() ? ar.result().toString() : "";
                String message = name + " answered HTTP " + status + (text.isBlank() ? "" : ": " + abbreviate(text));
                // 5xx (and 429 above): the upstream cannot serve now (another path may); other 4xx: this request is wrong
                fail(status >= 500
                        ? new PathUnavailable("upstream_error", PathUnavailable.HTTP_5XX, message)
                        : GatewayException.upstream("upstream_error", message));
            });
            return;
        }
        String contentType = response.getHeader("Content-Type");
        if (contentType == null || !contentType.toLowerCase().startsWith("text/event-stream")) {
            fail(new PathUnavailable("upstream_error", PathUnavailable.NOT_AN_EVENT_STREAM, name
                    + " answered with Content-Type " + contentType + " instead of text/event-stream"));
            return;
        }
        SseEventParser parser = new SseEventParser(MAX_LINE_BYTES, event -> {
            if (settled) {
                return;
            }
            lastEventNanos = System.nanoTime();
            if (!sawEvent) { // the first event ends the first-event wait; from now on the idle deadline runs
                sawEvent = true;
                armIdleDeadline(config.idleTimeout().toNanos());
            }
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
        response.exceptionHandler(e -> fail(disconnected(name + " connection broke mid-stream: " + e.getMessage())));
        response.endHandler(v -> fail(disconnected(name + " ended the stream before its final event")));
    }

    private void onRequestFailure(Throwable e) {
        if (settled) {
            return;
        }
        if (e instanceof ConnectException || e.getClass().getSimpleName().contains("Connect")) {
            fail(new PathUnavailable("upstream_unreachable", PathUnavailable.CONNECT_ERROR, name + " is unreachable: " + e.getMessage()));
        } else {
            fail(disconnected(name + " request failed: " + e.getMessage()));
        }
    }

    /** Broken before any event: the upstream could not serve (another path may); after: the answer broke. */
    private GatewayException disconnected(String message) {
        return sawEvent ? GatewayException.upstream("upstream_disconnected", message)
                : new PathUnavailable("upstream_disconnected", PathUnavailable.DISCONNECTED, message);
    }

    /** One timer at a time; on firing, {@code failure} gives the error to end the call with, or null to go on. */
    private void armTimer(long delayMs, Supplier<GatewayException> failure) {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
        timerId = vertx.setTimer(Math.max(1, delayMs), id -> {
            if (id == timerId) {
                timerId = -1;
                GatewayException e = failure.get(); // null: the deadline moved on (and was armed again)
                if (e != null) {
                    fail(e);
                }
            }
        });
    }

    /**
     * The idle timeout without a timer per event (a cancel and a new timer for each of thousands of events a second):
     * one timer, which on firing looks at when the latest event came and, if the upstream was not silent that long,
     * waits for the rest.
     */
    private void armIdleDeadline(long inNanos) {
        long idleNanos = config.idleTimeout().toNanos();
        armTimer(Math.max(1, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(inNanos)), () -> {
            long silent = System.nanoTime() - lastEventNanos;
            if (silent < idleNanos) {
                armIdleDeadline(idleNanos - silent);
                return null;
            }
            return GatewayException.upstream("upstream_timeout",
                    name + " sent no event for " + config.idleTimeout().toMillis() + " ms");
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
