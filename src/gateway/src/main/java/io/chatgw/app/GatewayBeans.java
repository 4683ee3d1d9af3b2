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

    /**
     * Writes usage records to PostgreSQL (a wire-tap in routes/usage.yaml), so a slow or unreachable database
     * backs up this pool, never a turn's thread nor the Kafka sink. A record refused because the queue is full
     * is logged and counted as failed for this sink (docs/operations.md).
     */
    @Bean(destroyMethod = "shutdown")
    ExecutorService usagePostgresqlPool(@Value("${gateway.usage.threads:2}") int threads,
                                        @Value("${gateway.usage.queue:10000}") int queue) {
        return usagePool("usage-postgresql-", threads, queue);
    }

    /** As {@link #usagePostgresqlPool}, for the Kafka sink: a broker outage backs up only this pool. */
    @Bean(destroyMethod = "shutdown")
    ExecutorService usageKafkaPool(@Value("${gateway.usage.threads:2}") int threads,
                                   @Value("${gateway.usage.queue:10000}") int queue) {
        return usagePool("usage-kafka-", threads, queue);
    }

    /**
     * How a usage sink retries a record (routeConfiguration usage-sink-retries in routes/route-configurations.yaml):
     * {@code gateway.usage.retries} more attempts {@code gateway.usage.retry-delay-ms} apart, each retry logged at WARN,
     * the give-up not logged here (usage-record-failed logs it with the record). A bean rather than inline YAML because
     * the Camel YAML DSL schema types maximumRedeliveries as a number, which a {{placeholder}} is not.
     */
    @Bean
    org.apache.camel.processor.errorhandler.RedeliveryPolicy usageRedeliveryPolicy(
            @Value("${gateway.usage.retries:2}") int retries, @Value("${gateway.usage.retry-delay-ms:1000}") long delayMs) {
        org.apache.camel.processor.errorhandler.RedeliveryPolicy policy = new org.apache.camel.processor.errorhandler.RedeliveryPolicy();
        policy.setMaximumRedeliveries(retries);
        policy.setRedeliveryDelay(delayMs);
        policy.setRetryAttemptedLogLevel(org.apache.camel.LoggingLevel.WARN);
        policy.setLogExhausted(false);
        return policy;
    }

    private static ExecutorService usagePool(String prefix, int threads, int queue) {
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(queue),
                daemonThreads(prefix), new ThreadPoolExecutor.AbortPolicy());
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
