package io.chatgw.turn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.auth.Caller;
import io.chatgw.core.ExecutionMode;
import io.chatgw.core.GatewayException;
import io.chatgw.relay.RelayEvent;
import io.chatgw.relay.SessionStream;
import io.chatgw.routing.ModeDecision;
import io.chatgw.session.ChatSession;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One chat message on its way through a path: what the path publishes (through its {@link PathRun}) goes
 * through here into the session's relay, stamped with this turn's request id. Ended exactly once, by
 * {@link Turns}, which sets its {@link TurnOutcome}: the one place the done/error event, the usage records,
 * the metrics and the log line read how it ended.
 * A shadow turn ({@link #shadowOf()} set: docs/shadow.md) runs the same message on another path in the background:
 * it has no stream (its events go to its {@link EventTrace} only, never to a client or the replay buffer), a
 * session id of its own (the user's session, its turn lock and conversation are never touched), and is ended by
 * {@link Turns#endShadow} without a done/error event.
 */
public final class Turn {

    private final UUID requestId;
    private final Caller caller;
    private final ChatSession session;
    private final ModeDecision decision;
    private final String message;
    private final List<Map<String, Object>> history;
    /** The session's stream; null for a shadow turn. */
    private final SessionStream stream;
    /** The primary turn this one shadows, or null. */
    private final Turn shadowOf;
    private final ObjectMapper json;
    private final long startedNanos = System.nanoTime();
    private final Instant startedAt = Instant.now();
    /** Whether the session's conversation keeps this turn (not for a per-request OpenAI session), and what it continues. */
    private volatile ConversationLink conversation = ConversationLink.KEPT;
    /** What the history sent with this turn holds and what was cut from it, for the turn's log line. */
    private volatile String historyNote = "";
    /** OpenAI parameters for the path's LLM call (empty for the native chat API). */
    private volatile Map<String, Object> llmParameters = Map.of();
    /** The messages after {@link #message} (tool calls, tool results, a prefill); empty for the native chat API. */
    private volatile List<Map<String, Object>> continuation = List.of();
    private final AtomicBoolean ended = new AtomicBoolean();
    /** The paths' attempts, in order: the decided path, then at most one fallback. The last one answers. */
    private final List<PathRun> runs = new CopyOnWriteArrayList<>();
    /** The path that failed (or whose breaker refused) before the next run: set by a fallback. */
    private volatile ExecutionMode fellBackFrom;
    private volatile long routeEventId;
    private volatile TurnOutcome outcome;
    private volatile Object span; // an OpenTelemetry Span and who starts its runs' spans; null when tracing is off
    private volatile io.chatgw.tracing.TurnTraces traces;
    /** The client that posted the message went away before the turn's end event (the answer still completes). */
    private volatile boolean clientDisconnected;
    /** Set before the first run starts when this turn is compared with a shadow (and for a shadow turn). */
    private volatile EventTrace trace;
    private volatile long endedNanos;
    private final CompletableFuture<TurnOutcome> whenEnded = new CompletableFuture<>();
    private long shadowEventIds;

    Turn(UUID requestId, Caller caller, ChatSession session, ModeDecision decision, String message,
         List<Map<String, Object>> history, SessionStream stream, ObjectMapper json) {
        this(requestId, caller, session, decision, message, history, stream, null, json);
    }

    /** A shadow of {@code primary}: its message, history and parameters, with its own request and session id. */
    static Turn newShadow(Turn primary, UUID requestId, ChatSession session, ModeDecision decision, ObjectMapper json) {
        Turn shadow = new Turn(requestId, primary.caller, session, decision, primary.message, primary.history, null,
                primary, json);
        shadow.llmParameters = primary.llmParameters;
        shadow.continuation = primary.continuation;
        shadow.conversation = ConversationLink.NOT_KEPT;
        shadow.trace = new EventTrace();
        return shadow;
    }

    private Turn(UUID requestId, Caller caller, ChatSession session, ModeDecision decision, String message,
                 List<Map<String, Object>> history, SessionStream stream, Turn shadowOf, ObjectMapper json) {
        this.shadowOf = shadowOf;
        this.requestId = requestId;
        this.caller = caller;
        this.session = session;
        this.decision = decision;
        this.message = message;
        this.history = history == null ? List.of() : List.copyOf(history);
        this.stream = stream;
        this.json = json;
    }

    /** Starts a path's attempt at this turn: the first is the decided path, a second one is its fallback. */
    public PathRun startRun(ExecutionMode path) {
        PathRun previous = currentRun();
        if (previous != null && previous.reachedClient()) {
            throw new IllegalStateException("turn " + requestId + " already streamed from " + previous.path());
        }
        PathRun run = new PathRun(this, path, runs.size() + 1, fellBackFrom);
        runs.add(run);
        if (traces != null) {
            traces.runStarted(run);
        }
        return run;
    }

    /** {@code from} failed before its first event (or its breaker is open); the next run answers instead. */
    void fellBackFrom(ExecutionMode from) {
        this.fellBackFrom = from;
    }

    /** Whether this turn fell back already (one fallback per turn at most). */
    public boolean hasFallenBack() {
        return fellBackFrom != null;
    }

    /** The attempt running now (or the last one), null before any started. */
    public PathRun currentRun() {
        return runs.isEmpty() ? null : runs.get(runs.size() - 1);
    }

    public List<PathRun> runs() {
        return List.copyOf(runs);
    }

    /** Publishes one of the gateway's own events of this turn ({@code route}, {@code fallback}) to the session. */
    public RelayEvent publish(String type, Map<String, ?> data) {
        if (stream == null) {
            throw new IllegalStateException("shadow turn " + requestId + " has no client; dropped " + type);
        }
        if (ended.get()) {
            throw new IllegalStateException("turn " + requestId + " already ended; dropped " + type);
        }
        return stream.publish(type, serialize(data), requestId.toString(), 0);
    }

    /** A path's event, published by its {@link PathRun}. */
    RelayEvent publishOfRun(String type, Map<String, ?> data, long originNanos) {
        if (ended.get()) {
            return null;
        }
        EventTrace t = trace;
        if (t != null) {
            t.record(type, data);
        }
        if (stream == null) { // a shadow: recorded only
            return new RelayEvent(++shadowEventIds, type, null, requestId.toString(), originNanos);
        }
        return stream.publish(type, serialize(data), requestId.toString(), originNanos);
    }

    /** The terminal event: only {@link Turns} calls this, once. */
    RelayEvent publishEnd(String type, Map<String, ?> data) {
        return stream.publish(type, serialize(data), requestId.toString());
    }

    boolean markEnded(TurnOutcome outcome) {
        if (ended.compareAndSet(false, true)) {
            this.outcome = outcome;
            this.endedNanos = System.nanoTime();
            whenEnded.complete(outcome);
            return true;
        }
        return false;
    }

    /** Completes with the outcome once the turn ended (its last run event is in its trace by then). */
    public CompletableFuture<TurnOutcome> whenEnded() {
        return whenEnded;
    }

    /** When the turn ended ({@link System#nanoTime()}), 0 while it runs. */
    public long endedNanos() {
        return endedNanos;
    }

    /** Keeps this turn's run events from now on, for a comparison with its shadow; call before the first run. */
    public void traceEvents() {
        if (trace == null) {
            trace = new EventTrace();
        }
    }

    /** The run events kept ({@link #traceEvents()}), or null. */
    public EventTrace trace() {
        return trace;
    }

    /** The primary turn this one shadows, or null for a turn a client follows. */
    public Turn shadowOf() {
        return shadowOf;
    }

    public boolean isShadow() {
        return shadowOf != null;
    }

    public boolean hasEnded() {
        return ended.get();
    }

    /**
     * The HTTP layer saw the client that posted this message go (connection closed, or dropped for being slow)
     * before the turn ended: its usage is recorded {@code client_disconnected}. After the end it changes nothing.
     */
    public void clientDisconnected() {
        if (!ended.get()) {
            clientDisconnected = true;
        }
    }

    public boolean clientDisconnectedMidStream() {
        return clientDisconnected;
    }

    private String serialize(Map<String, ?> data) {
        try {
            return json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event data is not serializable", e);
        }
    }

    void routeEventId(long id) {
        this.routeEventId = id;
    }

    public UUID requestId() {
        return requestId;
    }

    public Caller caller() {
        return caller;
    }

    public ChatSession session() {
        return session;
    }

    /** What the router decided; {@link #path()} is the path that answers, which differs after a fallback. */
    public ModeDecision decision() {
        return decision;
    }

    /** The path answering this turn: the current run's, or the decided one before any run started. */
    public ExecutionMode answeringPath() {
        PathRun run = currentRun();
        return run == null ? decision.mode() : run.path();
    }

    /** {@link #answeringPath()}'s wire name. */
    public String path() {
        return answeringPath().wire();
    }

    /** The path that failed before the answering one took over, or null. */
    public ExecutionMode fallbackFrom() {
        return fellBackFrom;
    }

    public String message() {
        return message;
    }

    /** The conversation before {@link #message()}: OpenAI chat messages ({role, content}, plus tool_calls /
     * tool_call_id in tool exchanges), oldest first; loaded from the session's conversation for the native chat API
     * (routes/chat.yaml's loadConversation), sent by the client on the OpenAI endpoint. */
    public List<Map<String, Object>> history() {
        return history;
    }

    /**
     * The messages after {@link #message()}, same shape as {@link #history()}: the assistant's tool calls, their
     * {@code tool} results and at most one last assistant message (prefill). Every path puts them after the
     * message in its LLM call. Empty unless the OpenAI client sent them.
     */
    public List<Map<String, Object>> continuation() {
        return continuation;
    }

    public void continuation(List<Map<String, Object>> messages) {
        this.continuation = messages == null ? List.of() : List.copyOf(messages);
    }

    /** The answering run's text so far ("" before any run). */
    public String answer() {
        PathRun run = currentRun();
        return run == null ? "" : run.answer();
    }

    /** The answering run's tool calls and results ({type, data}), in order. */
    public List<Map<String, Object>> toolEvents() {
        PathRun run = currentRun();
        return run == null ? List.of() : run.toolEvents();
    }

    public Instant startedAt() {
        return startedAt;
    }

    public ConversationLink conversation() {
        return conversation;
    }

    public void conversation(ConversationLink link) {
        this.conversation = link == null ? ConversationLink.KEPT : link;
    }

    /** The OpenAI parameters every path passes to its LLM call (as sent; empty for the native chat API). */
    public Map<String, Object> llmParameters() {
        return llmParameters;
    }

    public void llmParameters(Map<String, Object> parameters) {
        this.llmParameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    }

    /** Why the answering run's LLM stopped ({@code stop}, {@code length}, ...), null if it did not say. */
    public String finishReason() {
        PathRun run = currentRun();
        return run == null ? null : run.finishReason();
    }

    public String historyNote() {
        return historyNote;
    }

    public void historyNote(String note) {
        this.historyNote = note == null ? "" : note;
    }

    /** The answering run's usage (a failed earlier attempt's is on its own run and usage record). */
    public Usage usage() {
        PathRun run = currentRun();
        return run == null ? Usage.NONE : run.usage();
    }

    public String model() {
        PathRun run = currentRun();
        return run == null ? null : run.model();
    }

    /** Whether {@code run} is the one that answered (the last); an earlier one failed and was replaced. */
    public boolean answered(PathRun run) {
        return run == currentRun();
    }

    /**
     * The error code of one of this ended turn's runs: the answering run's is the turn's own (null if it completed),
     * an earlier run's the failure it was replaced for.
     */
    public String errorCodeOf(PathRun run) {
        if (answered(run)) {
            return outcome.errorCode();
        }
        Throwable failure = run.failure();
        return failure instanceof GatewayException g ? g.code() : failure == null ? null : "internal_error";
    }

    /** How the turn ended (null while it runs): what the done/error event, usage record, metrics and log say. */
    public TurnOutcome outcome() {
        return outcome;
    }

    /** The turn's span (set by TurnTraces when tracing is on), null otherwise. */
    public Object span() {
        return span;
    }

    /** Set by {@link io.chatgw.tracing.TurnTraces#opened}: the span, and the traces its runs' spans come from. */
    public void span(Object span, io.chatgw.tracing.TurnTraces traces) {
        this.span = span;
        this.traces = traces;
    }

    public long routeEventId() {
        return routeEventId;
    }

    public long startedNanos() {
        return startedNanos;
    }

    /** When the answering run's first event was published, 0 if none. */
    public long firstEventNanos() {
        PathRun run = currentRun();
        return run == null ? 0 : run.firstEventNanos();
    }

    SessionStream stream() {
        return stream;
    }
}
