package io.chatgw.conversation;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Binds {@code gateway.conversations.*}; the pool that writes ended turns (routes/sessions.yaml). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ConversationProperties.class)
public class ConversationBeans {

    /** Retries of a failed write (routes/sessions.yaml's conversation-writer-retries). */
    @Bean
    org.apache.camel.processor.errorhandler.RedeliveryPolicy conversationRedeliveryPolicy(ConversationProperties config) {
        org.apache.camel.processor.errorhandler.RedeliveryPolicy policy = new org.apache.camel.processor.errorhandler.RedeliveryPolicy();
        policy.setMaximumRedeliveries(config.writeRetries());
        policy.setRedeliveryDelay(config.writeRetryDelayMs());
        policy.setRetryAttemptedLogLevel(org.apache.camel.LoggingLevel.WARN);
        policy.setLogExhausted(false);
        return policy;
    }

    /**
     * Writes ended turns to PostgreSQL, so a slow database backs up this pool, never a turn's thread. A turn
     * refused because the queue is full is logged and not stored (giveUpConversationTurn).
     */
    @Bean(destroyMethod = "shutdown")
    ExecutorService conversationWriterPool(ConversationProperties config) {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(config.writerThreads(), config.writerThreads(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(config.writerQueue()), r -> {
                    Thread t = new Thread(r, "conversation-writer-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
    }
}
