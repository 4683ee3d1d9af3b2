package io.chatgw.shadow;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Binds {@code gateway.shadow.*} and builds the shadow runs' own pool. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ShadowProperties.class)
public class ShadowBeans {

    /**
     * Starts shadow runs (routes/shadow.yaml's wire-tap): {@code threads} threads, at most {@code queue} waiting. A full
     * queue refuses the task (RejectedExecutionException: the sample is skipped as {@code pool_full}); it never runs on
     * the caller's thread, which is the primary's.
     */
    @Bean(destroyMethod = "shutdownNow")
    ExecutorService shadowPool(ShadowProperties config) {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(config.threads(), config.threads(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(config.queue()), r -> {
                    Thread t = new Thread(r, "shadow-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
    }
}
