package io.chatgw.relay;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * One client attached to a session's stream: the replayed events, then live events through a bounded
 * queue. When the queue is full the client is dropped (its {@code onDrop} hook closes the connection),
 * never the producer slowed.
 */
public final class RelaySubscription {

    private final SessionStream stream;
    private final Sinks.Many<RelayEvent> live;
    private final AtomicBoolean dropped = new AtomicBoolean();
    private volatile Runnable onDrop = () -> { };
    private List<RelayEvent> replay = List.of();

    RelaySubscription(SessionStream stream, int queueSize) {
        this.stream = stream;
        this.live = Sinks.many().unicast().onBackpressureBuffer(Queues.<RelayEvent>get(queueSize).get());
    }

    void setReplay(List<RelayEvent> replay) {
        this.replay = replay;
    }

    /** Called by the stream under its lock, so emissions are serialized. @return false if this client is gone */
    boolean offer(RelayEvent event) {
        Sinks.EmitResult result = live.tryEmitNext(event);
        if (result.isSuccess()) {
            return true;
        }
        if (result == Sinks.EmitResult.FAIL_OVERFLOW && dropped.compareAndSet(false, true)) {
            live.tryEmitError(new SlowClientException("client fell " + "behind the session's events"));
            onDrop.run();
        }
        return false;
    }

    /** The session was deleted: the client's stream ends (normally) after what it already has. */
    void end() {
        live.tryEmitComplete();
    }

    /** Replayed events (and a leading resync event if needed), then live events until the client cancels. */
    public Flux<RelayEvent> events() {
        return Flux.concat(Flux.fromIterable(replay), live.asFlux())
                .doFinally(signal -> stream.detach(this));
    }

    /** What to do when this client is dropped for being slow (the HTTP layer closes the connection). */
    public void onDrop(Runnable hook) {
        this.onDrop = hook;
    }

    public boolean wasDropped() {
        return dropped.get();
    }
}
