package io.chatgw.shadow;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.springframework.stereotype.Component;

/**
 * The shadows' own Vert.x: {@code gateway.shadow.event-loops} event loops (default 1) and one worker thread, apart
 * from the primaries' (the gateway's {@code vertx} bean). A shadow on an HTTP path (legacy, direct_llm) runs its
 * upstream call here: its connection, the parsing and mapping of its stream, its timers. So however slow or busy
 * shadows are, they queue behind each other, never in front of a primary's chunk on the primaries' loops. The worker
 * thread takes over a shadow's continuation only when {@link ShadowContinuations}' own pool refuses it (shutting down).
 * The {@code new} path has no client of its own: a shadow there goes over the user's plane socket like the primary.
 */
@Component
public class ShadowEventLoops {

    private final Vertx vertx;

    public ShadowEventLoops(ShadowProperties config) {
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.eventLoops()).setWorkerPoolSize(1));
    }

    /** The Vert.x shadows' upstream clients are created on and run on. */
    public Vertx vertx() {
        return vertx;
    }

    @jakarta.annotation.PreDestroy
    void close() {
        vertx.close();
    }
}
