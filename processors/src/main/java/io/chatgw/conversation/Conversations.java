package io.chatgw.conversation;

import io.chatgw.core.LastKnown;
import io.chatgw.core.LastKnownReads;
import io.chatgw.turn.ConversationLink;
import io.chatgw.turn.Turn;
import io.chatgw.turn.TurnOutcome;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.stereotype.Component;

/**
 * Each session's conversation: what a new message is sent with, and what an ended turn adds. An ended turn is
 * remembered in memory at once (before its done/error event goes out, so the client's next message already
 * sees it) and written to PostgreSQL off the client's path (routes/sessions.yaml's store-conversation-turn);
 * it is forgotten from memory once written, or once the write was given up (logged with the turn). A write that
 * finds PostgreSQL unreachable is held instead ({@link #hold}) and tried again until it lands. A session's last
 * turns as PostgreSQL gave them, plus the turns ended since, are kept for an outage ({@link LastKnown}): its next
 * message then goes with its history. A gateway that stops with writes pending or held loses those turns (their
 * usage records are separate: the events spool).
 */
@Component
public class Conversations {

    private final ConversationStore store;
    private final HistoryWindow window;
    private final int maxTurns;
    /** Ended turns not yet written, per session. */
    private final Map<UUID, List<ConversationTurn>> pending = new ConcurrentHashMap<>();
    /** The same turns by request id (a response chain is walked by it). */
    private final Map<UUID, ConversationTurn> pendingByRequest = new ConcurrentHashMap<>();
    /** Each session's newest turns (newest first, at most max-turns + 1), served only while PostgreSQL is unreachable. */
    private final LastKnown<UUID, List<ConversationTurn>> lastKnown;
    /** Turns whose write found PostgreSQL unreachable, oldest first: written by {@link #writeHeld}. */
    private final java.util.concurrent.BlockingQueue<ConversationTurn> held;

    public Conversations(ConversationStore store, ConversationProperties config, LastKnownReads lastKnownReads) {
        this.store = store;
        this.lastKnown = lastKnownReads.cache("conversation", config.lastKnownSessions());
        this.held = new java.util.concurrent.LinkedBlockingQueue<>(Math.max(1, config.writerQueue()));
        this.maxTurns = config.maxTurns();
        this.window = new HistoryWindow(config.maxTurns(), config.historyTokenBudget(), config.encoding());
    }

    /** The history to send with the session's next message: its last turns within the configured bounds. */
    public HistoryWindow.Bounded history(UUID sessionId) {
        if (maxTurns == 0) {
            return window.bound(List.of());
        }
        // one more than can be sent: the window then knows (and logs) that older turns were cut
        List<ConversationTurn> newest = lastKnown.read(sessionId,
                () -> Optional.of(store.newest(sessionId, maxTurns + 1, window.encodingName()))).orElseThrow();
        List<ConversationTurn> waiting = pending.get(sessionId);
        if (waiting != null && !waiting.isEmpty()) {
            List<ConversationTurn> merged = new ArrayList<>(newest);
            for (ConversationTurn turn : waiting) {
                if (newest.stream().noneMatch(t -> t.requestId().equals(turn.requestId()))) {
                    merged.add(turn);
                }
            }
            merged.sort(Comparator.comparing(ConversationTurn::startedAt).thenComparing(ConversationTurn::requestId)
                    .reversed());
            newest = merged;
        }
        return window.bound(newest);
    }

    /** A session was just created here: its conversation is empty (known without asking PostgreSQL, for an outage). */
    public void started(UUID sessionId) {
        lastKnown.put(sessionId, List.of());
    }

    /**
     * The history of a response continuing {@code previous} (its {@code previous_response_id}): that turn and the
     * ones it continues, within the configured bounds; empty with {@link #chainStart} null if it is not stored.
     */
    public Chain chain(UUID previous) {
        // one more than can be sent (the window then knows that older turns were cut); at least the turn itself
        int limit = Math.max(1, maxTurns + 1);
        List<ConversationTurn> turns = new ArrayList<>();
        UUID next = previous;
        while (next != null && turns.size() < limit) { // the newest are often not written yet
            ConversationTurn waiting = pendingByRequest.get(next);
            if (waiting == null) {
                break;
            }
            turns.add(waiting);
            next = waiting.previousRequestId();
        }
        if (next != null && turns.size() < limit) {
            turns.addAll(store.chain(next, limit - turns.size(), window.encodingName()));
        }
        ConversationTurn start = turns.isEmpty() ? null : turns.get(0);
        return new Chain(start, maxTurns == 0 ? window.bound(List.of()) : window.bound(turns));
    }

    /** The stored turn of this request (held in memory until written, then read from PostgreSQL), or null. */
    public ConversationTurn stored(UUID requestId) {
        ConversationTurn waiting = pendingByRequest.get(requestId);
        if (waiting != null) {
            return waiting;
        }
        List<ConversationTurn> found = store.chain(requestId, 1, window.encodingName());
        return found.isEmpty() ? null : found.get(0);
    }

    /** A response chain's newest turn ({@code null}: not stored) and the bounded history it makes. */
    public record Chain(ConversationTurn chainStart, HistoryWindow.Bounded history) {
    }

    /**
     * The turn ended: remembered until written. Called by {@link io.chatgw.turn.Turns} before the terminal
     * event. @return the turn to write, or null if the session's conversation does not keep it
     */
    public ConversationTurn remember(Turn turn) {
        ConversationLink link = turn.conversation();
        if (!link.kept()) {
            return null;
        }
        TurnOutcome outcome = turn.outcome();
        boolean completed = outcome != null && !TurnOutcome.FAILED.equals(outcome.status());
        ConversationTurn ended = new ConversationTurn(turn.requestId(), turn.session().id(),
                turn.startedAt().truncatedTo(ChronoUnit.MICROS), link.ownMessage(turn.message()), turn.answer(),
                completed ? ConversationTurn.COMPLETED : ConversationTurn.FAILED, turn.path(),
                completed ? null : outcome == null ? "internal_error" : outcome.errorCode(), turn.toolEvents(), null,
                link.previousRequestId(), link.input(), link.settings(), completed ? turn.finishReason() : null);
        pendingByRequest.put(ended.requestId(), ended);
        pending.computeIfAbsent(ended.sessionId(), id -> new CopyOnWriteArrayList<>()).add(ended);
        lastKnown.update(ended.sessionId(), newest -> {
            List<ConversationTurn> updated = new ArrayList<>(maxTurns + 2);
            updated.add(ended);
            newest.stream().filter(t -> !t.requestId().equals(ended.requestId())).limit(maxTurns).forEach(updated::add);
            return List.copyOf(updated);
        });
        return ended;
    }

    /** The ended turn {@link #remember} holds for this request, or null. */
    public ConversationTurn remembered(UUID requestId, UUID sessionId) {
        List<ConversationTurn> waiting = pending.get(sessionId);
        if (waiting == null) {
            return null;
        }
        return waiting.stream().filter(t -> t.requestId().equals(requestId)).findFirst().orElse(null);
    }

    /** Writes a remembered turn (on a writer thread); throws so the route can retry. */
    public void write(ConversationTurn turn) {
        store.insert(turn.withTokens(window.count(turn)), window.encodingName()); // counted once, here
        forget(turn);
    }

    /** The turn is written, or its write was given up: no longer held in memory. */
    public void forget(ConversationTurn turn) {
        pendingByRequest.remove(turn.requestId());
        pending.computeIfPresent(turn.sessionId(), (id, turns) -> {
            turns.removeIf(t -> t.requestId().equals(turn.requestId()));
            return turns.isEmpty() ? null : turns;
        });
    }

    /**
     * The turn's write found PostgreSQL unreachable: it stays remembered and is written by {@link #writeHeld} once
     * PostgreSQL answers. @return false if {@code writer-queue} turns are held already (then it is given up)
     */
    public boolean hold(ConversationTurn turn) {
        return pendingByRequest.containsKey(turn.requestId()) && held.offer(turn);
    }

    /**
     * Writes the held turns, oldest first, on the caller's thread; stops at the first that finds PostgreSQL still
     * unreachable (it and the rest stay held). A turn that fails otherwise goes to {@code givenUp}.
     * @return how many were written
     */
    public int writeHeld(java.util.function.BiConsumer<ConversationTurn, RuntimeException> givenUp) {
        int written = 0;
        for (ConversationTurn turn; (turn = held.peek()) != null; ) {
            if (!pendingByRequest.containsKey(turn.requestId())) { // its session was deleted meanwhile
                held.poll();
                continue;
            }
            try {
                write(turn);
                written++;
            } catch (RuntimeException e) {
                if (io.chatgw.core.DatabaseUnavailable.isUnreachable(e)) {
                    return written;
                }
                givenUp.accept(turn, e);
            }
            held.poll();
        }
        return written;
    }

    public int heldTurns() {
        return held.size();
    }

    /** The session was deleted: nothing of it is held or written any more. */
    public void forgetSession(UUID sessionId) {
        lastKnown.forget(sessionId);
        List<ConversationTurn> dropped = pending.remove(sessionId);
        if (dropped != null) {
            dropped.forEach(t -> pendingByRequest.remove(t.requestId()));
        }
    }

    public int pendingTurns() {
        return pending.values().stream().mapToInt(List::size).sum();
    }
}
