package io.chatgw.shadow;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.AsyncCallback;
import org.springframework.stereotype.Component;

/**
 * Where a shadow's route goes on after it waited without a thread (its end, its primary's end): two threads of its
 * own, so the comparison and its database write never take a thread from the primaries' Vert.x worker pool. The
 * queue holds {@code max-concurrent} tasks, as many as there can be (each shadow in flight has at most one waiting);
 * should one be refused anyway (shutting down), the shadows' own Vert.x worker runs it ({@link ShadowEventLoops}),
 * never the primaries'.
 */
@Component
public class ShadowContinuations {

    private final ExecutorService pool;
    private final ShadowEventLoops loops;

    public ShadowContinuations(ShadowProperties config, ShadowEventLoops loops) {
        this.loops = loops;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(config.maxConcurrent()),
                r -> {
                    Thread t = new Thread(r, "shadow-compare-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    void resume(AsyncCallback callback) {
        try {
            pool.execute(() -> callback.done(false));
        } catch (RejectedExecutionException e) {
            loops.vertx().executeBlocking(() -> {
                callback.done(false);
                return null;
            }, false);
        }
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        pool.shutdown();
    }
}
