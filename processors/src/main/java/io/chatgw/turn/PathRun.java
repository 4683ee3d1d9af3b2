package io.chatgw.turn;

import io.chatgw.core.ExecutionMode;
import io.chatgw.core.GatewayException;
import io.chatgw.core.PathUnavailable;
import io.chatgw.relay.RelayEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One path's attempt at answering a turn: the contract every path (legacy, direct_llm, new) fulfils.
 * The path publishes its events through the run, reports usage and model, and ends it once with
 * {@link #succeed()} or {@link #fail(Throwable)}. The gateway waits for the run's first-event boundary
 * ({@link #awaitFirstEvent}: the breaker's protected call) apart from its end ({@link #end()}: the rest of the
 * stream, waited for without a thread), and can {@link #cancel} it. A turn has one run, or two when the first
 * failed before its first event and another path answered ({@link #fallbackFrom()}).
 * Events a run sends after it ended (it failed, timed out, was cancelled) are dropped, never relayed.
 */
public final class PathRun {

    private final Turn turn;
    private final ExecutionMode path;
    private final int attempt;
    private final ExecutionMode fallbackFrom;
    private final long startedNanos = System.nanoTime();
    private volatile String traceparent;
    private volatile String planeTraceparent;
    /** Completes at the first event published, or at a successful end without any; fails at a failure before. */
    private final CompletableFuture<Void> firstEvent = new CompletableFuture<>();
    private final CompletableFuture<Void> end = new CompletableFuture<>();
    private volatile long firstEventNanos;
    private volatile Usage usage = Usage.NONE;
    private volatile boolean usageReported;
    private volatile String model;
    private volatile String finishReason;
    /** What was wrong with the values this run's path reported ({@link ReportedValues}); null: nothing. */
    private volatile String invalidReason;
    private volatile Runnable onCancel;
    /** What the conversation keeps of this run: its text, and its tool calls and results ({type, data}). */
    private final StringBuilder answer = new StringBuilder();
    private final List<Map<String, Object>> toolEvents = new ArrayList<>();
    private static final Set<String> TOOL_EVENTS = Set.of(ChatEventTypes.SKILL_CALL, ChatEventTypes.SKILL_RESULT,
            ChatEventTypes.MCP_CALL, ChatEventTypes.MCP_RESULT, ChatEventTypes.TOOL_CALL);

    PathRun(Turn turn, ExecutionMode path, int attempt, ExecutionMode fallbackFrom) {
        this.turn = turn;
        this.path = path;
        this.attempt = attempt;
        this.fallbackFrom = fallbackFrom;
    }

    /** Publishes one of this path's events to the session's clients; null (dropped) once the run ended. */
    public RelayEvent publish(String type, Map<String, ?> data) {
        return publish(type, data, 0);
    }

    /** As {@link #publish(String, Map)}, with the time the event arrived from its source (relay latency). */
    public RelayEvent publish(String type, Map<String, ?> data, long originNanos) {
        synchronized (this) {
            if (end.isDone() || turn.hasEnded()) {
                return null;
            }
            if (firstEventNanos == 0) {
                firstEventNanos = System.nanoTime();
            }
            RelayEvent event = turn.publishOfRun(type, data, originNanos);
            keep(type, data);
            firstEvent.complete(null);
            return event;
        }
    }

    private void keep(String type, Map<String, ?> data) {
        if (ChatEventTypes.TEXT.equals(type) && data.get("delta") instanceof String delta) {
            answer.append(delta);
        } else if (TOOL_EVENTS.contains(type)) {
            toolEvents.add(Map.of("type", type, "data", data));
        }
    }

    /** The text this run streamed so far (its deltas joined). */
    public synchronized String answer() {
        return answer.toString();
    }

    /** The tool calls and results this run streamed, in order: {type, data} maps. */
    public synchronized List<Map<String, Object>> toolEvents() {
        return List.copyOf(toolEvents);
    }

    public void reportUsage(Usage usage) {
        if (usage != null) {
            this.usage = usage;
            this.usageReported = true;
        }
    }

    /** Whether the provider reported this run's usage (otherwise its usage record is estimated). */
    public boolean usageReported() {
        return usageReported;
    }

    /** The model the path reports (checked: {@link ReportedValues#model}). */
    public void reportModel(String model) {
        ReportedValues.Checked<String> checked = ReportedValues.model(model);
        reportInvalid(checked.problem());
        if (checked.value() != null) {
            this.model = checked.value();
        }
    }

    /** Why the LLM stopped ({@code stop}, {@code length}, ...), as the path reported it (checked). */
    public void reportFinishReason(String reason) {
        ReportedValues.Checked<String> checked = ReportedValues.finishReason(reason);
        reportInvalid(checked.problem());
        if (checked.value() != null && !checked.value().isBlank()) {
            this.finishReason = checked.value();
        }
    }

    /** A value the path reported was bad (replaced by a valid one): the run's usage record says why. */
    public synchronized void reportInvalid(String problem) {
        if (problem != null) {
            String joined = invalidReason == null ? problem : invalidReason + "; " + problem;
            invalidReason = joined.length() > 500 ? joined.substring(0, 500) : joined;
        }
    }

    /** What was wrong with the values this run's path reported, or null. */
    public String invalidReason() {
        return invalidReason;
    }

    public String finishReason() {
        return finishReason;
    }

    /** The path finished its answer. */
    public void succeed() {
        synchronized (this) {
            firstEvent.complete(null);
            end.complete(null);
        }
    }

    /** The path failed; before the first event this decides whether the turn falls back. */
    public void fail(Throwable failure) {
        synchronized (this) {
            firstEvent.completeExceptionally(failure);
            end.completeExceptionally(failure);
        }
    }

    /** What the path does when the gateway gives up on it (client gone, first-event wait over): set once at start. */
    public void onCancel(Runnable action) {
        this.onCancel = action;
    }

    /** Ends the run from the gateway's side: the path is told to stop, later events are dropped. */
    public void cancel(GatewayException why) {
        boolean ended;
        synchronized (this) {
            ended = end.isDone();
            fail(why);
        }
        Runnable action = onCancel;
        if (!ended && action != null) {
            action.run();
        }
    }

    /**
     * Blocks until the first event reached the client (or the run ended well without one), at most
     * {@code limit} (the path's own first-event timeout should fire first; this is the safety net).
     * @throws PathUnavailable if the path could not serve before its first event: the breaker counts it and
     *         the turn may fall back. Any other failure returns normally: {@link #end()} carries it.
     */
    public void awaitFirstEvent(Duration limit) {
        try {
            firstEvent.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PathUnavailable unavailable) {
                throw unavailable;
            }
        } catch (TimeoutException e) {
            PathUnavailable timeout = new PathUnavailable("upstream_timeout", PathUnavailable.FIRST_EVENT_TIMEOUT,
                    "the " + path + " path sent no first event within " + limit.toMillis() + " ms");
            cancel(timeout);
            throw timeout;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel(new GatewayException(503, "shutting_down", "the gateway is shutting down"));
            throw new IllegalStateException("interrupted while waiting for the " + path + " path", e);
        }
    }

    /** Completes when the path ended: normally, or with its failure. */
    public CompletableFuture<Void> end() {
        return end;
    }

    /** The failure the run ended with, or null (running, or succeeded). */
    public Throwable failure() {
        if (!end.isCompletedExceptionally()) {
            return null;
        }
        try {
            end.getNow(null);
            return null;
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause();
        } catch (java.util.concurrent.CancellationException e) {
            return e;
        }
    }

    /** Whether any event of this run reached the client. */
    public boolean reachedClient() {
        return firstEventNanos != 0;
    }

    /** This run's span as W3C {@code traceparent} (sent to its upstream), null when tracing is off. */
    public String traceparent() {
        return traceparent;
    }

    public void traceparent(String traceparent) {
        this.traceparent = traceparent;
    }

    /** The plane's span context as it sent it back on its frames (new path), null if none. */
    public String planeTraceparent() {
        return planeTraceparent;
    }

    public void planeTraceparent(String traceparent) {
        this.planeTraceparent = traceparent;
    }

    public Turn turn() {
        return turn;
    }

    public ExecutionMode path() {
        return path;
    }

    /** 1 for the decided path, 2 for the fallback. */
    public int attempt() {
        return attempt;
    }

    /** The path that failed before this one took over, or null. */
    public ExecutionMode fallbackFrom() {
        return fallbackFrom;
    }

    public Usage usage() {
        return usage;
    }

    public String model() {
        return model;
    }

    public long startedNanos() {
        return startedNanos;
    }

    /** When its first event was published, 0 if none. */
    public long firstEventNanos() {
        return firstEventNanos;
    }
}
