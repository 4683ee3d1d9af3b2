package io.chatgw.relay;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.LongConsumer;

/**
 * One session's events: a bounded ring buffer for replay plus the clients following it live.
 * Event ids are {@code epoch * 1_000_000_000 + seq}: the epoch is bumped in the database every time a
 * relay is (re)created for the session, so ids keep increasing across gateway restarts and an id from
 * a lost buffer is always recognised as too old (resync) rather than confused with a new event.
 */
public final class SessionStream {

    static final long EPOCH_SPAN = 1_000_000_000L;

    private final UUID sessionId;
    private final long firstId;
    private final int capacity;
    private final ArrayDeque<RelayEvent> buffer;
    // copy-on-write: a client may detach from inside publish (its stream ends on the event it receives)
    private final List<RelaySubscription> clients = new CopyOnWriteArrayList<>();
    private final Runnable onClientDetached;
    private final LongConsumer heldBytesChanged;
    private long heldBytes;
    private long lastId;
    private String activeTurn;
    private boolean closed;
    private volatile boolean ephemeral;
    private volatile long lastTouchedNanos = System.nanoTime();

    SessionStream(UUID sessionId, long epoch, int capacity, Runnable onClientDetached) {
        this(sessionId, epoch, capacity, onClientDetached, bytes -> { });
    }

    /** @param heldBytesChanged told every change of the buffer's estimated size ({@link #sizeOf}), + or - */
    SessionStream(UUID sessionId, long epoch, int capacity, Runnable onClientDetached, LongConsumer heldBytesChanged) {
        this.onClientDetached = onClientDetached;
        this.heldBytesChanged = heldBytesChanged;
        this.sessionId = sessionId;
        this.firstId = epoch * EPOCH_SPAN + 1;
        this.lastId = firstId - 1;
        this.capacity = capacity;
        this.buffer = new ArrayDeque<>(Math.min(capacity, 64));
    }

    public UUID sessionId() {
        return sessionId;
    }

    /** Appends an event and hands it to every live client; never blocks on a client. */
    public RelayEvent publish(String type, String data, String turnId) {
        return publish(type, data, turnId, 0);
    }

    /** As {@link #publish(String, String, String)}, remembering when the event arrived from its source. */
    public synchronized RelayEvent publish(String type, String data, String turnId, long originNanos) {
        RelayEvent event = new RelayEvent(++lastId, type, data, turnId, originNanos);
        long change = sizeOf(event);
        if (buffer.size() == capacity) {
            change -= sizeOf(buffer.removeFirst());
        }
        buffer.addLast(event);
        heldBytes += change;
        heldBytesChanged.accept(change);
        if (event.endsTurn() && turnId != null && turnId.equals(activeTurn)) {
            activeTurn = null;
        }
        for (RelaySubscription client : clients) {
            if (!client.offer(event)) {
                clients.remove(client);
            }
        }
        lastTouchedNanos = System.nanoTime();
        return event;
    }

    /** Claims the session for one turn at a time. @return false if another turn is still running */
    public synchronized boolean beginTurn(String turnId) {
        if (activeTurn != null || closed) {
            return false;
        }
        activeTurn = turnId;
        lastTouchedNanos = System.nanoTime();
        return true;
    }

    /** Releases the turn without an event (only when it never started streaming). */
    public synchronized void abandonTurn(String turnId) {
        if (turnId.equals(activeTurn)) {
            activeTurn = null;
        }
    }

    public synchronized String activeTurn() {
        return activeTurn;
    }

    public synchronized long lastEventId() {
        return lastId;
    }

    /**
     * Attaches a client that has seen everything up to {@code afterId}: replays what the buffer holds after
     * it (preceded by a {@code resync} event when the buffer no longer holds all of it) and follows live.
     * Replay and registration happen under one lock, so nothing is missed or sent twice.
     *
     * @param afterId the last id the client has, or a negative number to follow live only
     */
    synchronized RelaySubscription attach(long afterId, int queueSize, ResyncNotice resyncNotice) {
        RelaySubscription client = new RelaySubscription(this, queueSize);
        List<RelayEvent> replay = new ArrayList<>();
        if (afterId >= 0 && afterId < lastId) {
            long oldestHeld = buffer.isEmpty() ? lastId + 1 : buffer.peekFirst().id();
            if (afterId < oldestHeld - 1) {
                replay.add(new RelayEvent(RelayEvent.NO_ID, RelayEvent.RESYNC,
                        resyncNotice.describe(afterId, oldestHeld, lastId), null));
            }
            // from the newest back to afterId: a client following live replays few events of a full buffer
            int notices = replay.size(); // the resync notice, if any, stays first
            for (java.util.Iterator<RelayEvent> newestFirst = buffer.descendingIterator(); newestFirst.hasNext(); ) {
                RelayEvent e = newestFirst.next();
                if (e.id() <= afterId) {
                    break;
                }
                replay.add(e);
            }
            java.util.Collections.reverse(replay.subList(notices, replay.size()));
        }
        client.setReplay(replay);
        clients.add(client);
        lastTouchedNanos = System.nanoTime();
        return client;
    }

    void detach(RelaySubscription client) {
        synchronized (this) {
            clients.remove(client);
            lastTouchedNanos = System.nanoTime();
        }
        onClientDetached.run();
    }

    /** Clients attached right now. */
    public synchronized int clientCount() {
        return clients.size();
    }

    /**
     * A session made for one request (OpenAI calls without a session): released sooner, once unused for the
     * ephemeral grace rather than the idle TTL.
     */
    public void markEphemeral() {
        ephemeral = true;
    }

    /**
     * Closes the stream if nobody uses it (no client, no turn) and nothing touched it for {@code idleNanos}, or for
     * {@code ephemeralGraceNanos} if it is ephemeral. The grace covers the gaps in which an ephemeral stream is
     * unused but about to be: its session resolved but the turn not open yet, or the turn ended but the HTTP
     * layer not yet attached to read it.
     */
    synchronized boolean closeIfIdle(long idleNanos, long ephemeralGraceNanos, long nowNanos) {
        long unused = nowNanos - lastTouchedNanos;
        if (clients.isEmpty() && activeTurn == null
                && (unused > idleNanos || (ephemeral && unused > ephemeralGraceNanos))) {
            closed = true;
            dropFromHead(buffer.size());
        }
        return closed;
    }

    /**
     * Gives back replay memory (the relay's budget, gateway.relay.max-buffered-bytes): a stream nobody follows and no
     * turn writes to drops its whole buffer; with {@code idleOnly} false, a busy one drops what precedes the running
     * turn's events (its live clients have them; a client reconnecting from before gets {@code resync}).
     *
     * @return the events dropped
     */
    synchronized int giveBackMemory(boolean idleOnly) {
        boolean idle = clients.isEmpty() && activeTurn == null;
        if (closed || (idleOnly && !idle)) {
            return 0;
        }
        if (idle) {
            return dropFromHead(buffer.size());
        }
        int beforeTurn = 0;
        for (RelayEvent e : buffer) {
            if (activeTurn != null && activeTurn.equals(e.turnId())) {
                break;
            }
            beforeTurn++;
        }
        return dropFromHead(beforeTurn);
    }

    /** When it was last published to, attached to or detached from ({@link System#nanoTime()}). */
    long lastTouchedNanos() {
        return lastTouchedNanos;
    }

    synchronized long heldBytes() {
        return heldBytes;
    }

    private int dropFromHead(int count) {
        long freed = 0;
        for (int i = 0; i < count; i++) {
            freed += sizeOf(buffer.removeFirst());
        }
        if (freed > 0) {
            heldBytes -= freed;
            heldBytesChanged.accept(-freed);
        }
        return count;
    }

    /** An event's heap estimate: 2 bytes per character (no compact-string saving assumed) plus its objects' headers. */
    static long sizeOf(RelayEvent event) {
        return 2L * event.data().length() + 120;
    }

    /**
     * Closes the stream for good (its session was deleted): the buffer is dropped, attached clients' streams end.
     * @return false, and nothing changes, if a turn is running
     */
    synchronized boolean discardUnlessBusy() {
        if (activeTurn != null) {
            return false;
        }
        closed = true;
        dropFromHead(buffer.size());
        new ArrayList<>(clients).forEach(RelaySubscription::end);
        return true;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** Text of the resync event. */
    @FunctionalInterface
    interface ResyncNotice {
        String describe(long requestedAfter, long oldestHeld, long lastId);
    }
}
