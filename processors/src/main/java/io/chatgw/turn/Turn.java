package io.chatgw.turn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.auth.Caller;
import io.chatgw.relay.RelayEvent;
import io.chatgw.relay.SessionStream;
import io.chatgw.routing.ModeDecision;
import io.chatgw.session.ChatSession;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One chat message on its way through a path: what the path publishes goes through here into the
 * session's relay, stamped with this turn's request id. Ended exactly once, by {@link Turns}.
 */
public final class Turn {

    private final UUID requestId;
    private final Caller caller;
    private final ChatSession session;
    private final ModeDecision decision;
    private final String message;
    private final List<Map<String, String>> history;
    private final SessionStream stream;
    private final ObjectMapper json;
    private final long startedNanos = System.nanoTime();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile long firstEventNanos;
    private volatile long routeEventId;
    private volatile Usage usage = Usage.NONE;
    private volatile String model;

    Turn(UUID requestId, Caller caller, ChatSession session, ModeDecision decision, String message,
         List<Map<String, String>> history, SessionStream stream, ObjectMapper json) {
        this.requestId = requestId;
        this.caller = caller;
        this.session = session;
        this.decision = decision;
        this.message = message;
        this.history = history == null ? List.of() : List.copyOf(history);
        this.stream = stream;
        this.json = json;
    }

    /** Publishes one event of this turn to every client of the session. */
    public RelayEvent publish(String type, Map<String, ?> data) {
        return publish(type, data, 0);
    }

    /** As {@link #publish(String, Map)}, with the time the event arrived from its source (relay latency). */
    public RelayEvent publish(String type, Map<String, ?> data, long originNanos) {
        if (ended.get()) {
            throw new IllegalStateException("turn " + requestId + " already ended; dropped " + type);
        }
        if (firstEventNanos == 0 && !ChatEventTypes.ROUTE.equals(type)) {
            firstEventNanos = System.nanoTime();
        }
        return stream.publish(type, serialize(data), requestId.toString(), originNanos);
    }

    /** The terminal event: only {@link Turns} calls this, once. */
    RelayEvent publishEnd(String type, Map<String, ?> data) {
        return stream.publish(type, serialize(data), requestId.toString());
    }

    boolean markEnded() {
        return ended.compareAndSet(false, true);
    }

    public boolean hasEnded() {
        return ended.get();
    }

    private String serialize(Map<String, ?> data) {
        try {
            return json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event data is not serializable", e);
        }
    }

    public void reportUsage(Usage usage) {
        this.usage = usage;
    }

    public void reportModel(String model) {
        if (model != null && !model.isBlank()) {
            this.model = model;
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

    public ModeDecision decision() {
        return decision;
    }

    public String path() {
        return decision.mode().wire();
    }

    public String message() {
        return message;
    }

    /** The conversation before {@link #message()}: {role, content} maps, oldest first; empty for the native chat API. */
    public List<Map<String, String>> history() {
        return history;
    }

    public Usage usage() {
        return usage;
    }

    public String model() {
        return model;
    }

    public long routeEventId() {
        return routeEventId;
    }

    public long startedNanos() {
        return startedNanos;
    }

    public long firstEventNanos() {
        return firstEventNanos;
    }

    SessionStream stream() {
        return stream;
    }
}
