package io.chatgw.events;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.spi.LifecycleStrategy;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import io.micrometer.core.instrument.MeterRegistry;

/** The one way out for usage and audit events, built from {@code gateway.events.*}; docs/events.md. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EventsProperties.class)
public class EventsBeans {

    @Bean
    EventJson eventJson() {
        return new EventJson();
    }

    @Bean
    EventMeters eventMeters(MeterRegistry meters, io.chatgw.metrics.MetricTags tags) {
        return new EventMeters(meters, tags);
    }

    @Bean(destroyMethod = "close")
    EventJournal eventJournal(EventsProperties config, EventMeters meters) throws IOException {
        EventJournal journal = new EventJournal(config.spool().dir(), config.spool().maxSize().toBytes(),
                config.spool().segmentSize().toBytes(), config.spool().syncEachAppend());
        meters.spool(journal::events, journal::bytes, journal.maxBytes());
        return journal;
    }

    @Bean
    EventStore eventStore(JdbcTemplate jdbc, TransactionTemplate tx, EventJson json, EventsProperties config) {
        return new EventStore(jdbc, tx, json, config.usageTopic(), config.auditTopic());
    }

    @Bean
    AcceptEvent acceptEvent(EventJournal journal, EventJson json, EventMeters meters) {
        return new AcceptEvent(journal, json, meters);
    }

    @Bean
    ReportRefusedEvent reportRefusedEvent(EventJson json, EventMeters meters) {
        return new ReportRefusedEvent(json, meters);
    }

    @Bean
    DrainEventSpool drainEventSpool(EventJournal journal, EventStore store, EventJson json, EventMeters meters,
                                    EventsProperties config) {
        return new DrainEventSpool(journal, store, json, meters, config);
    }

    @Bean(destroyMethod = "close")
    RelayOutbox relayOutbox(JdbcTemplate jdbc, TransactionTemplate tx, EventMeters meters, EventsProperties config,
                            @Value("${camel.component.kafka.brokers}") String brokers) {
        return new RelayOutbox(jdbc, tx, meters, config, brokers);
    }

    @Bean
    DescribeUsageEvent describeUsageEvent(EventMeters meters) {
        return new DescribeUsageEvent(meters);
    }

    @Bean
    DescribePlaneUsage describePlaneUsage(EventsProperties config) {
        return new DescribePlaneUsage(config);
    }

    @Bean
    RefuseTurnWhenSpoolFull refuseTurnWhenSpoolFull(EventJournal spool, EventsProperties config) {
        return new RefuseTurnWhenSpoolFull(spool, config.refuseTurnsWhenSpoolFull());
    }

    @Bean
    DescribeTurnAudit describeTurnAccepted() {
        return new DescribeTurnAudit(false);
    }

    @Bean
    DescribeTurnAudit describeTurnEnded() {
        return new DescribeTurnAudit(true);
    }

    @Bean
    EventRecorder eventRecorder(ObjectProvider<ProducerTemplate> producer) {
        return new EventRecorder(producer);
    }

    /**
     * Hands wire-tapped events to record-event (routes/events.yaml) off the flows' threads. One thread by
     * default: the spool keeps the order events were handed over in. When the queue is full, or the pool is shut
     * down (the gateway stopping), the flow's own thread appends the event: nothing is dropped.
     */
    @Bean(destroyMethod = "shutdown")
    ExecutorService eventAcceptPool(EventsProperties config) {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(config.acceptThreads(), config.acceptThreads(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(config.acceptQueue()), r -> {
                    Thread t = new Thread(r, "event-accept-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, (task, pool) -> task.run());
    }

    /** A normal stop drains the accept pool, then the spool and the outbox, within shutdown-drain-timeout. */
    @Bean
    LifecycleStrategy drainEventsAtStop(ExecutorService eventAcceptPool, EventJournal journal, DrainEventSpool spool,
                                        RelayOutbox relay, EventsProperties config) {
        return new DrainEventsAtStop(eventAcceptPool, journal, spool, relay, config);
    }
}
