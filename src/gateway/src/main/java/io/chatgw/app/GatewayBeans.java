package io.chatgw.app;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Infrastructure beans of the application shell. */
@Configuration(proxyBeanMethods = false)
public class GatewayBeans {

    /** The event loops the upstream clients (and later the execution-plane socket) run on. */
    @Bean(destroyMethod = "close")
    Vertx vertx(@Value("${gateway.vertx.event-loops:0}") int eventLoops) {
        VertxOptions options = new VertxOptions();
        if (eventLoops > 0) {
            options.setEventLoopPoolSize(eventLoops);
        }
        return Vertx.vertx(options);
    }

    /**
     * Runs the start of each path (the wire-tap in routes/chat.yaml). Paths are asynchronous, so a thread is
     * held only until the upstream request is sent; when all are busy the caller runs it. Once shut down it
     * refuses the task (RejectedExecutionException), which dispatch-turn turns into an {@code error} event, so
     * no turn stays claimed by a task that will never run.
     */
    @Bean(destroyMethod = "shutdown")
    ExecutorService turnDispatchPool(@Value("${gateway.dispatch.threads:128}") int threads,
                                     @Value("${gateway.dispatch.queue:10000}") int queue) {
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(queue),
                daemonThreads("turn-dispatch-"), (task, pool) -> {
                    if (pool.isShutdown()) {
                        throw new RejectedExecutionException("turn dispatch is shut down");
                    }
                    task.run();
                });
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
